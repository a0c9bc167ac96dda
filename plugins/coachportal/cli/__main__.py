"""`python -m coachportal.cli`: the same as the `coachportal` command."""

from .main import main

raise SystemExit(main())

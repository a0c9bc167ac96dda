"""`coachportal verify`: audit a built site against the configuration and engagement files it
came from, with no passphrase, before anything deploys it.

:func:`expected_site` reads what the build was asked to write; :func:`audit` compares a
site with it and returns every :class:`Finding`. Nothing here imports MkDocs.
"""

from .audit import Finding, audit
from .expected import Expected, expected_site

__all__ = ["Expected", "Finding", "audit", "expected_site"]

"""`coachportal verify [SITE_DIR]`: audit a built site before deploying it (no passphrase needed).

Exit 0 when the site holds every engagement page of every view as ciphertext only and
every page its hygiene; else one line per problem on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..core.errors import EngagementError
from .portal import required_portal


def register(commands: argparse._SubParsersAction) -> None:
    verify = commands.add_parser(
        "verify", help="audit a built site before deploying it: every problem, one line each"
    )
    verify.add_argument("site", nargs="?", metavar="SITE_DIR", help="the built site (default: site_dir)")
    verify.add_argument("-f", "--config-file", dest="config", help="mkdocs.yml (default: the nearest one)")
    verify.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..verify import audit, expected_site

    portal, warnings = required_portal(args)
    for warning in warnings:
        print(warning, file=sys.stderr)
    site = Path(args.site) if args.site else portal.site.site_dir
    try:
        expected = expected_site(portal)
    except EngagementError as exc:
        print(exc, file=sys.stderr)
        print("coachportal: the engagement files have problems: the site cannot be verified", file=sys.stderr)
        return 1
    # as the user named it, else as seen from the current directory
    shown = Path(args.site) if args.site else Path(os.path.relpath(site))
    findings = audit(site, expected)
    for finding in findings:
        print(finding.line(shown), file=sys.stderr)
    if findings:
        print(f"coachportal: {shown}: {len(findings)} problem(s); do not deploy it", file=sys.stderr)
        return 1
    pages = len(expected.pages)
    print(f"{shown}: OK: {len(expected.ids)} engagement(s), {pages} encrypted page(s), every page checked")
    return 0

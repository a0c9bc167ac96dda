"""`coachportal digest`: each reader's e-mail of what changed (derive/digest.py makes it)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..core.i18n import translator
from ..core.models import Level
from ..core.pages import view_prefix
from ..core.redact import redact
from ..derive import digest
from ..derive.changes import PreviousVersions, news_by_id
from ..load.history import histories
from ..load.loader import Loader
from .errors import CliError
from .portal import required_portal

WITH_CONTENT_WARNING = (
    "warning: --with-content puts clients' names, titles and the text of changes into the messages: "
    "they leave the encrypted portal and cross mail servers in plaintext"
)


def register(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("digest", help="write each reader an e-mail (.eml) of what changed")
    sub.add_argument("--since", required=True, metavar="DATE", help="changes on or after this day")
    sub.add_argument("--reader", metavar="ID", help="only this reader (default: every reader)")
    sub.add_argument("--out", metavar="DIR", default="digests", help="where the .eml files go")
    sub.add_argument("--from", dest="sender", metavar="ADDRESS", help="the From: line")
    sub.add_argument("--with-content", action="store_true", help="add clients' names and headlines")
    sub.add_argument("-f", "--config-file", dest="config", help="mkdocs.yml (default: the nearest one)")
    sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        since = dt.date.fromisoformat(args.since)
    except ValueError:
        raise CliError(f"--since {args.since!r}: not a date (expected YYYY-MM-DD)") from None
    portal, _ = required_portal(args)
    site = portal.site
    if args.reader and args.reader not in portal.readers:
        known = ", ".join(sorted(portal.readers)) or "none"
        raise CliError(f"--reader {args.reader!r}: no such reader in {portal.path} (declared: {known})")
    if not site.site_url:
        raise CliError(f"{portal.path}: site_url is not set (the digest links to the portal)")
    if args.with_content:
        print(WITH_CONTENT_WARNING, file=sys.stderr)
    t = translator(site.portal_language)
    loader = Loader(keep=False)
    sources = loader.sources(portal.engagements_dir, set(portal.readers) if portal.encryption else None)
    found = histories(portal.engagements_dir, [s.path for s in sources])  # git, read once
    paths = {s.engagement.id: s.path for s in sources}
    previous = PreviousVersions(loader)
    views = list(site.levels())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for rid, info in sorted(portal.readers.items()):
        if args.reader and rid != args.reader:
            continue
        level = max((v for v in views if Level.parse(info["level"]).may_read(v)), default=views[0])
        prefix = view_prefix(level.label, views[0].label)
        engagements = [redact(s.engagement, level) for s in sources]
        news = news_by_id(paths, found, engagements, level, previous, t)
        reader = digest.Reader(rid, info["name"], info.get("email"))
        entries = digest.entries_for(reader, engagements, news, since, site.site_url, prefix)
        msg = digest.message(
            reader, entries, since, site.site_url, site.site_name, t, args.with_content, args.sender
        )
        target = out / digest.file_name(reader)
        target.write_bytes(bytes(msg))
        written += 1
        print(f"{target}: {len(entries)} engagement(s) changed")
    print(f"{written} digest(s) in {out}")
    return 0

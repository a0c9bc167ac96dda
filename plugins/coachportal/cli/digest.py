"""`coachportal digest`: each reader's e-mail of what changed (derive/digest.py makes it)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..core.i18n import translator
from ..core.models import Level
from ..core.redact import redact
from ..derive import digest
from ..derive.changes import news_by_id
from ..load.loader import load_engagements
from ..load.project import CliError, PortalConfig, find_config, load_portal_config

WITH_CONTENT_WARNING = (
    "warning: --with-content puts clients' names, titles and the text of changes into the messages: "
    "they leave the encrypted portal and cross mail servers in plaintext"
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    sub = commands.add_parser("digest", help="write each reader an e-mail (.eml) of what changed")
    sub.add_argument("--since", required=True, metavar="DATE", help="changes on or after this day")
    sub.add_argument("--reader", metavar="ID", help="only this reader (default: every reader)")
    sub.add_argument("--out", metavar="DIR", default="digests", help="where the .eml files go")
    sub.add_argument("--from", dest="sender", metavar="ADDRESS", help="the From: line")
    sub.add_argument("--with-content", action="store_true", help="add clients' names and headlines")
    sub.add_argument("-f", "--config-file", dest="config", help="mkdocs.yml (default: the nearest one)")
    sub.set_defaults(run=run)


def _portal(args: argparse.Namespace) -> PortalConfig:
    path = Path(args.config) if args.config else find_config()
    if path is None or not path.is_file():
        raise CliError("no mkdocs.yml found: name the portal's configuration with -f")
    return load_portal_config(path)[0]


def run(args: argparse.Namespace) -> int:
    try:
        since = dt.date.fromisoformat(args.since)
    except ValueError:
        raise CliError(f"--since {args.since!r}: not a date (expected YYYY-MM-DD)") from None
    portal = _portal(args)
    if args.reader and args.reader not in portal.readers:
        known = ", ".join(sorted(portal.readers)) or "none"
        raise CliError(f"--reader {args.reader!r}: no such reader in {portal.path} (declared: {known})")
    if not portal.site_url:
        raise CliError(f"{portal.path}: site_url is not set (the digest links to the portal)")
    if args.with_content:
        print(WITH_CONTENT_WARNING, file=sys.stderr)
    t = translator(portal.language)
    loaded = load_engagements(portal.engagements_dir, set(portal.readers) if portal.encryption else None)
    views = sorted(Level.parse(v) for v in portal.views)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for rid, info in sorted(portal.readers.items()):
        if args.reader and rid != args.reader:
            continue
        level = max((v for v in views if Level.parse(info["level"]).may_read(v)), default=views[0])
        prefix = "" if level == views[0] else f"{level.label}/"
        engagements = [redact(e, level) for e in loaded]
        news = news_by_id(portal.engagements_dir, engagements, level, t)
        reader = digest.Reader(rid, info["name"], info.get("email"))
        entries = digest.entries_for(reader, engagements, news, since, portal.site_url, prefix)
        msg = digest.message(
            reader, entries, since, portal.site_url, portal.site_name, t, args.with_content, args.sender
        )
        target = out / digest.file_name(reader)
        target.write_bytes(bytes(msg))
        written += 1
        print(f"{target}: {len(entries)} engagement(s) changed")
    print(f"{written} digest(s) in {out}")
    return 0

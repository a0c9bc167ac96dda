"""Command line: check engagement files without building, export the JSON Schema."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import EngagementError
from .loader import load_engagement, load_engagements


def _readers(config_file: Path) -> set[str] | None:
    """The reader ids of mkdocs.yml's coachportal plugin, when its build encrypts."""
    from mkdocs.utils.yaml import yaml_load  # reads !ENV and !!python/name like MkDocs does

    with config_file.open(encoding="utf-8") as fh:
        config = yaml_load(fh) or {}
    for plugin in config.get("plugins") or []:
        if isinstance(plugin, dict) and "coachportal" in plugin:
            options = plugin["coachportal"] or {}
            return None if options.get("encryption") is False else set(options.get("readers") or {})
    return None


def _check(args: argparse.Namespace) -> int:
    target = Path(args.directory)
    if not target.exists():
        print(f"coachportal: no such file or directory: {target}", file=sys.stderr)
        return 2
    config_file = Path(args.config)
    readers = _readers(config_file) if config_file.is_file() else None
    try:
        if target.is_dir():
            engagements = load_engagements(target, readers)
        else:
            engagements = [load_engagement(target, readers)]
    except EngagementError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{len(engagements)} engagement file(s) OK: {', '.join(e.id for e in engagements)}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    from .schema import engagement_json_schema

    text = json.dumps(engagement_json_schema(), indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coachportal", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate engagement files and list every problem")
    check.add_argument("directory", nargs="?", default="engagements", help="a directory or one file")
    check.add_argument(
        "-f", "--config-file", dest="config", default="mkdocs.yml",
        help="mkdocs.yml whose readers `access:` may name (default: ./mkdocs.yml, when present)",
    )  # fmt: skip
    check.set_defaults(run=_check)
    schema = commands.add_parser("schema", help="write the engagement JSON Schema (for editor completion)")
    schema.add_argument("-o", "--output", default="engagement.schema.json")
    schema.set_defaults(run=_schema)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    raise SystemExit(main())

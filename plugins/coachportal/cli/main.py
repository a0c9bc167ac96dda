"""coachportal's command line: create a portal and engagements, validate, and edit files as written.

coachportal init DIR                 a new portal, ready to push
coachportal new ID                   engagements/ID.yml, a commented scaffold
coachportal validate [PATH...]       the build's checks (alias: check)
coachportal action|goal|session|correction|followup|stage|survey FILE ...
                                     edits that keep comments and layout
coachportal reader add|rotate ID     readers in mkdocs.yml, passphrases in the secrets file
coachportal schema                   engagement.schema.json for editor completion
coachportal verify [SITE_DIR]        audit a built site before deploying it
coachportal digest --since DATE      each reader's e-mail of what changed (.eml)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..core.errors import EngagementError, Problem
from ..core.log import prefixed
from ..core.models import Level
from ..edit.errors import EditError
from ..load.project import ConfigError, PortalConfig, find_config, load_portal_config
from . import digest, edits, survey, verify
from .errors import CliError
from .portal import config_path

if TYPE_CHECKING:
    from ..load.loader import Loader, Source

DEFAULT_ENGAGEMENTS = "engagements"


# --- validate ----------------------------------------------------------------------------------------


def _portal_for(args: argparse.Namespace) -> tuple[PortalConfig | None, list[str]]:
    """The portal of ``-f``, else of the nearest mkdocs.yml upwards; notes to print."""
    path = config_path(args)
    if path is None:
        return None, [
            f"note: no mkdocs.yml in {Path.cwd()} or any parent: the reader ids in access: are not "
            "checked (name the portal's configuration with -f)"
        ]
    return load_portal_config(path)


def _annotation(problem: Problem) -> str:
    """A GitHub Actions error annotation (workflow command), escaped as the runner expects."""

    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    message = f"{problem.field}: {problem.message}" if problem.field else problem.message
    # GitHub links an annotation to a file by its path from the repository's root
    root = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd()).resolve()
    path = problem.path.resolve()
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(problem.path)
    return f"::error file={prop(shown)},line={problem.line},col={problem.column}::{data(message)}"


def _validate(args: argparse.Namespace) -> int:
    from ..core import access
    from ..core.clock import today
    from ..derive.warnings import contract_problems, placeholder_problems, unusual_problems
    from ..load.frozen import FrozenRounds

    portal, targets, readers = _validate_targets(args)
    sources, problems, loader = _load_allowing_unopened(targets, readers)
    names = [s.engagement.id for s in sources]
    frozen = FrozenRounds(loader.parses).check([(s.path, s.engagement) for s in sources], today())
    problems += frozen.problems  # closed survey rounds changed since they were published
    reader_problems = access.check_readers(portal.readers) if portal else []
    if reader_problems:
        print(prefixed(*reader_problems), file=sys.stderr)
    if problems:
        _print_problems(problems)
    if problems or reader_problems:
        return 1
    for warning in [
        *placeholder_problems(sources, loader.parses),
        *unusual_problems(sources, today(), loader.parses),
        *contract_problems(sources, loader.parses),
        *frozen.warnings(),
    ]:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"{len(names)} engagement file(s) OK" + (f": {', '.join(names)}" if names else ""))
    return 0


def _validate_targets(args: argparse.Namespace) -> tuple[PortalConfig | None, list[Path], set[str] | None]:
    """The portal of the project (if any), the files or folders to validate, and the
    declared readers ``access:`` may name (None: not checked, the portal is not encrypted)."""
    portal, notes = _portal_for(args)
    for note in notes:
        print(note, file=sys.stderr)
    readers = set(portal.readers) if portal and portal.encryption else None
    if portal and not portal.encryption:
        print(f"note: {portal.path} has encryption: false; access: is not checked", file=sys.stderr)
    # relative to the current directory, so that messages name files as the coach sees them
    default = Path(os.path.relpath(portal.engagements_dir)) if portal else Path(DEFAULT_ENGAGEMENTS)
    return portal, [Path(p) for p in args.paths] or [default], readers


def _load_allowing_unopened(
    targets: list[Path], readers: set[str] | None
) -> tuple[list[Source], list[Problem], Loader]:
    """:func:`_load_all`; valid files whose ``access:`` names no reader yet only warn."""
    from ..core import access

    sources, problems, loader = _load_all(targets, readers)
    unopened = [p for p in problems if p.field == "access" and p.message.startswith(access.NO_READER)]
    if unopened and len(unopened) == len(problems):  # valid files, some without a reader yet
        sources, problems, loader = _load_all(targets, None)
        for problem in unopened:
            print(f"warning: {problem}; the build refuses it until access: names a reader", file=sys.stderr)
    return sources, problems, loader


def _load_all(targets: list[Path], readers: set[str] | None) -> tuple[list[Source], list[Problem], Loader]:
    """Every valid engagement in ``targets`` (files or directories) with its file, every
    problem, and the loader that read them (its parses place the warnings)."""
    from ..load.loader import Loader, Source

    loader = Loader()
    sources: list[Source] = []
    problems: list[Problem] = []
    for target in targets:
        if not target.exists():
            raise CliError(f"{target}: no such file or directory")
        try:
            if target.is_dir():
                sources.extend(loader.sources(target, readers))
            else:
                sources.append(Source(target, loader.load(target, readers)))
        except EngagementError as exc:
            problems.extend(exc.problems)
    return sources, problems, loader


def _print_problems(problems: list[Problem]) -> None:
    """Every problem on stderr; on GitHub Actions also one annotation each on stdout."""
    error = EngagementError(problems)
    print(error, file=sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in error.problems:
            print(_annotation(problem))


# --- schema, init, new ------------------------------------------------------------------------------


def _schema(args: argparse.Namespace) -> int:
    from ..core.schema import engagement_json_schema

    text = json.dumps(engagement_json_schema(), indent=2) + "\n"
    if args.output == "-":
        sys.stdout.write(text)
    else:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    return 0


def _init(args: argparse.Namespace) -> int:
    from ..edit.scaffold import init_portal

    directory = Path(args.directory)
    written = init_portal(directory, args.site_name, args.language)
    print(f"A new portal in {directory}:")
    for path in written:
        print(f"  {path}")
    from ..edit.scaffold import PLACEHOLDER_INSTALL

    if PLACEHOLDER_INSTALL in (directory / "requirements.txt").read_text(encoding="utf-8"):
        print(f"note: write where your copy of coachportal lives into {directory / 'requirements.txt'}")
    print(
        "\nNext: cd into it, `git init`, `coachportal reader add ID --name NAME`, `coachportal new ID`,"
        " then `mkdocs build`. README.md there says how to publish it."
    )
    return 0


def _new(args: argparse.Namespace) -> int:
    from ..edit.operations import parse_date
    from ..edit.scaffold import SCHEMA_FILE, new_engagement

    config = find_config()
    root = config.parent if config else Path.cwd()
    if args.dir:
        directory = Path(args.dir)
    elif config:
        directory = Path(os.path.relpath(load_portal_config(config)[0].engagements_dir))
    else:
        directory = Path(DEFAULT_ENGAGEMENTS)
    if config:
        _known_readers(config, list(args.access))
    start = parse_date(args.start) if args.start else dt.date.today()
    path = new_engagement(args.id, directory, start, list(args.access), root.resolve() / SCHEMA_FILE)
    print(f"wrote {path}: fill it in stage by stage, then `coachportal validate {path}`")
    if not args.access:
        print("note: access: is empty; add the reader ids who may open it (--access READER)", file=sys.stderr)
    if not (root / SCHEMA_FILE).exists():
        print(
            f"note: run `coachportal schema -o {root / SCHEMA_FILE}` for editor completion", file=sys.stderr
        )
    return 0


def _known_readers(config: Path, access: list[str]) -> None:
    """Refuse reader ids that the portal does not declare (the build would refuse them later)."""
    from ..core.suggest import suggestion

    portal, _warnings = load_portal_config(config)
    if not portal.encryption:
        return
    for reader in access:
        if reader not in portal.readers:
            known = ", ".join(portal.readers) or "none yet: `coachportal reader add ID --name NAME`"
            raise CliError(
                f"{config}: no reader {reader!r} is declared{suggestion(reader, list(portal.readers))}"
                f" (readers: {known})"
            )


# --- edits ------------------------------------------------------------------------------------------


# --- readers ----------------------------------------------------------------------------------------


def _config_path(args: argparse.Namespace) -> Path:
    if args.config:
        return Path(args.config)
    found = find_config()
    if found is None:
        raise CliError(f"no mkdocs.yml in {Path.cwd()} or any parent (name it with -f)")
    return found


def _reader(args: argparse.Namespace) -> int:
    from ..edit.readers import add_reader, instructions, rotate_reader

    config = _config_path(args)
    if args.reader_command == "add":
        issued = add_reader(config, args.id, args.name, args.level)
        print(f"{config}: reader {args.id} declared")
    else:
        issued = rotate_reader(config, args.id)
        print(f"reader {args.id}: new passphrase (the old one stops working at the next build)")
    print(instructions(issued, config))
    return 0


# --- parser -----------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    from ..core.i18n import SUPPORTED

    parser = argparse.ArgumentParser(
        prog="coachportal", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser("init", help="create a new portal in DIR (refuses to overwrite files)")
    init.add_argument("directory", metavar="DIR")
    init.add_argument("--site-name", help="the portal's title (default: 'Coaching portal' in the language)")
    init.add_argument("--language", default="en", choices=SUPPORTED, help="theme.language: %(choices)s")
    init.set_defaults(run=_init)

    new = commands.add_parser("new", help="write engagements/ID.yml, a commented scaffold")
    new.add_argument("id", metavar="ID", help="URL slug: lower-case letters, digits and dashes")
    new.add_argument("--dir", help="where to write it (default: the portal's engagements directory)")
    new.add_argument("--start", metavar="DATE", help="start date YYYY-MM-DD (default: today)")
    new.add_argument("--access", action="append", default=[], metavar="READER", help="a reader id (repeat)")
    new.set_defaults(run=_new)

    for name in ("validate", "check"):
        validate = commands.add_parser(
            name, help="validate engagement files: every problem as file:line:column" if name == "validate"
            else "the same as validate",
        )  # fmt: skip
        validate.add_argument(
            "paths", nargs="*", metavar="PATH", help="files or directories (default: engagements)"
        )
        validate.add_argument(
            "-f", "--config-file", dest="config", help="mkdocs.yml (default: the nearest one)"
        )
        validate.set_defaults(run=_validate)

    edits.register(commands)
    survey.register(commands)

    reader = commands.add_parser("reader", help="declare readers and issue passphrases")
    reader_commands = reader.add_subparsers(dest="reader_command", required=True, metavar="add|rotate")
    add = reader_commands.add_parser("add", help="declare a reader in mkdocs.yml and issue a passphrase")
    add.add_argument("id", metavar="ID")
    add.add_argument("--name", required=True)
    add.add_argument("--level", default="sponsor", choices=Level.names())
    rotate = reader_commands.add_parser("rotate", help="issue a new passphrase for a declared reader")
    rotate.add_argument("id", metavar="ID")
    for sub in (add, rotate):
        sub.add_argument("-f", "--config-file", dest="config", help="mkdocs.yml (default: the nearest one)")
        sub.set_defaults(run=_reader)

    digest.register(commands)

    schema = commands.add_parser("schema", help="write the engagement JSON Schema (for editor completion)")
    schema.add_argument("-o", "--output", default="engagement.schema.json")
    schema.set_defaults(run=_schema)

    verify.register(commands)
    return parser


# The forms the README has always shown: `action FILE ID ...`, `survey FILE EXPORT ...`.
IMPLIED = {"action": ("update", edits.ACTION_SUBCOMMANDS), "survey": ("import", survey.SURVEY_SUBCOMMANDS)}


def _with_subcommand(argv: list[str]) -> list[str]:
    """``action FILE ID ...`` as ``action update FILE ID ...`` (and ``survey`` as ``survey import``)."""
    if len(argv) >= 2 and argv[0] in IMPLIED:
        implied, known = IMPLIED[argv[0]]
        if argv[1] not in known and not argv[1].startswith("-"):
            return [argv[0], implied, *argv[1:]]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")  # Material's notice is noise here
    args = _parser().parse_args(_with_subcommand(list(sys.argv[1:] if argv is None else argv)))
    try:
        return int(args.run(args))
    except (CliError, ConfigError, EditError) as exc:
        print(prefixed(str(exc)), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `coachportal ... | head`
        sys.stderr.close()
        return 1


if __name__ == "__main__":
    raise SystemExit(main())

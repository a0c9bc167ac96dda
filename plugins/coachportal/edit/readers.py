"""`coachportal reader add|rotate`: declare a reader in mkdocs.yml and give them a passphrase.

The passphrase is five words drawn with :mod:`secrets` from the EFF long wordlist
(7,776 words, about 64 bits), as bundled by the ``xkcdpass`` package. It is kept in
the git-ignored secrets file the build reads (``COACHPORTAL_SECRETS``, by default
``secrets.yml`` beside mkdocs.yml) and printed once, with the command that stores it
as a GitHub Actions secret.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from ..core import access, git
from ..core.models import Level
from ..load.project import PLUGIN, load_portal_config
from ..protect import strength
from .errors import EditError
from .roundtrip import editing, flow_map, open_document, write_atomic

WORDS = 5
DELIMITER = "-"
DEFAULT_SECRETS = "secrets.yml"
MAX_TRIES = 50  # a fresh draw fails the strength rule very rarely; never loop forever
SECRETS_HEADER = (
    "# Reader passphrases for local builds: reader id -> passphrase.\n"
    "# NEVER commit this file (it is in .gitignore). CI reads them from repository secrets.\n"
)


@cache
def wordlist() -> tuple[str, ...]:
    """The EFF long list, letters only (a dash inside a word would blur the delimiter)."""
    from xkcdpass import xkcd_password

    words = xkcd_password.generate_wordlist(
        wordfile=xkcd_password.locate_wordfile("eff-long"), min_length=1, max_length=20
    )
    return tuple(sorted({w for w in words if w.isalpha() and w.islower()}))


# Words the strength rule treats as guessable context for any reader, and the placeholders
# of `coachportal new` ("Client name", "Coach name", "Organization"): a passphrase drawn
# before the coach fills in the scaffold must still pass once the engagement names its reader.
CONTEXT_WORDS = frozenset(
    {"coach", "coaching", "sponsor", "client", "reader", "portal", "organization", "name", "role"}
)


def new_passphrase(taken: frozenset[str] = frozenset(), context: tuple[str, ...] = ()) -> str:
    """Five random EFF words that pass the build's passphrase rule and no other reader uses.

    ``context`` (the reader's id and name) is left out of the draw: a passphrase should
    not contain words an attacker would try first for this reader.
    """
    own = {part for text in context for part in re.split(r"[^a-z]+", text.lower()) if part}
    avoid = CONTEXT_WORDS | own
    words = tuple(w for w in wordlist() if w not in avoid)
    # also across word boundaries: "human-amend" spells "name" to the build's rule
    clues = tuple(strength.Clue(f"the word {w!r}", w) for w in sorted(avoid))
    for _ in range(MAX_TRIES):
        candidate = DELIMITER.join(secrets.choice(words) for _ in range(WORDS))
        if candidate not in taken and strength.passphrase_problem(candidate, clues) is None:
            return candidate
    raise EditError(f"could not draw a passphrase that passes the strength rule in {MAX_TRIES} tries")


@dataclass(frozen=True)
class Issued:
    reader_id: str
    passphrase: str
    secrets_file: Path


def secrets_path(config_path: Path) -> Path:
    """The file named by COACHPORTAL_SECRETS (relative to mkdocs.yml, as the build reads it)."""
    return access.secrets_file(os.environ, config_path.parent) or config_path.parent / DEFAULT_SECRETS


def add_reader(config_path: Path, reader_id: str, name: str, level: str) -> Issued:
    """Declare ``reader_id`` under the plugin's readers: and issue their first passphrase."""
    problem = access.reader_id_problem(reader_id)
    if problem:
        raise EditError(f"bad reader id: {problem}")
    try:
        Level.parse(level)
    except ValueError as exc:
        raise EditError(f"unknown level: {exc}") from None
    target = secrets_path(config_path)
    _refuse_tracked(target)
    with editing(config_path):  # two `reader add` at once: both readers are declared
        document = open_document(config_path)
        readers = _readers_block(document.data, config_path)
        if reader_id in readers:
            raise EditError(
                f"{config_path}: reader {reader_id!r} is already declared; "
                f"`coachportal reader rotate {reader_id}` gives them a new passphrase"
            )
        entry: dict[str, Any] = {"name": name}
        if level != "sponsor":
            entry["level"] = level
        readers[reader_id] = flow_map(entry)
        write_atomic(config_path, document.dump(), check=_loads_as_mkdocs_config)
    return _issue(target, reader_id, name)


def rotate_reader(config_path: Path, reader_id: str) -> Issued:
    """A new passphrase for a declared reader (the old one stops working at the next build)."""
    portal, _warnings = load_portal_config(config_path)
    if reader_id not in portal.readers:
        known = ", ".join(portal.readers) or "none"
        raise EditError(f"{config_path}: no reader {reader_id!r} is declared (readers: {known})")
    target = secrets_path(config_path)
    _refuse_tracked(target)
    return _issue(target, reader_id, str(portal.readers[reader_id].get("name") or ""))


def _refuse_tracked(path: Path) -> None:
    if path.exists() and git.is_tracked(path):
        raise EditError(
            f"{path} is tracked by git: passphrases must never be committed. "
            f"Run `git rm --cached {path.name}`, add it to .gitignore, and try again"
        )


def _readers_block(config: Any, path: Path) -> CommentedMap:
    """The plugin's ``readers:`` mapping in the round-trip data, created when missing."""
    plugins = config.get("plugins") if isinstance(config, dict) else None
    if not isinstance(plugins, list):
        raise EditError(f"{path}: no plugins: list with {PLUGIN} in it (add `- {PLUGIN}` under plugins:)")
    for index, entry in enumerate(plugins):
        if entry == PLUGIN:
            plugins[index] = CommentedMap({PLUGIN: CommentedMap()})
            entry = plugins[index]
        if isinstance(entry, dict) and PLUGIN in entry:
            if entry[PLUGIN] is None:
                entry[PLUGIN] = CommentedMap()
            options = entry[PLUGIN]
            if not options.get("readers"):
                options["readers"] = CommentedMap()  # `readers: {}` becomes a block mapping
            return options["readers"]
    raise EditError(f"{path}: the {PLUGIN} plugin is not listed under plugins:")


def _loads_as_mkdocs_config(temp: Path) -> None:
    load_portal_config(temp)


def _issue(target: Path, reader_id: str, name: str = "") -> Issued:
    stored = _read_secrets(target)
    taken = frozenset(v for k, v in stored.items() if k != reader_id)
    passphrase = new_passphrase(taken, (reader_id, name))
    _write_secret(target, reader_id, passphrase)
    return Issued(reader_id, passphrase, target)


def _read_secrets(target: Path) -> dict[str, str]:
    if not target.exists():
        return {}
    try:
        return access.load_secrets_file(target)
    except access.AccessError as exc:
        raise EditError(str(exc)) from None


def _write_secret(target: Path, reader_id: str, passphrase: str) -> None:
    """Set one reader's passphrase in the secrets file, comments kept, mode 0600."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with editing(target):
        _set_secret(target, reader_id, passphrase)


def _set_secret(target: Path, reader_id: str, passphrase: str) -> None:
    existing = target.read_text(encoding="utf-8") if target.exists() else ""
    if existing.strip() and not all(
        line.lstrip().startswith("#") for line in existing.splitlines() if line.strip()
    ):
        document = open_document(target)
        if not isinstance(document.data, CommentedMap):
            raise EditError(f"{target} must map reader ids to passphrases")
        document.data[reader_id] = passphrase
        text = document.dump()
    else:
        # a new file, or one with only comments: EFF words and dashes need no quoting
        header = existing if existing.strip() else SECRETS_HEADER
        text = header + ("" if header.endswith("\n") else "\n") + f"{reader_id}: {passphrase}\n"
    write_atomic(target, text, mode=0o600)


def instructions(issued: Issued, config_path: Path) -> str:
    """What to do with a new passphrase: where it is, CI, and how to hand it over."""
    var = access.env_var(issued.reader_id)
    try:
        shown = issued.secrets_file.relative_to(config_path.parent)
    except ValueError:
        shown = issued.secrets_file
    named = os.environ.get(access.SECRETS_ENV)
    lines = [
        f"Passphrase for {issued.reader_id}:",
        "",
        f"    {issued.passphrase}",
        "",
        f"Stored in {shown} (mode 0600, git-ignored; never commit it).",
    ]
    if not named:
        lines.append(f"Local builds read it with:  export {access.SECRETS_ENV}={shown}")
    if git.could_be_committed(issued.secrets_file):
        lines.append(f"WARNING: git does not ignore {shown}: add it to .gitignore before you commit")
    lines += [
        "",
        "Store it for the GitHub Actions build (paste the passphrase when asked):",
        f"    gh secret set {var}",
        "",
        "Send the passphrase to the reader through another channel than the portal's link",
        "(a phone call or a message, not the e-mail that carries the link).",
    ]
    return "\n".join(lines)

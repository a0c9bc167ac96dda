"""The plugin's options in mkdocs.yml, each validating itself (MkDocs' typed config)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.base import ValidationError

from ..core.log import get_logger
from ..core.models import Level
from ..protect import crypto

log = get_logger(__name__)

CACHE_ENV = "COACHPORTAL_CACHE_DIR"


class _Minutes(c.Type):
    """A number of minutes, 0 or more (fractions allowed)."""

    def __init__(self, default: float) -> None:
        super().__init__((int, float), default=default)

    def run_validation(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise ValidationError(f"expected a number of minutes, 0 or more, got {value!r}")
        return value


class _Day(c.BaseConfigOption[dt.date]):
    """A day: a YAML date (2026-06-20), or the same written as a string (quoted, or from JSON)."""

    def run_validation(self, value: object) -> dt.date:
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValidationError(f"expected a day as YYYY-MM-DD, got {value!r}")


class ReaderConfig(base.Config):
    """A person who may unlock engagements: `readers: {id: {name: ..., level: ...}}`."""

    name = c.Type(str)
    # The most private view this reader may open: a sponsor's passphrase never
    # unlocks a client or coach portal.
    level = c.Choice(Level.names(), default="sponsor")
    email = c.Optional(c.Type(str))  # the To: line of `coachportal digest`


class Iterations(c.Type):
    """PBKDF2 iterations: never below what DESIGN promises, never above what unlock.js accepts."""

    def __init__(self) -> None:
        super().__init__(int, default=crypto.MIN_ITERATIONS)

    def run_validation(self, value: object) -> int:
        value = super().run_validation(value)
        low, high = crypto.MIN_ITERATIONS, crypto.MAX_ITERATIONS
        if not low <= value <= high:
            raise ValidationError(f"expected {low:,} to {high:,} PBKDF2 iterations, got {value:,}")
        return value


class CoachPortalConfig(base.Config):
    # `enabled: false` (MkDocs' own, for every plugin) builds the same mkdocs.yml without us.
    engagements_dir = c.Dir(exists=True, default="engagements")  # relative to mkdocs.yml
    audience = c.Choice(Level.names(), default="sponsor")
    # Several views in one build, e.g. [sponsor, client]: each under its own content keys,
    # wrapped only for readers of at least that level. Default: the single `audience`.
    views = c.Optional(c.ListOfItems(c.Choice(Level.names())))
    encryption = c.Type(bool, default=True)
    readers = c.DictOfItems(c.SubConfig(ReaderConfig), default={})
    iterations = Iterations()
    # Unlocked keys are forgotten after this many minutes without activity (0: never).
    idle_lock_minutes = _Minutes(default=30)
    # The portal's language (en, de, fr, es, nl); by default theme.language.
    language = c.Optional(c.Type(str))
    # A pinned "today" (the demo: always mid-stream); COACHPORTAL_TODAY still wins.
    today = c.Optional(_Day())
    # The demo portal: it alone builds with its own published passphrases, and says so on
    # every page. Never the famous example passphrases, never anyone else's portal.
    demo = c.Type(bool, default=False)


def cache_dir(setting: str | None, config_file: str | None, site_dir: str) -> Path | None:
    """Where parsed files are kept across builds: ``$COACHPORTAL_CACHE_DIR`` (relative to
    mkdocs.yml, e.g. ``.cache/coachportal``); none when unset, or inside the site."""
    if not setting:
        return None
    directory = (Path(config_file or ".").parent / Path(setting).expanduser()).resolve()
    if directory.is_relative_to(Path(site_dir).resolve()):
        log.warning(f"{CACHE_ENV} lies inside the site directory: not used")
        return None
    return directory

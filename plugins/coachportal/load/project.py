"""What the command line needs to know about a portal: its mkdocs.yml and plugin options.

The options are read with MkDocs' own config loading, so ``!ENV`` tags, defaults and
validation are exactly those of a build. Loading only validates: no plugin event runs,
so no passphrase is needed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.i18n import choose
from ..core.models import Level
from ..core.redact import audience_from

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
PLUGIN = "coachportal"


class ConfigError(Exception):
    """mkdocs.yml cannot be read as a coachportal portal (one clear message)."""


@dataclass(frozen=True)
class PortalConfig:
    """The parts of a portal's mkdocs.yml that the commands use."""

    path: Path
    engagements_dir: Path
    encryption: bool
    readers: dict[str, dict[str, Any]]
    # What `coachportal verify` and `digest` need of the build's own settings.
    site: SiteSettings

    @property
    def root(self) -> Path:
        return self.path.parent


@dataclass(frozen=True)
class SiteSettings:
    """The settings that decide where a build writes which page, and in what language."""

    site_dir: Path
    site_url: str | None
    site_name: str
    use_directory_urls: bool
    audience: str
    views: tuple[str, ...]  # empty: the single `audience`
    language: str | None  # the plugin's `language`, else theme.language
    iterations: int

    def levels(self, environ: Mapping[str, str] = os.environ) -> tuple[Level, ...]:
        """The views a build writes, as the plugin chooses them (COACHPORTAL_AUDIENCE, views,
        audience), least private first."""
        if environ.get("COACHPORTAL_AUDIENCE", "").strip() or not self.views:
            return (audience_from(self.audience, environ),)
        return tuple(sorted({Level.parse(v) for v in self.views}))

    @property
    def portal_language(self) -> str:
        """The language the portal is written in (English where the wanted one is unsupported)."""
        return choose(self.language, None)[0]


def find_config(start: Path | None = None) -> Path | None:
    """The nearest mkdocs.yml (or .yaml) in ``start`` or any parent directory."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = directory / name
            if candidate.is_file():
                return candidate
    return None


class _Collect(logging.Handler):
    """Keeps MkDocs' config warnings (unknown options...) to show them with the file name."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def load_portal_config(path: Path) -> tuple[PortalConfig, list[str]]:
    """Load ``path`` as MkDocs does; the coachportal options and any config warnings.

    Raises :class:`ConfigError` when MkDocs refuses the file or the plugin is not in it.
    """
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collect)
    try:
        config = load_config(config_file=str(path))
    except (Abort, ConfigurationError) as exc:
        details = "; ".join([*collect.messages, str(exc)])
        raise ConfigError(f"{path}: MkDocs cannot load this configuration: {details}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    finally:
        logger.removeHandler(collect)
    plugin = config.plugins.get(PLUGIN)
    if plugin is None:
        raise ConfigError(f"{path}: the {PLUGIN} plugin is not listed under plugins: (or has enabled: false)")
    options = plugin.config
    readers = {
        rid: {"name": r.name, "level": r.level, "email": r.email} for rid, r in options.readers.items()
    }
    site = SiteSettings(
        Path(config.site_dir),
        config.site_url or None,
        config.site_name,
        bool(config.use_directory_urls),
        options.audience,
        tuple(options.views or ()),
        options.language or config.theme.get("language"),
        options.iterations,
    )
    portal = PortalConfig(
        path, path.parent / options.engagements_dir, bool(options.encryption), readers, site
    )
    return portal, [f"{path}: {m}" for m in collect.messages]

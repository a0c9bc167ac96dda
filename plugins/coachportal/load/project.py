"""What the command line needs to know about a portal: its mkdocs.yml and plugin options.

The options are read with MkDocs' own config loading, so ``!ENV`` tags, defaults and
validation are exactly those of a build. Loading only validates: no plugin event runs,
so no passphrase is needed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
PLUGIN = "coachportal"


class CliError(Exception):
    """A problem the command reports as one clear message (exit 1), never a traceback."""


@dataclass(frozen=True)
class PortalConfig:
    """The parts of a portal's mkdocs.yml that the commands use."""

    path: Path
    engagements_dir: Path
    encryption: bool
    readers: dict[str, dict[str, Any]]
    site_url: str | None = None
    site_name: str = ""
    language: str = "en"  # the portal's (the plugin's language option, else theme.language)
    views: tuple[str, ...] = ("sponsor",)

    @property
    def root(self) -> Path:
        return self.path.parent


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

    Raises :class:`CliError` when MkDocs refuses the file or the plugin is not in it.
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
        raise CliError(f"{path}: MkDocs cannot load this configuration: {details}") from None
    except OSError as exc:
        raise CliError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    finally:
        logger.removeHandler(collect)
    plugin = config.plugins.get(PLUGIN)
    if plugin is None:
        raise CliError(f"{path}: the {PLUGIN} plugin is not listed under plugins:")
    options = plugin.config
    readers = {
        rid: {"name": r.name, "level": r.level, "email": r.email} for rid, r in options.readers.items()
    }
    from ..core.i18n import choose

    language, _ = choose(options.language, config.theme.get("language"))
    portal = PortalConfig(
        path,
        path.parent / options.engagements_dir,
        bool(options.encryption),
        readers,
        site_url=config.site_url,
        site_name=config.site_name,
        language=language,
        views=tuple(options.views or [options.audience]),
    )
    return portal, [f"{path}: {m}" for m in collect.messages]

"""Which portal a command works on: ``-f mkdocs.yml``, else the nearest one upwards."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..load.project import PortalConfig, find_config, load_portal_config
from .errors import CliError


def config_path(args: argparse.Namespace) -> Path | None:
    """The mkdocs.yml named with ``-f`` (which must exist), else the nearest one, else None."""
    if args.config:
        path = Path(args.config)
        if not path.is_file():
            raise CliError(f"{path}: no such file (given with -f)")
        return path
    return find_config()


def required_portal(args: argparse.Namespace) -> tuple[PortalConfig, list[str]]:
    """The portal the command needs, and MkDocs' warnings on its configuration."""
    path = config_path(args)
    if path is None:
        raise CliError(f"no mkdocs.yml in {Path.cwd()} or any parent (name it with -f)")
    return load_portal_config(path)

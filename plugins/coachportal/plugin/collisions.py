"""An engagement id owns its folder of the site: nothing hand-written may land there.

A hand-written page in ``<id>/`` would be published unencrypted next to the engagement,
and one with the same path would be replaced; ``content/<id>.md`` is published at
``<id>/`` (or ``<id>.html``), the engagement's overview.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ..core.models import Level

ASSET_DIR = "coachportal"  # where the plugin's assets land in site/
# The theme's and the plugin's own folders, and the folders of the views beyond the first.
RESERVED_IDS = frozenset({ASSET_DIR, "assets", "search", *Level.names()})


def collisions(ids: Collection[str], src_uris: Iterable[str]) -> list[str]:
    """One sentence per engagement id that is reserved, or whose place a docs file takes."""
    problems = [
        f"engagement id {i!r} is reserved for the portal's own files (choose another id)"
        for i in sorted(set(ids) & RESERVED_IDS)
    ]
    for uri in src_uris:
        if "/" in uri and uri.split("/")[0] in ids:
            problems.append(
                f"docs_dir file {uri!r} lies where engagement {uri.split('/')[0]!r}"
                " is published (move the file or rename the engagement)"
            )
        elif "/" not in uri and uri.split(".")[0] in ids:
            problems.append(
                f"docs_dir file {uri!r} has the name of engagement {uri.split('.')[0]!r},"
                " whose pages are published there (rename the file or the engagement)"
            )
    return problems

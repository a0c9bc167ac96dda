"""An engagement id owns its folder of the site in every view: nothing hand-written may land there.

A hand-written page in ``<id>/`` (or a view's ``client/<id>/``) would be published
unencrypted next to the engagement, and one with the same path would replace it or be
dropped; ``content/<id>.md`` is published at ``<id>/`` (or ``<id>.html``), the
engagement's overview. Paths are compared ignoring case: on macOS, Windows and some hosts
``ZQ-CANARY-01/`` and ``zq-canary-01/`` are one folder.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from ..core.models import Level
from ..core.pages import src_uri

ASSET_DIR = "coachportal"  # where the plugin's assets land in site/
# The theme's and the plugin's own folders, and the folders of the views beyond the first.
RESERVED_IDS = frozenset({ASSET_DIR, "assets", "search", *Level.names()})
_SAME_PATH = " (the same path where case does not count: macOS, Windows, some hosts)"


def collisions(
    ids: Collection[str],
    src_uris: Iterable[str],
    prefixes: Collection[str] = ("",),
    pages: Iterable[str] = (),
) -> list[str]:
    """One sentence per engagement id that is reserved, or whose place a docs file takes.

    ``src_uris``: the hand-written files; ``prefixes``: each view's folder (``""``,
    ``client/``); ``pages``: the engagement pages (src_uri), to name the one a file meets.
    """
    problems = [
        f"engagement id {i!r} is reserved for the portal's own files (choose another id)"
        for i in sorted({i.lower() for i in ids} & RESERVED_IDS)
    ]
    by_id = {i.lower(): i for i in ids}
    generated = {page.lower(): page for page in pages}
    # The longest prefix first: client/<id>.md is the client view's, not a top-level folder.
    folders = sorted({p.lower() for p in prefixes}, key=len, reverse=True)
    for uri in src_uris:
        folded = uri.lower()
        for prefix in folders:
            if not folded.startswith(prefix):
                continue
            rest = folded[len(prefix) :]
            first = rest.split("/")[0] if "/" in rest else rest.split(".")[0]
            if first not in by_id:
                continue
            eid = by_id[first]
            page = generated.get(folded) or src_uri(eid, "", prefix)
            case = "" if uri.startswith(prefix + eid) else _SAME_PATH
            if "/" in rest:
                problems.append(
                    f"docs_dir file {uri!r} lies where engagement {eid!r} is published, with its"
                    f" page {page!r}{case} (move the file or rename the engagement)"
                )
            else:
                problems.append(
                    f"docs_dir file {uri!r} has the name of engagement {eid!r}, whose pages are"
                    f" published there: {page!r}{case} (rename the file or the engagement)"
                )
            break
    return problems

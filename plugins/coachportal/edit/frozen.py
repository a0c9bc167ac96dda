"""No edit changes a survey round that was committed closed (the rule: :mod:`load.frozen`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..core.clock import today
from ..core.errors import EngagementError, Problem
from ..core.models import Engagement
from ..load.frozen import refusal
from ..load.loader import Loader
from ..load.yamltext import read_text
from .errors import EditError


def refuse_frozen(path: Path, text: str, edited: Engagement) -> None:
    """Refuse ``text`` (valid, loaded as ``edited``, about to replace ``path``) when it changes
    a closed round's ratings or comments since the round was committed closed; say so when
    the file already does."""
    on = today()
    after = refusal([(path, edited)], on, lambda _: text).problems
    if not after:
        return
    before = _problems_now(path, on)
    known = {(p.field, p.message) for p in before}
    if all((p.field, p.message) in known for p in after):
        raise EditError(
            f"{path} changes a survey round published as closed; fix these problems first"
            " (the file is unchanged):\n" + "\n".join(f"  {p}" for p in before)
        )
    raise EditError(
        f"{path}: the edit would change a survey round published as closed, so the file is unchanged:\n"
        + "\n".join(f"  {p}" for p in after)
    )


def _problems_now(path: Path, on: dt.date) -> list[Problem]:
    try:
        engagement = Loader(keep=False).load(path)
    except EngagementError:
        return []
    return refusal([(path, engagement)], on, read_text).problems

"""Which month labels a timeline axis shows, so that no two overlap at any width.

The axis is an SVG track as wide as its column: at least ``NARROW_TRACK_PX`` on a phone
(a 360 px screen, where the stage names sit above the track) and at least
``WIDE_TRACK_PX`` from the 45em breakpoint up (a 720 px screen, the stage names beside
it). The labels are chosen for those two narrowest tracks from an upper bound on the
width of their text, so they fit every wider one too: the phone shows one set, wider
screens the other (the page's CSS switches between them). The first label shown, and
each shown label whose year differs from the label before it, carries the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

# 0.58rem text (11.6 px) in Material's font: no month abbreviation, with or without its
# year, averages more than 7.2 px a character (measured: "Feb 2026" 49 px, "May" 22 px).
PX_PER_CHAR = 7.2
GAP_PX = 8.0  # between two labels
END_INSET_PX = 2.0  # a label at either end stands this far inside the axis
NARROW_TRACK_PX = 316.0  # the axis on a 360 px screen (less the 6 px inset each side)
WIDE_TRACK_PX = 450.0  # beside the stage names at the 45em (720 px) breakpoint, less the insets


def anchor(pct: float) -> str:
    """Where a label hangs from its tick, so that it stays on the axis."""
    return "start" if pct <= 5 else "end" if pct >= 94 else "middle"


def _box(pct: float, text: str, track: float) -> tuple[float, float]:
    x, width = pct / 100 * track, len(text) * PX_PER_CHAR
    side = anchor(pct)
    if side == "start":
        return x + END_INSET_PX, x + END_INSET_PX + width
    if side == "end":
        return x - END_INSET_PX - width, x - END_INSET_PX
    return x - width / 2, x + width / 2


def _labels(kept: Sequence[int], dates: Sequence[dt.date], month: Callable[[dt.date], str]) -> dict[int, str]:
    out, year = {}, None
    for i in sorted(kept):
        text = month(dates[i])
        if dates[i].year != year:
            text, year = f"{text} {dates[i].year}", dates[i].year
        out[i] = text
    return out


def _fits(labels: dict[int, str], pcts: Sequence[float], track: float) -> bool:
    boxes = sorted(_box(pcts[i], text, track) for i, text in labels.items())
    return all(b[0] - a[1] >= GAP_PX for a, b in zip(boxes, boxes[1:], strict=False)) and all(
        left >= 0 and right <= track for left, right in boxes
    )


def fit(
    dates: Sequence[dt.date], pcts: Sequence[float], month: Callable[[dt.date], str], track: float
) -> list[str | None]:
    """The label of each tick on a ``track`` px wide axis (None: left out).

    The first tick and the Januaries are tried first, then the others from left to
    right; a label is kept when it and every label kept before still fit.
    """
    order = [0, *(i for i in range(1, len(dates)) if dates[i].month == 1)]
    order += [i for i in range(len(dates)) if i not in order]
    kept: list[int] = []
    for i in order:
        if _fits(_labels([*kept, i], dates, month), pcts, track):
            kept.append(i)
    labels = _labels(kept, dates, month)
    return [labels.get(i) for i in range(len(dates))]

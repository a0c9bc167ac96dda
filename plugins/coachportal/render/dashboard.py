"""The home page's dashboard: every engagement a reader may open, at a glance.

One row per engagement — client, stage, actions done of total, overdue actions, the
next key date and the last update — rendered here, in Python, and sorted by a key
computed here too. Each row travels inside that engagement's encrypted portfolio
summary (:func:`portal.summary`); ``assets/unlock.js`` only decrypts the summaries it
can open, sorts them by ``sort`` and inserts their ``row`` into the table skeleton that
:func:`skeleton` writes into the home page (headers included).

The contract with unlock.js: ``row`` is HTML that Jinja2 rendered with autoescaping
(``templates/_dashboard_row.html``), so every value from an engagement file in it is
escaped text — a ``<script>`` in a client's name is shown, never run. unlock.js inserts
``row`` as HTML only because it was authenticated (AES-GCM under the engagement's
content key, like the pages themselves); every other field of a summary is inserted as
text. ``sort`` depends on the engagement alone (never on the others, which a reader may
not know of), and orders as plain strings: by code unit in JavaScript, by code point in
Python, the same for the text it holds.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from ..core.i18n import N_, Translator, english
from ..core.models import Engagement
from ..derive import timeline
from ..derive.actions import completion
from .engagement import render_fragment

# (data-label of a cell, header of its column): the row template and the skeleton share them.
# English message ids, translated where they are rendered (row_html, skeleton).
COLUMNS: tuple[str, ...] = (
    N_("Client"),
    N_("Stage"),
    N_("Actions done"),
    N_("Overdue"),
    N_("Next key date"),
    N_("Last update"),
)
CAPTION = N_(
    "What needs attention comes first: overdue actions, then stages behind schedule,"
    " then the nearest key date; closed engagements last."
)
FILTER_LABEL = N_("Filter engagements")
FILTER_HINT = N_("Type part of a name, a stage or a date")
NO_MATCH = N_("No engagement matches the filter.")
FILTER_FROM = 6  # the filter box is shown from this many rows on

# Attention tiers, most urgent first.
TIER_OVERDUE, TIER_BEHIND, TIER_OPEN, TIER_CLOSED = range(4)
_SEP = "\x1f"  # below every printable character: "Ann" sorts before "Anna"
_NO_DATE = "9999-12-31"


@dataclass(frozen=True)
class Row:
    """What the dashboard shows of one (already redacted) engagement."""

    id: str
    url: str  # the overview's site-relative URL
    client: str
    title: str
    organization: str | None
    stage: str  # a stage key or "closed"
    stage_label: str
    schedule: str  # timeline.Status.schedule: "behind", "on-schedule", "ahead", "unknown", "closed"
    done: int
    total: int
    overdue: int
    next_date: dt.date | None
    next_label: str | None
    last_updated: dt.date | None
    t: Translator = field(default_factory=english, repr=False, compare=False)

    @property
    def closed(self) -> bool:
        return self.stage == "closed"

    @property
    def behind(self) -> bool:
        return self.schedule == "behind"

    @property
    def tier(self) -> int:
        if self.closed:
            return TIER_CLOSED
        if self.overdue:
            return TIER_OVERDUE
        return TIER_BEHIND if self.behind else TIER_OPEN

    @property
    def state(self) -> str:
        """The row's modifier class: overdue, behind, open or closed."""
        return ("overdue", "behind", "open", "closed")[self.tier]

    @property
    def schedule_label(self) -> str | None:
        return self.t("Behind schedule") if self.behind and not self.closed else None

    @property
    def actions_text(self) -> str:
        if not self.total:
            return self.t("None yet")
        return self.t("{done} of {total}", done=self.done, total=self.total)

    @property
    def sort_key(self) -> str:
        """Overdue first (most overdue actions first), then behind schedule, then the rest,
        then closed; within each, the nearest next key date first, then by client and title."""
        overdue = self.overdue if self.tier == TIER_OVERDUE else 0
        return _SEP.join(
            (
                str(self.tier),
                f"{9999 - min(overdue, 9999):04d}",
                self.next_date.isoformat() if self.next_date else _NO_DATE,
                collation_text(self.client),
                collation_text(self.title),
                self.id,
            )
        )


def collation_text(text: str) -> str:
    """``text`` for sorting: accents and case ignored ("Émile" with "emile"), no control characters."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (c for c in decomposed if not unicodedata.combining(c) and unicodedata.category(c)[0] != "C")
    return "".join(kept).casefold()


def row(
    e: Engagement, today: dt.date, url: str, last_updated: dt.date | None = None, t: Translator | None = None
) -> Row:
    t = t or english()
    status = timeline.status(e, today, t)  # overdue count, schedule and the next of timeline.key_dates
    tally = completion(e, t)
    return Row(
        id=e.id,
        url=url,
        client=e.client.name,
        title=e.title,
        organization=e.client.organization,
        stage=e.stage,
        stage_label=status.stage_label,
        schedule=status.schedule,
        done=tally.done,
        total=tally.total,
        overdue=status.overdue,
        next_date=status.next_date.date if status.next_date else None,
        next_label=status.next_date.label if status.next_date else None,
        last_updated=last_updated,
        t=t,
    )


def row_html(r: Row, t: Translator | None = None) -> str:
    """The row's ``<tr>``, every value escaped (see the module's contract with unlock.js)."""
    t = t or r.t
    return render_fragment("_dashboard_row.html", t, row=r, columns=[t.gettext(c) for c in COLUMNS])


def skeleton(t: Translator | None = None) -> str:
    """The dashboard's table with its headers and an empty body, and the filter box (hidden
    until unlock.js has rows to show; the filter from :data:`FILTER_FROM` rows on)."""
    t = t or english()
    return render_fragment(
        "_dashboard.html",
        t,
        columns=[t.gettext(c) for c in COLUMNS],
        caption=t.gettext(CAPTION),
        filter_label=t.gettext(FILTER_LABEL),
        filter_hint=t.gettext(FILTER_HINT),
        no_match=t.gettext(NO_MATCH),
        filter_from=FILTER_FROM,
    )

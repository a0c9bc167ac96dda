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
import json
import unicodedata
from dataclasses import dataclass, field

from ..core.i18n import N_, Translator, english
from ..core.models import STAGES, Engagement
from ..core.pages import ENGAGEMENT_PAGES, url
from ..derive import programme, timeline
from ..derive.actions import completion
from .engagement import render_fragment

# (data-label of a cell, header of its column): the row template and the skeleton share them.
# English message ids, translated where they are rendered (row_html, skeleton).
COLUMNS: tuple[str, ...] = (
    N_("Client"),
    N_("Coach"),
    N_("Stage"),
    N_("Actions done"),
    N_("Sessions used"),
    N_("Last session"),
    N_("Next date"),
    N_("Overdue"),
    N_("Last update"),
)
# The sort key of each column (data-sort on its cells), in COLUMNS' order: programme.js sorts by it.
SORTS: tuple[str, ...] = (
    "client",
    "coach",
    "stage",
    "done",
    "sessions",
    "last",
    "next",
    "overdue",
    "updated",
)
CAPTION = N_(
    "What needs attention comes first: overdue actions, then stages behind schedule,"
    " then the nearest key date; closed engagements last."
)
FILTER_LABEL = N_("Filter engagements")
FILTER_HINT = N_("Type part of a name, a stage or a date")
NO_MATCH = N_("No engagement matches the filter.")
FILTER_FROM = 6  # the filter box is shown from this many rows on

# The words programme.js shows (filters, the programme summary row, the CSV, search), by its
# key: English message ids, translated into the skeleton's data-words attribute (JSON). {x} are
# filled in by the script with numbers, dates or labels the build already translated.
WORDS: dict[str, str] = {
    "stage": N_("Stage"),
    "coach": N_("Coach"),
    "programme": N_("Programme"),
    "overdue": N_("Overdue actions"),
    "all": N_("All"),
    "withOverdue": N_("With overdue actions"),
    "noneOverdue": N_("None overdue"),
    "csv": N_("Download as CSV"),
    "sortBy": N_("Sort by {column}"),
    "noProgramme": N_("No programme"),
    "summary": N_("Programme summary"),
    "engagements": N_("Engagements: {n}"),
    "byStage": N_("By stage: {stages}"),
    "sessionsOf": N_("Sessions used: {used} of {contracted} contracted"),
    "sessions": N_("Sessions used: {used}"),
    "withOverdueCount": N_("With overdue actions: {n}"),
    "surveyRound": N_("Survey round {round}: {mean} on average across {n} engagements"),
    "surveyHidden": N_("Survey averages are shown across three engagements or more."),
    "changed": N_("Changed since your last visit"),
    "search": N_("Search your engagements"),
    "searchHint": N_("A word from any page you unlocked"),
    "searching": N_("Reading the pages you unlocked…"),
    "searchNone": N_("No page you unlocked holds that."),
    "searchCount": N_("Pages found: {n}"),
}

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
    coach: str = ""
    programme: str | None = None
    usage: programme.Usage | None = None
    last_session: dt.date | None = None
    next_detail: str | None = None  # YAML text the next date is about (an action's title)
    t: Translator = field(default_factory=english, repr=False, compare=False)

    @property
    def sessions_text(self) -> str:
        u = self.usage
        if u is None:
            return ""
        parts = [
            self.t("{used} of {contracted}", used=u.sessions, contracted=u.contracted_sessions)
            if u.contracted_sessions is not None
            else str(u.sessions)
        ]
        if u.contracted_hours is not None:
            parts.append(
                self.t("{used} of {contracted} h", used=f"{u.hours:g}", contracted=f"{u.contracted_hours:g}")
            )
        return " · ".join(parts)

    @property
    def over_contract_label(self) -> str | None:
        return self.t("Over contract") if self.usage is not None and self.usage.over else None

    @property
    def stage_rank(self) -> int:
        return STAGES.index(self.stage) if self.stage in STAGES else len(STAGES)

    def cell_sort(self, column: str) -> str:
        """The ``data-sort`` value of a column's cell: plain string order sorts it (programme.js)."""
        u = self.usage

        def date(d: dt.date | None) -> str:
            return d.isoformat() if d else _NO_DATE

        values = {
            "client": collation_text(self.client),
            "coach": collation_text(self.coach),
            "stage": str(self.stage_rank),
            "done": f"{self.done:05d}",
            "sessions": f"{u.sessions if u else 0:05d}",
            "last": date(self.last_session),
            "next": date(self.next_date),
            "overdue": f"{self.overdue:05d}",
            "updated": date(self.last_updated),
        }
        return values[column]

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
    status = timeline.status(e, today, t)  # overdue count and schedule
    nearest = programme.next_date(e, today, t)  # calls, due dates, survey rounds, planned ends
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
        next_date=nearest.date if nearest else None,
        next_label=nearest.what if nearest else None,
        last_updated=last_updated,
        coach=e.coach.name,
        programme=e.programme,
        usage=programme.usage(e),
        last_session=programme.last_session(e, today),
        next_detail=nearest.detail if nearest else None,
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
        sorts=SORTS,
        words=words_json(t),
    )


def words_json(t: Translator) -> str:
    """:data:`WORDS` translated, as JSON for an attribute (escaped there by Jinja2)."""
    return json.dumps({k: t.gettext(v) for k, v in WORDS.items()}, ensure_ascii=False, separators=(",", ":"))


def facts(e: Engagement, r: Row, directory_urls: bool = True, view: str = "") -> str:
    """The figures programme.js adds up per programme and the pages its search opens, as JSON.

    Only what the row already shows (or the reader's own pages list): the programme's
    summary row is made in the browser from the engagements the reader opened, because
    the build must not tell one reader about engagements they may not open.
    """
    u = r.usage
    doc = {
        "programme": r.programme,
        "stage": r.stage,
        "stageLabel": r.stage_label,
        "sessions": u.sessions if u else 0,
        "contracted": u.contracted_sessions if u else None,
        "overdue": r.overdue,
        "surveys": {str(k): v for k, v in programme.survey_means(e).items()},
        "updated": r.last_updated.isoformat() if r.last_updated else None,
        "pages": [url(e.id, slug, directory_urls, view) for slug, _ in ENGAGEMENT_PAGES],
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))

"""The dashboard's figures and order (dashboard.py) and the summaries that carry them."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import random
import time
from dataclasses import replace
from pathlib import Path

import pytest
from coachportal.core.models import Level
from coachportal.derive import programme
from coachportal.derive.changes import News
from coachportal.load.loader import load_engagements
from coachportal.protect import vault
from coachportal.render import dashboard
from coachportal.render.portal import Portal, PortalBuilder, summary
from tmpportal import EXAMPLES, PASSPHRASE_1

TODAY = dt.date(2026, 6, 20)


@pytest.fixture(scope="module")
def reference() -> dict[str, object]:
    return {e.id: e for e in load_engagements(EXAMPLES)}


def test_row_of_an_engagement_in_the_action_stage(reference) -> None:
    e = reference["nw-ops-2026"]
    row = dashboard.row(e, TODAY, "nw-ops-2026/", dt.date(2026, 6, 18))
    assert (row.client, row.title, row.organization) == (
        "Dana Whitfield",
        "Operations leadership programme",
        "Northwind Logistics",
    )
    assert (row.stage_label, row.done, row.total, row.actions_text) == ("Action", 2, 6, "2 of 6")
    assert row.overdue == 2  # A2 and A5 were due on 31 May and are still open
    # an open action due on 30 June comes before the next fortnightly call (programme.next_date)
    assert (row.next_date, row.next_label) == (dt.date(2026, 6, 30), "Action due")
    assert (row.coach, row.usage.sessions, row.last_session) == ("Priya Raman", 4, dt.date(2026, 4, 23))
    assert row.last_updated == dt.date(2026, 6, 18)
    assert (row.tier, row.state, row.schedule_label) == (dashboard.TIER_OVERDUE, "overdue", None)


def test_next_date_is_programme_next_date(reference) -> None:
    e = reference["nw-ops-2026"]
    for today in (dt.date(2026, 1, 1), dt.date(2026, 2, 5), dt.date(2026, 6, 1), dt.date(2026, 6, 18)):
        nearest = programme.next_date(e, today)
        row = dashboard.row(e, today, "x/")
        assert (row.next_date, row.next_label) == (nearest.date, nearest.what)
    assert dashboard.row(e, dt.date(2027, 1, 1), "x/").next_date is None  # nothing left


def test_closed_engagement(reference) -> None:
    row = dashboard.row(reference["fin-cfo-2025"], TODAY, "fin-cfo-2025/")
    assert (row.stage_label, row.actions_text, row.overdue, row.next_date) == ("Closed", "2 of 2", 0, None)
    assert (row.tier, row.state, row.last_updated) == (dashboard.TIER_CLOSED, "closed", None)


def _row(**changes: object) -> dashboard.Row:
    base = dashboard.Row(
        id="x",
        url="x/",
        client="Client",
        title="Title",
        organization=None,
        stage="action",
        stage_label="Action",
        schedule="on-schedule",
        done=0,
        total=0,
        overdue=0,
        next_date=None,
        next_label=None,
        last_updated=None,
    )
    return replace(base, **changes)


def test_sort_key_puts_what_needs_attention_first() -> None:
    d = dt.date
    expected = [
        _row(id="most-overdue", overdue=5, next_date=d(2026, 12, 1)),
        _row(id="overdue-soon", overdue=1, next_date=d(2026, 7, 1)),
        _row(id="overdue-later", overdue=1, next_date=d(2026, 8, 1), schedule="behind"),
        _row(id="overdue-no-date", overdue=1),
        _row(id="behind-soon", schedule="behind", next_date=d(2026, 7, 2)),
        _row(id="behind-later", schedule="behind", next_date=d(2026, 9, 2)),
        _row(id="open-soon", next_date=d(2026, 6, 21)),
        _row(id="open-a", client="Émile", next_date=d(2026, 7, 1)),  # accents ignored: before "F"
        _row(id="open-b", client="Fay", next_date=d(2026, 7, 1)),
        _row(id="open-no-date"),
        _row(id="closed-ann", stage="closed", schedule="closed", client="Ann"),
        _row(id="closed-anna", stage="closed", schedule="closed", client="anna", overdue=2),
    ]
    shuffled = expected[:]
    random.Random(7).shuffle(shuffled)
    assert [r.id for r in sorted(shuffled, key=lambda r: r.sort_key)] == [r.id for r in expected]
    assert _row(stage="closed", schedule="closed", overdue=2).state == "closed"  # closed stays last
    assert _row(schedule="behind").schedule_label == "Behind schedule"


def test_collation_text_ignores_case_accents_and_control_characters() -> None:
    assert dashboard.collation_text("Émile Ångström") == "emile angstrom"
    assert dashboard.collation_text("Straße\x1f") == "strasse"


def test_row_html_escapes_engagement_text() -> None:
    html = dashboard.row_html(
        _row(client="<script>alert(1)</script>", title='"><img src=x onerror=alert(1)>', organization="A & B")
    )
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "A &amp; B" in html
    assert html.startswith("<tr ") and html.endswith("</tr>") and html.count("<tr") == 1
    assert " role=" not in html
    # every cell is labelled with its column's header (phones show rows as cards)
    for column in dashboard.COLUMNS[1:]:
        assert f'data-label="{column}"' in html


def test_skeleton_has_the_headers_and_an_empty_body() -> None:
    html = dashboard.skeleton()
    for column, key in zip(dashboard.COLUMNS, dashboard.SORTS, strict=True):
        assert f'<th scope="col" data-sort-key="{key}">{column}</th>' in html
    assert "<tbody></tbody>" in html
    # the table's own elements carry their roles: no ARIA role repeats them (Nu refuses it)
    assert " role=" not in html.split("<table", 1)[1].split("</table>", 1)[0]
    assert f'data-filter-from="{dashboard.FILTER_FROM}"' in html and dashboard.FILTER_LABEL in html


def test_summary_carries_the_row_and_its_sort_key(reference) -> None:
    e = reference["nw-ops-2026"]
    s = summary(e, True, TODAY, dt.date(2026, 6, 18))
    assert set(s) == {"title", "client", "url", "row", "sort", "facts"}
    row = dashboard.row(e, TODAY, "nw-ops-2026/", dt.date(2026, 6, 18))
    assert s["row"] == dashboard.row_html(row) and s["sort"] == row.sort_key
    assert "18 Jun 2026" in s["row"] and "30 Jun 2026" in s["row"]
    assert summary(e, False, TODAY)["url"] == "nw-ops-2026/index.html"


def test_portal_summaries_use_the_build_date_and_last_update(tmp_path: Path) -> None:
    for name in ("engagement.yml", "engagement-closed.yml"):
        path = tmp_path / name
        path.write_text((EXAMPLES / name).read_text(encoding="utf-8"), encoding="utf-8")
        noon = time.mktime(dt.datetime(2026, 5, 4, 12).timetuple())
        os.utime(path, (noon, noon))  # not in git: the modification time
    portal = PortalBuilder().build(tmp_path, Level.SPONSOR, TODAY, reuse=False)
    summaries = portal.summaries()
    assert set(summaries) == {"nw-ops-2026", "fin-cfo-2025"}
    assert all('<time datetime="2026-05-04">4 May 2026</time>' in s["row"] for s in summaries.values())
    assert summaries["nw-ops-2026"]["sort"] < summaries["fin-cfo-2025"]["sort"]
    later = Portal(
        portal.audience, portal.engagements, (), today=dt.date(2027, 1, 5), news={"nw-ops-2026": News()}
    )
    assert "5 Jun 2026" not in later.summaries()["nw-ops-2026"]["row"]  # no next key date left
    assert "—" in later.summaries()["nw-ops-2026"]["row"]


def test_summaries_with_rows_are_padded_to_one_size(reference) -> None:
    """Rows make summaries larger than the smallest padded size: still one size for all."""
    passphrase = PASSPHRASE_1
    ids = [f"eng-{i:02d}" for i in range(6)]
    keys = vault.Vault.create({i: ["r"] for i in ids}, {"r": passphrase})
    e = reference["nw-ops-2026"]
    summaries = {}
    for n, i in enumerate(ids):
        s = summary(e, True, TODAY)
        s["client"] = "N" * (n * 40)  # names of very different lengths
        summaries[i] = s
    [text] = keys.portfolio(summaries).values()
    doc = json.loads(text)
    sizes = {len(base64.b64decode(entry["ct"])) - 16 for entry in doc["entries"]}
    assert len(sizes) == 1
    (size,) = sizes
    largest = max(len(json.dumps(s, ensure_ascii=False, sort_keys=True).encode()) for s in summaries.values())
    assert size > vault.PAD_TO and size & (size - 1) == 0 and size >= largest
    opened = vault.open_portfolio(text, passphrase)
    assert sorted(o["client"] for o in opened) == sorted(s["client"] for s in summaries.values())

"""'Add to calendar': cadences, the .ics read back with icalendar, and no calendar in site/ but inside
the encrypted page."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest
from coachportal.core.cadence import parse_cadence
from coachportal.core.models import Engagement, Level
from coachportal.core.redact import redact
from coachportal.derive.calendar_export import FILENAME, PRODID, calendar, call_dates
from coachportal.load.loader import load_engagement
from coachportal.render import locked
from icalendar import Calendar
from tmpportal import EXAMPLES, new_portal

D = dt.date
TODAY = D(2026, 6, 20)  # tmpportal's COACHPORTAL_TODAY
EXAMPLE = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8")
CALLS_LINE = "calls: {cadence: every 2 weeks, mode: video, first: 2026-03-12, until: 2026-09-30}"
# every 2 weeks from 12 Mar 2026: the calls after 20 Jun 2026 up to 30 Sep 2026
UPCOMING_CALLS = [D(2026, 7, 2) + dt.timedelta(weeks=2 * n) for n in range(7)]  # 2 Jul .. 24 Sep


def engagement(tmp_path: Path, text: str = EXAMPLE, audience: Level = Level.SPONSOR) -> Engagement:
    path = tmp_path / "e.yml"
    path.write_text(text, encoding="utf-8")
    return redact(load_engagement(path), audience)


def with_calls(tmp_path: Path, calls: str) -> Engagement:
    assert CALLS_LINE in EXAMPLE
    return engagement(tmp_path, EXAMPLE.replace(CALLS_LINE, f"calls: {calls}"))


def read_back(ics: bytes) -> list[dict]:
    cal = Calendar.from_ical(ics)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]) == PRODID
    return [
        {
            "start": ev.decoded("DTSTART"),
            "end": ev.decoded("DTEND"),
            "summary": str(ev["SUMMARY"]),
            "uid": str(ev["UID"]),
            "stamp": ev.decoded("DTSTAMP"),
        }
        for ev in cal.walk("VEVENT")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("weekly", (1, "week")),
        ("Every week", (1, "week")),
        ("every 2 weeks", (2, "week")),
        ("every two weeks", (2, "week")),
        ("Every other week.", (2, "week")),
        ("biweekly", (2, "week")),
        ("fortnightly", (2, "week")),
        ("every  3 weeks", (3, "week")),
        ("monthly", (1, "month")),
        ("every month", (1, "month")),
        ("every 2 months", (2, "month")),
        ("as needed", None),
        ("twice a month", None),
        ("every 0 weeks", None),
        ("every week or so", None),
    ],
)
def test_parse_cadence(text: str, expected: tuple[int, str] | None) -> None:
    assert parse_cadence(text) == expected


def test_call_dates(tmp_path: Path) -> None:
    assert call_dates(engagement(tmp_path))[-7:] == UPCOMING_CALLS
    weekly = with_calls(tmp_path, "{cadence: weekly, mode: phone, first: 2026-09-01, until: 2026-09-22}")
    assert call_dates(weekly) == [D(2026, 9, 1), D(2026, 9, 8), D(2026, 9, 15), D(2026, 9, 22)]
    monthly = with_calls(tmp_path, "{cadence: monthly, mode: video, first: 2026-08-31, until: 2026-11-30}")
    assert call_dates(monthly) == [D(2026, 8, 31), D(2026, 9, 30), D(2026, 10, 31), D(2026, 11, 30)]
    no_until = with_calls(tmp_path, "{cadence: every 4 weeks, mode: video, first: 2026-10-01}")
    assert call_dates(no_until) == [D(2026, 10, 1), D(2026, 10, 29), D(2026, 11, 26)]  # until the planned end
    assert call_dates(with_calls(tmp_path, "{cadence: as needed, mode: video, first: 2026-10-01}")) == []
    assert call_dates(with_calls(tmp_path, "{cadence: weekly, mode: video}")) == []


def test_the_ics_holds_upcoming_calls_and_key_dates(tmp_path: Path) -> None:
    e = engagement(tmp_path)
    made = calendar(e, TODAY)
    assert made is not None and made.filename == FILENAME == "engagement.ics"
    assert made.text == "7 coaching calls and 1 key date ahead, as an .ics file"
    events = read_back(made.ics)
    assert [(ev["start"], ev["summary"]) for ev in events] == [
        *((d, "Coaching call (video) — Operations leadership programme") for d in UPCOMING_CALLS),
        (D(2026, 11, 30), "Planned end — Operations leadership programme"),
    ]
    for ev in events:  # all-day events: dates, not times; one day long
        assert type(ev["start"]) is dt.date and ev["end"] == ev["start"] + dt.timedelta(days=1)
        assert ev["stamp"] == dt.datetime(2026, 6, 20, tzinfo=dt.UTC)
    uids = [ev["uid"] for ev in events]
    assert len(set(uids)) == len(uids)
    assert uids[0] == "nw-ops-2026-call-20260702@coachportal"
    assert calendar(e, TODAY).ics == made.ics  # stable: the same build date gives the same file
    later = read_back(calendar(e, D(2026, 7, 20)).ics)
    assert {ev["uid"] for ev in later} < set(uids)  # a later build keeps the UIDs of what remains
    # nothing from the file but the title: no names, no goals
    text = made.ics.decode()
    for private in ("Dana", "Whitfield", "Northwind", "Priya", "Marcus", "delegat", "G1"):
        assert private not in text


def test_href_is_the_ics_as_a_data_url(tmp_path: Path) -> None:
    made = calendar(engagement(tmp_path), TODAY)
    prefix = "data:text/calendar;charset=utf-8;base64,"
    assert made.href.startswith(prefix)
    assert base64.b64decode(made.href[len(prefix) :]) == made.ics


def test_unknown_cadence_gives_only_key_dates(tmp_path: Path) -> None:
    e = with_calls(tmp_path, "{cadence: when needed, mode: video, first: 2026-03-12}")
    made = calendar(e, TODAY)
    assert made.calls == 0 and made.text == "1 key date ahead, as an .ics file"
    assert [ev["summary"] for ev in read_back(made.ics)] == ["Planned end — Operations leadership programme"]


def test_the_first_call_is_not_listed_twice(tmp_path: Path) -> None:
    text = EXAMPLE.replace(
        CALLS_LINE, "calls: {cadence: weekly, mode: video, first: 2026-07-01, until: 2026-07-15}"
    )
    text = re.sub(
        r"    sessions:\n(      - .*\n)+", "", text
    )  # no session yet: key dates list the first call
    events = read_back(calendar(engagement(tmp_path, text), TODAY).ics)
    assert [ev["start"] for ev in events if "call" in ev["summary"].lower()] == [
        D(2026, 7, 1),
        D(2026, 7, 8),
        D(2026, 7, 15),
    ]


def test_hidden_calls_are_not_in_the_sponsors_calendar(tmp_path: Path) -> None:
    coach_only = EXAMPLE.replace(CALLS_LINE, CALLS_LINE[:-1] + ", visibility: coach}")
    assert calendar(engagement(tmp_path, coach_only), TODAY).calls == 0
    assert calendar(engagement(tmp_path, coach_only, Level.COACH), TODAY).calls == 7


def test_nothing_upcoming_gives_no_calendar(tmp_path: Path) -> None:
    closed = engagement(tmp_path, (EXAMPLES / "engagement-closed.yml").read_text(encoding="utf-8"))
    assert calendar(closed, TODAY) is None


# --- in a real build ------------------------------------------------------------------------------

READERS = {"northwind-hr": {"name": "Northwind People Team"}, "marcus-lee": {"name": "Marcus Lee"}}
PASSPHRASES = {
    "northwind-hr": "plover-quartz-meadow-tundra-58",
    "marcus-lee": "saffron-glacier-oboe-kettle-31",
}
ICS_SIGNS = (
    "BEGIN:VCALENDAR",
    "VCALENDAR",
    "VEVENT",
    "text/calendar",
    "Coaching call (video)",
    "engagement.ics",
)


def test_unencrypted_build_has_the_download_link(tmp_path: Path) -> None:
    portal = new_portal(tmp_path, plugin={"encryption": False})
    portal.add_example("engagement.yml")
    portal.build()
    overview = (portal.site / "nw-ops-2026" / "index.html").read_text(encoding="utf-8")
    link = re.search(
        r'<a class="md-button" download="engagement.ics" href="([^"]+)">Add to calendar</a>', overview
    )
    assert link is not None
    data = html.unescape(link.group(1)).split("base64,", 1)[1]
    assert len(read_back(base64.b64decode(data))) == 8


def test_no_calendar_in_site_outside_the_ciphertext(tmp_path: Path) -> None:
    portal = new_portal(tmp_path, plugin={"readers": READERS})
    portal.add_example("engagement.yml")
    portal.env = {f"COACHPORTAL_PASSPHRASE_{r.upper().replace('-', '_')}": p for r, p in PASSPHRASES.items()}
    portal.build()
    files = portal.text_of_every_file()
    assert not [p for p in portal.site.rglob("*") if p.suffix.lower() in (".ics", ".ical", ".ifb", ".vcs")]
    b64_signs = [base64.b64encode(b"BEGIN:VCALENDAR").decode()[:16]]  # how the data: link starts
    found = sorted(
        (sign, str(path.relative_to(portal.site)))
        for path, text in files.items()
        for sign in (*ICS_SIGNS, *b64_signs)
        if sign in text or sign in html.unescape(text)
    )
    assert found == []
    # ...and the decrypted overview carries it
    page = (portal.site / "nw-ops-2026" / "index.html").read_text(encoding="utf-8")
    opened = locked.decrypt_page(page, PASSPHRASES["marcus-lee"], "nw-ops-2026/")
    href = re.search(
        r'download="engagement.ics" href="data:text/calendar;charset=utf-8;base64,([^"]+)"', opened
    )
    assert href is not None
    events = read_back(base64.b64decode(href.group(1)))
    assert [ev["start"] for ev in events][:7] == UPCOMING_CALLS


@pytest.mark.browser
def test_add_to_calendar_downloads_the_ics_in_chromium(tmp_path: Path, browser: Any, serve_site: Any) -> None:
    """Unlocked in a real browser, under the portal's own CSP: the button saves engagement.ics."""
    portal = new_portal(tmp_path, plugin={"readers": READERS})
    portal.add_example("engagement.yml")
    portal.env = {f"COACHPORTAL_PASSPHRASE_{r.upper().replace('-', '_')}": p for r, p in PASSPHRASES.items()}
    portal.build()
    server = serve_site(portal.site)
    with browser.context(accept_downloads=True) as ctx:
        page = ctx.new_page()
        page.goto(server.url + "nw-ops-2026/")
        field = page.locator(".coachportal-locked input[type=password]")
        field.fill(PASSPHRASES["marcus-lee"])
        field.press("Enter")
        page.wait_for_selector(".coachportal-unlocked", timeout=15_000)
        with page.expect_download() as info:
            page.get_by_role("link", name="Add to calendar").click()
        download = info.value
        assert download.suggested_filename == "engagement.ics"
        events = read_back(Path(download.path()).read_bytes())
        assert [ev["start"] for ev in events][:7] == UPCOMING_CALLS
        assert ctx.foreign_requests(server.origin) == []
        assert not [m for m in ctx.console if m.startswith("pageerror")]

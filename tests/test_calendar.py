"""'Add to calendar': cadences, the .ics read back with icalendar, and no calendar in site/ but inside
the encrypted page."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from coachportal.core.cadence import parse_cadence
from coachportal.core.models import Engagement, Level
from coachportal.core.redact import redact
from coachportal.derive.calendar_export import PRODID, calendar, call_dates
from coachportal.load.loader import load_engagement
from coachportal.render import locked
from icalendar import Calendar
from tmpportal import EXAMPLES, PASSPHRASE_1, PASSPHRASE_2, new_portal

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
    assert made is not None and made.filename == "nw-ops-2026.ics"  # one file per engagement
    assert made.text == "7 coaching calls and 1 key date ahead, as an .ics file"
    events = read_back(made.ics)
    assert [(ev["start"], ev["summary"]) for ev in events] == [
        *((d, "Coaching call (video) — Dana Whitfield") for d in UPCOMING_CALLS),
        (D(2026, 11, 30), "Planned end — Dana Whitfield"),
    ]
    for ev in events:  # no time given: all-day events, dates, not times; one day long
        assert type(ev["start"]) is dt.date and ev["end"] == ev["start"] + dt.timedelta(days=1)
        assert ev["stamp"] == dt.datetime(2026, 6, 20, tzinfo=dt.UTC)
    uids = [ev["uid"] for ev in events]
    assert len(set(uids)) == len(uids)
    assert uids[0] == "nw-ops-2026-call-20260702@coachportal"
    assert calendar(e, TODAY).ics == made.ics  # stable: the same build date gives the same file
    later = read_back(calendar(e, D(2026, 7, 20)).ics)
    assert {ev["uid"] for ev in later} < set(uids)  # a later build keeps the UIDs of what remains
    # nothing from the file but the client's name (every view shows it): no goals, no one else
    text = made.ics.decode()
    for private in ("Northwind", "Priya", "Marcus", "delegat", "G1"):
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
    assert [ev["summary"] for ev in read_back(made.ics)] == ["Planned end — Dana Whitfield"]


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


TIMED = 'cadence: every 2 weeks, mode: video, first: 2026-03-12, until: 2026-09-30, time: "14:00"'


def _timed(tmp_path: Path, zone: str | None, session: str = "") -> Engagement:
    text = EXAMPLE.replace(CALLS_LINE, "calls: {" + TIMED + "}")
    if zone:
        text = text.replace("\nstages:", f"\ntimezone: {zone}\nstages:", 1)
    if session:
        text, count = re.subn(r"(?m)^    sessions:\n", "    sessions:\n" + session, text)
        assert count == 1
    return engagement(tmp_path, text)


def test_a_call_with_a_time_is_a_timed_event_in_its_time_zone(tmp_path: Path) -> None:
    made = calendar(_timed(tmp_path, "Europe/Berlin"), TODAY)
    cal = Calendar.from_ical(made.ics)
    zones = cal.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Berlin"]
    events = read_back(made.ics)
    calls = [ev for ev in events if ev["summary"].startswith("Coaching call")]
    assert [ev["start"].date() for ev in calls] == UPCOMING_CALLS
    first = calls[0]["start"]
    assert first == dt.datetime(2026, 7, 2, 14, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    assert first.utcoffset() == dt.timedelta(hours=2)  # summer time in Berlin
    assert calls[0]["end"] - first == dt.timedelta(minutes=60)
    assert "DTSTART;TZID=Europe/Berlin:20260702T140000" in made.ics.decode()
    # the key date keeps its whole day
    end = [ev for ev in events if ev["summary"].startswith("Planned end")][0]
    assert type(end["start"]) is dt.date


def test_a_time_without_a_time_zone_is_floating_local_time(tmp_path: Path) -> None:
    events = read_back(calendar(_timed(tmp_path, None), TODAY).ics)
    assert events[0]["start"] == dt.datetime(2026, 7, 2, 14, 0) and events[0]["start"].tzinfo is None
    assert "VTIMEZONE" not in calendar(_timed(tmp_path, None), TODAY).ics.decode()


def test_an_upcoming_session_with_a_time_is_in_the_calendar(tmp_path: Path) -> None:
    session = '      - {date: 2026-07-09, time: "09:30", mode: in-person, minutes: 90}\n'
    made = calendar(_timed(tmp_path, "America/New_York", session), TODAY)
    events = read_back(made.ics)
    held = [ev for ev in events if ev["summary"] == "Coaching session (in person) — Dana Whitfield"]
    assert len(held) == 1
    assert held[0]["start"] == dt.datetime(2026, 7, 9, 9, 30, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert held[0]["end"] - held[0]["start"] == dt.timedelta(minutes=90)
    assert held[0]["uid"] == "nw-ops-2026-session-20260709@coachportal"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("time: 14:00", None),  # YAML 1.2: a string as written
        ("time: '2pm'", "'2pm' is not a time of day"),
        ("time: '24:00'", "'24:00' is not a time of day"),
        ("time: 1400", "1400 is not a time of day"),
    ],
)
def test_times_are_checked(tmp_path: Path, line: str, message: str | None) -> None:
    from coachportal.core.errors import EngagementError

    text = EXAMPLE.replace(CALLS_LINE, CALLS_LINE[:-1] + ", " + line + "}")
    if message is None:
        assert engagement(tmp_path, text).stages.analysis.calls.time == "14:00"
        return
    with pytest.raises(EngagementError) as raised:
        engagement(tmp_path, text)
    assert message in str(raised.value) and "stages.analysis.calls.time" in str(raised.value)


def test_an_unknown_time_zone_is_refused(tmp_path: Path) -> None:
    from coachportal.core.errors import EngagementError

    with pytest.raises(EngagementError) as raised:
        _timed(tmp_path, "Europe/Atlantis")
    assert "'Europe/Atlantis' is not a time zone" in str(raised.value) and "timezone" in str(raised.value)


def test_nothing_upcoming_gives_no_calendar(tmp_path: Path) -> None:
    closed = engagement(tmp_path, (EXAMPLES / "engagement-closed.yml").read_text(encoding="utf-8"))
    assert calendar(closed, TODAY) is None


# --- in a real build ------------------------------------------------------------------------------

READERS = {"northwind-hr": {"name": "Northwind People Team"}, "marcus-lee": {"name": "Marcus Lee"}}
PASSPHRASES = {
    "northwind-hr": PASSPHRASE_1,
    "marcus-lee": PASSPHRASE_2,
}
ICS_SIGNS = (
    "BEGIN:VCALENDAR",
    "VCALENDAR",
    "VEVENT",
    "text/calendar",
    "Coaching call (video)",
    ".ics",
)


def test_unencrypted_build_has_the_download_link(tmp_path: Path) -> None:
    portal = new_portal(tmp_path, plugin={"encryption": False})
    portal.add_example("engagement.yml")
    portal.build()
    overview = (portal.site / "nw-ops-2026" / "index.html").read_text(encoding="utf-8")
    link = re.search(
        r'<a class="md-button" download="nw-ops-2026.ics" href="([^"]+)">Add to calendar</a>', overview
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
        r'download="nw-ops-2026.ics" href="data:text/calendar;charset=utf-8;base64,([^"]+)"', opened
    )
    assert href is not None
    events = read_back(base64.b64decode(href.group(1)))
    assert [ev["start"] for ev in events][:7] == UPCOMING_CALLS


@pytest.mark.browser
def test_add_to_calendar_downloads_the_ics_in_chromium(tmp_path: Path, browser: Any, serve_site: Any) -> None:
    """Unlocked in a real browser, under the portal's own CSP: the button saves nw-ops-2026.ics."""
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
        assert download.suggested_filename == "nw-ops-2026.ics"
        events = read_back(Path(download.path()).read_bytes())
        assert [ev["start"] for ev in events][:7] == UPCOMING_CALLS
        assert ctx.foreign_requests(server.origin) == []
        assert not [m for m in ctx.console if m.startswith("pageerror")]

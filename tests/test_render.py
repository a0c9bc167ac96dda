"""render.py: the HTML of the six pages of an engagement, and that YAML text stays text."""

from __future__ import annotations

import copy
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from coachportal.core.models import Engagement, Level
from coachportal.core.pages import ENGAGEMENT_PAGES
from coachportal.core.redact import redact
from coachportal.derive import survey_view
from coachportal.load.loader import load_engagement
from coachportal.render.engagement import render_engagement, render_engagement_list
from markupsafe import escape
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "tests" / "fixtures" / "reference"
ACTIVE = EXAMPLES / "engagement.yml"
CLOSED = EXAMPLES / "engagement-closed.yml"

TODAY = dt.date(2026, 6, 1)  # after 31 May: A2 and A5 of the active example are overdue
AFTER_ROUND_1 = dt.date(2026, 6, 20)  # the active example's first survey round closed on 12 Jun
AUDIENCES = ("sponsor", "client", "coach")


def pages_of(engagement: Engagement, audience: str = "sponsor", today: dt.date = TODAY) -> dict[str, str]:
    return {p.slug: p.html for p in render_engagement(engagement, audience, today)}


def redacted(path: Path, audience: str) -> Engagement:
    return redact(load_engagement(path), Level.parse(audience))


@pytest.fixture(scope="module")
def active() -> Engagement:
    return load_engagement(ACTIVE)


@pytest.fixture(scope="module")
def closed() -> Engagement:
    return load_engagement(CLOSED)


def visible_text(html: str) -> str:
    """Text content of rendered HTML, whitespace collapsed, entities decoded."""

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


# --- the contract ---------------------------------------------------------------------


def test_six_pages_in_order_with_generic_titles(active: Engagement) -> None:
    pages = render_engagement(active, "sponsor", TODAY)
    assert [(p.slug, p.title) for p in pages] == list(ENGAGEMENT_PAGES)
    assert {p.engagement_id for p in pages} == {active.id}
    for p in pages:
        assert active.client.name not in p.title and active.title not in p.title
        assert p.html.strip()


def test_one_template_per_engagement_page(active: Engagement) -> None:
    """Templates follow ENGAGEMENT_PAGES (<slug>.html, overview.html for ""): none missing, none left over."""
    from coachportal.render.engagement import TEMPLATES

    pages = [p for p in TEMPLATES.glob("*.html") if not p.name.startswith("_")]
    assert sorted(p.stem for p in pages) == sorted(slug or "overview" for slug, _ in ENGAGEMENT_PAGES)
    assert not list(TEMPLATES.glob("*.md"))  # HTML-first: no template writes Markdown
    rendered = {p.slug: p.html for p in render_engagement(active, "sponsor", TODAY)}
    assert '<h2 id="stakeholder-surveys">Stakeholder surveys</h2>' in rendered["progress"]
    assert "Stakeholder surveys" not in rendered[""]


@pytest.mark.parametrize(
    "audience,label", [("sponsor", "Sponsor view"), ("client", "Client view"), ("coach", "Coach view")]
)
def test_every_page_says_which_view_it_is(active: Engagement, audience: str, label: str) -> None:
    for slug, md_text in pages_of(active, audience).items():
        assert label in md_text, slug


# --- content of the reference files ---------------------------------------------------------


def test_overview(active: Engagement) -> None:
    text = visible_text(pages_of(redacted(ACTIVE, "sponsor"))[""])
    for expected in (
        "Operations leadership programme",
        "Dana Whitfield",
        "VP Operations, Northwind Logistics",
        "Priya Raman",
        "Marcus Lee",
        "Current stage: Action",
        "2 overdue actions",
        "Stage timeline",
        "Planned: 9 Mar – 30 Sep 2026",
        "Kickoff",
        "4 Feb 2026",
        "Development plan finalized",
        "6 Mar 2026",
        "Hand regional rollout decisions to directors and hold them accountable",
        "2 of 3 done",
        "0 of 2 done",
        "0 of 1 done",
        "target 31 Aug 2026",
    ):
        assert expected in text, expected


def test_awareness(active: Engagement) -> None:
    sponsor = visible_text(pages_of(redacted(ACTIVE, "sponsor"))["awareness"])
    for expected in (
        "Kickoff",
        "Client, Manager, Senior executive, HR",
        "leads four regional operations teams",  # a folded YAML scalar, read as one line
        "Lead the automation rollout through her directors instead of around them",
        "Fewer escalations reaching the COO",
        "The client commits to the engagement",
        "Confirmed 4 Feb 2026",
        "6 Feb 2026",
        "Elena Ortiz",
        "Senior executive",
    ):
        assert expected in sponsor, expected
    assert "confidentiality terms" not in sponsor  # the recap is client-level
    client = visible_text(pages_of(redacted(ACTIVE, "client"))["awareness"])
    assert "Dana agreed to the confidentiality terms" in client
    assert "In-depth interview" not in client
    coach = visible_text(pages_of(redacted(ACTIVE, "coach"))["awareness"])
    assert "In-depth interview" in coach and "seen as the person with the answers" in coach


def test_development_plan(active: Engagement) -> None:
    text = visible_text(pages_of(redacted(ACTIVE, "sponsor"))["development-plan"])
    for expected in (
        "finalized on 6 Mar 2026 and shared with the manager and HR",
        "8 stakeholder interviews, completed 27 Feb 2026",
        "Decisions are often re-opened after Dana joins a meeting",
        "Strategic delegation",
        "The rollout needs four regions moving in parallel.",
        "Directors trust her judgement on safety Newly discovered",
        "Steps in to solve problems her directors own Blind spot",
        "Competency: Listening to understand",
        "Let others finish and summarise their view before responding",
        "Finance partner attends every planning kickoff",
        "target 31 Jul 2026",
        "every 2 weeks",
        "Video",
        "12 Mar – 30 Sep 2026",
    ):
        assert expected in text, expected
    assert "Engages finance late in planning Blind spot" not in text
    assert "Assessments" not in text  # client-level by default
    client = visible_text(pages_of(redacted(ACTIVE, "client"))["development-plan"])
    assert "Hogan Personality Inventory" in client and "lower on delegation and listening" in client


def test_actions(active: Engagement) -> None:
    md_text = pages_of(redacted(ACTIVE, "sponsor"))["actions"]
    text = visible_text(md_text)
    for expected in (
        "2 overdue actions",
        "Ask directors for their recommendation before offering hers",
        'Attend the "Leading through others" programme',
        "New behavior",
        "Role-model talk",
        "15 Apr 2026",
        "10 Apr 2026",
        "2 of 6 actions done",
        "2 of 3 done",
        "0 of 2 done",
        "In progress",
        "Overdue",
        # every session counts; the in-person one is client-level, so not listed
        "4 coaching sessions, 4 h 15 min in total, including 1 private",
        "No session since 23 Apr 2026; planned every 2 weeks.",
        "26 Mar 2026",
        "Phone",
        "45 min",
    ):
        assert expected in text, expected
    assert md_text.count("cp-action--overdue") == 2
    assert "Tried it in two regional reviews" not in text  # reports are client-level
    assert "Topics" not in text
    client = visible_text(pages_of(redacted(ACTIVE, "client"))["actions"])
    assert "Tried it in two regional reviews; both directors came prepared." in client
    assert "Plan kickoff, delegation experiment design" not in client  # a list of topics...
    assert "delegation experiment design" in client  # ... shown item by item
    assert "4 coaching sessions, 4 h 15 min in total" in client and "In person" in client
    assert "fear of looking slow" not in client  # session notes are coach-level
    coach = visible_text(pages_of(redacted(ACTIVE, "coach"))["actions"])
    assert "fear of looking slow" in coach


def test_dropped_action_shows_its_reason(closed: Engagement) -> None:
    text = visible_text(pages_of(redacted(CLOSED, "sponsor"))["actions"])
    assert "Dropped: Replaced by a standing clinical finance forum." in text
    assert "2 of 2 actions done, 1 dropped" in text


def test_progress(closed: Engagement) -> None:
    md_text = pages_of(redacted(CLOSED, "sponsor"))["progress"]
    text = visible_text(md_text)
    for expected in (
        "Round 1",
        "Round 2",
        "Sent 1 Jul 2025",
        "Open every budget discussion with the patient impact",
        "vs round 1",
        "Dropped A3 and set up a clinical finance forum",
        "Pre-briefs were seen as lobbying.",
        "Agreed on 20 Oct 2025 by the client, the manager and HR",
        "20 Oct – 30 Nov 2025",
        "monthly",
        "Budget adopted without escalation",
    ):
        assert expected in text, expected
    assert md_text.count('<svg class="cp-chart__svg"') == 2
    assert "first one I understood" not in text  # comments are client-level
    assert "Council adopted" not in text  # follow-up feedback is client-level
    client = visible_text(pages_of(redacted(CLOSED, "client"))["progress"])
    assert "The last budget review was the first one I understood end to end." in client
    assert "Council adopted the 2026 budget in one sitting." in client


def test_progress_figures_match_the_aggregates(closed: Engagement) -> None:
    from coachportal.derive.formatting import fmt_share, fmt_signed

    text = visible_text(pages_of(closed, "sponsor")["progress"])
    for survey in closed.stages.achievement.surveys:
        total = survey.results[0].aggregate.total
        assert f"{total.n} {fmt_signed(total.mean)} {fmt_share(total.improved_share)}" in text


def test_not_enough_responses_shows_no_figures(active: Engagement) -> None:
    data = YAML(typ="safe").load(ACTIVE.read_text(encoding="utf-8"))
    data["stages"]["achievement"]["surveys"][0]["results"][1]["groups"] = {"manager": [1], "peers": [2]}
    e = Engagement.model_validate(data)
    md_text = pages_of(redact(e, Level.SPONSOR), today=AFTER_ROUND_1)["progress"]
    text = visible_text(md_text)
    assert "Not enough responses yet" in text
    assert md_text.count('<svg class="cp-chart__svg"') == 1  # only G1 gets a chart


def test_group_labels_are_escaped_exactly_once() -> None:
    data = YAML(typ="safe").load(ACTIVE.read_text(encoding="utf-8"))
    result = data["stages"]["achievement"]["surveys"][0]["results"][0]
    long_name = "research & development <lab>"  # truncated in the chart: not inside an entity
    result["groups"] = {"a & co": [1, 2, 3], "x<y_team": [2, 2, 1], long_name: [0, 1, 1], "manager": [1]}
    result["comments"] = [{"group": "a & co", "text": "Better."}]
    e = Engagement.model_validate(data)
    for audience in AUDIENCES:
        md_text = pages_of(redact(e, Level.parse(audience)), audience, AFTER_ROUND_1)["progress"]
        assert "&amp;amp;" not in md_text and "&amp;lt;" not in md_text, audience
        assert "<title>A &amp; co</title>" in md_text, audience
        assert "A &amp; co (n=3)<title>A &amp; co</title>" in md_text, audience
        assert "X&lt;y team (n=3)<title>X&lt;y team</title>" in md_text, audience
        shown = survey_view.truncate(long_name.capitalize(), survey_view.LABEL_CHARS - len(" (n=3)"))
        assert str(escape(shown)) + " (n=3)<title>" in md_text, audience
        assert shown.endswith("\u2026") and len(shown) < len(long_name), shown
        assert "<title>Research &amp; development &lt;lab&gt;</title>" in md_text, audience
        text = visible_text(md_text)
        assert "A & co (n=3)" in text and "X<y team (n=3)" in text, audience
        if audience != "sponsor":  # comments are client-level
            assert "A & co · on" in text, audience
        if audience == "coach":  # individual ratings
            assert "<td>A &amp; co</td><td>+1, +2, +3</td>" in md_text
            assert "<td>X&lt;y team</td>" in md_text


def test_final_report(closed: Engagement, active: Engagement) -> None:
    md_text = pages_of(redacted(CLOSED, "sponsor"))["final-report"]
    assert (
        '<button type="button" class="md-button" data-coachportal-print>Print / Save as PDF</button>'
        in md_text
    )
    text = visible_text(md_text)
    for expected in (
        "Omar now frames financial decisions around patient impact",
        "Mini-survey net improvement on G1 rose from +0.6 to +1.6",
        "Keep the clinical finance forum quarterly",
        "Omar Haddad",
        "12 Dec 2025",
        "2 of 2 done, 1 dropped",
    ):
        assert expected in text, expected
    waiting = pages_of(redacted(ACTIVE, "sponsor"))["final-report"]
    # a running engagement's report page prints too: an interim record with the client's name
    assert "Not written yet" in waiting and "data-coachportal-print" in waiting
    assert "planned end is 30 Nov 2026" in visible_text(waiting)
    assert "Dana Whitfield" in visible_text(waiting)


def test_demo_engagement_in_analysis_renders() -> None:
    path = REPO / "engagements" / "ar-eng-2026.yml"
    e = redact(load_engagement(path), Level.SPONSOR)
    assert e.stage == "analysis"
    pages = pages_of(e, today=dt.date(2026, 11, 25))
    assert "Current stage: Analysis" in pages[""]
    assert "not finalized yet" in pages["development-plan"]
    assert "No actions yet" in pages[""]
    assert "R&amp;D" in pages["awareness"]
    assert "Not written yet" in pages["final-report"]


def test_a_bare_engagement_renders_every_page_for_every_audience() -> None:
    e = Engagement.model_validate(
        {
            "id": "bare",
            "title": "T",
            "stage": "awareness",
            "start": "2026-01-05",
            "end": "2026-06-30",
            "client": {"name": "C"},
            "coach": {"name": "K"},
        }
    )
    for audience in AUDIENCES:
        pages = pages_of(e, audience, dt.date(2026, 1, 10))
        assert len(pages) == 6
        for md_text in pages.values():
            html = md_text
            assert html.count("<div") == html.count("</div>")
        assert "The kickoff has not taken place yet." in pages["awareness"]
        assert "Nothing to show yet." in pages["progress"]


# --- escaping -----------------------------------------------------------------------------

EVIL = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '"><svg onload=alert(1)>',
]
# A multi-line payload: blank lines must not end a raw HTML block, and lines must not
# reach Python-Markdown's line-based processors (link references, fences, snippets).
MULTILINE = (
    "First line\n\n<script>alert(2)</script>\n\n[ref]: javascript:alert(3)\n\n[click][ref]\n\n"
    '```\ncode\n```\n\n--8<-- "/etc/passwd"\n\n    <iframe src=javascript:alert(4)></iframe>\n'
)


def _evil_engagement() -> Engagement:
    data = YAML(typ="safe").load(ACTIVE.read_text(encoding="utf-8"))
    closed = YAML(typ="safe").load(CLOSED.read_text(encoding="utf-8"))
    evil = iter(EVIL * 50)
    data["title"] = next(evil)
    data["client"].update(name=next(evil), role=next(evil), organization=next(evil))
    data["coach"]["name"] = next(evil)
    data["sponsor"].update(name=next(evil), role=next(evil))
    data["team"][0].update(name=next(evil), role=next(evil))
    aw = data["stages"]["awareness"]
    aw["kickoff"].update(background=MULTILINE, goals=[next(evil)], expected_outcomes=[next(evil)])
    aw["one_on_one"]["recap"] = MULTILINE
    aw["interview"]["notes"] = MULTILINE
    an = data["stages"]["analysis"]
    an["assessments"][0].update(name=next(evil), kind=next(evil), summary=MULTILINE)
    an["stakeholder_interviews"]["themes"] = [next(evil), MULTILINE]
    an["competencies"][0].update(name=next(evil), why=next(evil))
    an["strengths"][0]["text"] = next(evil)
    an["development_needs"][0]["text"] = next(evil)
    an["plan"]["goals"][0].update(goal=next(evil), measures=[next(evil)])
    an["calls"]["cadence"] = next(evil)
    ac = data["stages"]["action"]
    ac["items"][0].update(title=next(evil))
    ac["items"][0]["reports"][0]["text"] = MULTILINE
    ac["items"][2].update(status="dropped", reason=next(evil))
    ac["sessions"][0].update(
        topics=[next(evil)], successes=[next(evil)], problems=[next(evil)], notes=MULTILINE
    )
    ach = data["stages"]["achievement"]
    result = ach["surveys"][0]["results"][0]
    result["groups"] = {next(evil): [1, 2, 3], "manager": [1]}
    result["comments"] = [{"group": next(evil), "text": MULTILINE}]
    ach["course_corrections"][0].update(change=next(evil), reason=MULTILINE)
    ach.update(
        expectations_met=closed["stages"]["achievement"]["expectations_met"],
        phase_down={**closed["stages"]["achievement"]["phase_down"], "cadence": next(evil)},
        follow_up={"date": "2026-11-01", "feedback": MULTILINE, "accomplishments": [next(evil)]},
        final_report={
            "date": "2026-11-30",
            "summary": MULTILINE,
            "outcomes": [next(evil)],
            "recommendations": [next(evil)],
        },
    )
    return Engagement.model_validate(copy.deepcopy(data))


class Live(HTMLParser):
    """Collects what a browser would treat as live: tags, event handlers, URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(f"{tag} {name}")
            if name in ("href", "src", "action", "formaction", "xlink:href") and value is not None:
                self.urls.append(value)


@pytest.mark.parametrize("audience", AUDIENCES)
def test_yaml_text_is_escaped_never_live(audience: str) -> None:
    engagement = _evil_engagement()
    seen = ""
    for page in render_engagement(engagement, audience, TODAY):
        html = page.html
        live = Live()
        live.feed(html)
        where = f"{audience} {page.slug or 'overview'}"
        assert not {"script", "img", "iframe"} & set(live.tags), where
        assert live.tags.count("svg") == html.count('<svg class="cp-'), where  # only our own SVGs
        assert live.handlers == [], where
        assert not [u for u in live.urls if "javascript" in u.lower()], where
        assert "root:x:0:0" not in html, where  # no snippet was included
        assert html.count("<div") == html.count("</div>"), where  # no raw block was cut short
        assert "<pre" not in html and "<code" not in html, where  # no indented line became code
        seen += visible_text(html)
    # ... and the text is still there for the reader, as text.
    for payload in EVIL:
        assert payload in seen, payload
    assert "[ref]: javascript:alert(3)" in seen and '--8<-- "/etc/passwd"' in seen


def test_multiline_text_keeps_its_paragraphs() -> None:
    e = _evil_engagement()
    html = pages_of(e, "client")["awareness"]
    assert "<p>First line</p>\n<p>&lt;script&gt;alert(2)&lt;/script&gt;</p>" in html
    assert "<br><br>" not in html  # paragraphs are paragraphs, not a workaround


def test_engagement_list_for_the_coach_home_page(active: Engagement, closed: Engagement) -> None:
    html = render_engagement_list([active, closed], lambda i: f"{i}/")
    live = Live()
    live.feed(html)
    assert live.urls == ["nw-ops-2026/", "fin-cfo-2025/"]
    assert "Dana Whitfield, Northwind Logistics · Action" in visible_text(html)
    assert "Closed" in visible_text(html)

    evil = active.model_copy(
        update={"title": "[x](javascript:alert(1)) <script>alert(1)</script> *em* `code`"}
    )
    html = render_engagement_list([evil], lambda i: f"{i}/")
    live = Live()
    live.feed(html)
    assert live.urls == ["nw-ops-2026/"]
    assert "script" not in live.tags and "em" not in live.tags and "code" not in live.tags
    assert "[x](javascript:alert(1)) <script>alert(1)</script> *em* `code`" in visible_text(html)
    assert "No engagements yet." in render_engagement_list([], str)


def test_pages_are_well_formed_html(active: Engagement, closed: Engagement) -> None:
    """Every element the templates open, they close: a YAML value can never cut one short."""

    class Balance(HTMLParser):
        VOID = {"br", "img", "hr", "input", "meta", "link", "line", "rect", "circle"}

        def __init__(self) -> None:
            super().__init__()
            self.stack: list[str] = []
            self.errors: list[str] = []

        def handle_starttag(self, tag: str, attrs: list) -> None:
            if tag not in self.VOID:
                self.stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if tag in self.VOID:
                return
            if not self.stack or self.stack[-1] != tag:
                self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>")
            else:
                self.stack.pop()

    for e in (active, closed, _evil_engagement()):
        for audience in AUDIENCES:
            for slug, html in pages_of(e, audience).items():
                parser = Balance()
                parser.feed(html)
                assert parser.errors == [] and parser.stack == [], f"{e.id} {audience} {slug}"


def test_individual_ratings_only_in_the_coach_view() -> None:
    progress = {a: pages_of(redacted(CLOSED, a), a)["progress"] for a in AUDIENCES}
    assert "Individual ratings" in progress["coach"]
    # round 2, G1: direct reports rated 2, 2, 1
    assert re.search(r"Direct reports</td><td>\+2, \+2, \+1</td>", progress["coach"])
    assert "Individual ratings" not in progress["sponsor"]
    assert "Individual ratings" not in progress["client"]

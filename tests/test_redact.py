"""Redaction of the model (DESIGN.md, "Audiences and visibility"), without MkDocs."""

from __future__ import annotations

import copy
import datetime as dt
import re
import typing
from pathlib import Path
from typing import Annotated, Any, ClassVar

import pytest
from coachportal.core.models import Engagement, Item, Level, Model
from coachportal.core.redact import ENV_VAR, AudienceError, _marker, audience_from, redact
from pydantic import BaseModel
from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE / "fixtures" / "reference"
MARKERS = HERE / "fixtures" / "markers.yml"
IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
MARKER = re.compile(r"\b(CLIENTMARK|COACHMARK|SHAREDMARK)\d\d\b")

SPONSOR, CLIENT, COACH = Level.SPONSOR, Level.CLIENT, Level.COACH


def data_of(path: Path) -> dict[str, Any]:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def load(path: Path) -> Engagement:
    return Engagement.model_validate(data_of(path))


@pytest.fixture(scope="module")
def example() -> Engagement:
    return load(EXAMPLES / "engagement.yml")


@pytest.fixture(scope="module")
def closed() -> Engagement:
    return load(EXAMPLES / "engagement-closed.yml")


@pytest.fixture(scope="module")
def markers() -> Engagement:
    return load(MARKERS)


def variant(edit) -> Engagement:
    """The reference engagement with ``edit(data)`` applied to its parsed YAML."""
    data = copy.deepcopy(data_of(EXAMPLES / "engagement.yml"))
    edit(data)
    return Engagement.model_validate(data)


def texts(value: Any) -> list[str]:
    """Every string in a model dump, dict keys included."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for k, v in value.items() for t in (*texts(k), *texts(v))]
    if isinstance(value, list | tuple):
        return [t for v in value for t in texts(v)]
    return []


def marker_words(engagement: Engagement) -> set[str]:
    return {m.group(0) for t in texts(engagement.model_dump()) for m in MARKER.finditer(t)}


# --- the reference file, audience by audience -----------------------------------------


def test_sponsor_view_of_the_reference_file(example: Engagement) -> None:
    s = redact(example, SPONSOR)
    awareness, analysis, action = s.stages.awareness, s.stages.analysis, s.stages.action
    # plan-level facts stay
    assert awareness.kickoff is not None and awareness.kickoff.background
    assert awareness.kickoff.commitment is not None and awareness.kickoff.commitment.confirmed
    assert [c.id for c in analysis.competencies] == ["delegation", "listening", "finance-partnership"]
    assert len(analysis.strengths) == 2 and len(analysis.development_needs) == 3
    assert analysis.plan is not None and [g.id for g in analysis.plan.goals] == ["G1", "G2", "G3"]
    assert analysis.calls is not None
    assert analysis.stakeholder_interviews is not None and analysis.stakeholder_interviews.count == 8
    assert len(analysis.stakeholder_interviews.themes) == 2
    assert [i.id for i in action.items] == ["A1", "A2", "A3", "A4", "A5", "A6"]
    assert len(s.stages.achievement.course_corrections) == 1
    # one-on-one: the block stays (date), the recap is client-level
    assert awareness.one_on_one is not None and awareness.one_on_one.recap is None
    # the interview is coach-level
    assert awareness.interview is None
    # Leadership 360 (client by default) and Hogan (visibility: client) are gone
    assert analysis.assessments == []
    # action reports are client-level
    assert all(item.reports == [] for item in action.items)
    # sessions: date, mode, minutes only; the visibility: client session is gone
    assert [x.date for x in action.sessions] == [
        dt.date(2026, 3, 12),
        dt.date(2026, 3, 26),
        dt.date(2026, 4, 23),
    ]
    for session in action.sessions:
        assert session.minutes and session.mode
        assert session.topics == session.successes == session.problems == []
        assert session.notes is None
    # surveys: the aggregate stays, individual ratings and comments go
    for survey in s.stages.achievement.surveys:
        for result in survey.results:
            assert result.groups == {}
            assert result.comments == []
            assert result.aggregate is not None and result.aggregate.enough


def test_client_view_of_the_reference_file(example: Engagement) -> None:
    c = redact(example, CLIENT)
    awareness, analysis, action = c.stages.awareness, c.stages.analysis, c.stages.action
    assert awareness.one_on_one is not None and awareness.one_on_one.recap
    assert awareness.interview is None  # coach only
    assert [a.name for a in analysis.assessments] == ["Leadership 360", "Hogan Personality Inventory"]
    assert all(a.summary for a in analysis.assessments)
    reports = {i.id: [r.text for r in i.reports] for i in action.items}
    assert len(reports["A1"]) == 1 and len(reports["A2"]) == 2  # incl. the visibility: client one
    assert len(action.sessions) == 4
    private = next(x for x in action.sessions if x.date == dt.date(2026, 4, 9))
    assert private.topics == ["Listening under pressure"]
    assert private.notes is None  # session notes stay coach-level in a client session
    assert all(x.notes is None for x in action.sessions)
    assert action.sessions[1].successes == ["Directors came prepared"]
    for survey in c.stages.achievement.surveys:
        for result in survey.results:
            assert result.groups == {}  # individual ratings: coach only
            assert result.aggregate is not None
    g2 = c.stages.achievement.surveys[0].results[1]
    assert [x.text for x in g2.comments] == ["She now asks what we think before deciding."]


def test_coach_view_is_the_whole_file(example: Engagement, closed: Engagement, markers: Engagement) -> None:
    for engagement in (example, closed, markers):
        coach = redact(engagement, COACH)
        assert coach == engagement
        assert coach is not engagement
    interview = redact(example, COACH).stages.awareness.interview
    assert interview is not None and interview.notes and "answers" in interview.notes
    notes = [x.notes for x in redact(example, COACH).stages.action.sessions if x.notes]
    assert notes == ["Dana linked interrupting to fear of looking slow in front of the COO."]
    assert redact(example, COACH).stages.achievement.surveys[0].results[0].groups["direct-reports"] == [
        1,
        2,
        2,
        1,
    ]


def test_follow_up_feedback_is_client_level(closed: Engagement) -> None:
    sponsor = redact(closed, SPONSOR).stages.achievement.follow_up
    assert sponsor is not None
    assert sponsor.feedback is None
    assert sponsor.accomplishments == closed.stages.achievement.follow_up.accomplishments
    client = redact(closed, CLIENT).stages.achievement.follow_up
    assert client is not None and client.feedback == "Council adopted the 2026 budget in one sitting."


def test_final_report_and_closing_blocks_are_sponsor_level(closed: Engagement) -> None:
    a = redact(closed, SPONSOR).stages.achievement
    assert a.final_report == closed.stages.achievement.final_report
    assert a.expectations_met is not None and a.phase_down is not None
    assert a.course_corrections == closed.stages.achievement.course_corrections


def test_redaction_leaves_the_input_alone(example: Engagement) -> None:
    before = example.model_dump()
    redacted = redact(example, SPONSOR)
    assert redacted is not example
    assert example.model_dump() == before
    assert example.stages.awareness.interview is not None


@pytest.mark.parametrize("audience", list(Level))
def test_redaction_is_idempotent_and_monotonic(example: Engagement, audience: Level) -> None:
    once = redact(example, audience)
    assert redact(once, audience) == once
    for lower in Level:
        if lower <= audience:
            assert redact(once, lower) == redact(example, lower)


# --- explicit visibility ---------------------------------------------------------------


def test_visibility_sponsor_shares_an_assessment_summary() -> None:
    def share(data: dict[str, Any]) -> None:
        data["stages"]["analysis"]["assessments"][0]["visibility"] = "sponsor"

    s = redact(variant(share), SPONSOR)
    assert [a.name for a in s.stages.analysis.assessments] == ["Leadership 360"]
    assert (
        s.stages.analysis.assessments[0].summary and "delegation" in s.stages.analysis.assessments[0].summary
    )


def test_coach_fields_stay_coach_level_whatever_the_item_says() -> None:
    def share(data: dict[str, Any]) -> None:
        data["stages"]["awareness"]["interview"]["visibility"] = "sponsor"
        data["stages"]["action"]["sessions"][2]["visibility"] = "sponsor"

    engagement = variant(share)
    for audience in (SPONSOR, CLIENT):
        r = redact(engagement, audience)
        interview = r.stages.awareness.interview
        assert interview is not None and interview.date == dt.date(2026, 2, 10)
        assert interview.notes is None
        session = next(x for x in r.stages.action.sessions if x.date == dt.date(2026, 4, 9))
        assert session.notes is None
        assert session.topics == ["Listening under pressure"]  # client field shared at sponsor


def test_visibility_client_on_a_sponsor_item_hides_it_and_its_children() -> None:
    def hide(data: dict[str, Any]) -> None:
        data["stages"]["action"]["items"][0]["visibility"] = "client"
        data["stages"]["action"]["items"][0]["reports"][0]["visibility"] = "sponsor"
        data["stages"]["analysis"]["calls"]["visibility"] = "client"
        data["stages"]["analysis"]["strengths"][1]["visibility"] = "coach"

    engagement = variant(hide)
    s = redact(engagement, SPONSOR)
    assert [i.id for i in s.stages.action.items] == ["A2", "A3", "A4", "A5", "A6"]
    assert s.stages.analysis.calls is None
    assert len(s.stages.analysis.strengths) == 1
    c = redact(engagement, CLIENT)
    assert c.stages.action.items[0].id == "A1" and len(c.stages.action.items[0].reports) == 1
    assert c.stages.analysis.calls is not None
    assert len(c.stages.analysis.strengths) == 1
    assert len(redact(engagement, COACH).stages.analysis.strengths) == 2


def test_visibility_coach_hides_a_survey_round_with_its_aggregate() -> None:
    def hide(data: dict[str, Any]) -> None:
        data["stages"]["achievement"]["surveys"][0]["results"][1]["visibility"] = "coach"

    engagement = variant(hide)
    for audience in (SPONSOR, CLIENT):
        results = redact(engagement, audience).stages.achievement.surveys[0].results
        assert [r.goal for r in results] == ["G1"]


def test_shared_action_report_reaches_the_sponsor() -> None:
    def share(data: dict[str, Any]) -> None:
        data["stages"]["action"]["items"][1]["reports"][0]["visibility"] = "sponsor"

    s = redact(variant(share), SPONSOR)
    assert [r.text for r in s.stages.action.items[1].reports] == [
        "Hard in heated meetings; using a written prompt on the table."
    ]


# --- survey comments ---------------------------------------------------------------------


def test_comment_loses_its_label_when_its_group_has_no_own_figures(example: Engagement) -> None:
    # G2, round 1: direct-reports (4) would be shown, but peers (2) alone would be
    # recoverable from the total, so direct-reports is folded too: no own figures.
    result = redact(example, CLIENT).stages.achievement.surveys[0].results[1]
    assert {f.label for f in result.aggregate.groups} == {"manager", "others"}
    assert [(x.group, x.text) for x in result.comments] == [
        (None, "She now asks what we think before deciding.")
    ]
    # the coach sees the label
    coach = redact(example, COACH).stages.achievement.surveys[0].results[1]
    assert coach.comments[0].group == "direct-reports"


def test_comment_keeps_its_label_when_its_group_has_own_figures(closed: Engagement) -> None:
    result = redact(closed, CLIENT).stages.achievement.surveys[1].results[0]
    assert "peers" in {f.label for f in result.aggregate.groups}
    assert result.comments[0].group == "peers"


def test_comment_labels_in_the_marker_fixture(markers: Engagement) -> None:
    g1, g2 = redact(markers, CLIENT).stages.achievement.surveys[0].results
    labels = {x.text.split()[0]: x.group for x in g1.comments}
    assert labels == {
        "CLIENTMARK24": "direct-reports",
        "CLIENTMARK25": None,  # its group (one rating) is folded
        "CLIENTMARK26": None,
        "SHAREDMARK07": "direct-reports",
    }
    assert [x.group for x in g2.comments] == [None]  # nobody has figures: "not enough responses yet"
    assert not g2.aggregate.enough
    s = redact(markers, SPONSOR).stages.achievement.surveys[0].results[0]
    assert [(x.group, x.text.split()[0]) for x in s.comments] == [("direct-reports", "SHAREDMARK07")]


# --- the marker fixture --------------------------------------------------------------------


def test_marker_fixture_audiences(markers: Engagement) -> None:
    everything = marker_words(markers)
    client_words = {w for w in everything if w.startswith("CLIENTMARK")}
    coach_words = {w for w in everything if w.startswith("COACHMARK")}
    shared_words = {w for w in everything if w.startswith("SHAREDMARK")}
    assert len(client_words) == 30 and len(coach_words) == 15 and len(shared_words) == 7
    assert marker_words(redact(markers, SPONSOR)) == shared_words
    assert marker_words(redact(markers, CLIENT)) == shared_words | client_words
    assert marker_words(redact(markers, COACH)) == everything


def test_every_hidden_text_of_the_fixture_carries_a_marker(markers: Engagement) -> None:
    """The fixture is complete: no client- or coach-level text without a marker word.

    Cross-checks the fixture (written from DESIGN.md) against the redaction: any
    string the coach model has and a lower model lacks must be marked for that level.
    Single tokens (ids, enum values such as ``relation: mentor``) cannot hold a marker
    word and are left out; dates and numbers are not strings.
    """
    views = {
        level: {t for t in texts(redact(markers, level).model_dump()) if not IDENTIFIER.match(t)}
        for level in Level
    }
    for text in views[COACH] - views[CLIENT]:
        assert "COACHMARK" in text, text
    for text in views[CLIENT] - views[SPONSOR]:
        assert "CLIENTMARK" in text, text
    for text in views[SPONSOR]:
        assert "CLIENTMARK" not in text and "COACHMARK" not in text, text


def test_individual_ratings_exist_only_in_the_coach_model(markers: Engagement) -> None:
    for audience in (SPONSOR, CLIENT):
        for survey in redact(markers, audience).stages.achievement.surveys:
            for result in survey.results:
                assert result.groups == {}
                assert "groups" not in result.model_dump(exclude_defaults=True)
    rounds = [s.round for s in redact(markers, COACH).stages.achievement.surveys]
    assert rounds == [1, 2, 3]
    assert [s.round for s in redact(markers, CLIENT).stages.achievement.surveys] == [1, 2]


# --- generic walk on models it has never seen -----------------------------------------------


class _Secret(Item):
    default_visibility: ClassVar[Level] = Level.SPONSOR
    label: str
    note: Annotated[str, Level.COACH]  # required: cannot be emptied


class _Box(Item):
    title: str
    summary: Annotated[str | None, Level.CLIENT] = None
    tags: Annotated[list[str], Level.CLIENT] = []
    scores: Annotated[dict[str, list[int]], Level.COACH] = {}
    secrets: list[_Secret] = []
    inner: _Secret | None = None


class _Holder(Model):
    boxes: list[_Box] = []


def test_generic_walk_empties_hidden_fields_and_drops_items_with_required_hidden_fields() -> None:
    secret = _Secret(label="s", note="n")
    holder = _Holder(
        boxes=[
            _Box(title="a", summary="x", tags=["t"], scores={"g": [1]}, secrets=[secret], inner=secret),
            _Box(title="b", summary="y", visibility="sponsor"),
            _Box(title="c", visibility="client"),
        ]
    )
    s = redact(holder, SPONSOR)  # type: ignore[arg-type]
    assert [(b.title, b.summary, b.tags, b.scores, b.secrets, b.inner) for b in s.boxes] == [
        ("a", None, [], {}, [], None),
        ("b", "y", [], {}, [], None),
    ]
    c = redact(holder, CLIENT)  # type: ignore[arg-type]
    assert [(b.title, b.summary, b.tags, b.scores) for b in c.boxes] == [
        ("a", "x", ["t"], {}),
        ("b", "y", [], {}),
        ("c", None, [], {}),
    ]
    assert redact(holder, COACH) == holder  # type: ignore[arg-type]


# --- audience_from ---------------------------------------------------------------------------


def test_audience_from_config_and_environment() -> None:
    assert audience_from("sponsor", {}) is SPONSOR
    assert audience_from("client", {}) is CLIENT
    assert audience_from("coach", {}) is COACH
    assert audience_from(None, {}) is SPONSOR  # type: ignore[arg-type]
    assert audience_from("sponsor", {ENV_VAR: "coach"}) is COACH
    assert audience_from("coach", {ENV_VAR: "sponsor"}) is SPONSOR
    assert audience_from("client", {ENV_VAR: " Coach "}) is COACH
    assert audience_from("client", {ENV_VAR: ""}) is CLIENT  # empty = unset
    assert audience_from("client", {"OTHER": "coach"}) is CLIENT


@pytest.mark.parametrize(
    ("config", "env", "where"),
    [
        ("sponser", {}, "plugin option 'audience'"),
        ("sponsor", {ENV_VAR: "hr"}, ENV_VAR),
        ("sponsor", {ENV_VAR: "2"}, ENV_VAR),
    ],
)
def test_audience_from_rejects_unknown_names(config: str, env: dict[str, str], where: str) -> None:
    with pytest.raises(AudienceError) as info:
        audience_from(config, env)
    message = str(info.value)
    assert where in message
    assert "sponsor, client, coach" in message
    assert isinstance(info.value, ValueError)


# --- the visibility table of DESIGN.md, pinned ------------------------------------------------


def _reachable(cls: type, seen: dict[str, type]) -> dict[str, type]:
    """Every pydantic model class reachable from ``cls`` through its fields."""
    seen[cls.__name__] = cls
    stack = [f.annotation for f in cls.model_fields.values()]
    while stack:
        annotation = stack.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation.__name__ not in seen:
                _reachable(annotation, seen)
            continue
        stack.extend(typing.get_args(annotation))
    return seen


def test_markers_and_defaults_match_design() -> None:
    """DESIGN.md's table as the models declare it; a change here needs a visibility review."""
    classes = _reachable(Engagement, {})
    marked = {
        f"{name}.{field}": _marker(info).label
        for name, cls in classes.items()
        for field, info in cls.model_fields.items()
        if _marker(info) is not None
    }
    assert marked == {
        "OneOnOne.recap": "client",
        "Interview.notes": "coach",
        "Assessment.summary": "client",
        "ActionReport.text": "client",
        "Session.topics": "client",
        "Session.successes": "client",
        "Session.problems": "client",
        "Session.notes": "coach",
        "SurveyComment.text": "client",
        "SurveyResult.groups": "coach",
        "FollowUp.feedback": "client",
    }
    defaults = {
        name: cls.default_visibility.label
        for name, cls in classes.items()
        if getattr(cls, "default_visibility", Level.SPONSOR) != Level.SPONSOR
    }
    assert defaults == {
        "Interview": "coach",
        "Assessment": "client",
        "ActionReport": "client",
        "SurveyComment": "client",
    }
    # blocks that may carry `visibility:` are Items; the plain containers are not
    for name in ("Engagement", "Stages", "Awareness", "Analysis", "Action", "Achievement"):
        assert not issubclass(classes[name], Item), name


def test_actions_and_survey_results_of_a_hidden_goal_are_dropped() -> None:
    data = copy.deepcopy(data_of(EXAMPLES / "engagement.yml"))
    data["stages"]["analysis"]["plan"]["goals"][1]["visibility"] = "client"  # G2
    data["stages"]["analysis"]["competencies"][2]["visibility"] = "client"  # finance-partnership -> G3
    engagement = Engagement.model_validate(data)
    sponsor = redact(engagement, SPONSOR)
    assert [g.id for g in sponsor.stages.analysis.plan.goals] == ["G1"]
    assert {i.goal for i in sponsor.stages.action.items} == {"G1"}
    assert [r.goal for r in sponsor.stages.achievement.surveys[0].results] == ["G1"]
    assert all(n.competency != "finance-partnership" for n in sponsor.stages.analysis.development_needs)
    client = redact(engagement, CLIENT)
    assert {i.goal for i in client.stages.action.items} == {"G1", "G2", "G3"}

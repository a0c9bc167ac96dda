"""The loader: reference files load unchanged; each kind of problem is located and worded exactly."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from coachportal.core import checks
from coachportal.core.errors import EngagementError, Problem
from coachportal.core.schema import engagement_json_schema
from coachportal.load import loader
from coachportal.load.loader import load_engagement, load_engagements

EXAMPLES = Path(__file__).resolve().parent / "fixtures" / "reference"
REFERENCE = EXAMPLES / "engagement.yml"
CLOSED = EXAMPLES / "engagement-closed.yml"

MINIMAL = """\
id: small
title: Small engagement
stage: analysis
start: 2026-01-05
end: 2026-06-30
client: {name: Ada Client}
coach: {name: Cora Coach}
"""


def problems(path: Path) -> list[str]:
    with pytest.raises(EngagementError) as info:
        load_engagement(path)
    return [str(p) for p in info.value.problems]


def write(tmp_path: Path, text: str, name: str = "e.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- reference files --------------------------------------------------------------------


def test_reference_file_loads_unchanged():
    e = load_engagement(REFERENCE)
    assert (e.id, e.stage, str(e.start), str(e.end)) == ("nw-ops-2026", "action", "2026-02-02", "2026-11-30")
    assert e.client.name == "Dana Whitfield" and e.access == ["northwind-hr", "marcus-lee"]
    assert [g.id for g in e.stages.analysis.plan.goals] == ["G1", "G2", "G3"]
    assert [(i.id, i.status) for i in e.stages.action.items][:2] == [("A1", "done"), ("A2", "doing")]
    assert str(e.stages.action.items[0].done_on) == "2026-04-10"
    assert e.stages.analysis.assessments[0].kind == "360"
    assert e.stages.awareness.kickoff.background.startswith("Dana was promoted")
    assert e.stages.awareness.interview.visibility == "coach"
    assert e.stages.achievement.surveys[0].results[0].groups["direct-reports"] == [1, 2, 2, 1]
    assert e.stages.achievement.final_report is None


def test_closed_reference_file_loads_unchanged():
    e = load_engagement(CLOSED)
    assert (e.id, e.stage) == ("fin-cfo-2025", "closed")
    assert e.stages.achievement.phase_down.cadence == "monthly"
    assert [s.round for s in e.stages.achievement.surveys] == [1, 2]
    assert e.stages.action.items[2].reason == "Replaced by a standing clinical finance forum."


def test_directory_sorted_by_id(tmp_path: Path):
    write(tmp_path, REFERENCE.read_text(encoding="utf-8"), "a.yml")
    write(tmp_path, CLOSED.read_text(encoding="utf-8"), "b.yaml")
    write(tmp_path, "garbage: [", ".#lock.yml")  # hidden editor files are skipped
    (tmp_path / "dir.yml").mkdir()  # so are directories
    assert [e.id for e in load_engagements(tmp_path)] == ["fin-cfo-2025", "nw-ops-2026"]


def test_empty_directory(tmp_path: Path):
    assert load_engagements(tmp_path) == []


def test_missing_directory(tmp_path: Path):
    with pytest.raises(EngagementError) as info:
        load_engagements(tmp_path / "nope")
    assert [str(p) for p in info.value.problems] == [
        f"{tmp_path / 'nope'}:1:1: engagements directory not found (expected a directory of *.yml files)"
    ]


# --- problems and their format ----------------------------------------------------------


def test_problem_str_and_error_lists_every_problem():
    p = Problem(Path("engagements/x.yml"), 3, 7, "stages.action.items[2].status", "bad (expected good)")
    assert str(p) == "engagements/x.yml:3:7: stages.action.items[2].status: bad (expected good)"
    assert (
        str(Problem(Path("x.yml"), 1, 1, "", "empty (expected more)")) == "x.yml:1:1: empty (expected more)"
    )
    err = EngagementError([p, Problem(Path("a.yml"), 1, 1, "id", "m (expected n)")])
    assert str(err) == (
        "2 problems in engagement files:\n"
        "  a.yml:1:1: id: m (expected n)\n"
        "  engagements/x.yml:3:7: stages.action.items[2].status: bad (expected good)"
    )


def test_relative_path_stays_relative(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "engagements").mkdir()
    write(tmp_path / "engagements", MINIMAL.replace("stage: analysis", "stage: analysys"))
    with pytest.raises(EngagementError) as info:
        load_engagements(Path("engagements"))
    assert [str(p) for p in info.value.problems] == [
        "engagements/e.yml:3:8: stage: unknown value 'analysys'; did you mean 'analysis'? "
        "(expected one of: awareness, analysis, action, achievement, closed)"
    ]


def test_every_problem_of_a_file_at_once(tmp_path: Path):
    text = MINIMAL.replace("stage: analysis", "stage: analysys").replace("2026-06-30", "2026-06-31")
    text = text.replace("coach: {name: Cora Coach}", "coach: {nme: Cora Coach, email: 5}")
    text += "team:\n  - {name: Max, relation: boss}\n  - name: 7\n    relation: hr\n"
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:3:8: stage: unknown value 'analysys'; did you mean 'analysis'? "
        "(expected one of: awareness, analysis, action, achievement, closed)",
        f"{path}:5:6: end: not a valid date: June has no 31st day (expected a date as YYYY-MM-DD)",
        f"{path}:7:9: coach.nme: unknown field 'nme'; did you mean 'name'? (expected one of: name, email)",
        f"{path}:7:33: coach.email: got the number 5 (expected text)",
        f"{path}:9:27: team[0].relation: unknown value 'boss' "
        "(expected one of: manager, senior-executive, hr, peer, mentor, other)",
        f"{path}:10:11: team[1].name: got the number 7 (expected text)",
    ]


def test_locations_value_key_and_parent(tmp_path: Path):
    text = MINIMAL + "sponsor:\n  role: COO\n  colour: blue\n"
    path = write(tmp_path, text)
    assert problems(path) == [
        # a missing field: the mapping that should hold it
        f"{path}:9:3: sponsor.name: required field 'name' is missing (expected text)",
        # an unknown key: the key itself
        f"{path}:10:3: sponsor.colour: unknown field 'colour' (expected one of: name, role)",
    ]


def test_empty_value_and_empty_text(tmp_path: Path):
    path = write(tmp_path, MINIMAL.replace("title: Small engagement", "title:") + "sponsor: {name: ''}\n")
    assert problems(path) == [
        f"{path}:2:1: title: got an empty value (expected text)",
        f"{path}:8:17: sponsor.name: the text is empty (expected text)",
    ]


def test_text_too_long(tmp_path: Path):
    path = write(tmp_path, MINIMAL.replace("Small engagement", "x" * 20_001))
    assert problems(path) == [
        f"{path}:2:8: title: the text is too long: 20,001 characters (expected at most 20,000)"
    ]


def test_dates_with_time_and_as_numbers(tmp_path: Path):
    path = write(tmp_path, MINIMAL.replace("start: 2026-01-05", "start: 2026-01-05 09:30"))
    assert problems(path) == [
        f"{path}:4:8: start: '2026-01-05 09:30' has a time of day (expected a date as YYYY-MM-DD)"
    ]


def test_boolean_and_group_name(tmp_path: Path):
    text = MINIMAL + (
        "stages:\n  analysis:\n    strengths:\n      - {text: Calm, newly_discovered: maybe}\n"
        "  achievement:\n    surveys:\n      - round: 0\n        sent: 2026-03-01\n"
    )
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:11:40: stages.analysis.strengths[0].newly_discovered: got the text 'maybe' "
        "(expected true or false)",
        f"{path}:14:16: stages.achievement.surveys[0].round: 0 is out of range (expected 1 or more)",
    ]


def test_cross_checks_report_unknown_references_without_definitions(tmp_path: Path):
    text = MINIMAL + (
        "stages:\n  action:\n    items:\n      - {id: A1, kind: training, goal: G1, title: Course}\n"
    )
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:11:40: stages.action.items[0].goal: unknown goal 'G1' "
        "(expected the id of a goal in stages.analysis.plan.goals; none is defined)"
    ]


def test_more_date_orders(tmp_path: Path):
    text = MINIMAL + (
        "stages:\n"
        "  analysis:\n    calls: {cadence: weekly, mode: video, first: 2026-03-01, until: 2026-02-01}\n"
        "  action:\n    items:\n"
        "      - {id: A1, kind: training, goal: G1, title: Course, done_on: 2026-02-01}\n"
        "  achievement:\n"
        "    surveys: [{round: 1, sent: 2026-03-01, closed: 2026-03-05, discussed: 2026-03-04},"
        " {round: 1, sent: 2026-04-01}]\n"
        "    phase_down: {start: 2026-05-01, end: 2026-04-30}\n"
    )
    text = text.replace(
        "stages:\n  analysis:\n",
        "stages:\n  analysis:\n    plan: {goals: [{id: G1, competency: c, "
        "goal: Decide}]}\n    competencies: [{id: c, name: C}]\n",
    )
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:12:69: stages.analysis.calls.until: until 2026-02-01 is before first 2026-03-01 "
        "(expected until on or after first)",
        f"{path}:15:68: stages.action.items[0].done_on: done_on is set but status is 'todo', the default "
        "(expected status: done, or no done_on)",
        f"{path}:17:75: stages.achievement.surveys[0].discussed: discussed 2026-03-04 is before closed "
        "2026-03-05 (expected discussed on or after closed)",
        f"{path}:17:96: stages.achievement.surveys[1].round: duplicate survey round '1': already used on "
        "line 17 (expected each survey round once in the file)",
        f"{path}:18:42: stages.achievement.phase_down.end: end 2026-04-30 is before start 2026-05-01 "
        "(expected end on or after start)",
    ]


# --- YAML features ----------------------------------------------------------------------


def test_merge_keys_anchors_and_core_tags(tmp_path: Path):
    text = MINIMAL.replace("client: {name: Ada Client}", "client: &who {name: Ada Client}")
    text += "sponsor:\n  <<: *who\n  role: !!str 42\naccess: !!seq [hr]\n"
    e = load_engagement(write(tmp_path, text))
    assert (e.sponsor.name, e.sponsor.role, e.access) == ("Ada Client", "42", ["hr"])


def test_merge_of_a_non_mapping(tmp_path: Path):
    path = write(tmp_path, MINIMAL + "sponsor:\n  <<: [1, 2]\n  name: S\n")
    assert problems(path) == [
        f"{path}:9:3: sponsor: a '<<' merge needs a mapping or a list of mappings "
        "(expected '<<: *anchor-of-a-mapping')"
    ]


def test_bad_value_for_core_tag(tmp_path: Path):
    path = write(
        tmp_path,
        MINIMAL + "stages: {action: {sessions: [{date: 2026-01-09, mode: video, minutes: !!int sixty}]}}\n",
    )
    assert problems(path) == [
        f"{path}:8:71: stages.action.sessions[0].minutes: 'sixty' does not match its tag '!!int' "
        "(expected a value of that type, or no tag)"
    ]


def test_non_text_key(tmp_path: Path):
    path = write(tmp_path, MINIMAL + "? [a, b]\n: c\n")
    assert problems(path) == [f"{path}:8:3: a key must be plain text (expected 'name: value')"]


def test_mapping_key_after_list_indentation(tmp_path: Path):
    path = write(tmp_path, "- a\nid: x\n")
    assert problems(path) == [
        f"{path}:2:1: invalid YAML: the indentation of this line does not fit the block started on line 1 "
        "(expected the same indentation as the keys or items next to it)"
    ]


def test_unreadable_file(tmp_path: Path):
    path = write(tmp_path, MINIMAL)
    os.chmod(path, 0)
    if os.access(path, os.R_OK):
        pytest.skip("running as a user who can read anything")
    assert problems(path) == [
        f"{path}:1:1: cannot read the file: Permission denied (expected a readable file)"
    ]


# --- valid but unusual -----------------------------------------------------------------


def test_bom_and_crlf(tmp_path: Path):
    path = tmp_path / "bom.yml"
    path.write_bytes(b"\xef\xbb\xbf" + REFERENCE.read_bytes().replace(b"\n", b"\r\n"))
    e = load_engagement(path)
    assert e.id == "nw-ops-2026"
    assert e.stages.awareness.kickoff.background.endswith("warehouse automation rollout.\n")
    # positions stay right with a BOM and CRLF
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.replace("analysis", "analisys").replace("\n", "\r\n").encode())
    assert problems(path) == [
        f"{path}:3:8: stage: unknown value 'analisys'; did you mean 'analysis'? "
        "(expected one of: awareness, analysis, action, achievement, closed)"
    ]


def test_non_latin_names_and_long_texts(tmp_path: Path):
    long_text = "Развитие лидерства. 领导力发展。 " * 600  # ~18,600 characters
    text = MINIMAL.replace("Ada Client", "Юлия Петрова").replace("Cora Coach", "王小明")
    text += f"sponsor: {{name: 'محمد عبد الله', role: \"{long_text.strip()}\"}}\n"
    text += "team:\n  - {name: Ελένη Παπαδοπούλου, relation: hr}\n"
    e = load_engagement(write(tmp_path, text))
    assert (e.client.name, e.coach.name, e.sponsor.name) == ("Юлия Петрова", "王小明", "محمد عبد الله")
    assert e.sponsor.role == long_text.strip() and e.team[0].name == "Ελένη Παπαδοπούλου"


def test_two_hundred_action_items(tmp_path: Path):
    items = "".join(
        f"      - {{id: A{i}, kind: new-skill, goal: G1, title: Practice step {i}, due: 2026-05-01,"
        f" status: {'done, done_on: 2026-04-01' if i % 2 else 'todo'}}}\n"
        for i in range(200)
    )
    text = MINIMAL + (
        "stages:\n  analysis:\n    competencies: [{id: c, name: C}]\n"
        "    plan: {goals: [{id: G1, competency: c, goal: Decide}]}\n"
        "  action:\n    items:\n" + items
    )
    e = load_engagement(write(tmp_path, text))
    assert len(e.stages.action.items) == 200
    assert sum(i.status == "done" for i in e.stages.action.items) == 100


def test_empty_optional_lists_and_nulls(tmp_path: Path):
    text = MINIMAL + (
        "sponsor: null\nteam: []\naccess: []\n"
        "stages:\n"
        "  awareness: {kickoff: {date: 2026-01-07, attendees: [], goals: [], expected_outcomes: []}}\n"
        "  analysis: {assessments: [], competencies: [], strengths: [], development_needs: [],"
        " plan: {goals: [], shared_with: []}}\n"
        "  action: {items: [], sessions: [{date: 2026-01-09, mode: phone, minutes: 30, topics: [],"
        " successes: [], problems: []}]}\n"
        "  achievement: {surveys: [{round: 1, sent: 2026-03-01, results: []}], course_corrections: [],"
        " final_report: null}\n"
    )
    e = load_engagement(write(tmp_path, text))
    assert e.team == [] and e.sponsor is None and e.stages.action.items == []
    assert e.stages.action.sessions[0].topics == []


def test_plain_text_that_looks_like_other_types(tmp_path: Path):
    text = MINIMAL.replace("Small engagement", "'2026-01-05'") + "sponsor: {name: 'yes', role: 'null'}\n"
    e = load_engagement(write(tmp_path, text))
    assert (e.title, e.sponsor.name, e.sponsor.role) == ("2026-01-05", "yes", "null")


def test_html_in_text_is_kept_as_text(tmp_path: Path):
    text = MINIMAL.replace("Small engagement", "\"<script>alert('x')</script>\"")
    assert load_engagement(write(tmp_path, text)).title == "<script>alert('x')</script>"


# --- limits and schema -----------------------------------------------------------------


def test_limits_are_documented():
    doc = loader.__doc__
    assert loader.MAX_FILE_BYTES == 1024 * 1024 and "1 MiB" in doc
    assert f"{loader.MAX_NODES:,}" in doc and f"{loader.MAX_ALIASES}" in doc and f"{loader.MAX_DEPTH}" in doc


def test_a_few_aliases_are_fine(tmp_path: Path):
    text = (
        MINIMAL.replace("client: {name: Ada Client}", "client: {name: &n Ada Client}")
        + "sponsor: {name: *n}\n"
    )
    e = load_engagement(write(tmp_path, text))
    assert e.sponsor.name == e.client.name == "Ada Client"


def test_json_schema():
    schema = engagement_json_schema()
    json.dumps(schema)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["title"] == "Coaching engagement" and schema["description"]
    assert schema["properties"]["id"]["pattern"] == "^[a-z0-9][a-z0-9-]*$"
    assert {"id", "title", "stage", "start", "end", "client", "coach"} <= set(schema["required"])
    assert "aggregate" not in schema["$defs"]["SurveyResult"]["properties"]
    assert schema["$defs"]["ActionItem"]["properties"]["status"]["enum"] == [
        "todo",
        "doing",
        "done",
        "dropped",
    ]


def test_id_problem_for_other_callers():
    assert checks.id_problem("hr-reader") is None and checks.id_problem("G1", item_id=True) is None
    assert checks.id_problem("../x") == (
        "'../x' is not a valid id: it must not contain '/', '\\' or '..' "
        "(expected lowercase letters, digits and dashes, starting with a letter or digit)"
    )
    assert checks.id_problem("Marcus Lee") == (
        "'Marcus Lee' is not a valid id; did you mean 'marcus-lee'? "
        "(expected lowercase letters, digits and dashes, starting with a letter or digit)"
    )


def test_problems_before_a_syntax_error_are_kept(tmp_path: Path):
    path = write(tmp_path, 'id: a\nid: b\ntitle: "never closed\n')
    assert problems(path) == [
        f"{path}:2:1: id: duplicate key 'id': it is already set on line 1 "
        "(expected each key once per mapping)",
        f"{path}:3:8: invalid YAML: the quoted text starting here is never closed (expected a closing quote)",
    ]


def test_a_string_path_is_accepted(tmp_path: Path):
    assert load_engagement(str(write(tmp_path, MINIMAL))).id == "small"


def test_tab_after_a_key(tmp_path: Path):
    path = write(tmp_path, MINIMAL.replace("title: Small", "title:\tSmall"))
    assert problems(path) == [
        f"{path}:2:7: tab character here (expected a space: YAML does not allow this tab)"
    ]


def test_a_comma_inside_a_flow_mapping_gets_a_hint(tmp_path: Path):
    text = REFERENCE.read_text(encoding="utf-8").replace(
        "summary: Rated highly on drive and operational expertise; lower on delegation and listening.",
        "summary: Strong drive, low delegation.",
    )
    found = problems(write(tmp_path, text))
    assert len(found) == 1 and "stages.analysis.assessments[0].low delegation.: unknown field" in found[0]
    assert "a comma inside {...} ends a value: put text with commas in quotes" in found[0]


def test_access_names_declared_readers_when_they_are_given(tmp_path: Path):
    path = write(tmp_path, REFERENCE.read_text(encoding="utf-8"))
    assert load_engagement(path, readers={"northwind-hr", "marcus-lee"}).access == [
        "northwind-hr",
        "marcus-lee",
    ]
    with pytest.raises(EngagementError) as info:
        load_engagement(path, readers={"northwind-hr", "marcus-lea"})
    assert [str(p) for p in info.value.problems] == [
        f"{path}:34:24: access[1]: unknown reader 'marcus-lee'; did you mean 'marcus-lea'? (expected a reader"
        " declared under `readers:` in mkdocs.yml: marcus-lea, northwind-hr)"
    ]
    assert load_engagement(path).id == "nw-ops-2026"  # without readers (no encryption) nothing is checked


def test_syntax_error_with_only_a_context(tmp_path: Path):
    # ruamel.yaml gives this scanner error without a 'problem', only a context
    path = write(tmp_path, "title: |\n \n  \n  literal\n   \n  text\n")
    assert problems(path) == [
        f"{path}:4:3: invalid YAML: more indented follow up line than first in a block scalar "
        "(expected consistent indentation, closed brackets and quotes)"
    ]


def test_yaml_version_directives(tmp_path: Path):
    assert load_engagement(write(tmp_path, "%YAML 1.2\n---\n" + MINIMAL)).id == "small"
    path = write(tmp_path, "# notes\n%YAML 1.9\n---\n" + MINIMAL)
    assert problems(path) == [
        f"{path}:2:1: YAML version 1.9 is not supported (expected '%YAML 1.2', or no '%YAML' line at all)"
    ]


def test_message_formatters_are_keyed_by_error_types():
    import typing

    from coachportal.load import messages
    from pydantic_core.core_schema import ErrorType

    ours = {"computed_field"}  # PydanticCustomError types raised in core/models/
    assert set(messages.FORMATTERS) <= set(typing.get_args(ErrorType)) | ours


# --- the node graph keeps what the event builder did -----------------------------------


def test_problems_inside_an_open_mapping_before_a_syntax_error(tmp_path: Path):
    path = write(tmp_path, 'client:\n  name: a\n  name: b\n  role: "never closed\n')
    assert problems(path) == [
        f"{path}:3:3: client.name: duplicate key 'name': it is already set on line 2 "
        "(expected each key once per mapping)",
        f"{path}:4:9: invalid YAML: the quoted text starting here is never closed (expected a closing quote)",
    ]


def test_an_alias_is_located_where_it_is_used(tmp_path: Path):
    text = MINIMAL.replace("title: Small engagement", "title: &t [Small]") + "sponsor: {name: *t}\n"
    path = write(tmp_path, text)
    assert problems(path) == [
        f"{path}:2:8: title: got a list (expected text)",
        f"{path}:8:17: sponsor.name: got a list (expected text)",
    ]


def test_non_specific_tag_and_yaml_1_1_keep_text(tmp_path: Path):
    # '!' makes a scalar text; '%YAML 1.1' does not turn 'yes' into true (YAML 1.2 rules)
    text = "%YAML 1.1\n---\n" + MINIMAL.replace("Small engagement", "yes") + "sponsor: {name: ! 42}\n"
    e = load_engagement(write(tmp_path, text))
    assert (e.title, e.sponsor.name) == ("yes", "42")


def test_an_unknown_alias_does_not_hide_other_problems(tmp_path: Path):
    path = write(tmp_path, MINIMAL.replace("Cora Coach", "*nobody") + "stage: action\n")
    assert problems(path) == [
        f"{path}:7:15: coach.name: unknown alias '*nobody' "
        "(expected an anchor '&nobody' defined earlier in the file)",
        f"{path}:8:1: stage: duplicate key 'stage': it is already set on line 3 "
        "(expected each key once per mapping)",
    ]

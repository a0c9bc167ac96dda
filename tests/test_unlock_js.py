"""unlock.js's pure parts under ``node --test`` (tests/js/), against payloads written by crypto.py.

Python builds real payloads (a Vault, 600,000 PBKDF2 iterations, known passphrases) into a
temporary directory; the node tests import the ES module and open them, and check that
wrong passphrases, moved pages, tampered ciphertext and weakened iterations are refused.
Without node the test is skipped locally and fails in CI, like the browser tests.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from browser import in_ci
from coachportal.plugin import scripts
from coachportal.protect import crypto
from coachportal.protect.vault import Vault, find_portfolio
from tmpportal import PASSPHRASE_1, PASSPHRASE_3

REPO = Path(__file__).resolve().parent.parent
NODE_TESTS = REPO / "tests" / "js"
UNLOCK_JS = REPO / "plugins" / "coachportal" / "assets" / scripts.MODULE
PASSPHRASES = {
    "alice": PASSPHRASE_1,
    "bob": "quiet-rivér-compass-17",  # é composed: NFC matters
    "carol": PASSPHRASE_3,
}
ACCESS = {"nw-ops-2026": ["alice", "bob"], "fin-cfo-2025": ["carol", "alice"], "hr-new-2026": ["carol"]}
TITLES = {
    "nw-ops-2026": "Operations leadership",
    "fin-cfo-2025": "CFO transition",
    "hr-new-2026": "HR Ünïcode",
}


def node() -> str:
    path = shutil.which("node")
    if path is None:
        if in_ci():
            pytest.fail("node is not installed - the unlock.js tests must run in CI", pytrace=False)
        pytest.skip("node is not installed")
    return path


def write_payloads(directory: Path) -> Path:
    vault = Vault.create(ACCESS, PASSPHRASES)
    page_html = "<h1>Operations leadership</h1><p>Dana’s plan — café</p>"
    other_html = "<h1>Actions</h1><p>Lead with one story</p>"
    big_html = "".join(f"<tr><td>Action {i}</td><td>Dana’s plan — café</td></tr>" for i in range(600))
    summaries = {
        e: {"title": TITLES[e], "stage": "action", "progress": "1 of 2 actions done", "url": f"{e}/"}
        for e in ACCESS
    }
    data = {
        "passphrases": PASSPHRASES,
        "min_iterations": crypto.MIN_ITERATIONS,
        "max_iterations": crypto.MAX_ITERATIONS,
        "page_engagement": "nw-ops-2026",
        "page_title": TITLES["nw-ops-2026"],
        "page": {
            "path": "nw-ops-2026/",
            "html": page_html,
            "payload": vault.payload("nw-ops-2026", "nw-ops-2026/", page_html),
        },
        "other": {
            "path": "nw-ops-2026/actions/",
            "html": other_html,
            "payload": vault.payload("nw-ops-2026", "/nw-ops-2026/actions/index.html", other_html),
        },
        "padded": {
            "path": "nw-ops-2026/progress/",
            "html": big_html,
            "size": 8192,
            "payload": vault.payload("nw-ops-2026", "nw-ops-2026/progress/", big_html, 8192),
        },
        "other_engagement_kid": vault.key_id("fin-cfo-2025"),
        "locator": vault.portfolio_locator(),
        "portfolios": vault.portfolio(summaries),  # locator -> a reader's file
        "locators": {  # what the browser must compute from each passphrase
            reader: crypto.portfolio_locator(vault.keks[reader]) for reader in PASSPHRASES
        },
        "dashboard": dashboard_order(),
        "titles": {
            reader: sorted(TITLES[e] for e, readers in ACCESS.items() if reader in readers)
            for reader in PASSPHRASES
        },
    }
    # the Python side agrees with what the node tests expect
    assert find_portfolio(data["locator"], data["portfolios"], PASSPHRASES["alice"])
    path = directory / "payloads.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def dashboard_order() -> dict[str, list]:
    """Dashboard summaries (shuffled) and the order Python gives them: unlock.js must agree."""
    import datetime as dt
    import random

    from coachportal.render.dashboard import Row

    def row(i: int, client: str, **extra: object) -> Row:
        fields = {
            "id": f"e{i:02d}",
            "url": f"e{i:02d}/",
            "client": client,
            "title": f"Programme {i}",
            "organization": None,
            "stage": "action",
            "stage_label": "Action",
            "schedule": "on-schedule",
            "done": 1,
            "total": 2,
            "overdue": 0,
            "next_date": None,
            "next_label": None,
            "last_updated": None,
        }
        return Row(**{**fields, **extra})  # type: ignore[arg-type]

    rows = [
        row(1, "Zed", overdue=4),
        row(2, "Ann", overdue=1, next_date=dt.date(2026, 7, 1)),
        row(3, "Émile", schedule="behind", next_date=dt.date(2026, 6, 30)),
        row(4, "Eve", schedule="behind", next_date=dt.date(2026, 6, 30)),
        row(5, "Ünal", next_date=dt.date(2026, 6, 21)),
        row(6, "ann", next_date=dt.date(2026, 6, 21)),
        row(7, "Bo"),
        row(8, "Al", stage="closed", schedule="closed"),
        row(9, "日本", next_date=dt.date(2026, 6, 21)),
    ]
    summaries = [{"title": r.title, "url": r.url, "sort": r.sort_key} for r in rows]
    random.Random(3).shuffle(summaries)
    return {"summaries": summaries, "order": [r.title for r in sorted(rows, key=lambda r: r.sort_key)]}


@pytest.mark.parametrize("copy", ["source", "minified"])
def test_unlock_js_opens_payloads_written_by_crypto_py(tmp_path: Path, copy: str) -> None:
    """The readable source, and the minified copy the site serves, pass the same tests."""
    executable = node()
    payloads = write_payloads(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "COACHPORTAL_JS_PAYLOADS": str(payloads)}
    if copy == "minified":
        copies = {scripts.MODULE: "COACHPORTAL_UNLOCK_JS", scripts.PORTFOLIO: "COACHPORTAL_PORTFOLIO_JS"}
        for name, variable in copies.items():
            source = UNLOCK_JS.parent / name
            minified = tmp_path / name  # side by side: portfolio.js imports "./unlock.js"
            minified.write_text(scripts.minify_js(source.read_text(encoding="utf-8")), encoding="utf-8")
            assert minified.stat().st_size < 0.75 * source.stat().st_size
            env[variable] = minified.as_uri()
    result = subprocess.run(
        [executable, "--test", "--test-reporter=spec", str(NODE_TESTS)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    # every node test ran (none skipped for want of the payloads) and passed
    assert "ℹ fail 0" in result.stdout and "ℹ skipped 0" in result.stdout, result.stdout


def test_classic_copy_is_a_script_and_the_module_a_module(tmp_path: Path) -> None:
    """The file:// copy parses as a classic script; the module's exports are one final statement."""
    executable = node()
    source = UNLOCK_JS.read_text(encoding="utf-8")
    portfolio = (UNLOCK_JS.parent / scripts.PORTFOLIO).read_text(encoding="utf-8")
    classic = tmp_path / "unlock.classic.js"
    classic.write_text(scripts.classic_copy(source, portfolio), encoding="utf-8")
    text = classic.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(export|import)\b", text, re.M)
    assert "function startPortfolio(page)" in text  # the home page's part is in it too
    check = subprocess.run([executable, "--check", str(classic)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    with pytest.raises(ValueError, match="one final"):
        scripts.classic_copy(source + "\nconst late = 1;\n", portfolio)
    with pytest.raises(ValueError, match="one final"):
        scripts.classic_copy("export const early = 1;\n" + source, portfolio)
    with pytest.raises(ValueError, match="one import"):
        scripts.classic_copy(source, portfolio.replace('from "./unlock.js"', 'from "./other.js"'))
    with pytest.raises(ValueError, match="one import"):
        scripts.classic_copy(source, portfolio + '\nimport { b64 } from "./unlock.js";\n')


def test_served_scripts_are_minified_and_parse(tmp_path: Path) -> None:
    """What the site serves: every script minified, the classic ones parse as scripts, the
    modules as modules, and the file:// loader stays a few hundred bytes."""
    executable = node()
    assets = UNLOCK_JS.parent
    names = (*scripts.SCRIPT_SOURCES, *scripts.STYLESHEET_SOURCES)
    sources = {name: (assets / name).read_text(encoding="utf-8") for name in names}
    served = scripts.served_scripts(sources)
    assert set(served) == {*scripts.SCRIPT_SOURCES, scripts.CLASSIC}
    modules = {scripts.MODULE, scripts.PORTFOLIO, scripts.PROGRAMME}
    for name, text in served.items():
        # the classic copy is unlock.js and portfolio.js together
        both = sources[scripts.MODULE] + sources[scripts.PORTFOLIO]
        source = sources.get(name, both)
        assert len(text) < 0.8 * len(source), name
        assert "/*" not in text and "\n  " not in text, name  # no comments, no indentation
        path = tmp_path / (name.replace(".js", ".mjs") if name in modules else name)
        path.write_text(text, encoding="utf-8")
        check = subprocess.run([executable, "--check", str(path)], capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, (name, check.stderr)
    assert len(served[scripts.FILE_LOADER].encode()) < 400
    assert served[scripts.MODULE].rstrip().endswith("};") and "export{" in served[scripts.MODULE]
    sheets = scripts.served_stylesheets(sources)
    assert set(sheets) == {scripts.STYLESHEET, *scripts.OWN_STYLESHEETS}
    parts = {scripts.STYLESHEET: scripts.CSS_SOURCES, **{name: (name,) for name in scripts.OWN_STYLESHEETS}}
    for served_name, names in parts.items():
        css = sheets[served_name]
        assert len(css) < 0.85 * sum(len(sources[n]) for n in names)
        for name in names:  # every stylesheet's rules, in order
            first_rule = re.search(r"^([.a-z@\[][^{]*)\{", sources[name], re.M).group(1).strip()
            assert re.sub(r"\s", "", first_rule) in re.sub(r"\s", "", css), name
    # the dashboard's rules are the home page's alone, not in every page's sheet
    assert ".coachportal-dashboard__filter" in sheets[scripts.DASHBOARD_STYLESHEET]
    assert ".coachportal-dashboard__filter" not in sheets[scripts.STYLESHEET]
    # and the timeline's and the survey charts' are their page kinds' alone
    assert ".cp-tl__row" in sheets["timeline.css"] and ".cp-tl__row" not in sheets[scripts.STYLESHEET]
    assert ".cp-chart__bar" in sheets["surveys.css"] and ".cp-chart__bar" not in sheets[scripts.STYLESHEET]


def test_idle_lock_minutes_reaches_every_page_and_is_checked(tmp_path: Path) -> None:
    """The option lands in a <meta> on every page (no inline script: a CSP is coming)."""
    from tmpportal import new_portal

    readers = {"northwind-hr": {"name": "N"}, "marcus-lee": {"name": "M"}}
    portal = new_portal(tmp_path, plugin={"readers": readers, "idle_lock_minutes": 0.5})
    portal.add_example("engagement.yml")
    portal.env = {
        "COACHPORTAL_PASSPHRASE_NORTHWIND_HR": PASSPHRASES["alice"],
        "COACHPORTAL_PASSPHRASE_MARCUS_LEE": PASSPHRASES["carol"],
    }
    portal.build()
    meta = '<meta name="coachportal:idle-lock-minutes" content="0.5">'
    pages = [portal.site / "index.html", portal.site / "404.html", *portal.site.glob("*/actions/index.html")]
    assert len(pages) == 3
    for page in pages:
        assert meta in page.read_text(encoding="utf-8"), page
    for bad in (-1, "soon", True):
        portal.plugin["idle_lock_minutes"] = bad
        result = portal.build(check=False)
        assert result.returncode != 0
        assert "idle_lock_minutes" in result.stderr and "0 or more" in result.stderr, result.stderr

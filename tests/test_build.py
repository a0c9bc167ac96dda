"""Real `mkdocs build`s of the demo and of a user's own portal outside the repository."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser import free_port
from tmpportal import (
    DEMO_PASSPHRASES,
    EXAMPLES,
    PASSPHRASE_1,
    REPO,
    TempPortal,
    copy_demo,
    http_get,
    new_portal,
    wait_for,
)

PAGES = ("", "awareness/", "development-plan/", "actions/", "progress/", "final-report/")


def page(portal: TempPortal, url: str) -> str:
    return (portal.site / url / "index.html").read_text(encoding="utf-8")


def body_text(page_html: str) -> str:
    """The visible text of a page's article, tags stripped, whitespace collapsed."""
    article = page_html.split('<article class="md-content__inner md-typeset">', 1)[1]
    article = article.split("</article>", 1)[0]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", article)))


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> TempPortal:
    """Both reference engagements, sponsor view, unencrypted so the pages can be read."""
    portal = new_portal(tmp_path_factory.mktemp("plain"), plugin={"encryption": False})
    portal.add_example("engagement.yml")
    portal.add_example("engagement-closed.yml")
    portal.build()
    return portal


def test_six_pages_per_engagement(plain: TempPortal) -> None:
    for engagement in ("nw-ops-2026", "fin-cfo-2025"):
        for url in PAGES:
            assert (plain.site / engagement / url / "index.html").is_file(), f"{engagement}/{url}"


def test_overview_shows_goals_stage_and_completion(plain: TempPortal) -> None:
    text = body_text(page(plain, "nw-ops-2026/"))
    assert "Operations leadership programme" in text
    assert "Dana Whitfield" in text
    assert "Hand regional rollout decisions to directors and hold them accountable" in text
    # G1 has A1 (done), A4 (done), A6 (todo): 2 of 3 done.
    assert re.search(r"2\s*(of|/)\s*3", text), text
    assert "2 Feb 2026" in text


def test_actions_page_lists_titles_status_and_sessions(plain: TempPortal) -> None:
    text = body_text(page(plain, "nw-ops-2026/actions/"))
    for title in (
        "Ask directors for their recommendation before offering hers",
        "Monthly one-to-one with the finance director",
        'Attend the "Leading through others" programme',
    ):
        assert title in text
    assert "Session log" in text


def test_development_plan_and_progress_pages(plain: TempPortal) -> None:
    plan = body_text(page(plain, "nw-ops-2026/development-plan/"))
    assert "Strategic delegation" in plan
    assert "Directors present their own rollout plans at the monthly review" in plan
    progress = body_text(page(plain, "fin-cfo-2025/progress/"))
    assert "Dropped A3 and set up a clinical finance forum" in progress
    final = body_text(page(plain, "fin-cfo-2025/final-report/"))
    assert "Keep the clinical finance forum quarterly" in final
    unwritten = body_text(page(plain, "nw-ops-2026/final-report/"))
    assert "not written yet" in unwritten.lower()


def test_engagement_pages_are_out_of_site_navigation_and_isolated(plain: TempPortal) -> None:
    files = plain.text_of_every_file()
    nw = {"nw-ops-2026", "Dana Whitfield", "Operations leadership programme", "Northwind"}
    fin = {"fin-cfo-2025", "Omar Haddad", "Finance leadership programme", "Harbor Health"}
    for path, text in files.items():
        rel = path.relative_to(plain.site).as_posix()
        if rel.startswith("nw-ops-2026/"):
            assert not [m for m in fin if m in text], rel
        elif rel.startswith("fin-cfo-2025/"):
            assert not [m for m in nw if m in text], rel
        elif not rel.startswith(("search/", "assets/")) or rel.endswith(".json"):
            # Home, 404, sitemap, search index: nothing about any engagement.
            assert not [m for m in nw | fin if m in text], rel
    # Each engagement page links to its own six pages and nothing else inside the site.
    html = page(plain, "nw-ops-2026/actions/")
    nav = html.split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
    links = set(re.findall(r'href="([^"#]+)"', nav))
    own = {"../", "../awareness/", "../development-plan/", "./", "../progress/", "../final-report/"}
    assert own <= links and links - own <= {"../..", "../../"}, links  # the home page


def test_titles_are_generic(plain: TempPortal) -> None:
    titles = {re.search(r"<title>(.*?)</title>", page(plain, f"nw-ops-2026/{u}")).group(1) for u in PAGES}
    assert titles == {
        f"{t} - Test portal"
        for t in ("Overview", "Awareness", "Development plan", "Actions", "Progress", "Final report")
    }


def test_home_lists_engagements_only_for_coach(tmp_path: Path) -> None:
    portal = new_portal(tmp_path, plugin={"encryption": False, "audience": "coach"})
    portal.add_example("engagement.yml")
    portal.build()
    assert "Operations leadership programme" in body_text(page(portal, ""))
    portal.plugin["audience"] = "sponsor"
    portal.build()
    assert "Operations leadership programme" not in (portal.site / "index.html").read_text()


def test_yaml_html_is_escaped(tmp_path: Path) -> None:
    portal = new_portal(tmp_path, plugin={"encryption": False})
    text = (EXAMPLES / "engagement.yml").read_text()
    text = text.replace(
        "title: Operations leadership programme",
        "title: '<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))'",
    )
    portal.add("nw.yml", text)
    portal.build()
    html = page(portal, "nw-ops-2026/")
    assert "<script>alert(1)</script>" not in html
    assert "onerror=alert(2)>" not in html
    assert 'href="javascript:' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_no_third_party_resources(plain: TempPortal) -> None:
    """Nothing a page loads comes from another origin (the browser test checks live requests)."""
    loads = re.compile(r'<(?:script|link|img|iframe|source|video|audio)\b[^>]*?(?:src|href)="(?:https?:)?//')
    for path, text in plain.text_of_every_file().items():
        if path.suffix not in (".html", ".css", ".js"):
            continue
        assert not loads.search(text), f"{path}: {loads.search(text).group(0)}"
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, path
        if path.suffix == ".css":
            assert not re.search(r"url\(\s*[\"']?(?:https?:)?//", text), path


def test_failed_build_leaves_previous_site_untouched(tmp_path: Path) -> None:
    portal = new_portal(tmp_path, plugin={"encryption": False})
    good = portal.add_example("engagement.yml")
    portal.build()
    before = {p: p.read_bytes() for p in portal.site.rglob("*") if p.is_file()}
    good.write_text(good.read_text().replace("status: doing", "status: doign", 1))
    result = portal.build(check=False)
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "Traceback" not in log
    assert re.search(r"engagement\.yml:\d+:\d+: stages\.action\.items\[1\]\.status: ", log), log
    after = {p: p.read_bytes() for p in portal.site.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "engagements", "mkdocs.yml", "site"]


def test_missing_engagements_dir_is_a_clear_error(tmp_path: Path) -> None:
    portal = new_portal(tmp_path, plugin={"encryption": False, "engagements_dir": "nowhere"})
    result = portal.build(check=False)
    assert result.returncode != 0
    # MkDocs' own config validation (config_options.Dir) names the option and the path.
    out = result.stdout + result.stderr
    assert "engagements_dir" in out and "nowhere' isn't an existing directory" in out
    assert "Traceback" not in out
    assert "Traceback" not in result.stdout + result.stderr


def test_a_bad_worker_count_is_a_clear_error(tmp_path: Path) -> None:
    portal = new_portal(tmp_path, plugin={"encryption": False})
    portal.add_example("engagement.yml")
    portal.env["COACHPORTAL_WORKERS"] = "two"
    result = portal.build(check=False)
    out = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in out
    assert "COACHPORTAL_WORKERS must be a whole number of worker processes, got 'two'" in out


def test_demo_builds_encrypted(tmp_path: Path) -> None:
    root = copy_demo(tmp_path)
    portal = TempPortal(root=root, env=DEMO_PASSPHRASES)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=root,
        env={**_clean_env(), **DEMO_PASSPHRASES},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    engagements = sorted(p.stem for p in (REPO / "engagements").glob("*.yml"))
    assert len(engagements) >= 3
    for engagement in engagements:
        for url in PAGES:
            html = page(portal, f"{engagement}/{url}")
            assert "coachportal-locked" in html
    # The demo's own look (overrides/) is applied.
    assert "Fictional coaching portal" in page(portal, "")


def _clean_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("COACHPORTAL_")}


@pytest.mark.parametrize("flags", [[], ["--dirty"]], ids=["serve", "serve-dirty"])
def test_serve_watches_engagements_and_shows_preview_banner(tmp_path: Path, flags: list[str]) -> None:
    """`mkdocs serve` (and `--dirty`) report "serve": the preview. `serve --clean` reports
    "build" and is an encrypted build (test_staging)."""
    portal = new_portal(tmp_path, plugin={"readers": {"hr": {"name": "HR"}}})
    engagement = portal.add_example("engagement.yml")
    portal.write_config()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", *flags, "-a", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=_clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/nw-ops-2026/"
        html = wait_for(lambda: http_get(url), lambda h: "Operations leadership programme" in h)
        assert "Preview — not encrypted" in html
        home = http_get(f"http://127.0.0.1:{port}/")  # the coach previewing finds every engagement
        assert "Preview — not encrypted" in home and 'href="nw-ops-2026/"' in home
        renamed = engagement.read_text().replace("Operations leadership", "Logistics leadership", 1)
        engagement.write_text(renamed)
        wait_for(lambda: http_get(url), lambda h: "Logistics leadership programme" in h)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "engagements", "mkdocs.yml"]


def test_too_few_iterations_is_refused_in_one_line(tmp_path: Path) -> None:
    portal = new_portal(tmp_path, plugin={"readers": {"hr": {"name": "HR"}}, "iterations": 1000})
    text = (EXAMPLES / "engagement.yml").read_text()
    portal.add("e.yml", text.replace("[northwind-hr, marcus-lee]", "[hr]"))
    portal.env = {"COACHPORTAL_PASSPHRASE_HR": PASSPHRASE_1}
    result = portal.build(check=False)
    log = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in log
    # MkDocs' config validation, before anything is built: option, bounds and value.
    assert "option 'iterations': expected 600,000 to 10,000,000 PBKDF2 iterations, got 1,000" in log, log
    assert not portal.site.exists()


def test_sitemap_with_site_url_lists_only_hand_written_pages(tmp_path: Path) -> None:
    import gzip
    import json

    portal = new_portal(tmp_path, plugin={"encryption": False})
    portal.add_example("engagement.yml")
    (portal.root / "content" / "about.md").write_text("# About\n", encoding="utf-8")
    portal.write_config()
    config = json.loads((portal.root / "mkdocs.yml").read_text())
    config["site_url"] = "https://coach.example/portal/"
    (portal.root / "mkdocs.yml").write_text(json.dumps(config))
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"],
        cwd=portal.root,
        env=_clean_env(),
        check=True,
        capture_output=True,
    )
    xml = (portal.site / "sitemap.xml").read_text()
    assert re.findall(r"<loc>(.*?)</loc>", xml) == [
        "https://coach.example/portal/",
        "https://coach.example/portal/about/",
    ]
    assert gzip.decompress((portal.site / "sitemap.xml.gz").read_bytes()).decode() == xml


def _encrypted(tmp_path: Path, **plugin: object) -> TempPortal:
    portal = new_portal(tmp_path, plugin={"readers": {"hr": {"name": "HR"}}, **plugin})
    portal.add(
        "nw.yml", (EXAMPLES / "engagement.yml").read_text().replace("[northwind-hr, marcus-lee]", "[hr]")
    )
    portal.env = {"COACHPORTAL_PASSPHRASE_HR": PASSPHRASE_1}
    return portal


def test_site_url_at_the_dev_address_still_encrypts(tmp_path: Path) -> None:
    portal = _encrypted(tmp_path)
    portal.configure(site_url="http://127.0.0.1:8000/")
    portal.build()
    html = page(portal, "nw-ops-2026/")
    assert "coachportal-locked" in html and "Dana Whitfield" not in html


def test_a_sponsor_passphrase_never_opens_a_coach_portal(tmp_path: Path) -> None:
    portal = _encrypted(tmp_path, audience="coach")
    result = portal.build(check=False)
    assert result.returncode != 0
    assert "reader 'hr' has level sponsor, below this coach portal" in result.stdout + result.stderr
    portal.plugin["readers"] = {"hr": {"name": "HR", "level": "coach"}}
    portal.build()


def test_third_party_resources_fail_the_build_and_analytics_are_dropped(tmp_path: Path) -> None:
    portal = _encrypted(tmp_path)
    portal.configure(extra={"analytics": {"provider": "google", "property": "G-XXXX"}})
    portal.build()
    assert not any("googletagmanager" in text for text in portal.text_of_every_file().values())
    (portal.root / "content" / "index.md").write_text(
        '# Home\n\n<script src="https://cdn.example.com/x.js"></script>\n', encoding="utf-8"
    )
    result = portal.build(check=False)
    assert result.returncode != 0
    assert "would load from another origin" in result.stdout + result.stderr
    assert "https://cdn.example.com/x.js" in result.stdout + result.stderr


def test_publishing_keeps_the_sites_dot_entries(tmp_path: Path) -> None:
    portal = _encrypted(tmp_path)
    portal.build()
    (portal.site / ".git").mkdir()
    (portal.site / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages\n")
    (portal.site / ".htaccess").write_text("Options -Indexes\n")
    portal.build()
    assert (portal.site / ".git" / "HEAD").read_text() == "ref: refs/heads/gh-pages\n"
    assert (portal.site / ".htaccess").exists()


def test_engagement_ids_cannot_collide_with_pages_or_portal_files(tmp_path: Path) -> None:
    portal = _encrypted(tmp_path)
    (portal.root / "content" / "nw-ops-2026").mkdir()
    (portal.root / "content" / "nw-ops-2026" / "notes.md").write_text("# Notes\n")
    result = portal.build(check=False)
    assert result.returncode != 0
    assert (
        "'nw-ops-2026/notes.md' lies where engagement 'nw-ops-2026' is published"
        in result.stdout + result.stderr
    )
    (portal.root / "content" / "nw-ops-2026" / "notes.md").unlink()
    portal.add("nw.yml", (portal.engagements / "nw.yml").read_text().replace("id: nw-ops-2026", "id: search"))
    result = portal.build(check=False)
    assert "engagement id 'search' is reserved" in result.stdout + result.stderr


def test_portfolio_links_follow_use_directory_urls(tmp_path: Path) -> None:
    from coachportal.protect import vault

    portal = _encrypted(tmp_path)
    portal.configure(use_directory_urls=False)
    portal.build()
    opened = vault.open_site_portfolio(portal.site / "coachportal" / "portfolio", PASSPHRASE_1)
    assert [entry["url"] for entry in opened] == ["nw-ops-2026/index.html"]
    assert (portal.site / "nw-ops-2026" / "index.html").is_file()


# --- HTML-first: engagement text never meets the site's Markdown extensions -----------------


def _with_field(path: Path, key: str, value: str) -> str:
    """The file with the first ``key:`` of the awareness stage given ``value`` (a YAML scalar)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(f"{key}:"))
    indent = len(lines[at]) - len(lines[at].lstrip())
    end = at + 1
    while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > indent:
        end += 1  # the rest of a folded or literal block scalar
    return "\n".join([*lines[:at], f"{' ' * indent}{key}: {value}", *lines[end:]]) + "\n"


def test_snippets_in_a_field_include_nothing(tmp_path: Path) -> None:
    """A user's mkdocs.yml enables pymdownx.snippets: a YAML field holding a snippet line
    shows as text and includes no file (the page HTML never passes through Markdown)."""
    portal = new_portal(tmp_path, plugin={"encryption": False})
    (tmp_path / "secrets.txt").write_text("TOP-SECRET-SNIPPET-CONTENT\n", encoding="utf-8")
    portal.add(
        "nw.yml", _with_field(EXAMPLES / "engagement.yml", "background", '|\n        --8<-- "secrets.txt"')
    )
    portal.configure(
        markdown_extensions=[{"pymdownx.snippets": {"base_path": [str(tmp_path)], "check_paths": False}}],
    )
    portal.build()
    awareness = page(portal, "nw-ops-2026/awareness")
    assert "TOP-SECRET-SNIPPET-CONTENT" not in awareness
    assert "--8&lt;-- &quot;secrets.txt&quot;" in awareness  # shown, as text


def test_markdown_in_prose_fields_is_formatted(tmp_path: Path) -> None:
    portal = new_portal(tmp_path, plugin={"encryption": False})
    recap = "|\n        Agreed **three** things:\n\n        - confidentiality\n        - [cadence](https://example.org/c)"
    portal.add("nw.yml", _with_field(EXAMPLES / "engagement.yml", "recap", recap))
    portal.plugin["audience"] = "client"
    portal.build()
    body = page(portal, "nw-ops-2026/awareness")
    assert "Agreed <strong>three</strong> things:" in body
    assert '<li><a href="https://example.org/c" rel="noopener noreferrer">cadence</a></li>' in body


def test_enabled_false_builds_the_same_config_without_the_plugin(tmp_path: Path) -> None:
    portal = new_portal(tmp_path, plugin={"enabled": False, "readers": {"hr": {"name": "HR"}}})
    portal.add_example("engagement.yml")  # would fail closed (no passphrase) if the plugin ran
    result = portal.build()
    assert result.returncode == 0
    assert (portal.site / "index.html").exists() and not (portal.site / "nw-ops-2026").exists()

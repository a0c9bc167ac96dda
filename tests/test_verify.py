"""`coachportal verify`: a good build passes; every way a site can expose, lack or hide
engagement pages fails it, naming the file, engagement and page."""

from __future__ import annotations

import base64
import json
import re
import stat
from pathlib import Path

import pytest
from clirun import coachportal
from coachportal.render.locked import locked_fragment, payload_of
from demosite import ENGAGEMENTS, PAGES
from sitebuild import build, demo_copy, site_copy

ACTIONS = "nw-ops-2026/actions/index.html"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portal, built encrypted by the real mkdocs (shared: tests tamper with copies)."""
    root = demo_copy(tmp_path_factory.mktemp("demo"))
    build(root)
    return root


def verify(root: Path, site: Path | None = None, config: Path | None = None):  # noqa: ANN201
    args = [*([str(site)] if site else []), "-f", str(config or root / "mkdocs.yml")]
    return coachportal("verify", *args, cwd=root)


def tampered(demo: Path, tmp_path: Path) -> Path:
    return site_copy(demo / "site", tmp_path / "site")


def lines(result) -> list[str]:  # noqa: ANN001
    return result.stderr.splitlines()


def test_a_good_build_passes(demo: Path) -> None:
    result = verify(demo)
    assert result.returncode == 0, result.stderr
    assert (
        f"{len(ENGAGEMENTS)} engagement(s), {len(ENGAGEMENTS) * len(PAGES)} encrypted page(s)"
        in result.stdout
    )


def test_every_view_of_a_multi_view_build_passes_and_a_missing_page_is_named(tmp_path: Path) -> None:
    root = demo_copy(tmp_path, ("audience: sponsor", "views: [sponsor, client]"))
    build(root)
    assert (root / "site" / "client" / "nw-ops-2026" / "actions" / "index.html").is_file()
    result = verify(root)
    assert result.returncode == 0, result.stderr
    assert f"{2 * len(ENGAGEMENTS) * len(PAGES)} encrypted page(s)" in result.stdout  # two views
    (root / "site" / "client" / "ar-eng-2026" / "progress" / "index.html").unlink()
    result = verify(root)
    assert result.returncode == 1
    assert lines(result)[0].endswith(
        "client/ar-eng-2026/progress/index.html: engagement ar-eng-2026, progress page (client view): missing"
    ), result.stderr


def test_a_site_built_with_encryption_false_fails(tmp_path: Path) -> None:
    root = demo_copy(tmp_path, ("audience: sponsor", "audience: sponsor\n      encryption: false"))
    build(root)
    result = verify(root)
    assert result.returncode == 1
    assert "site: mkdocs.yml has encryption: false: the engagement pages are plaintext" in result.stderr
    overview = "nw-ops-2026/index.html: engagement nw-ops-2026, overview page (sponsor view)"
    assert f"{overview}: holds no ciphertext" in result.stderr


def test_a_page_swapped_for_a_plaintext_copy_fails(demo: Path, tmp_path: Path) -> None:
    plain = demo_copy(tmp_path / "plain", ("audience: sponsor", "audience: sponsor\n      encryption: false"))
    build(plain)
    site = tampered(demo, tmp_path)
    (site / ACTIONS).write_bytes((plain / "site" / ACTIONS).read_bytes())
    result = verify(demo, site)
    assert result.returncode == 1
    mine = [line for line in lines(result) if f"{ACTIONS}: engagement nw-ops-2026, actions page" in line]
    assert any("holds no ciphertext" in line for line in mine), result.stderr
    assert any("holds the text of engagement nw-ops-2026 in plaintext" in line for line in mine)
    # only that page: every other file is as built
    assert all(ACTIONS in line or line.startswith("coachportal:") for line in lines(result)), result.stderr


def test_a_page_whose_csp_was_removed_fails(demo: Path, tmp_path: Path) -> None:
    site = tampered(demo, tmp_path)
    page = site / "fin-cfo-2025" / "index.html"
    html, count = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page.read_text("utf-8"))
    assert count == 1
    page.write_text(html, encoding="utf-8")
    result = verify(demo, site)
    assert result.returncode == 1
    assert lines(result)[0].endswith(
        "fin-cfo-2025/index.html: engagement fin-cfo-2025, overview page (sponsor view):"
        " no Content-Security-Policy"
    ), result.stderr
    assert len(lines(result)) == 2  # that line and the summary


def test_a_loosened_csp_fails(demo: Path, tmp_path: Path) -> None:
    site = tampered(demo, tmp_path)
    page = site / "how-it-works" / "index.html"
    page.write_text(page.read_text("utf-8").replace("default-src 'self'", "default-src *", 1), "utf-8")
    result = verify(demo, site)
    assert result.returncode == 1
    assert "how-it-works/index.html: its Content-Security-Policy is not the portal's" in result.stderr


def test_a_site_built_with_enabled_false_fails(demo: Path, tmp_path: Path) -> None:
    root = demo_copy(tmp_path / "off", ("engagements_dir: engagements", "enabled: false"))
    build(root)
    result = verify(demo, root / "site")
    assert result.returncode == 1
    for engagement in ENGAGEMENTS:
        for page in PAGES:
            assert f"{engagement}/{page}index.html: engagement {engagement}" in result.stderr
    assert "index.html: no Content-Security-Policy" in result.stderr
    assert "index.html: no robots noindex" in result.stderr
    # and with the disabled configuration itself: no plugin, nothing to verify against
    result = verify(root)
    assert result.returncode == 1
    assert "the coachportal plugin is not listed under plugins: (or has enabled: false)" in result.stderr


def test_zensical_stops_at_the_portal_template(tmp_path: Path) -> None:
    """The demo's (and `coachportal init`'s) overrides/main.html stops a tool that is not MkDocs."""
    root = demo_copy(tmp_path / "zensical")
    result = build(root, "zensical", check=False)
    assert result.returncode != 0
    assert "coachportal_needs_mkdocs_or_properdocs" in result.stdout + result.stderr
    assert not (root / "site" / "index.html").exists()


def test_a_site_built_by_zensical_fails(demo: Path, tmp_path: Path) -> None:
    """Without that template Zensical reads the same mkdocs.yml, says "No issues found" and
    writes no engagement page: verify refuses what it built."""
    root = demo_copy(tmp_path / "zensical", ("  custom_dir: overrides\n", ""))
    result = build(root, "zensical")
    assert "No issues found" in result.stdout + result.stderr  # what the coach is told
    verdict = verify(demo, root / "site")
    assert verdict.returncode == 1
    assert f"{ACTIONS}: engagement nw-ops-2026, actions page (sponsor view): missing" in verdict.stderr
    assert "index.html: no Content-Security-Policy" in verdict.stderr
    assert "coachportal/portfolio: missing" in verdict.stderr


def test_a_site_built_by_properdocs_passes(tmp_path: Path) -> None:
    root = demo_copy(tmp_path)
    build(root, "properdocs")
    result = verify(root)
    assert result.returncode == 0, result.stderr


def test_an_unreadable_file_fails(demo: Path, tmp_path: Path) -> None:
    site = tampered(demo, tmp_path)
    (site / "404.html").chmod(0o600)
    (site / "how-it-works").chmod(0o700)
    result = verify(demo, site)
    assert result.returncode == 1
    assert "404.html: file mode 0600: a web server cannot read it" in result.stderr
    assert "how-it-works: directory mode 0700: a web server cannot list it" in result.stderr


def test_the_build_writes_modes_a_web_server_can_read(demo: Path) -> None:
    site = demo / "site"
    for path in [site, *site.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))


def test_uneven_ciphertext_sizes_fail(demo: Path, tmp_path: Path) -> None:
    site = tampered(demo, tmp_path)
    page = site / "ar-eng-2026" / "progress" / "index.html"
    html = page.read_text("utf-8")
    payload = payload_of(html)
    shell = locked_fragment(payload)
    assert shell in html
    ct = base64.b64decode(payload["ct"])
    longer = {**payload, "ct": base64.b64encode(ct + bytes(192)).decode("ascii")}
    page.write_text(html.replace(shell, locked_fragment(longer)), "utf-8")
    result = verify(demo, site)
    assert result.returncode == 1
    size = len(ct)
    assert (
        f"ar-eng-2026/progress/index.html: engagement ar-eng-2026, progress page (sponsor view):"
        f" ciphertext of {size + 192} bytes where every progress page has {size}"
    ) in result.stderr


def test_a_portfolio_unpadded_or_in_one_file_fails(demo: Path, tmp_path: Path) -> None:
    """Each reader's portfolio file is padded to a power of two and has its .js twin; the
    old all-readers coachportal/portfolio.json must not be published."""
    import json

    site = tampered(demo, tmp_path)
    folder = site / "coachportal" / "portfolio"
    first, second, *_ = sorted(folder.glob("*.json"))
    doc = json.loads(first.read_text("utf-8"))
    first.write_text(json.dumps({**doc, "entries": doc["entries"][:3]}), "utf-8")
    (folder / f"{second.stem}.js").unlink()
    (site / "coachportal" / "portfolio.json").write_text(json.dumps(doc), "utf-8")
    result = verify(demo, site)
    assert result.returncode == 1
    assert f"coachportal/portfolio/{first.name}: 3 entries, not padded to a power of two" in result.stderr
    assert f"coachportal/portfolio/{second.name}: has no .js twin" in result.stderr
    assert "coachportal/portfolio.json: every reader's portfolio in one file" in result.stderr


def test_engagement_text_in_the_404_page_fails(demo: Path, tmp_path: Path) -> None:
    site = tampered(demo, tmp_path)
    page = site / "404.html"
    leak = "<p>Dana&nbsp;Whitfield</p></article>"  # the client's name, as HTML writes it
    page.write_text(page.read_text("utf-8").replace("</article>", leak), "utf-8")
    result = verify(demo, site)
    assert result.returncode == 1
    assert "404.html: holds the text of engagement nw-ops-2026 in plaintext (client.name)" in result.stderr


def test_engagement_text_in_the_search_index_fails(demo: Path, tmp_path: Path) -> None:
    site = tampered(demo, tmp_path)
    index = site / "search" / "search_index.json"
    data = json.loads(index.read_text("utf-8"))
    text = (demo / "engagements" / "fin-cfo-2025.yml").read_text("utf-8")
    title = re.search(r"^title: (.+)$", text, re.M).group(1)  # type: ignore[union-attr]
    data["docs"].append({"location": "x/", "title": "x", "text": title})
    index.write_text(json.dumps(data), "utf-8")  # JSON escapes included
    result = verify(demo, site)
    assert result.returncode == 1
    assert "search/search_index.json: holds the text of engagement fin-cfo-2025 in plaintext (title)" in (
        result.stderr
    )


def test_a_sitemap_naming_an_engagement_fails(demo: Path, tmp_path: Path) -> None:
    site = tampered(demo, tmp_path)
    sitemap = site / "sitemap.xml"
    xml = sitemap.read_text("utf-8").replace("</urlset>", "<url><loc>/ar-eng-2026/</loc></url></urlset>")
    sitemap.write_text(xml, "utf-8")
    result = verify(demo, site)
    assert result.returncode == 1
    assert "sitemap.xml: names engagement ar-eng-2026" in result.stderr


def test_a_heading_beside_the_ciphertext_fails(demo: Path, tmp_path: Path) -> None:
    site = tampered(demo, tmp_path)
    page = site / "nw-ops-2026" / "awareness" / "index.html"
    page.write_text(page.read_text("utf-8").replace("</article>", "<h2>Kickoff</h2></article>"), "utf-8")
    result = verify(demo, site)
    assert result.returncode == 1
    assert "awareness page (sponsor view): holds a heading beyond the locked shell" in result.stderr


def test_a_late_charset_fails(demo: Path, tmp_path: Path) -> None:
    site = tampered(demo, tmp_path)
    page = site / "index.html"
    page.write_text(page.read_text("utf-8").replace("<head>", "<head><!--" + "x" * 1100 + "-->", 1), "utf-8")
    result = verify(demo, site)
    assert result.returncode == 1
    assert "index.html: <meta charset> ends after byte 1024" in result.stderr


def test_every_page_starts_its_head_with_the_charset(demo: Path) -> None:
    for page in (demo / "site").rglob("*.html"):
        head = page.read_text("utf-8").split("<head>", 1)[1]
        assert head.lstrip().startswith('<meta charset="utf-8">'), page


def test_a_stylesheet_loading_a_web_font_fails(demo: Path, tmp_path: Path) -> None:
    site = tampered(demo, tmp_path)
    css = site / "coachportal" / "coachportal.css"
    css.write_text('@import "https://fonts.googleapis.com/css?family=Roboto";\n' + css.read_text("utf-8"))
    result = verify(demo, site)
    assert result.returncode == 1
    font = "https://fonts.googleapis.com/css?family=Roboto"
    assert f"coachportal/coachportal.css: loads from another origin: {font}" in result.stderr

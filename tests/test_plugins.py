"""The plugins users combine with coachportal, each built beside it by the real mkdocs: the
build works, the plugin does its job, and `coachportal verify` finds no engagement text in
what it wrote (feeds, redirect pages, tag pages) and our CSP and noindex on every page."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from clirun import coachportal
from demosite import ENGAGEMENTS, PAGES
from sitebuild import build, demo_copy

POST = "---\ndate: 2026-01-01\ntags: [news]\n---\n# A post\n\nNews from the practice.\n"

# plugin -> (its lines under plugins:, top-level settings, a file it writes or changes)
MATRIX: dict[str, tuple[str, str, str]] = {
    "rss": ("  - rss", "site_url: https://portal.example.com/\n", "feed_rss_created.xml"),
    "i18n": (
        "  - i18n:\n      languages:\n        - {locale: en, default: true, name: English, build: true}",
        "",
        "index.html",
    ),
    "redirects": (
        "  - redirects:\n      redirect_maps:\n        old.md: how-it-works.md",
        "",
        "old/index.html",
    ),
    "minify": ("  - minify:\n      minify_html: true\n      minify_js: true", "", "index.html"),
    "git-revision-date-localized": ("  - git-revision-date-localized", "", "how-it-works/index.html"),
    "glightbox": ("  - glightbox", "", "assets/javascripts/glightbox.min.js"),
    "tags": ("  - tags", "", "blog/posts/post/index.html"),
    "blog": ("  - blog", "", "blog/index.html"),
}


def _portal(root: Path, plugin: str) -> Path:
    lines, settings, _written = MATRIX[plugin]
    root = demo_copy(root, ("plugins:\n  - search\n", f"plugins:\n  - search\n{lines}\n"))
    config = root / "mkdocs.yml"
    config.write_text(settings + config.read_text(encoding="utf-8"), encoding="utf-8")
    if plugin in ("tags", "blog"):
        (root / "content" / "blog" / "posts").mkdir(parents=True)
        (root / "content" / "blog" / "index.md").write_text("# Blog\n", encoding="utf-8")
        (root / "content" / "blog" / "posts" / "post.md").write_text(POST, encoding="utf-8")
    # git: the feed's and the revision dates' source; the engagement files are committed too
    git = ["git", "-c", "user.email=coach@example.com", "-c", "user.name=Coach"]
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "portal"], cwd=root, check=True)
    return root


@pytest.mark.parametrize("plugin", sorted(MATRIX))
def test_a_plugin_beside_coachportal(plugin: str, tmp_path: Path) -> None:
    root = _portal(tmp_path, plugin)
    built = build(root)
    assert "encrypted" in built.stderr
    written = root / "site" / MATRIX[plugin][2]
    assert written.is_file(), f"{plugin} wrote nothing"
    text = written.read_text(encoding="utf-8")
    if plugin == "rss":
        assert "<rss" in text and "how-it-works" in text  # a real feed, of the hand-written pages
    if plugin == "redirects":
        assert "how-it-works" in text and "Content-Security-Policy" in text and "noindex" in text
    if plugin == "minify":
        assert "\n    " not in text.split("<body", 1)[1][:2000]  # minified
    if plugin == "tags":
        assert "md-tag" in text  # the post's tag, shown by the plugin
    if plugin == "blog":
        assert "A post" in text  # the blog's index lists the post
    if plugin == "git-revision-date-localized":
        assert "git-revision-date-localized-plugin" in text
    result = coachportal("verify", cwd=root)
    assert result.returncode == 0, result.stderr
    assert (
        f"{len(ENGAGEMENTS)} engagement(s), {len(ENGAGEMENTS) * len(PAGES)} encrypted page(s)"
        in result.stdout
    )


def test_static_i18n_with_several_languages_is_refused_by_name(tmp_path: Path) -> None:
    root = demo_copy(
        tmp_path,
        (
            "plugins:\n  - search\n",
            "plugins:\n  - search\n  - i18n:\n      languages:\n"
            "        - {locale: en, default: true, name: English, build: true}\n"
            "        - {locale: fr, name: Français, build: true}\n",
        ),
    )
    with pytest.raises(AssertionError) as failed:
        build(root)
    assert "coachportal: plugin 'i18n' (mkdocs-static-i18n) builds 2 languages" in str(failed.value)
    assert not (root / "site").exists()

"""The build's foreign-load scan refuses what the CSP blocks, in the forms an attacker writes.

Each form is written as it would be put into a Markdown page or a theme override: the unit
tests read it as the scan reads a built page; the five forms the first scan missed (and an
override template) go through a real ``mkdocs build``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from coachportal.plugin.origins import css_urls, foreign_css_resources, foreign_resources
from tmpportal import EXAMPLES, PASSPHRASE_1, TempPortal, new_portal

EVIL = "evil.example"

# (form, markup): each markup loads from (or sends the reader to) EVIL.
PAGE_FORMS = [
    ("meta-refresh", f'<meta http-equiv="refresh" content="0; url=https://{EVIL}/phish">'),
    ("meta-refresh-quoted", f"<meta http-equiv=Refresh content=\"3;URL='//{EVIL}/x'\">"),
    ("meta-refresh-bare", f'<meta http-equiv="refresh" content="1,https://{EVIL}/">'),
    ("base-href", f'<base href="https://{EVIL}/">'),
    ("css-image-set", f"<div style=\"background-image: image-set('https://{EVIL}/a.png' 1x)\">x</div>"),
    ("css-webkit-image-set", f"<div style=\"background: -webkit-image-set('//{EVIL}/a.png' 2x)\">x</div>"),
    ("css-escaped-url", f'<div style="background: u\\72l(https://{EVIL}/bg.png)">x</div>'),
    ("css-escaped-url-hex-space", f'<div style="background: \\75 \\52 L( https://{EVIL}/bg.png )">x</div>'),
    ("css-escaped-in-url", f'<div style="background: url(https\\3a //{EVIL}/bg.png)">x</div>'),
    ("css-escaped-import", f'<style>@im\\70ort "https://{EVIL}/s.css";</style>'),
    (
        "css-url-in-nesting",
        f"<style>@media screen {{ @supports (x: y) {{ a {{ b: url('https://{EVIL}/n.png') }} }} }}</style>",
    ),
    (
        "css-comment-split",
        f'<style>a {{ background:/**/image-set(/* x */"https://{EVIL}/c.png"/**/1x) }}</style>',
    ),
    ("css-entity-in-svg-style", f"<svg><style>a {{ fill: &#x75;rl(https://{EVIL}/e.svg) }}</style></svg>"),
    (
        "css-src-function",
        f"<style>@font-face {{ font-family: x; src: src('https://{EVIL}/f.woff2') }}</style>",
    ),
    (
        "data-stylesheet-import",
        f'<link rel="stylesheet" href="data:text/css,@import%20\'https://{EVIL}/x.css\';">',
    ),
    (
        "data-stylesheet-base64-import",
        '<link rel="stylesheet" href="data:text/css;base64,'
        'QGltcG9ydCB1cmwoaHR0cHM6Ly9ldmlsLmV4YW1wbGUveC5jc3MpOw==">',
    ),
    (
        "style-import-of-data",
        f"<style>@import url(\"data:text/css,@import 'https://{EVIL}/y.css';\");</style>",
    ),
    ("srcset", f'<img src="me.png" srcset="me.png 1x, https://{EVIL}/me@2x.png 2x">'),
    ("srcset-after-data-url", f'<img srcset="data:image/png;base64,AAAA,BBBB 1x, https://{EVIL}/b.png 2x">'),
    ("picture-source-srcset", f'<picture><source srcset="//{EVIL}/p.webp"><img src="p.png"></picture>'),
    ("imagesrcset", f'<link rel="preload" as="image" imagesrcset="https://{EVIL}/x.png 1x">'),
    ("svg-image-href", f'<svg><image href="https://{EVIL}/i.svg"/></svg>'),
    ("svg-image-xlink", f'<svg><image xlink:href="https://{EVIL}/i.svg"/></svg>'),
    ("svg-use-xlink", f'<svg><use xlink:href="https://{EVIL}/sprite.svg#i"/></svg>'),
    ("svg-feimage", f'<svg><filter><feImage href="https://{EVIL}/f.png"/></filter></svg>'),
    ("svg-script-href", f'<svg><script href="https://{EVIL}/s.js"></script></svg>'),
    ("svg-set-href", f'<svg><image><set attributeName="href" to="https://{EVIL}/late.png"/></image></svg>'),
    ("svg-fill-url", f'<svg><rect fill="url(https://{EVIL}/p.svg#a)"/></svg>'),
    ("link-preload", f'<link rel="preload" href="https://{EVIL}/f.woff2" as="font">'),
    ("link-prefetch", f'<link rel="prefetch" href="https://{EVIL}/next">'),
    ("link-dns-prefetch", f'<link rel="dns-prefetch" href="//{EVIL}">'),
    ("link-preconnect", f'<link rel="preconnect" href="https://{EVIL}">'),
    ("link-modulepreload", f'<link rel="modulepreload" href="https://{EVIL}/m.js">'),
    ("link-rel-case", f'<link REL="Stylesheet Alternate" HREF="https://{EVIL}/s.css">'),
    ("object-data", f'<object data="https://{EVIL}/o.svg"></object>'),
    ("embed-src", f'<embed src="https://{EVIL}/e.swf">'),
    ("iframe-src", f'<iframe src="https://{EVIL}/frame"></iframe>'),
    ("iframe-srcdoc", f'<iframe srcdoc="&lt;img src=https://{EVIL}/q.png&gt;"></iframe>'),
    ("form-action", f'<form action="https://{EVIL}/collect"><input name="q"></form>'),
    ("button-formaction", f'<form><button formaction="https://{EVIL}/collect">Go</button></form>'),
    ("script-src", f'<script src="https://{EVIL}/x.js"></script>'),
    ("entity-encoded-url", '<img src="https&#58;//evil&#46;example/x.png">'),
    ("backslash-url", f'<img src="/\\{EVIL}/x.png">'),
    ("tab-in-scheme", f'<img src="ht\ttps://{EVIL}/x.png">'),
    ("scheme-without-slashes", f'<img src="http:{EVIL}/x.png">'),
    ("uppercase-tag", f'<IMG SRC="HTTPS://{EVIL.upper()}/x.png">'),
    ("a-ping", f'<a href="/ok/" ping="https://{EVIL}/track">ok</a>'),
]


@pytest.mark.parametrize("markup", [m for _, m in PAGE_FORMS], ids=[f for f, _ in PAGE_FORMS])
def test_the_scan_refuses_each_form(markup: str) -> None:
    page = f"<!doctype html><html><head><title>t</title></head><body>{markup}</body></html>"
    found = foreign_resources(page, "https://portal.example/")
    assert found and all(EVIL in url.lower() or "base64" in markup for url in found), found


CSS_FORMS = [
    ("image-set", f"body {{ background: image-set('https://{EVIL}/a.png' 1x, url(b.png) 2x) }}"),
    ("escaped-url", f"body {{ background: u\\72l(https://{EVIL}/a.png) }}"),
    ("escaped-function-quoted", f'body {{ background: \\55\\52\\4c("https://{EVIL}/a.png") }}'),
    ("escaped-import", f'@\\69mport "https://{EVIL}/s.css";'),
    ("import-url", f"@import url(https://{EVIL}/s.css) layer(x);"),
    ("data-import", f"@import url(\"data:text/css,@import%20'https://{EVIL}/y.css';\");"),
    ("nested-rule", f".a {{ & .b {{ @media print {{ background: url( '//{EVIL}/n.png' ) }} }} }}"),
    ("string-continuation", f"body {{ background: url('https://{EVIL}/a\\\n.png') }}"),
]


@pytest.mark.parametrize("css", [c for _, c in CSS_FORMS], ids=[f for f, _ in CSS_FORMS])
def test_a_stylesheet_form_is_refused(css: str) -> None:
    found = foreign_css_resources(css, "https://portal.example/")
    assert found and all(EVIL in url for url in found), found


ALLOWED = [
    '<img src="me.png" srcset="me.png 1x, me@2x.png 2x">',
    '<img src="data:image/png;base64,iVBORw0KGgo=">',
    '<a href="https://elsewhere.example/">a link is no load</a>',
    '<link rel="canonical" href="https://elsewhere.example/">',
    '<link rel="alternate" hreflang="fr" href="https://elsewhere.example/fr/">',
    '<svg><use href="#icon"/><a href="https://elsewhere.example/">x</a></svg>',
    '<form action="mailto:coach@elsewhere.example"></form>',
    '<meta http-equiv="refresh" content="0; url=../moved/">',
    '<base href="/portal/">',
    '<img src="https://portal.example/own.png">',
    "<style>a { background: url(#x) } /* url(https://elsewhere.example/) */</style>",
    "<div style=\"content: 'https://elsewhere.example/'\">text that names a URL</div>",
    '<div style="background: url(data:image/svg+xml;charset=utf-8,%3Csvg%20xmlns=%22http://www.w3.org/2000/svg%22/%3E)">',
]


@pytest.mark.parametrize("markup", ALLOWED)
def test_what_loads_nothing_from_elsewhere_passes(markup: str) -> None:
    assert foreign_resources(f"<html><body>{markup}</body></html>", "https://portal.example/") == []


def test_css_urls_reads_escapes_as_the_css_syntax_does() -> None:
    assert css_urls("a{b:u\\72 l(x.png)}") == ["x.png"]  # a hex escape eats one space
    assert css_urls("a{b:\\000075rl(y.png)}") == ["y.png"]  # six hex digits, no space needed
    assert css_urls("a{b:u\\rl(z.png)}") == ["z.png"]  # \r: the letter itself
    assert css_urls('a{content:"url(no.png)"}') == []  # inside a string, no url()


# --- through a real build --------------------------------------------------------------------------


def _portal(root: Path) -> TempPortal:
    portal = new_portal(root, plugin={"readers": {"hr": {"name": "HR"}}})
    text = re.sub(r"(?m)^access: .*$", "access: [hr]", (EXAMPLES / "engagement.yml").read_text())
    portal.add("nw.yml", text)
    portal.env = {"COACHPORTAL_PASSPHRASE_HR": PASSPHRASE_1}
    return portal


BUILT = ["meta-refresh", "base-href", "css-image-set", "css-escaped-url", "data-stylesheet-import"]


@pytest.mark.parametrize("form", BUILT)
def test_a_markdown_page_with_the_form_fails_the_build(tmp_path: Path, form: str) -> None:
    markup = dict(PAGE_FORMS)[form]
    portal = _portal(tmp_path)
    (tmp_path / "content" / "about.md").write_text(f"# About\n\n{markup}\n\nText.\n", encoding="utf-8")
    result = portal.build(check=False)
    log = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in log, log
    assert "page 'about.md' would load from another origin" in log and EVIL in log, log
    assert not portal.site.exists()


def test_an_override_template_with_a_prefetch_fails_the_build(tmp_path: Path) -> None:
    portal = _portal(tmp_path)
    portal.configure(theme={"name": "material", "custom_dir": "overrides"})
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block extrahead %}'
        f'<link rel="dns-prefetch" href="//{EVIL}"><meta http-equiv="refresh" content="9;url=https://{EVIL}/">'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    result = portal.build(check=False)
    log = result.stdout + result.stderr
    assert result.returncode != 0 and "Traceback" not in log, log
    assert "would load from another origin" in log and f"//{EVIL}" in log, log
    assert not portal.site.exists()

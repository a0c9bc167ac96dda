"""Audit a built site against what its configuration and engagement files say it must hold.

Nothing here needs a passphrase: it reads the site as a host, a crawler or a visitor
would, and compares it with what the build was asked to write.
"""

from __future__ import annotations

import gzip
import html
import json
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..plugin.origins import foreign_css_resources
from .expected import Expected, ExpectedPage
from .pages import head_problems, locked_problems
from .phrases import Phrase, Text, words

MAX_TEXT_BYTES = 32 * 1024 * 1024  # a larger file is not read as text
PORTFOLIO = "coachportal/portfolio"  # one <locator>.json (and its .js twin) per reader
OLD_PORTFOLIO = "coachportal/portfolio.json"  # every reader's entries in one file (earlier versions)
CODE = (".js", ".mjs", ".css", ".map")


@dataclass(frozen=True)
class Finding:
    """One problem of the site: the file (site-relative; "" for the site itself) and what is wrong."""

    file: str
    message: str
    page: ExpectedPage | None = None

    def line(self, site: Path) -> str:
        where = f"{site}/{self.file}" if self.file else str(site)
        about = f"{self.page.describe()}: " if self.page else ""
        return f"{where}: {about}{self.message}"


def audit(site: Path, expected: Expected) -> list[Finding]:
    """Every problem of the built site in ``site``, in a stable order."""
    if not site.is_dir():
        return [Finding("", "no built site here (run `mkdocs build` first)")]
    findings: list[Finding] = []
    if not expected.encryption:
        findings.append(Finding("", "mkdocs.yml has encryption: false: the engagement pages are plaintext"))
    files = sorted(_files(site))
    findings += _modes(site)
    findings += _engagement_pages(site, expected)
    findings += _html_pages(site, files, expected)
    findings += _portfolio(site, expected)
    findings += _leaks(site, files, expected)
    return findings


def _files(site: Path) -> Iterator[str]:
    for path in site.rglob("*"):
        if path.is_file():
            yield path.relative_to(site).as_posix()


def _modes(site: Path) -> list[Finding]:
    """A web server's worker runs as a user of its own: it needs read on every file, and
    read and search on every directory, as any other user."""
    findings = []
    for path in [site, *sorted(site.rglob("*"))]:
        mode = path.lstat().st_mode
        rel = path.relative_to(site).as_posix() if path != site else ""
        shown = f"{stat.S_IMODE(mode):04o}"
        if stat.S_ISDIR(mode) and mode & 0o005 != 0o005:
            findings.append(Finding(rel, f"directory mode {shown}: a web server cannot list it"))
        elif stat.S_ISREG(mode) and not mode & 0o004:
            findings.append(Finding(rel, f"file mode {shown}: a web server cannot read it"))
    return findings


def _read(site: Path, rel: str) -> str | None:
    path = site / rel
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            return None
        data = path.read_bytes()
        if rel.endswith(".gz"):
            data = gzip.decompress(data)
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile):
        return None


def _engagement_pages(site: Path, expected: Expected) -> list[Finding]:
    findings: list[Finding] = []
    sizes: dict[str, dict[ExpectedPage, int]] = {}
    for page in expected.pages:
        text = _read(site, page.file)
        if text is None:
            findings.append(Finding(page.file, "missing", page))
            continue
        problems, size = locked_problems(text, expected.t)
        findings += [Finding(page.file, p, page) for p in problems]
        if size is not None:
            sizes.setdefault(page.kind, {})[page] = size
    for kind, by_page in sizes.items():
        usual, _count = Counter(by_page.values()).most_common(1)[0]
        findings += [
            Finding(page.file, f"ciphertext of {size} bytes where every {kind} page has {usual}", page)
            for page, size in by_page.items()
            if size != usual
        ]
    return findings


def _html_pages(site: Path, files: list[str], expected: Expected) -> list[Finding]:
    pages = expected.by_file
    findings = []
    for rel in files:
        if rel.endswith(".css"):
            findings += _stylesheet(site, rel, expected.site_url)
        if not rel.endswith((".html", ".htm")):
            continue
        text = _read(site, rel)
        if text is None:
            findings.append(Finding(rel, "not readable as UTF-8 HTML", pages.get(rel)))
            continue
        findings += [Finding(rel, p, pages.get(rel)) for p in head_problems(text, expected.site_url)]
    return findings


def _stylesheet(site: Path, rel: str, site_url: str | None) -> list[Finding]:
    css = _read(site, rel)
    foreign = sorted(set(foreign_css_resources(css, site_url))) if css is not None else []
    return [Finding(rel, f"loads from another origin: {', '.join(foreign)}")] if foreign else []


def _portfolio(site: Path, expected: Expected) -> list[Finding]:
    """The readers' lists of engagements: one file per reader (and its ``.js`` twin for
    ``file://``), each entry count a power of two, every entry of the build one size, the
    home page holding the locator and no entry."""
    if not expected.encryption or not expected.ids:
        return []
    findings = []
    if (site / OLD_PORTFOLIO).exists():
        findings.append(Finding(OLD_PORTFOLIO, "every reader's portfolio in one file (an earlier version's)"))
    folder = site / PORTFOLIO
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    jsons = [n for n in names if n.endswith(".json")]
    if not jsons:
        return [*findings, Finding(PORTFOLIO, "missing (the readers' encrypted lists of engagements)")]
    shapes: Counter[tuple[int, ...]] = Counter()
    for name in jsons:
        rel = f"{PORTFOLIO}/{name}"
        stem = name[: -len(".json")]
        if len(stem) != 64 or any(c not in "0123456789abcdef" for c in stem):
            findings.append(Finding(rel, "not named as coachportal names a reader's portfolio"))
        if f"{stem}.js" not in names:
            findings.append(Finding(rel, "has no .js twin (the list would not open from file://)"))
        try:
            entries = json.loads(_read(site, rel) or "")["entries"]
            shapes.update(tuple(len(entry[k]) for k in ("key", "iv", "ct")) for entry in entries)
        except (ValueError, KeyError, TypeError):
            findings.append(Finding(rel, "not the portfolio coachportal writes"))
            continue
        if len(entries) < 4 or len(entries) & (len(entries) - 1):
            findings.append(Finding(rel, f"{len(entries)} entries, not padded to a power of two"))
    if len(shapes) > 1:
        findings.append(Finding(PORTFOLIO, "its entries differ in size"))
    home = _read(site, "index.html") or ""
    if "coachportal-portfolio-locator" not in home:
        findings.append(Finding("index.html", "no portfolio locator (readers could not open their list)"))
    elif '"entries"' in html.unescape(home):
        findings.append(
            Finding("index.html", "holds portfolio entries (each reader's belong in their own file)")
        )
    return findings


def _leaks(site: Path, files: list[str], expected: Expected) -> list[Finding]:
    """No file may hold an engagement's text outside ciphertext, nor name an engagement
    anywhere but on that engagement's own pages."""
    own_pages = {p.file: p.engagement for p in expected.pages}
    ids = [Phrase(i, "id", words(i)) for i in expected.ids]
    findings = []
    by_file = expected.by_file
    for rel in files:
        text = _read(site, rel)
        if text is None:
            continue
        found = Text(_searchable(rel, text))
        # In code (the theme's scripts, styles, source maps) any ordinary word appears: a
        # one-word name is looked for only in what a visitor reads.
        documents = not rel.endswith(CODE)
        fields: dict[str, list[str]] = {}
        for phrase in found.found(expected.phrases, single_words=documents):
            fields.setdefault(phrase.engagement, []).append(phrase.field)
        for engagement, names in fields.items():
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            message = f"holds the text of engagement {engagement} in plaintext ({shown})"
            findings.append(Finding(rel, message, by_file.get(rel)))
        for phrase in found.found(ids, single_words=documents):
            if own_pages.get(rel) != phrase.engagement:
                findings.append(Finding(rel, f"names engagement {phrase.engagement}", by_file.get(rel)))
    return findings


def _searchable(rel: str, text: str) -> str:
    """A JSON file's strings, any other file's text, with their escapes undone."""
    if not rel.endswith(".json"):
        return html.unescape(text)  # character references: `Dana&nbsp;Whitfield` is the name
    try:
        data = json.loads(text)
    except ValueError:
        return text
    return "\n".join(_strings(data))


def _strings(data: object) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)

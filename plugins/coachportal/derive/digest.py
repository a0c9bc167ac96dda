"""The digest: per reader, an e-mail message saying which of their engagements changed.

`coachportal digest --since DATE` writes one ``.eml`` per reader (Python's ``email``
package: a text part and an HTML part, in the portal's language). An engagement is named
by its id (a URL slug that never names the client) and its link; what changed comes from
"Since the last update" (:mod:`changes`, redacted to the reader's level) as generic
sentences of labels, ids, dates and numbers. Nothing else of an engagement is in the
message unless ``with_content`` asks for the reader-level headlines (client, title and the
text a change is about), which then leave the encrypted portal.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate

from ..core.i18n import Translator, english
from ..core.models import Engagement
from ..core.pages import url
from .changes import News
from .formatting import fmt_date


@dataclass(frozen=True)
class Reader:
    id: str
    name: str
    email: str | None = None


@dataclass(frozen=True)
class Entry:
    engagement: Engagement  # redacted to the reader's level
    news: News
    link: str


def entries_for(
    reader: Reader,
    engagements: Sequence[Engagement],
    news: Mapping[str, News],
    since: dt.date,
    site_url: str,
    prefix: str = "",
) -> list[Entry]:
    """The reader's engagements (``access:``) updated on or after ``since`` with a change they see."""
    out = []
    for e in engagements:
        found = news.get(e.id)
        if reader.id not in e.access or found is None or not found.changes:
            continue
        if found.last_updated is None or found.last_updated < since:
            continue
        out.append(Entry(e, found, site_url.rstrip("/") + "/" + url(e.id, "", True, prefix)))
    return out


def message(
    reader: Reader,
    entries: Sequence[Entry],
    since: dt.date,
    site_url: str,
    site_name: str,
    t: Translator | None = None,
    with_content: bool = False,
    sender: str | None = None,
    on: dt.date | None = None,
) -> EmailMessage:
    """The reader's digest: a text part and the same as HTML."""
    t = t or english()
    msg = EmailMessage()
    msg["Subject"] = t("{site}: what changed since {date}", site=site_name, date=fmt_date(since, t))
    if reader.email:
        msg["To"] = formataddr((reader.name, reader.email))
    if sender:
        msg["From"] = sender
    msg["Date"] = formatdate(localtime=False) if on is None else formatdate(_noon(on))
    lines = _lines(reader, entries, since, site_url, t, with_content)
    msg.set_content(_text(lines))
    msg.add_alternative(_html(lines), subtype="html")
    return msg


def _noon(day: dt.date) -> float:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC).timestamp()


# (text, kind): kind is "p" (a paragraph), "h" (an engagement's heading), "li" (a change),
# "a" (a link); the HTML part is made from the same lines.
Line = tuple[str, str]


def _lines(
    reader: Reader, entries: Sequence[Entry], since: dt.date, site_url: str, t: Translator, with_content: bool
) -> list[Line]:
    out: list[Line] = [(t("Hello {name},", name=reader.name), "p")]
    if not entries:
        out.append((t("Nothing you can see has changed since {date}.", date=fmt_date(since, t)), "p"))
    else:
        day = fmt_date(since, t)
        intro = t.n(
            "Since {date}, {n} of your engagements changed:",
            "Since {date}, {n} of your engagements have changed:",
            len(entries),
            date=day,
        )
        out.append((intro, "p"))
    for entry in entries:
        e, news = entry.engagement, entry.news
        head = t("{id}, updated {date}", id=e.id, date=fmt_date(news.last_updated, t))
        if with_content:
            head = f"{e.client.name} — {e.title} ({head})"
        out.append((head, "h"))
        for change in news.changes:
            detail = f": {change.detail}" if with_content and change.detail else ""
            out.append((change.text + detail, "li"))
        out.append((entry.link, "a"))
    out.append((t("Open the portal and enter your passphrase to read more: {url}", url=site_url), "p"))
    return out


def _text(lines: Sequence[Line]) -> str:
    shown = {"p": "{}\n", "h": "{}", "li": "  - {}", "a": "  {}\n"}
    return "\n".join(shown[kind].format(text) for text, kind in lines) + "\n"


def _html(lines: Sequence[Line]) -> str:
    parts: list[str] = []
    open_list = False
    for text, kind in lines:
        if kind != "li" and open_list:
            parts.append("</ul>")
            open_list = False
        safe = html.escape(text)
        if kind == "li":
            if not open_list:
                parts.append("<ul>")
                open_list = True
            parts.append(f"<li>{safe}</li>")
        elif kind == "h":
            parts.append(f"<h2>{safe}</h2>")
        elif kind == "a":
            parts.append(f'<p><a href="{html.escape(text, quote=True)}">{safe}</a></p>')
        else:
            parts.append(f"<p>{safe}</p>")
    if open_list:
        parts.append("</ul>")
    return "<!DOCTYPE html>\n<html><body>\n" + "\n".join(parts) + "\n</body></html>\n"


def file_name(reader: Reader) -> str:
    return f"digest-{reader.id}.eml"  # reader ids are URL slugs: safe as file names

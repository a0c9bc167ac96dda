"""CSS tokens as a browser reads them (CSS Syntax Level 3, section 4): escapes decoded,
comments dropped, so ``u\\72l(...)`` is the ``url(...)`` it is to a browser.

Only what :mod:`origins` needs: idents, functions, at-keywords, strings, url tokens and the
brackets that nest them; everything else is one ``delim`` token per code point.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_HEX = re.compile(r"[0-9a-fA-F]{1,6}")
_WS = " \t\n"
_MAX = 0x10FFFF


class Token(NamedTuple):
    kind: str  # ident, function, at, string, url, ws, (, ), delim
    value: str  # decoded: a name (for a function, without its "("), a string's or a URL's text


def _preprocess(css: str) -> str:
    return css.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\0", "\ufffd")


def _is_name(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-_") or not ch.isascii()


def _valid_escape(css: str, i: int) -> bool:
    return i < len(css) and css[i] == "\\" and (i + 1 >= len(css) or css[i + 1] != "\n")


def _escape(css: str, i: int) -> tuple[str, int]:
    """The code point of the escape whose backslash is at ``i - 1``, and where it ends."""
    if i >= len(css):
        return "\ufffd", i
    hexa = _HEX.match(css, i)
    if hexa:
        end = hexa.end()
        if end < len(css) and css[end] in _WS:
            end += 1
        value = int(hexa.group(), 16)
        return ("\ufffd" if value == 0 or 0xD800 <= value <= 0xDFFF or value > _MAX else chr(value)), end
    return css[i], i + 1


def _starts_ident(css: str, i: int) -> bool:
    first = css[i] if i < len(css) else ""
    if first == "-":
        second = css[i + 1] if i + 1 < len(css) else ""
        return (
            second == "-"
            or (second != "" and _is_name(second) and not second.isdigit())
            or _valid_escape(css, i + 1)
        )
    return (first != "" and _is_name(first) and not first.isdigit()) or _valid_escape(css, i)


def _name(css: str, i: int) -> tuple[str, int]:
    out = []
    while i < len(css):
        if _is_name(css[i]):
            out.append(css[i])
            i += 1
        elif _valid_escape(css, i):
            ch, i = _escape(css, i + 1)
            out.append(ch)
        else:
            break
    return "".join(out), i


def _string(css: str, i: int, quote: str) -> tuple[str, int]:
    out = []
    while i < len(css):
        ch = css[i]
        if ch == quote:
            return "".join(out), i + 1
        if ch == "\n":  # a bad string: the browser drops it
            return "".join(out), i
        if ch == "\\":
            if i + 1 < len(css) and css[i + 1] == "\n":
                i += 2  # an escaped newline continues the string
                continue
            ch, i = _escape(css, i + 1)
            out.append(ch)
            continue
        out.append(ch)
        i += 1
    return "".join(out), i


def _url(css: str, i: int) -> tuple[str, int]:
    """An unquoted ``url(`` token's text (``i`` after the opening bracket)."""
    while i < len(css) and css[i] in _WS:
        i += 1
    out = []
    while i < len(css):
        ch = css[i]
        if ch == ")":
            return "".join(out), i + 1
        if ch in _WS:
            while i < len(css) and css[i] in _WS:
                i += 1
            if i >= len(css) or css[i] == ")":
                return "".join(out), i + 1
            break  # a bad url: what is read so far, to be safe
        if ch == "\\" and _valid_escape(css, i):
            ch, i = _escape(css, i + 1)
            out.append(ch)
            continue
        out.append(ch)
        i += 1
    return "".join(out), i


def tokens(css: str) -> Iterator[Token]:
    css = _preprocess(css)
    i, n = 0, len(css)
    while i < n:
        ch = css[i]
        if css.startswith("/*", i):
            end = css.find("*/", i + 2)
            i = n if end == -1 else end + 2
        elif ch in _WS:
            while i < n and css[i] in _WS:
                i += 1
            yield Token("ws", " ")
        elif ch in "\"'":
            value, i = _string(css, i + 1, ch)
            yield Token("string", value)
        elif ch == "@" and _starts_ident(css, i + 1):
            value, i = _name(css, i + 1)
            yield Token("at", value.lower())
        elif _starts_ident(css, i):
            value, i = _name(css, i)
            if i < n and css[i] == "(":
                i += 1
                if value.lower() == "url":
                    j = i
                    while j < n and css[j] in _WS:
                        j += 1
                    if j >= n or css[j] not in "\"'":
                        value, i = _url(css, i)
                        yield Token("url", value)
                        continue
                    i = j
                yield Token("function", value.lower())
            else:
                yield Token("ident", value.lower())
        elif ch == "(" or ch == ")":
            i += 1
            yield Token(ch, ch)
        else:
            i += 1
            yield Token("delim", ch)

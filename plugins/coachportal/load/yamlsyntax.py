"""ruamel.yaml's syntax errors, reworded for coaches: what is wrong, where, and what was expected.

The rules match ruamel.yaml's wording (pinned below 0.20) and are tried in order; the
last one keeps ruamel.yaml's own words with its jargon made plain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ruamel.yaml.error import MarkedYAMLError

from .positions import Fatal, line_col


def version_error(version: str, text: str) -> Fatal:
    # The parser has consumed the directive by then: find its line in the text.
    found = re.search(r"^%YAML[ \t]", text, re.MULTILINE)
    line, column = line_col(text, found.start()) if found else (1, 1)
    return Fatal(
        line,
        column,
        f"YAML version {version} is not supported (expected '%YAML 1.2', or no '%YAML' line at all)",
    )


def _over_indented_key(text: str, line: int, column: int) -> int | None:
    """The column of ``key`` when the ':' at (line, column) ends an over-indented ``key:`` line.

    ``name: A`` followed by ``   role: B`` (one space too many) makes YAML read
    ``role`` as more text of ``A``; the ':' after it is then "not allowed here". When
    that ':' is the first one of its line, after a single word at the start of a line
    that is not the first, the mistake is the indentation, not a missing quote.
    """
    lines = text.splitlines()
    if not 1 < line <= len(lines):
        return None
    before = lines[line - 1][: column - 1]
    word = before.lstrip(" ")
    if not re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_-]*", word):
        return None
    return len(before) - len(word) + 1


@dataclass(frozen=True)
class _Syntax:
    """ruamel.yaml's syntax error, taken apart for the rules that reword it."""

    problem: str
    context: str
    line: int  # 1-based, where ruamel.yaml saw the problem
    column: int
    opened: tuple[int, int] | None  # 1-based start of what the context names ("while scanning ...")
    text: str


def _tab(e: _Syntax) -> Fatal | None:
    if "'\\t'" not in e.problem and "\t" not in e.problem:
        return None
    lines = e.text.splitlines()
    before = lines[e.line - 1][: e.column - 1] if 0 < e.line <= len(lines) else ""
    if before.strip(" \t-"):
        return Fatal(e.line, e.column, "tab character here (expected a space: YAML does not allow this tab)")
    return Fatal(
        e.line, e.column, "tab character in the indentation (expected spaces: YAML does not allow tabs)"
    )


def _colon(e: _Syntax) -> Fatal | None:
    if e.problem != "mapping values are not allowed here":
        return None
    indented = _over_indented_key(e.text, e.line, e.column)
    if indented is not None:
        return Fatal(
            e.line,
            indented,
            "invalid YAML: the indentation of this line is deeper than the keys next to it, "
            "so it reads as text continuing the line above "
            "(expected the same indentation as the keys next to it)",
        )
    return Fatal(
        e.line,
        e.column,
        "invalid YAML: a ':' is not allowed here "
        "(expected a new 'key: value' line, or put text containing ': ' in quotes)",
    )


def _unclosed_quote(e: _Syntax) -> Fatal | None:
    if "while scanning a quoted scalar" not in e.context or e.opened is None:
        return None
    message = "invalid YAML: the quoted text starting here is never closed (expected a closing quote)"
    return Fatal(*e.opened, message)


def _unclosed_bracket(e: _Syntax) -> Fatal | None:
    flow = re.match(r"while parsing a flow (sequence|mapping)", e.context)
    if not flow or e.opened is None or not e.problem.startswith("expected ','"):
        return None
    bracket, closing = ("[", "]") if flow.group(1) == "sequence" else ("{", "}")
    return Fatal(
        *e.opened,
        f"invalid YAML: the '{bracket}' opened here is not closed before line {e.line}, column {e.column} "
        f"(expected ',' between entries and '{closing}' at the end)",
    )


def _block_indentation(e: _Syntax) -> Fatal | None:
    if not e.problem.startswith("expected <block end>, but found"):
        return None
    started = f" started on line {e.opened[0]}" if e.opened is not None else ""
    return Fatal(
        e.line,
        e.column,
        f"invalid YAML: the indentation of this line does not fit the block{started} "
        "(expected the same indentation as the keys or items next to it)",
    )


def _no_colon(e: _Syntax) -> Fatal | None:
    if "could not find expected ':'" not in e.problem:
        return None
    return Fatal(
        e.line,
        e.column,
        "invalid YAML: a line without ':' "
        "(expected 'key: value', or an indented continuation of the text above)",
    )


def _any_syntax(e: _Syntax) -> Fatal:
    """ruamel.yaml's own words, with its jargon ('<block end>') made plain."""
    problem, context = e.problem, e.context
    if not problem:  # some scanner errors carry only a context ("more indented follow up line ...")
        problem, context = context or "unreadable text", ""
    where = f", {context} started on line {e.opened[0]}" if e.opened is not None and context else ""
    problem = problem.replace("<block end>", "the end of the block").replace(
        "'<stream end>'", "the end of the file"
    )
    return Fatal(
        e.line,
        e.column,
        f"invalid YAML: {problem}{where} (expected consistent indentation, closed brackets and quotes)",
    )


# Tried in order; the wording of ruamel.yaml's messages is matched (pinned below 0.20).
_SYNTAX_RULES = (_tab, _colon, _unclosed_quote, _unclosed_bracket, _block_indentation, _no_colon)


def syntax_error(exc: MarkedYAMLError, text: str) -> Fatal:
    mark, opened = exc.problem_mark or exc.context_mark, exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    e = _Syntax(
        problem=(exc.problem or "").strip(),
        context=(exc.context or "").strip(),
        line=line,
        column=column,
        opened=(opened.line + 1, opened.column + 1) if opened is not None else None,
        text=text,
    )
    for rule in _SYNTAX_RULES:
        fatal = rule(e)
        if fatal is not None:
            return fatal
    return _any_syntax(e)

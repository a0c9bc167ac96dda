"""Every broken engagement file gives exactly the expected messages, fast, without a traceback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from coachportal.core.errors import EngagementError
from coachportal.load.loader import MAX_FILE_BYTES, load_engagement, load_engagements

CORPUS = Path(__file__).parent / "corpus"
FILES = sorted(CORPUS.glob("*.yml"))
DIRS = sorted(p for p in CORPUS.iterdir() if p.is_dir())
SECONDS = 5.0


def expected(path: Path) -> list[str]:
    """The '# expect:' lines, prefixed with the path; '{dir}' stands for the file's directory."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        f"{path}:{line.removeprefix('# expect: ')}".replace("{dir}", str(path.parent))
        for line in lines
        if line.startswith("# expect: ")
    ]


def problems_of(load, target: Path) -> list[str]:
    # CPU time, not wall time: the guard is against a pathological file (an alias bomb
    # hanging the build), and must not trip because other processes share the machine.
    start = time.process_time()
    with pytest.raises(EngagementError) as info:
        load(target)
    elapsed = time.process_time() - start
    assert elapsed < SECONDS, f"{target} took {elapsed:.1f} s"
    text = str(info.value)
    assert "Traceback" not in text and "pydantic" not in text.lower() and "ruamel" not in text
    return [str(p) for p in info.value.problems]


def test_corpus_is_large_enough():
    assert len(FILES) + len(DIRS) >= 30
    for path in FILES:
        assert path.read_text(encoding="utf-8").startswith("# case: "), path
        assert expected(path), f"{path} has no '# expect:' line"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_broken_file(path: Path):
    assert problems_of(load_engagement, path) == expected(path)


@pytest.mark.parametrize("directory", DIRS, ids=[p.name for p in DIRS])
def test_broken_directory(directory: Path):
    want = [line for path in sorted(directory.glob("*.yml")) for line in expected(path)]
    assert want
    assert problems_of(load_engagements, directory) == want


def test_every_problem_is_located_and_explained():
    for path in FILES:
        for line in expected(path):
            where, _, rest = line.partition(f"{path}:")[2].partition(": ")
            row, column = where.split(":")
            assert int(row) >= 1 and int(column) >= 1, line
            assert rest.endswith(")") and "(expected " in rest, line


# --- cases built at test time (binary or huge) ----------------------------------------

VALID_START = b"id: corpus-case\ntitle: Corpus case\n"

GENERATED = {
    "latin-1": (
        VALID_START + b"client: {name: Ren\xe9e Client}\n",
        "3:19: byte 0xe9 is not valid UTF-8 (expected UTF-8 text: save the file as UTF-8)",
    ),
    "binary-garbage": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        "1:1: byte 0x89 is not valid UTF-8 (expected UTF-8 text: save the file as UTF-8)",
    ),
    "every-byte": (
        bytes(range(256)) * 4,
        "2:118: byte 0x80 is not valid UTF-8 (expected UTF-8 text: save the file as UTF-8)",
    ),
    "utf-16": (
        "id: corpus-case\n".encode("utf-16"),
        "1:1: byte 0xff is not valid UTF-8 (the file looks like UTF-16) "
        "(expected UTF-8 text: save the file as UTF-8)",
    ),
    "nul-byte": (
        VALID_START + b"stage: act\x00ion\n",
        "3:11: control character U+0000 is not allowed (expected printable text)",
    ),
    "escape-character": (
        VALID_START + b"stage: \x1b[31maction\n",
        "3:8: control character U+001B is not allowed (expected printable text)",
    ),
    "zero-bytes": (b"", "1:1: the file is empty (expected a mapping of engagement fields)"),
    "only-whitespace": (b"\n\n   \n", "1:1: the file is empty (expected a mapping of engagement fields)"),
    "bom-then-list": (
        b"\xef\xbb\xbf- a\r\n- b\r\n",
        "1:1: the file holds a list (expected a mapping of engagement fields)",
    ),
    "crlf-tab": (
        b"id: corpus-case\r\nclient:\r\n\tname: Ada\r\n",
        "3:1: tab character in the indentation (expected spaces: YAML does not allow tabs)",
    ),
    "null-top-level": (b"~\n", "1:1: the file is empty (expected a mapping of engagement fields)"),
}


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_generated_file(tmp_path: Path, name: str):
    data, message = GENERATED[name]
    path = tmp_path / f"{name}.yml"
    path.write_bytes(data)
    assert problems_of(load_engagement, path) == [f"{path}:{message}"]


def test_twenty_megabytes_refused_before_reading(tmp_path: Path, monkeypatch):
    path = tmp_path / "huge.yml"
    with path.open("wb") as fh:
        fh.write(VALID_START)
        line = b"# " + b"x" * 1021 + b"\n"
        for _ in range(20 * 1024):
            fh.write(line)
    assert path.stat().st_size > 20_000_000

    def no_reading(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(Path, "read_bytes", no_reading)
    monkeypatch.setattr(Path, "read_text", no_reading)
    monkeypatch.setattr(Path, "open", no_reading)
    assert problems_of(load_engagement, path) == [
        f"{path}:1:1: file is too large: {path.stat().st_size:,} bytes "
        "(expected at most 1,048,576 bytes, 1 MB)"
    ]


def test_just_over_the_limit(tmp_path: Path):
    path = tmp_path / "over.yml"
    path.write_bytes(VALID_START + b"#" * (MAX_FILE_BYTES - len(VALID_START) + 1))
    assert problems_of(load_engagement, path) == [
        f"{path}:1:1: file is too large: 1,048,577 bytes (expected at most 1,048,576 bytes, 1 MB)"
    ]


def test_too_many_values_without_aliases(tmp_path: Path):
    path = tmp_path / "many.yml"
    path.write_text("access: [" + ", ".join(["a"] * 120_000) + "]\n", encoding="utf-8")
    assert problems_of(load_engagement, path) == [
        f"{path}:1:60001: the file holds more than 20,000 values (expected at most 20,000)"
    ]


def test_directory_collects_every_file(tmp_path: Path):
    (tmp_path / "a.yml").write_bytes(b"\xff")
    (tmp_path / "b.yaml").write_text("- x\n", encoding="utf-8")
    (tmp_path / "c.yml").write_text((CORPUS / "enum-stage.yml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not an engagement", encoding="utf-8")
    problems = problems_of(load_engagements, tmp_path)
    assert [p.split(":", 1)[0] for p in problems] == [
        str(tmp_path / "a.yml"),
        str(tmp_path / "b.yaml"),
        str(tmp_path / "c.yml"),
    ]

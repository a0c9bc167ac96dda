"""`make bench-reader`: the bytes a reader downloads for the home page, by portal size.

    python tests/bench/reader_bytes.py [--engagements 100 1000] [--readers 300]

For each N it builds a synthetic encrypted portal (synth.py: every engagement readable by
two of R readers) and reports, gzip -6 as a host would serve them: the home page's HTML,
and per bucket of readers (files are padded to 4, 8, 16 ... entries) their portfolio file
and what such a reader downloads in all (home page + their own file; the unlock scripts
and the theme's assets come on top, the same for every portal); beside it an estimate of
what the home page carried when it embedded the whole portfolio (N entries of this
build's size, random bytes as ciphertext is, without the wrapped keys of each entry's two
readers). Figures only: nothing is timed or asserted.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402
from coachportal.protect import vault  # noqa: E402
from scale import mkdocs_build  # noqa: E402


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def kb(size: float) -> str:
    return f"{size / 1000:,.1f} kB"


def measure(n: int, readers: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        env = synth.write_portal(root, n, readers)
        mkdocs_build(root, env)
        site = root / "site"
        home = gz((site / "index.html").read_bytes())
        folder = site / "coachportal" / "portfolio"
        files = {p.stem: p.read_bytes() for p in folder.glob("*.json")}
        sizes = {name: gz(data) for name, data in files.items()}
        counts = {name: len(json.loads(data)["entries"]) for name, data in files.items()}
        sample = json.loads(next(iter(files.values())))["entries"][0]
        ct_bytes = len(base64.b64decode(sample["ct"]))
        embedded = gz(json.dumps([vault._decoy_entry(ct_bytes) for _ in range(n)]).encode())
        print(
            f"{n:>6} engagements, {readers} readers ({len(files)} with engagements): home page {kb(home)}"
            f" (with the whole portfolio on it, as before: about {kb(home + embedded)})",
            flush=True,
        )
        for bucket in sorted(set(counts.values())):
            of = sorted(sizes[name] for name in sizes if counts[name] == bucket)
            low = bucket // 2 + 1 if bucket > 4 else 1
            median = statistics.median(of)
            print(
                f"        {len(of):>4} readers of {low}-{bucket} engagements: their file {kb(median)}"
                f" ({kb(of[0])} to {kb(of[-1])}), home page + file {kb(home + median)}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", "-n", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--readers", "-r", type=int, default=300)
    args = parser.parse_args()
    print("bytes a reader downloads for the home page (gzip -6; scripts and theme assets not counted)")
    for n in args.engagements:
        measure(n, args.readers)


if __name__ == "__main__":
    main()

"""`make bench`: how a coachportal build scales, against plain MkDocs + Material.

    python tests/bench/scale.py [--engagements 1000] [--readers 300 20] [--no-double]

For N engagements (default 1,000) and each reader count R (default 300, then 20) it
builds an encrypted portal from cold (a fresh directory, no cache) in a fresh
`mkdocs build` process and reports wall seconds, CPU seconds of that process (user +
system, all threads and children), pages per second, its peak RSS
(``ru_maxrss`` from ``os.wait4``) and the seconds per step the plugin measured
(``COACHPORTAL_TIMINGS``). Beside it, the same MkDocs and Material build N x 6 plain
Markdown pages of engagement-like content with the navigation pruned to the home page
(``nav: [index.md]``; every other page ``not_in_nav``) — the fair baseline — and the
ratio between them. Then the same at 2 x N, to show how the cost grows.

The machine's load average is printed before and after: on a shared machine wall
seconds are noisy, CPU seconds less so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float
    steps: dict[str, float]


def mkdocs_build(root: Path, env: dict[str, str], extra: tuple[str, ...] = ()) -> Run:
    """One `mkdocs build` in a process of its own: wall and CPU seconds, peak RSS, step timings."""
    timings = root / "timings.json"
    full_env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "COACHPORTAL_TIMINGS": str(timings),
        "COACHPORTAL_TODAY": "2026-06-20",
        **env,
    }
    start = time.perf_counter()
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", *extra]
    proc = subprocess.Popen(command, cwd=root, env=full_env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"mkdocs build failed in {root} ({proc.returncode})")
    steps = json.loads(timings.read_text(encoding="utf-8")) if timings.exists() else {}
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, steps)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def bench(n: int, readers: list[int], double: bool) -> None:
    print(f"coachportal scale bench: {n:,} engagements ({n * synth.PAGES_PER_ENGAGEMENT:,} pages); {load()}")
    sizes = [n, 2 * n] if double else [n]
    rows = []
    for size in sizes:
        pages = size * synth.PAGES_PER_ENGAGEMENT
        with tempfile.TemporaryDirectory() as plain_dir:
            synth.write_plain(Path(plain_dir), pages)
            plain = mkdocs_build(Path(plain_dir), {})
        rows.append((size, "plain", pages, plain))
        print(_row(size, "plain", pages, plain, plain), flush=True)
        for r in readers if size == n else readers[:1]:
            with tempfile.TemporaryDirectory() as portal_dir:
                env = synth.write_portal(Path(portal_dir), size, r)
                ours = mkdocs_build(Path(portal_dir), env)
            rows.append((size, f"{r} readers", pages, ours))
            print(_row(size, f"{r} readers", pages, ours, plain), flush=True)
            print("    steps: " + ", ".join(f"{k} {v:.1f}" for k, v in ours.steps.items()), flush=True)
    if double:
        first = {label: run for size, label, _, run in rows if size == n}
        for size, label, _, run in rows:
            if size == 2 * n and label in first:
                growth = run.wall / first[label].wall
                cpu_growth = run.cpu / first[label].cpu
                print(f"2 x N / N ({label}): {growth:.2f} x wall, {cpu_growth:.2f} x CPU")
    print(load())


def _row(size: int, label: str, pages: int, run: Run, plain: Run) -> str:
    return (
        f"{size:>6} {label:<12} {run.wall:>7.1f} s wall {run.cpu:>7.1f} s CPU"
        f" {pages / run.wall:>7.0f} pages/s {run.rss_mb:>6.0f} MB peak"
        f"  x{run.wall / plain.wall:.2f} wall x{run.cpu / plain.cpu:.2f} CPU of plain"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", "-n", type=int, default=1000)
    parser.add_argument("--readers", "-r", type=int, nargs="+", default=[300, 20])
    parser.add_argument("--no-double", action="store_true", help="skip the build at 2 x N")
    args = parser.parse_args()
    bench(args.engagements, args.readers, not args.no_double)


if __name__ == "__main__":
    main()

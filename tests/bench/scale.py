"""`make bench`: how a coachportal build scales, against plain MkDocs + Material.

    python tests/bench/scale.py [--engagements 1000] [--readers 300 20] [--no-double] [--repeat 3]

For N engagements (default 1,000) and each reader count R (default 300, then 20) it
builds an encrypted portal from cold (a fresh `mkdocs build` process, no cache) and
reports wall seconds, CPU seconds (user + system of the build and its worker processes,
every thread), pages per second, peak memory of all its processes together (the sum of
their PSS, sampled every half second) and the seconds per step the plugin measured
(``COACHPORTAL_TIMINGS``). Beside it, the same MkDocs and Material build N x 6 plain
Markdown pages of engagement-like content with the navigation pruned to the home page
(``nav: [index.md]``; every other page ``not_in_nav``) — the fair baseline — and the
ratio between them, and against the floor: the plain build's CPU and every reader's
PBKDF2 derivation (timed here) overlapped on the machine's cores. Then the same at 2 x N,
to show how the cost grows.

Each build runs ``--repeat`` times and the fastest counts (memory: the largest of them):
on a shared machine the slower runs measure the neighbours. The machine's load average
is printed before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float  # the largest process's peak (ru_maxrss: the build or one of its workers)
    steps: dict[str, float]
    tree_mb: float = 0.0  # peak of the whole process tree together (PSS, sampled)


class TreeMemory:
    """Peak memory of a process and its children together, sampled every 0.5 s: the sum
    of their PSS (each shared page counted once in total), as Linux reports it."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak_kb = pid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.5):  # reading smaps_rollup stalls the process a little
            self.peak_kb = max(self.peak_kb, sum(_pss_kb(p) for p in _tree(self.pid)))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_kb / 1024


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(p for child in children for p in _tree(int(child)))]


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


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
    memory = TreeMemory(proc.pid)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    tree_mb = memory.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"mkdocs build failed in {root} ({proc.returncode})")
    steps = json.loads(timings.read_text(encoding="utf-8")) if timings.exists() else {}
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, steps, tree_mb)


def best_of(repeat: int, build: Callable[[], Run]) -> Run:
    """The fastest of ``repeat`` builds (wall): on a shared machine the others measure the
    neighbours. Memory is the largest any of them reached."""
    runs = [build() for _ in range(repeat)]
    best = min(runs, key=lambda run: run.wall)
    best.rss_mb, best.tree_mb = max(r.rss_mb for r in runs), max(r.tree_mb for r in runs)
    return best


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def bench(n: int, readers: list[int], double: bool, repeat: int = 3) -> None:
    print(f"coachportal scale bench: {n:,} engagements ({n * synth.PAGES_PER_ENGAGEMENT:,} pages); {load()}")
    sizes = [n, 2 * n] if double else [n]
    derivation = derivation_seconds()
    print(f"one reader's key derivation: {derivation:.3f} s CPU")
    rows = []
    for size in sizes:
        pages = size * synth.PAGES_PER_ENGAGEMENT
        with tempfile.TemporaryDirectory() as plain_dir:
            synth.write_plain(Path(plain_dir), pages)
            plain = best_of(repeat, lambda: mkdocs_build(Path(plain_dir), {}))
        rows.append((size, "plain", pages, plain))
        print(_row(size, "plain", pages, plain, plain), flush=True)
        for r in readers if size == n else readers[:1]:
            with tempfile.TemporaryDirectory() as portal_dir:
                env = synth.write_portal(Path(portal_dir), size, r)
                ours = best_of(repeat, lambda: mkdocs_build(Path(portal_dir), env))  # noqa: B023
            rows.append((size, f"{r} readers", pages, ours))
            print(_row(size, f"{r} readers", pages, ours, plain, floor(plain, r, derivation)), flush=True)
            print("    steps: " + ", ".join(f"{k} {v:.1f}" for k, v in ours.steps.items()), flush=True)
    if double:
        first = {label: run for size, label, _, run in rows if size == n}
        for size, label, _, run in rows:
            if size == 2 * n and label in first:
                growth = run.wall / first[label].wall
                cpu_growth = run.cpu / first[label].cpu
                print(f"2 x N / N ({label}): {growth:.2f} x wall, {cpu_growth:.2f} x CPU")
    print(load())


def derivation_seconds(samples: int = 3) -> float:
    """CPU seconds of one reader's PBKDF2 derivation at the portals' iterations (the fastest)."""
    from coachportal.protect import crypto

    times = []
    for _ in range(samples):
        start = time.process_time()
        crypto.derive_kek("a passphrase to time", b"0123456789abcdef", crypto.MIN_ITERATIONS)
        times.append(time.process_time() - start)
    return min(times)


def floor(plain: Run, readers: int, derivation: float) -> float:
    """The least an encrypted build can take: the plain build's work and every reader's
    derivation, overlapped on the machine's cores (never less than the plain build)."""
    return max(plain.wall, (plain.cpu + readers * derivation) / (os.cpu_count() or 1))


def _row(size: int, label: str, pages: int, run: Run, plain: Run, least: float | None = None) -> str:
    of_floor = f", x{run.wall / least:.2f} of the floor ({least:.1f} s)" if least else ""
    return (
        f"{size:>6} {label:<12} {run.wall:>7.1f} s wall {run.cpu:>7.1f} s CPU"
        f" {pages / run.wall:>7.0f} pages/s {run.tree_mb:>6.0f} MB peak (all processes)"
        f"  x{run.wall / plain.wall:.2f} wall x{run.cpu / plain.cpu:.2f} CPU of plain{of_floor}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engagements", "-n", type=int, default=1000)
    parser.add_argument("--readers", "-r", type=int, nargs="+", default=[300, 20])
    parser.add_argument("--no-double", action="store_true", help="skip the build at 2 x N")
    parser.add_argument("--repeat", type=int, default=3, help="builds of each kind; the fastest counts")
    args = parser.parse_args()
    bench(args.engagements, args.readers, not args.no_double, args.repeat)


if __name__ == "__main__":
    main()

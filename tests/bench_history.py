"""Measure "Since the last update" on N engagement files in a real git repository.

    python tests/bench_history.py [N ...]     (default: 100)

Each file gets 3 commits of its own (one commit per file per round), then one more
commit changes a tenth of them: the build being measured. Prints the seconds for
history.histories (git), changes.news_by_id (git + loading the previous versions +
comparing), loading the current files (load_engagements, for scale) and, for
comparison, the naive way: one `git log -2` and one `git show` per file (timed on 50
files and scaled up).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coachportal.core.models import Level
from coachportal.core.redact import redact
from coachportal.derive.changes import PreviousVersions, news_by_id
from coachportal.load.history import histories
from coachportal.load.loader import Loader, engagement_files
from gitrepo import init_repo
from tmpportal import EXAMPLES

EXAMPLE = (EXAMPLES / "engagement.yml").read_text(encoding="utf-8")


def text(n: int, round_: int) -> str:
    return EXAMPLE.replace("id: nw-ops-2026 ", f"id: e{n:04} ").replace(
        "minutes: 60, topics: [Finance relationship]",
        f"minutes: {60 + round_}, topics: [Finance relationship]",
    )


def timed(fn):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def bench(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        repo = init_repo(Path(tmp) / "repo")
        directory = repo.root / "engagements"
        for round_ in range(3):
            for i in range(n):
                repo.write(f"engagements/e{i:04}.yml", text(i, round_))
                repo.commit(
                    f"2026-0{round_ + 1}-{1 + i % 28:02}", f"e{i} round {round_}", f"engagements/e{i:04}.yml"
                )
        for i in range(0, n, 10):
            repo.write(f"engagements/e{i:04}.yml", text(i, 3).replace("status: doing", "status: done", 1))
        repo.commit("2026-06-01", "a tenth changed")
        paths = engagement_files(directory)
        t_hist, found = timed(lambda: histories(directory, paths))
        assert sum(1 for h in found.files.values() if h.previous) == n
        loader = Loader(keep=False)
        t_load, sources = timed(lambda: loader.sources(directory))
        loaded = [redact(s.engagement, Level.SPONSOR) for s in sources]
        by_id = {s.engagement.id: s.path for s in sources}
        t_news, news = timed(
            lambda: news_by_id(by_id, found, loaded, Level.SPONSOR, PreviousVersions(loader))
        )
        assert sum(1 for x in news.values() if x.changes) == len(range(0, n, 10))

        sample = paths[:: max(1, n // 50)]  # the naive way is slow: time 50 files, scale up

        def naive() -> None:
            for path in sample:
                rel = path.relative_to(repo.root).as_posix()
                log = subprocess.run(
                    ["git", "log", "-2", "--format=%H", "--", rel],
                    cwd=repo.root,
                    capture_output=True,
                    text=True,
                ).stdout.split()
                if len(log) == 2:
                    subprocess.run(["git", "show", f"{log[1]}:{rel}"], cwd=repo.root, capture_output=True)

        t_naive = timed(naive)[0] * len(paths) / len(sample)
        commits = repo.git("rev-list", "--count", "HEAD").strip()
        print(
            f"{n} files, {commits} commits: histories {t_hist:.2f} s; news_by_id {t_news:.2f} s"
            f" (histories included); load_engagements {t_load:.2f} s; naive per-file git {t_naive:.2f} s"
        )


if __name__ == "__main__":
    for arg in sys.argv[1:] or ["100"]:
        bench(int(arg))

"""Seconds per build step, for `make bench` and for anyone wondering where a build goes.

    timings = Timings()
    with timings.step("load"):
        ...

Each step records its wall seconds, and the CPU seconds of the thread that ran it as
``"<step> (CPU)"``; steps accumulate (a step entered twice, or in several threads, adds
up). The plugin makes one table per build and, at the end of the build, logs
it at debug level; with ``COACHPORTAL_TIMINGS=path`` it also writes it there as JSON
(``{"step": seconds}``), which is what the bench reads. Always on: two clock reads a step.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ENV = "COACHPORTAL_TIMINGS"


class Timings:
    """One build's seconds per step (thread-safe: key derivation adds from its threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seconds: dict[str, float] = {}

    def add(self, name: str, seconds: float) -> None:
        with self._lock:
            self._seconds[name] = self._seconds.get(name, 0.0) + seconds

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Wall seconds under ``name``, and this thread's CPU seconds under ``name (CPU)``
        (on a loaded machine the wall figure mostly measures the other processes)."""
        start, cpu = time.perf_counter(), time.thread_time()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - start)
            self.add(f"{name} (CPU)", time.thread_time() - cpu)

    def table(self) -> dict[str, float]:
        with self._lock:
            return dict(self._seconds)

    def summary(self) -> str:
        return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.table().items())

    def write(self, environ: Mapping[str, str] = os.environ) -> None:
        """Write the table to ``$COACHPORTAL_TIMINGS`` when it is set."""
        target = environ.get(ENV)
        if target:
            Path(target).write_text(json.dumps(self.table(), indent=1), encoding="utf-8")

"""Seconds per build step, for `make bench` and for anyone wondering where a build goes.

    with timings.step("load"):
        ...

Each step records its wall seconds, and the CPU seconds of the thread that ran it as
``"<step> (CPU)"``; steps accumulate (a step entered twice, or in several threads, adds
up). The plugin resets the table when a build starts and, at the end of the build, logs
it at debug level; with ``COACHPORTAL_TIMINGS=path`` it also writes it there as JSON
(``{"step": seconds}``), which is what the bench reads. Always on: two clock reads a step.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV = "COACHPORTAL_TIMINGS"

_lock = threading.Lock()
_seconds: dict[str, float] = {}


def reset() -> None:
    with _lock:
        _seconds.clear()


def add(name: str, seconds: float) -> None:
    with _lock:
        _seconds[name] = _seconds.get(name, 0.0) + seconds


@contextmanager
def step(name: str) -> Iterator[None]:
    """Wall seconds under ``name``, and this thread's CPU seconds under ``name (CPU)``
    (on a loaded machine the wall figure mostly measures the other processes)."""
    start, cpu = time.perf_counter(), time.thread_time()
    try:
        yield
    finally:
        add(name, time.perf_counter() - start)
        add(f"{name} (CPU)", time.thread_time() - cpu)


def table() -> dict[str, float]:
    with _lock:
        return dict(_seconds)


def summary() -> str:
    return ", ".join(f"{name} {seconds:.2f} s" for name, seconds in table().items())


def write(environ: dict[str, str] | os._Environ[str] = os.environ) -> None:
    """Write the table to ``$COACHPORTAL_TIMINGS`` when it is set."""
    target = environ.get(ENV)
    if target:
        Path(target).write_text(json.dumps(table(), indent=1), encoding="utf-8")

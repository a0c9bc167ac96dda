"""Per-file work spread over the machine's cores: a pool of forked worker processes.

Loading and rendering an engagement is pure Python (the GIL lets one thread run it at
a time), and each file is independent of the others, so a build of many engagements
runs them in worker processes, one per core. Workers are forked, so they start at once
with everything this process has imported; they are forked before any other thread of
ours starts (key derivation), since a fork copies only the forking thread and a lock
held by another thread would stay held in the child forever.

``COACHPORTAL_WORKERS=N`` sets the number of workers (1: everything in this process).
Otherwise a build uses one worker per core when there are at least ``MIN_ITEMS`` files
to load and nothing is cached yet (a `mkdocs serve` rebuild loads only what changed).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

ENV = "COACHPORTAL_WORKERS"
MIN_ITEMS = 100  # below this, starting workers costs about what they save
MAX_WORKERS = 8

In = TypeVar("In")
Out = TypeVar("Out")


def worker_count(items: int, environ: Mapping[str, str] = os.environ) -> int:
    """How many worker processes ``items`` files are worth (1: none, work in this process)."""
    setting = environ.get(ENV, "").strip()
    if setting:
        try:
            return max(1, int(setting))
        except ValueError:
            raise ValueError(f"{ENV} must be a whole number of worker processes, got {setting!r}") from None
    if items < MIN_ITEMS or not _can_fork():
        return 1
    return min(os.cpu_count() or 1, MAX_WORKERS)


def _can_fork() -> bool:
    # macOS can fork, but its system libraries are not fork-safe; spawning would re-import
    # everything in each worker, which costs more than it saves for a single build.
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


class Workers:
    """A pool of ``count`` forked processes (none when ``count`` is 1): ``map`` runs there."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._pool: Executor | None = None
        if count > 1:
            self._pool = ProcessPoolExecutor(
                count, mp_context=multiprocessing.get_context("fork"), initializer=_worker_gc
            )
            # Fork every worker now, while this is the only thread: the pool forks on first use.
            list(self._pool.map(_nothing, range(count)))

    def map(self, function: Callable[[In], Out], items: Iterable[In]) -> list[Out]:
        """``[function(item) for item in items]``, in order, in the workers when there are any.
        ``function`` must be a module-level function (it is sent to the workers by name)."""
        items = list(items)
        if self._pool is None or len(items) < 2:
            return [function(item) for item in items]
        chunk = max(1, len(items) // (self.count * 8))  # small enough to even out the cores
        return list(self._pool.map(function, items, chunksize=chunk))

    def imap(self, function: Callable[[In], Out], items: Iterable[In]) -> Iterator[Out]:
        """Like :meth:`map`, but the results come as they are ready, in order, while this
        process goes on with other work (all items are sent to the workers at once)."""
        items = list(items)
        if self._pool is None:
            return (function(item) for item in items)
        chunk = max(1, min(16, len(items) // (self.count * 8)))  # the first results come soon
        return self._pool.map(function, items, chunksize=chunk)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


SERIAL = Workers(1)


def _nothing(_: int) -> None:
    return None


def _worker_gc() -> None:
    """A worker collects its garbage (rendering leaves cycles: Jinja's contexts; without
    collections a worker grew by 50 MB for 500 engagements), but never walks what it
    inherited from the fork: that is frozen, so each collection costs only the job's objects."""
    gc.freeze()
    gc.enable()


@contextmanager
def gc_paused(items: int) -> Iterator[None]:
    """No cyclic garbage collection while many long-lived objects are made at once.

    Loading a thousand files makes millions of objects that all stay alive (the data, its
    positions, the models); every collection on the way walks all of them again, which
    took more than half of the loading time. After the step, one collection frees its
    garbage and what is left is frozen: the collections of the rest of the build (MkDocs'
    own) no longer walk the engagements either. :func:`gc_thaw` undoes the freeze.
    Only for ``items`` (files to load) of ``MIN_ITEMS`` or more: a `mkdocs serve` rebuild
    loads a few, and the collection after them would cost more than it saves.
    """
    if items < MIN_ITEMS:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.collect()
        gc.freeze()


def gc_thaw() -> None:
    """At the end of a build: what :func:`gc_paused` froze may be collected again
    (`mkdocs serve` builds again and again in one process)."""
    gc.unfreeze()

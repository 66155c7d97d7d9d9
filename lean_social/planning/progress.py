"""Progress of a plan, reported as department-days routed of the run's total, for a person watching.

A week's run of a centre takes minutes; a planner at a terminal wants to see it move, and the nightly job
wants to log it. The planners report through a context variable rather than a parameter on every
planning function: whoever watches (the CLI's progress bar, the nightly job's log) sets a callback
around the call, and code that nobody watches reports to no one at no cost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["Progress", "report", "reporting"]

#: Called with (department-days routed so far, department-days to route in this call).
Progress = Callable[[int, int], None]

_watcher: ContextVar[Progress | None] = ContextVar("lean_social_progress", default=None)


@contextmanager
def reporting(progress: Progress | None) -> Iterator[None]:
    """Report the progress of the plans made inside the ``with`` block to ``progress``."""
    token = _watcher.set(progress)
    try:
        yield
    finally:
        _watcher.reset(token)


def report(done: int, total: int) -> None:
    """Tell the watcher, if any, that ``done`` of ``total`` department-days are routed."""
    watcher = _watcher.get()
    if watcher is not None:
        watcher(done, total)

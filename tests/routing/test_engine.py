"""The engine (``routing.engine.solve``): searches on a count of work ignore the clock, search processes
never outlive the call, and a time limit must be a limit."""

from __future__ import annotations

import multiprocessing

import pytest
from line_instances import job, line_instance, vehicle

from lean_social.routing.engine import EngineSettings, evaluate, solve


def test_reproducible_engine_ignores_the_clock() -> None:
    # A work count with a time limit of zero still searches: the clock is not consulted.
    instance = line_instance([job(p, 480, 960) for p in (5, 1, 4, 2, 3)], [vehicle(), vehicle()], 6)
    a = solve(instance, EngineSettings(time_limit_s=0, work=300, seed=1))
    b = solve(instance, EngineSettings(time_limit_s=0, work=300, seed=1))
    assert a.routes == b.routes
    assert a.dropped == ()
    assert evaluate(instance, a) == evaluate(instance, b)


def test_no_search_process_outlives_the_call() -> None:
    instance = line_instance([job(p, 480, 960) for p in range(1, 9)], [vehicle(lunch=True), vehicle()], 10)
    solve(instance, EngineSettings(time_limit_s=1.0, workers=2))
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("limit", [float("nan"), float("inf"), -1.0])
def test_engine_refuses_a_time_limit_that_is_no_limit(limit: float) -> None:
    with pytest.raises(ValueError, match="time limit"):
        EngineSettings(time_limit_s=limit)

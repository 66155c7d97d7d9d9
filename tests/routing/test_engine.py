"""The engine (``routing.engine.solve``): searches on a count of work ignore the clock, search processes
never outlive the call, and a time limit must be a limit."""

from __future__ import annotations

import multiprocessing

import pytest
from line_instances import job, line_instance, vehicle

from lean_social.routing.engine import EngineSettings, evaluate, lap_plan, solve


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


def test_the_laps_of_more_work_pass_through_the_laps_of_less() -> None:
    # The default 100 units a visit: two laps, the second ending at four times the work of the first.
    assert lap_plan(1000, 10, 0.1) == (900, [(225, 25), (900, 75)])
    assert lap_plan(240, 10, 0.1) == (225, [(225, 15)])  # ends inside the first lap's polish
    assert lap_plan(100, 10, 0.1) == (100, [])  # ends inside the first lap's search
    # Whatever two budgets: the larger searches as long or longer, and polishes at the same points
    # (the search's best after as many iterations) with as much work or more.
    previous = lap_plan(1, 7, 0.1)
    for work in range(2, 2000):
        iterations, polishes = lap_plan(work, 7, 0.1)
        assert iterations >= previous[0]
        assert len(polishes) >= len(previous[1])
        for (at, units), (at_before, units_before) in zip(polishes, previous[1], strict=False):
            assert at == at_before and units >= units_before
        assert iterations + sum(units for _, units in polishes) == work  # every unit spent, none more
        previous = (iterations, polishes)

"""PyVRP on the neutral instance (``routing.pyvrp_engine``): when its model is the whole model, and what
its routes keep: windows, dropped jobs, and the rules it carries as extra load dimensions (a visit
limit, "only these workers may go"), which it only penalises, so a small instance where breaking them
would pay shows that the routes handed back keep them. Every search stops on an iteration count, never
on the clock."""

from __future__ import annotations

import dataclasses
import random

import pytest
from line_instances import MINUTE, job, line_instance, lunch_splits_the_two_jobs, vehicle

from lean_social.routing.instance import Break, Job, RoutingInstance, RoutingSolution
from lean_social.routing.pyvrp_engine import is_exact_for_pyvrp, is_plain_vrptw, search_pyvrp, solve_pyvrp
from lean_social.routing.timing import time_route

ITERATIONS = 300


def plain() -> RoutingInstance:
    """Two workers, three jobs with one window each, no lunch, no limits: all PyVRP can say."""
    return line_instance([job(p, 540, 960) for p in (1, 2, 3)], [vehicle(), vehicle()], 4)


def with_job(instance: RoutingInstance, index: int, **changes: object) -> RoutingInstance:
    jobs = list(instance.jobs)
    jobs[index] = dataclasses.replace(jobs[index], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(instance, jobs=tuple(jobs))


def timed_routes_are_feasible(instance: RoutingInstance, routes: tuple[tuple[int, ...], ...]) -> None:
    """The routing core's own timing accepts every route, and every visit starts in one of its windows."""
    for k, route in enumerate(routes):
        timed = time_route(instance, k, route, tuple(0 for _ in instance.vehicles[k].breaks))
        assert timed.feasible, (k, route)
        for stop in timed.stops:
            assert any(a <= stop.start <= b for a, b in instance.jobs[stop.job].windows), stop


def test_a_plain_instance_is_plain_and_exact() -> None:
    assert is_plain_vrptw(plain())
    assert is_exact_for_pyvrp(plain())


def test_a_lunch_two_windows_limits_and_allowed_workers_are_exact_but_not_plain() -> None:
    base = plain()
    lunch = dataclasses.replace(base, vehicles=(vehicle(lunch=True), vehicle()))
    limit = dataclasses.replace(base, vehicles=(vehicle(), vehicle(max_jobs=2)))
    two_windows = with_job(base, 1, windows=((540 * MINUTE, 600 * MINUTE), (780 * MINUTE, 840 * MINUTE)))
    allowed = with_job(base, 2, allowed=frozenset({0}))
    for real in (lunch, limit, two_windows, allowed):
        assert is_exact_for_pyvrp(real)
        assert not is_plain_vrptw(real)


def test_two_breaks_are_relaxed() -> None:
    worker = vehicle(lunch=True)
    tea = Break(earliest=15 * 60 * MINUTE, latest=16 * 60 * MINUTE, duration=15 * MINUTE)
    two = dataclasses.replace(plain(), vehicles=(dataclasses.replace(worker, breaks=(*worker.breaks, tea)),))
    assert not is_exact_for_pyvrp(two)


def test_neither_a_time_limit_nor_iterations_is_refused() -> None:
    with pytest.raises(ValueError, match="never stops"):
        solve_pyvrp(plain())


def test_windows_force_the_only_feasible_order() -> None:
    # Half-hour visits at places 1-4, each window ten minutes long and an hour after the previous one,
    # in the order 4, 1, 3, 2: the order by place (or any other) misses a window.
    windows = {4: 490, 1: 540, 3: 600, 2: 660}
    jobs = [job(place, start, start + 10) for place, start in sorted(windows.items())]  # jobs by place 1..4
    instance = line_instance(jobs, [vehicle()], 5)
    solution = solve_pyvrp(instance, iterations=ITERATIONS, seed=0)
    assert solution.status == "SUCCESS"
    assert solution.dropped == ()
    assert solution.routes == ((3, 0, 2, 1),)
    assert not time_route(instance, 0, (0, 1, 2, 3), ()).feasible  # the order by place would not do
    timed_routes_are_feasible(instance, solution.routes)


def test_a_job_nobody_reaches_in_its_window_is_dropped() -> None:
    # The shift starts at 08:00 at place 0 and place 5 is five minutes away: a window closing at 08:02
    # cannot be met, while the two other jobs can.
    instance = line_instance([job(1, 540, 960), job(5, 480, 482), job(2, 540, 960)], [vehicle()], 6)
    solution = solve_pyvrp(instance, iterations=ITERATIONS, seed=0)
    assert solution.status == "SUCCESS"
    assert solution.dropped == (1,)
    assert sorted(solution.routes[0]) == [0, 2]
    timed_routes_are_feasible(instance, solution.routes)


def test_the_visit_limit_holds_though_breaking_it_would_pay() -> None:
    # One worker with a limit of two visits and three jobs a few minutes apart in a nine-hour shift:
    # serving all three would fit the day and save a dropped job's penalty, but the limit says two.
    instance = line_instance([job(p, 540, 960) for p in (1, 2, 3)], [vehicle(max_jobs=2)], 4)
    assert time_route(instance, 0, (0, 1, 2), ()).stops[-1].end < 17 * 60 * MINUTE  # time is no obstacle
    solution = solve_pyvrp(instance, iterations=ITERATIONS, seed=0)
    assert solution.status == "SUCCESS"
    assert len(solution.routes[0]) == 2
    assert len(solution.dropped) == 1
    timed_routes_are_feasible(instance, solution.routes)


def test_only_allowed_workers_make_a_job() -> None:
    # Jobs 0 and 1 open at 08:00 for ten minutes, at places 1 and 2; only worker 1 may make them, and
    # one worker can make only one of them in time. Job 2 (place 3, at 10:00) is worker 0's only.
    # Worker 0 is free at 08:00 and would save a dropped job by taking job 0 or 1: it must not.
    jobs = [
        dataclasses.replace(job(1, 480, 490), allowed=frozenset({1})),
        dataclasses.replace(job(2, 480, 490), allowed=frozenset({1})),
        dataclasses.replace(job(3, 600, 610), allowed=frozenset({0})),
    ]
    instance = line_instance(jobs, [vehicle(), vehicle()], 4)
    assert time_route(instance, 0, (0, 2), ()).feasible  # worker 0 could make job 0 and its own job 2
    solution = solve_pyvrp(instance, iterations=ITERATIONS, seed=0)
    assert solution.status == "SUCCESS"
    assert solution.routes[0] == (2,)
    assert len(solution.routes[1]) == 1 and solution.routes[1][0] in (0, 1)
    assert len(solution.dropped) == 1 and solution.dropped[0] in (0, 1)
    timed_routes_are_feasible(instance, solution.routes)


def test_same_seed_and_iterations_give_the_same_routes() -> None:
    jobs: list[Job] = [job(p, 480 + 30 * (p % 4), 960) for p in (7, 2, 5, 1, 8, 3, 6, 4)]
    instance = line_instance(jobs, [vehicle(max_jobs=5), vehicle(max_jobs=5)], 9)
    first = solve_pyvrp(instance, iterations=ITERATIONS, seed=3)
    second = solve_pyvrp(instance, iterations=ITERATIONS, seed=3)
    assert first.routes == second.routes
    assert first.dropped == second.dropped == ()
    assert first.cost == second.cost
    timed_routes_are_feasible(instance, first.routes)


def test_the_best_seen_at_a_checkpoint_is_where_a_shorter_search_ends() -> None:
    # The engine's reproducible laps rest on this: a search given more iterations passes through the
    # search given fewer, so its best after those iterations is the shorter search's answer.
    instance = line_instance(
        [job(p, 480 + 20 * (p % 5), 700 + 30 * (p % 7)) for p in range(1, 13)], [vehicle(), vehicle(), vehicle()], 13
    )
    *seen, final = search_pyvrp(instance, iterations=400, seed=5, checkpoints=[40, 150, 400])
    assert len(seen) == 3 and seen[-1].routes == final.routes
    for iterations, plan in zip((40, 150), seen, strict=False):
        short = solve_pyvrp(instance, iterations=iterations, seed=5)
        assert (plan.routes, plan.cost, plan.status) == (short.routes, short.cost, short.status)


def test_every_best_of_the_search_is_handed_over_and_a_shorter_search_ends_on_one_of_them() -> None:
    # The engine weighs each plan that was PyVRP's best by its own measure (``engine._laps``): that is
    # only sound if the plan a shorter search ends on is among the bests of the longer one.
    rng = random.Random(2)
    jobs = []
    for _ in range(24):  # visits of 30 min to 2 h windows along a line of 40 places, seven a worker at most
        opens = rng.randrange(480, 900, 10)
        jobs.append(job(rng.randrange(1, 40), opens, opens + rng.choice((30, 60, 120))))
    instance = line_instance(jobs, [vehicle(max_jobs=7) for _ in range(5)], 40)
    bests: list[RoutingSolution] = []
    final = search_pyvrp(instance, iterations=400, seed=5, bests=bests)[-1]
    assert len(bests) >= 4 and bests[-1].routes == final.routes
    costs = [plan.cost for plan in bests]
    assert all(cost >= 0 for cost in costs) and costs == sorted(costs, reverse=True) and len(set(costs)) == len(costs)
    found = [plan.routes for plan in bests]
    for iterations in (1, 5, 20, 60, 150):
        short = solve_pyvrp(instance, iterations=iterations, seed=5)
        assert short.routes in found, iterations


def test_checkpoints_in_seconds_keep_the_best_the_search_held_then() -> None:
    # On the clock the engine polishes the plans a search held at points of its time. A checkpoint at
    # 0 s is passed by the first iteration, so its plan is a one-iteration search's; one past the end of
    # a search that stops on its iterations is never reached (nothing here waits on the clock).
    instance = line_instance(
        [job(p, 480 + 20 * (p % 5), 700 + 30 * (p % 7)) for p in range(1, 13)], [vehicle(), vehicle(), vehicle()], 13
    )
    *seen, final = search_pyvrp(instance, time_limit_s=600, iterations=200, seed=5, checkpoints_s=[0.0, 10**6])
    one = solve_pyvrp(instance, iterations=1, seed=5)
    assert len(seen) == 1 and (seen[0].routes, seen[0].cost) == (one.routes, one.cost)
    assert final.routes == solve_pyvrp(instance, iterations=200, seed=5).routes
    with pytest.raises(ValueError, match="not both"):
        search_pyvrp(instance, iterations=10, checkpoints=[5], checkpoints_s=[0.1])


def test_with_breaks_lifted_the_search_takes_the_plan_the_lunch_forbids() -> None:
    # The relaxation the engine's second search runs on: PyVRP's plain VRPTW, the lunch off the shift's
    # length. Its route breaks the lunch, which the exact model never does.
    instance = lunch_splits_the_two_jobs()
    relaxed = search_pyvrp(instance, iterations=ITERATIONS, seed=0, relax_breaks=True)[-1]
    assert sorted(r for r in relaxed.routes if r) == [(0, 1)]
    (used,) = (k for k, r in enumerate(relaxed.routes) if r)
    assert not time_route(instance, used, (0, 1), relaxed.break_after[used]).feasible
    exact = search_pyvrp(instance, iterations=ITERATIONS, seed=0)[-1]
    assert exact.status == "SUCCESS" and sorted(r for r in exact.routes if r) == [(0,), (1,)]
    assert all(time_route(instance, k, r, exact.break_after[k]).feasible for k, r in enumerate(exact.routes))


def test_a_search_that_finds_no_feasible_plan_says_so() -> None:
    # A required visit (the rule, not a prize) that no worker can reach in its window: PyVRP's best is
    # infeasible and its cost infinite, which is read as "no plan" (the engine keeps its other candidates).
    instance = with_job(plain(), 1, place=3, windows=((480 * MINUTE, 481 * MINUTE),), penalty=10**9)
    found = search_pyvrp(instance, iterations=ITERATIONS, seed=0, checkpoints=[ITERATIONS // 2])
    assert [plan.status for plan in found] == ["INFEASIBLE", "INFEASIBLE"]
    assert all(plan.cost == -1 for plan in found)

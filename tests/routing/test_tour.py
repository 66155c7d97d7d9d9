"""The tour's bound (``tour``): a worker's day proved at its optimum without listing its orders, checked
against every order on days small enough to try them all."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from line_instances import LUNCH_WORKER, MINUTE

from lean_social.routing import exact
from lean_social.routing.construct import construct
from lean_social.routing.engine import EngineSettings, solve
from lean_social.routing.exact import optimum
from lean_social.routing.instance import Job, RoutingInstance
from lean_social.routing.objective import evaluate, route_cost
from lean_social.routing.timing import place_breaks
from lean_social.routing.tour import _tour, bound, proved_day

WORKER = LUNCH_WORKER


def _never(steps: int) -> None:
    """An allowance that is never spent."""


@pytest.mark.parametrize("seed", range(5))
def test_the_tour_is_the_cheapest_path_through_every_place(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = 6
    points = rng.random((n + 2, 2)) * 1000
    weight = np.abs(points[:, None, :] - points[None, :, :]).sum(-1).astype(np.int64)
    weight[3, 4] += 500  # not symmetric: the direction of the path matters
    order, total = _tour(weight, 0, list(range(1, n + 1)), n + 1)

    def walk(path: tuple[int, ...]) -> int:
        return sum(int(weight[a, b]) for a, b in itertools.pairwise([0, *path, n + 1]))

    assert total == min(walk(p) for p in itertools.permutations(range(1, n + 1)))
    assert walk(tuple(1 + i for i in order)) == total


def _worker_day(seed: int, *, all_day: bool, visits: int = 6) -> RoutingInstance:
    """One worker 08:00-17:00 with a lunch 12:00-14:00, ``visits`` visits of their own in a town of
    walks of a few minutes, each at home all day or (``all_day`` False) in a window of two hours."""
    rng = random.Random(seed)
    jobs = []
    for p in range(1, visits + 1):
        if all_day:
            window = (8 * 60 * MINUTE, 17 * 60 * MINUTE)
        else:
            early = rng.randrange(8 * 60, 15 * 60, 30) * MINUTE
            window = (early, early + 120 * MINUTE)
        service = rng.choice((10, 20, 30, 45)) * MINUTE
        jobs.append(Job(place=p, service=service, windows=(window,), penalty=10**6, allowed=frozenset({0})))
    points = [(rng.random(), rng.random()) for _ in range(visits + 1)]
    minutes = np.asarray(
        [[round(12 * (abs(a[0] - b[0]) + abs(a[1] - b[1]))) * MINUTE for b in points] for a in points], dtype=np.int64
    )[None]
    return RoutingInstance(duration=minutes, cost=minutes, distance=minutes, jobs=tuple(jobs), vehicles=(WORKER,))


def _cheapest_by_trying_every_order(instance: RoutingInstance) -> int | None:
    best = None
    for order in itertools.permutations(range(len(instance.jobs))):
        for gap in range(len(order) + 1):
            feasible, cost = route_cost(instance, 0, order, (gap,))
            if feasible and (best is None or cost < best):
                best = cost
    return best


@pytest.mark.parametrize("seed", range(8))
def test_a_day_the_tour_proves_is_the_cheapest_of_every_order(seed: int) -> None:
    # Clients at home all day: nothing need wait, so the tour's own order costs its bound and is proved.
    instance = _worker_day(seed, all_day=True, visits=5)
    day = proved_day(instance, 0, list(range(len(instance.jobs))), _never)
    assert day is not None
    jobs, gaps, cost = day
    assert sorted(jobs) == list(range(len(instance.jobs)))
    assert route_cost(instance, 0, jobs, gaps) == (True, cost)
    assert gaps == place_breaks(instance, 0, jobs)
    assert cost == _cheapest_by_trying_every_order(instance)


@pytest.mark.parametrize(("seed", "all_day"), [(seed, all_day) for seed in range(6) for all_day in (True, False)])
def test_no_order_costs_less_than_the_bound(seed: int, all_day: bool) -> None:
    # A day is proved by its tour's order costing no more than the bound, so the bound must be below every
    # order; where the clients are at home all day nothing waits, and it is met.
    instance = _worker_day(seed, all_day=all_day, visits=5)
    _, least = bound(instance, 0, list(range(5)), _never)
    cheapest = _cheapest_by_trying_every_order(instance)
    if cheapest is not None:
        assert least <= cheapest
    if all_day:
        assert least == cheapest


def test_the_tour_claims_nothing_it_cannot_prove() -> None:
    # Two-hour windows across the day: the tour's order often waits or misses a window. Then nothing is
    # claimed, even where its cost is within minutes of the bound; what is claimed is the cheapest order.
    claimed = refused = 0
    for seed in range(40):
        instance = _worker_day(seed, all_day=False, visits=4)
        order, least = bound(instance, 0, list(range(4)), _never)
        gaps = place_breaks(instance, 0, order)
        feasible, tour_cost = route_cost(instance, 0, order, gaps) if gaps is not None else (False, 0)
        day = proved_day(instance, 0, list(range(4)), _never)
        if not feasible or tour_cost > least:
            assert day is None
            refused += 1
        else:
            assert day is not None
            assert day[2] == _cheapest_by_trying_every_order(instance)
            claimed += 1
    assert claimed and refused


def test_a_long_day_on_the_road_through_lunch_is_proved() -> None:
    # Five visits of 80 minutes from 08:00: back no earlier than 08:00 + 400 minutes of service and the
    # walks, past 14:00 when the lunch must start, so every order takes its lunch on the road and the
    # bound holds it.
    jobs = [
        Job(place=p, service=80 * MINUTE, windows=((480 * MINUTE, 1020 * MINUTE),), penalty=10**6) for p in range(1, 6)
    ]
    grid = np.arange(6)
    minutes = (np.abs(grid[:, None] - grid[None, :]) * 2 * MINUTE)[None].astype(np.int64)
    instance = RoutingInstance(duration=minutes, cost=minutes, distance=minutes, jobs=tuple(jobs), vehicles=(WORKER,))
    day = proved_day(instance, 0, list(range(5)), _never)
    assert day is not None
    # Out along the line and back: 10 minutes each way, walked and paid as span; five visits of 80
    # minutes and a lunch of 45 on the road: 20 + 20 + 400 + 45 = 485 minutes.
    assert day[2] == 485 * MINUTE == _cheapest_by_trying_every_order(instance)


def test_a_worker_with_more_visits_than_the_listing_takes_is_planned_exactly(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nine visits of one worker, at home all day: 986,409 orders, past what ``exact`` lists, so the tour
    # proves the day (the programme over sets of visits too, at more cost); the searches, given work, find
    # nothing cheaper.
    instance = _worker_day(3, all_day=True, visits=9)
    proved = optimum(instance, construct(instance))
    assert proved is not None
    assert evaluate(instance, proved)[0]
    searched = solve(instance, EngineSettings(work=100 * 9, seed=0, strategy="ortools"))
    assert evaluate(instance, proved)[1] <= evaluate(instance, searched)[1]
    assert solve(instance, EngineSettings(work=100 * 9)).status == "exact"
    # Without the tour the programme proves the same plan; without either the day is too large to list.
    monkeypatch.setattr(exact, "TOUR_FROM_VISITS", 10)
    by_labels = optimum(instance, construct(instance))
    assert by_labels is not None
    assert evaluate(instance, by_labels) == evaluate(instance, proved)
    monkeypatch.setattr(exact, "MAX_LABEL_STEPS", 0)
    assert optimum(instance, construct(instance)) is None


def test_the_engine_takes_the_tour_only_where_it_proves_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    # With the tour tried from four visits on, days of six are planned by it or by the listing, and the
    # plan is the same optimum either way.
    for seed in range(4):
        for all_day in (True, False):
            instance = _worker_day(seed, all_day=all_day)
            listed = optimum(instance, construct(instance))
            monkeypatch.setattr(exact, "TOUR_FROM_VISITS", 4)
            toured = optimum(instance, construct(instance))
            monkeypatch.undo()
            assert listed is not None and toured is not None
            assert evaluate(instance, toured) == evaluate(instance, listed)

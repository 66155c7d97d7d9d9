"""A worker's day of their own visits by the programme over sets of visits (``worker_day``): checked
against a brute force over every choice, order and lunch gap that shares none of its code but the
objective, and on days of a morning and an afternoon that the listing and the tour cannot prove."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest
from line_instances import LUNCH_WORKER, MINUTE

from lean_social.routing import exact, worker_day
from lean_social.routing.construct import construct
from lean_social.routing.engine import EngineSettings, solve
from lean_social.routing.exact import optimum, prove
from lean_social.routing.instance import Break, Job, RoutingInstance, Vehicle
from lean_social.routing.objective import evaluate, route_cost
from lean_social.routing.timing import time_route
from lean_social.routing.tour import proved_day as toured_day


def _free(_: int) -> None:
    """An allowance that never runs out."""


def _random_day(seed: int, visits: int) -> RoutingInstance:
    """One worker and ``visits`` visits of their own on a line of eight places: windows from none to a
    day wide, some clients with a second window, a lunch (most seeds) of 30-60 minutes opening at 11:00
    or 12:00, shifts ending from 13:00 to 17:00, an end place other than the start on some, span costs
    0-3, a visit limit, a load and arc costs other than the walk on others, two penalty levels."""
    rng = random.Random(seed)
    jobs = []
    for _ in range(visits):
        place, service = rng.randrange(1, 8), rng.choice((15, 30, 45, 60)) * MINUTE
        first = rng.randrange(8 * 60, 15 * 60, 15) * MINUTE
        windows: tuple[tuple[int, int], ...] = ((first, first + rng.choice((0, 15, 60, 180, 480)) * MINUTE),)
        if rng.random() < 0.4:
            later = windows[0][1] + rng.randrange(30, 180, 30) * MINUTE
            windows = (*windows, (later, later + rng.choice((0, 30, 90)) * MINUTE))
        jobs.append(
            Job(
                place=place,
                service=service,
                windows=windows,
                penalty=rng.choice((10**4, 10**6)),
                allowed=frozenset({0}),
                demand=rng.choice((0, 1, 2)),
            )
        )
    lunch = rng.choice((11, 12)) * 60 * MINUTE, rng.choice((30, 45, 60)) * MINUTE
    breaks = (Break(earliest=lunch[0], latest=13 * 60 * MINUTE, duration=lunch[1]),) if rng.random() < 0.8 else ()
    worker = Vehicle(
        start_place=0,
        end_place=rng.choice((0, 7)),
        profile=0,
        shift_start=8 * 60 * MINUTE,
        shift_end=rng.choice((13, 15, 17)) * 60 * MINUTE,
        breaks=breaks,
        span_cost=rng.choice((0, 1, 3)),
        max_jobs=rng.choice((None, None, 3)),
        capacity=rng.choice((3, 100)),
    )
    grid = np.arange(8)
    apart = np.abs(grid[:, None] - grid[None, :])[None].astype(np.int64)
    minutes = apart * rng.choice((3, 5, 11)) * MINUTE
    return RoutingInstance(
        duration=minutes,
        cost=minutes + apart * rng.choice((0, 7)),
        distance=minutes,
        jobs=tuple(jobs),
        vehicles=(worker,),
    )


def _brute_force(instance: RoutingInstance) -> int:
    """The least cost of the one worker's day over every set of the visits (the rest left out at their
    penalties), every order and every lunch gap, by ``objective.route_cost`` alone."""
    n = len(instance.jobs)
    best = sum(job.penalty for job in instance.jobs)
    for size in range(1, n + 1):
        for chosen in itertools.combinations(range(n), size):
            left_out = sum(instance.jobs[j].penalty for j in range(n) if j not in chosen)
            for order in itertools.permutations(chosen):
                gaps = [(gap,) for gap in range(size + 1)] if instance.vehicles[0].breaks else [()]
                for gap in gaps:
                    feasible, cost = route_cost(instance, 0, order, gap)
                    if feasible:
                        best = min(best, cost + left_out)
    return best


def _day_cost(instance: RoutingInstance, day: tuple[tuple[int, ...], tuple[int, ...], int]) -> int:
    order, gaps, cost = day
    feasible, checked = route_cost(instance, 0, order, gaps)
    assert feasible
    assert checked == cost
    return cost + sum(job.penalty for j, job in enumerate(instance.jobs) if j not in order)


@pytest.mark.parametrize("visits", [3, 4, 5])
def test_the_programme_never_claims_a_day_the_brute_force_beats(visits: int) -> None:
    # Its least cost is a bound below every choice and order; where the order it ends on costs exactly
    # that, the day is the brute force's optimum. It stays silent only where a client's second window
    # makes the canonical timing (``timing.time_route``) wait less well than the programme's best
    # departure (it picks the latest departure that does not finish later, not the shortest day).
    claimed = refused = 0
    for seed in range(100 * visits, 100 * visits + 60):
        instance = _random_day(seed, visits)
        best = _brute_force(instance)
        bound, _ = worker_day._programme(instance, 0, range(visits), _free, None)
        assert bound <= best, seed
        day = worker_day.proved_day(instance, 0, range(visits), _free)
        if day is None:
            refused += 1
            assert any(len(job.windows) > 1 for job in instance.jobs), seed
            continue
        claimed += 1
        assert _day_cost(instance, day) == best, seed
        # The construction's day, or the optimum itself, as the ceiling changes nothing.
        at_best = worker_day.proved_day(instance, 0, range(visits), _free, best)
        assert at_best is not None
        assert _day_cost(instance, at_best) == best, seed
    assert claimed >= 55
    assert refused <= 5


def test_a_second_window_the_canonical_timing_would_not_take_is_not_claimed() -> None:
    # Seed 685 of four visits: the programme's least day leaves at 10:00 and takes the first client in
    # its second window (10:15); ``time_route`` leaves the same order at 09:30 for the first window
    # (09:45), and its day is five minutes longer. The brute force's optimum is the bound, by another
    # order, which the programme's tie does not name: nothing is claimed.
    instance = _random_day(685, 4)
    bound, last = worker_day._programme(instance, 0, range(4), _free, None)
    assert bound == _brute_force(instance)
    assert last is not None
    order = worker_day._order(last)
    feasible, cost = route_cost(instance, 0, order, (3,))
    assert feasible
    assert cost + 10**4 == bound + 5 * 3 * MINUTE  # one visit left out; five minutes at a span cost of 3
    assert worker_day.proved_day(instance, 0, range(4), _free) is None


def _morning_and_afternoon(visits: int) -> RoutingInstance:
    """One worker 08:00-17:00, lunch 12:00-14:00 for 45 minutes, ``visits`` clients of their own a few
    minutes apart, the odd ones at home 08:00-11:00 and the even ones 14:00-17:00, 20 minutes each: the
    worker waits between the morning and the afternoon, so the tour's bound is below every order."""
    rng = random.Random(visits)
    points = np.asarray([(0.0, 0.0)] + [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(visits)])
    minutes = (np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1)) * 15 * MINUTE).astype(np.int64)[None]
    jobs = [
        Job(
            place=i + 1,
            service=20 * MINUTE,
            windows=((8 * 60 * MINUTE, 11 * 60 * MINUTE),) if i % 2 else ((14 * 60 * MINUTE, 17 * 60 * MINUTE),),
            penalty=10**7,
            allowed=frozenset({0}),
        )
        for i in range(visits)
    ]
    return RoutingInstance(duration=minutes, cost=minutes, distance=minutes, jobs=tuple(jobs), vehicles=(LUNCH_WORKER,))


def test_a_day_of_a_morning_and_an_afternoon_is_proved_where_the_tour_and_the_listing_are_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    instance = _morning_and_afternoon(12)
    assert toured_day(instance, 0, range(12), _free) is None  # the worker waits
    base = construct(instance)
    proved = optimum(instance, base)
    assert proved is not None
    feasible, cost = evaluate(instance, proved)
    assert feasible
    assert not proved.dropped
    # The lunch is taken in the wait (no span paid for it): the day is out from the first visit of the
    # morning to the last of the afternoon, which begins at 14:00 whatever the order.
    timed = time_route(instance, 0, proved.routes[0], proved.break_after[0])
    assert timed.stops[6].start == 14 * 60 * MINUTE
    (lunch,) = timed.breaks
    assert timed.stops[5].end <= lunch.start and lunch.end <= timed.stops[6].start
    # Searches given work find nothing cheaper.
    searched = solve(instance, EngineSettings(work=100 * 12, seed=0, strategy="ortools"), start=base)
    assert cost <= evaluate(instance, searched)[1]
    assert solve(instance, EngineSettings(work=100 * 12), start=base).status == "exact"
    # Without the programme the listing gives up.
    monkeypatch.setattr(exact, "MAX_LABEL_STEPS", 0)
    assert optimum(instance, base) is None


def test_the_allowance_stops_the_programme() -> None:
    # ``spend`` raising is how the engine's allowance ends a day that does not fit; nothing is caught here.
    instance = _morning_and_afternoon(12)
    steps = []

    def count(n: int) -> None:
        steps.append(n)
        if len(steps) > 100:
            raise OverflowError

    with pytest.raises(OverflowError):
        worker_day.proved_day(instance, 0, range(12), count)


def test_more_visits_than_the_programme_takes_are_left_alone() -> None:
    instance = _morning_and_afternoon(worker_day.MAX_VISITS + 1)
    assert worker_day.proved_day(instance, 0, range(worker_day.MAX_VISITS + 1), _free) is None


def test_a_worker_who_cannot_make_every_visit_leaves_out_the_cheapest_to_leave() -> None:
    # Two clients at home only 09:00-09:20 (the worker's shift starts 08:00) for 30 minutes: one fits.
    # The worker makes the one whose penalty is larger.
    jobs = (
        Job(
            place=2, service=30 * MINUTE, windows=((540 * MINUTE, 560 * MINUTE),), penalty=10**4, allowed=frozenset({0})
        ),
        Job(
            place=3, service=30 * MINUTE, windows=((540 * MINUTE, 560 * MINUTE),), penalty=10**5, allowed=frozenset({0})
        ),
    )
    grid = np.arange(8)
    minutes = (np.abs(grid[:, None] - grid[None, :]) * 5 * MINUTE)[None].astype(np.int64)
    free = Vehicle(
        start_place=0, end_place=0, profile=0, shift_start=8 * 60 * MINUTE, shift_end=17 * 60 * MINUTE, span_cost=1
    )
    instance = RoutingInstance(duration=minutes, cost=minutes, distance=minutes, jobs=jobs, vehicles=(free,))
    day = worker_day.proved_day(instance, 0, range(2), _free)
    assert day is not None
    assert day[0] == (1,)
    assert _day_cost(instance, day) == _brute_force(instance)


def test_the_workers_whose_day_is_their_own_are_proved_apart() -> None:
    # Worker 0 has twelve visits of a morning and an afternoon, all theirs; worker 1 may make visits that
    # worker 2 may make too. Only worker 0's day is their own; the two shared visits are listed, and the
    # day is proved whole as well.
    day = _morning_and_afternoon(12)
    shared = Job(place=3, service=20 * MINUTE, windows=((8 * 60 * MINUTE, 17 * 60 * MINUTE),), penalty=10**7)
    worker = day.vehicles[0]
    instance = RoutingInstance(
        duration=day.duration,
        cost=day.cost,
        distance=day.distance,
        jobs=(*day.jobs, replace_allowed(shared, frozenset({1, 2})), replace_allowed(shared, frozenset({1, 2}))),
        vehicles=(worker, worker, worker),
    )
    base = construct(instance)
    proof = prove(instance, base)
    assert proof.plan is not None
    assert proof.plan.routes[0] == proof.apart[0][0]
    proved = proof.apart
    assert set(proved) == {0}
    alone = optimum(day, construct(day))
    assert alone is not None
    assert proved[0][0] == alone.routes[0]
    assert proved[0][2] == evaluate(day, alone)[1]


def replace_allowed(job: Job, allowed: frozenset[int]) -> Job:
    return Job(place=job.place, service=job.service, windows=job.windows, penalty=job.penalty, allowed=allowed)


def test_the_rest_of_a_day_is_searched_beside_the_days_proved_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    # Worker 0's twelve visits are theirs alone; workers 1 and 2 share sixteen visits at home all day,
    # far more orders than the listing takes, so the day is not proved whole. Worker 0 keeps the proved
    # day, the rest is searched (status "exact+" and the search), and the plan keeps every rule.
    day = _morning_and_afternoon(12)
    worker = day.vehicles[0]
    all_day = ((8 * 60 * MINUTE, 17 * 60 * MINUTE),)
    shared = tuple(
        Job(place=1 + i % 12, service=15 * MINUTE, windows=all_day, penalty=10**7, allowed=frozenset({1, 2}))
        for i in range(16)
    )
    instance = RoutingInstance(
        duration=day.duration,
        cost=day.cost,
        distance=day.distance,
        jobs=(*day.jobs, *shared),
        vehicles=(worker, worker, worker),
    )
    base = construct(instance)
    assert optimum(instance, base) is None
    alone = optimum(day, construct(day))
    assert alone is not None
    settings = EngineSettings(work=25 * len(instance.jobs))
    plan = solve(instance, settings, start=base)
    assert plan.status.startswith("exact+")
    assert plan.routes[0] == alone.routes[0]
    feasible, cost = evaluate(instance, plan)
    assert feasible
    assert not plan.dropped
    assert cost <= evaluate(instance, base)[1]
    # The same work on the day searched whole: worker 0's day is no better there.
    monkeypatch.setattr("lean_social.routing.engine.prove", lambda *_: exact.Proof(None, {}))
    whole = solve(instance, settings, start=base)
    assert not whole.status.startswith("exact")
    assert evaluate(instance, whole)[0]
    mine = route_cost(instance, 0, whole.routes[0], whole.break_after[0])[1]
    assert route_cost(instance, 0, plan.routes[0], plan.break_after[0])[1] <= mine

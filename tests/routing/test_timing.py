import numpy as np

from lean_social.routing.instance import Break, Job, RoutingInstance, Vehicle
from lean_social.routing.ortools_engine import SearchSettings, solve_ortools
from lean_social.routing.timing import first_break_gap, route_is_feasible, time_route

H = 3600


def two_job_instance(max_jobs: int | None = None) -> RoutingInstance:
    d = np.array([[0, 600, 300], [600, 0, 900], [300, 900, 0]], dtype=np.int64)[None]
    jobs = (
        Job(place=1, service=1800, windows=((9 * H, 10 * H),), penalty=10**6),
        Job(place=2, service=3600, windows=((13 * H, 15 * H),), penalty=10**6),
    )
    vehicle = Vehicle(
        start_place=0,
        end_place=0,
        profile=0,
        shift_start=8 * H,
        shift_end=17 * H,
        breaks=(Break(earliest=12 * H, latest=13 * H + 900, duration=2700),),
        max_jobs=max_jobs,
    )
    return RoutingInstance(duration=d, cost=d, distance=d, jobs=jobs, vehicles=(vehicle,))


def test_hand_computed_route() -> None:
    route = time_route(two_job_instance(), 0, (0, 1), (1,))
    # B cannot start before 13:00 and the worker is back 5 min after it ends, at 14:05, however early
    # A is served; so leave as late as A's window allows: leave 09:50, walk 10 min, serve A 10:00-10:30.
    # Walk 15 min towards B, lunch 12:00-12:45 on the way, ready at 12:45, B opens 13:00: 13:00-14:00.
    assert route.feasible
    assert route.departure == 9 * H + 50 * 60
    a, b = route.stops
    assert (a.arrival, a.start, a.end) == (10 * H, 10 * H, 10 * H + 1800)
    assert route.breaks[0].start == 12 * H and route.breaks[0].end == 12 * H + 2700
    assert (b.arrival, b.start, b.end) == (12 * H + 2700, 13 * H, 14 * H)
    assert b.wait == 900
    assert route.return_arrival == 14 * H + 300


def test_infeasible_order_is_flagged() -> None:
    # B before A: B cannot start before 13:00, so A's window (09:00-10:00) is missed.
    assert not time_route(two_job_instance(), 0, (1, 0), (0,)).feasible
    assert not time_route(two_job_instance(max_jobs=1), 0, (0, 1), (1,)).feasible


def test_solver_serves_both_and_respects_limits() -> None:
    solution = solve_ortools(two_job_instance(), SearchSettings(time_limit_s=None, solution_limit=20))
    assert solution.routes == ((0, 1),)
    assert solution.dropped == ()
    assert time_route(two_job_instance(), 0, solution.routes[0], solution.break_after[0]).feasible
    capped = solve_ortools(two_job_instance(max_jobs=1), SearchSettings(time_limit_s=None, solution_limit=20))
    assert len(capped.routes[0]) == 1
    assert len(capped.dropped) == 1


def test_same_seed_same_routes() -> None:
    inst = two_job_instance()
    first = solve_ortools(inst, SearchSettings(time_limit_s=None, solution_limit=20, seed=7))
    again = solve_ortools(inst, SearchSettings(time_limit_s=None, solution_limit=20, seed=7))
    assert first.routes == again.routes


def _every_gap(instance: RoutingInstance, vehicle: int, jobs: tuple[int, ...]) -> int | None:
    """The first gap where ``route_is_feasible`` holds, trying each: what ``first_break_gap`` must equal."""
    return next((g for g in range(len(jobs) + 1) if route_is_feasible(instance, vehicle, jobs, (g,))), None)


def test_first_break_gap_by_hand() -> None:
    inst = two_job_instance()
    # A then B: the lunch (12:00-13:15 start, 45 min) cannot come before A (it would end 12:45 and A's
    # window closes at 10:00); after A it starts at 12:00 on the way to B.
    assert first_break_gap(inst, 0, (0, 1)) == 1
    assert first_break_gap(inst, 0, (1, 0)) is None  # B before A misses A's window with no lunch at all
    assert first_break_gap(two_job_instance(max_jobs=1), 0, (0, 1)) is None
    assert first_break_gap(inst, 0, ()) == 0  # lunch at the office


def test_first_break_gap_agrees_with_trying_every_gap() -> None:
    """Random routes of random days (one or two windows a visit, lunch windows early, late and at the day's
    end, tight shift ends, visit limits): the one-pass answer equals trying every gap."""
    rng = np.random.default_rng(7)
    compared = found = 0
    for _ in range(300):
        n = int(rng.integers(1, 9))
        xy = rng.integers(0, 40, size=(n + 1, 2))
        d = (np.abs(xy[:, None, :] - xy[None, :, :]).sum(axis=2) * 60).astype(np.int64)[None]
        jobs = []
        for i in range(n):
            open_ = int(rng.integers(8 * H, 15 * H))
            windows = ((open_, open_ + int(rng.integers(0, 4 * H))),)
            if rng.random() < 0.3:
                later = windows[0][1] + int(rng.integers(1, 2 * H))
                windows = (*windows, (later, later + int(rng.integers(0, 2 * H))))
            jobs.append(Job(place=i + 1, service=int(rng.integers(5, 60)) * 60, windows=windows, penalty=1))
        earliest = int(rng.integers(10 * H, 17 * H))
        vehicle = Vehicle(
            start_place=0,
            end_place=0,
            profile=0,
            shift_start=8 * H,
            shift_end=int(rng.integers(14 * H, 20 * H)),
            breaks=(Break(earliest=earliest, latest=earliest + int(rng.integers(0, 3 * H)), duration=1800),),
            max_jobs=None if rng.random() < 0.8 else int(rng.integers(1, n + 1)),
        )
        inst = RoutingInstance(duration=d, cost=d, distance=d, jobs=tuple(jobs), vehicles=(vehicle,))
        for _ in range(10):
            order = tuple(int(j) for j in rng.permutation(n)[: int(rng.integers(0, n + 1))])
            expected = _every_gap(inst, 0, order)
            assert first_break_gap(inst, 0, order) == expected, (order, expected)
            compared += 1
            found += expected is not None
    assert compared == 3000
    assert 100 < found < compared - 100  # both answers are met often enough to mean something

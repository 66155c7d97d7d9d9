import numpy as np

from lean_social.routing.instance import Break, Job, RoutingInstance, Vehicle
from lean_social.routing.ortools_engine import SearchSettings, solve_ortools
from lean_social.routing.timing import time_route

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

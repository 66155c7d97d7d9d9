"""The recombination: the cheapest plan made of whole routes of the searches' plans, on days on a line
worked out by hand (``line_instances``: places one minute apart, the office at place 0).

Six visits with wide windows: X at places 1, 3, 5 and Y at places 2, 4, 6. A route out and back in order
walks twice its farthest place (X: 10 minutes, Y: 12); in a zigzag more (X as 5, 1, 3: 14; Y as 6, 2, 4:
16). Plan A takes X in order and Y in a zigzag (26 minutes), plan B the other way round (26 minutes):
the cheapest plan made of their routes takes X and Y in order, 22 minutes, a plan neither held. (One
worker taking all six in order would walk 12; no plan here holds that route, and the recombination only
ever picks whole routes.)
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from line_instances import MINUTE, job, line_instance, vehicle

from lean_social.routing import engine
from lean_social.routing.engine import EngineSettings, evaluate, solve
from lean_social.routing.exact import Proof
from lean_social.routing.instance import RoutingInstance, RoutingSolution
from lean_social.routing.ortools_engine import IMPROVEMENT
from lean_social.routing.pyvrp_engine import MET
from lean_social.routing.recombine import RECOMBINED, recombine, worker_classes
from lean_social.routing.timing import place_breaks

# Job indices: X = 0, 1, 2 at places 1, 3, 5; Y = 3, 4, 5 at places 2, 4, 6.
X_IN_ORDER, X_ZIGZAG = (0, 1, 2), (2, 0, 1)
Y_IN_ORDER, Y_ZIGZAG = (3, 4, 5), (5, 3, 4)


def _day(*, lunches: tuple[bool, bool] = (False, False)) -> RoutingInstance:
    """The six visits, two workers from place 0 (a lunch for each where asked, taken back at the office)."""
    jobs = [job(place, 480, 960) for place in (1, 3, 5, 2, 4, 6)]
    return line_instance(jobs, [vehicle(lunch=lunch) for lunch in lunches], 7)


def _plan(
    instance: RoutingInstance, routes: tuple[tuple[int, ...], ...], dropped: tuple[int, ...] = ()
) -> RoutingSolution:
    """A plan of ``routes``, each lunch in its best gap (after the visits, back at the office, here)."""
    breaks = tuple(
        place_breaks(instance, v, r) or tuple(0 for _ in instance.vehicles[v].breaks) for v, r in enumerate(routes)
    )
    return RoutingSolution(
        routes=routes, break_after=breaks, dropped=dropped, cost=0, status="SUCCESS", wall_time_s=0.0
    )


def _mix(
    instance: RoutingInstance, first: RoutingSolution, *others: RoutingSolution, **kw: float
) -> RoutingSolution | None:
    """``recombine`` of ``first`` (feasible, the best so far) and ``others``."""
    feasible, cost = evaluate(instance, first)
    assert feasible
    return recombine(instance, (cost, first), others, **kw)


def test_the_best_routes_of_two_plans_make_a_plan_cheaper_than_both() -> None:
    instance = _day()
    a = _plan(instance, (X_IN_ORDER, Y_ZIGZAG))
    b = _plan(instance, (X_ZIGZAG, Y_IN_ORDER))
    assert evaluate(instance, a) == evaluate(instance, b) == (True, 26 * MINUTE)
    mixed = _mix(instance, a, b)
    assert mixed is not None and mixed.status == RECOMBINED
    assert evaluate(instance, mixed) == (True, 22 * MINUTE)
    assert sorted(mixed.routes) == [X_IN_ORDER, Y_IN_ORDER] and mixed.dropped == ()


def test_a_route_found_for_one_worker_serves_another_alike_in_everything() -> None:
    # Both good routes were found for the first worker (in two plans): the two workers are alike, so
    # one of the routes goes to the second.
    instance = _day()
    assert worker_classes(instance) == [(0, 1)]
    a = _plan(instance, (X_IN_ORDER, Y_ZIGZAG))
    b = _plan(instance, (Y_IN_ORDER, X_ZIGZAG))
    mixed = _mix(instance, a, b)
    assert mixed is not None and evaluate(instance, mixed) == (True, 22 * MINUTE)
    assert mixed.routes == (X_IN_ORDER, Y_IN_ORDER)  # the next free worker of the class, in order


def test_a_route_is_never_given_to_a_worker_unlike_its_own() -> None:
    # The first worker has a lunch, the second none: two classes. The good routes were both found for the
    # first, so no plan of these routes is cheaper than A or B (each good route needs the first worker).
    instance = _day(lunches=(True, False))
    assert worker_classes(instance) == [(0,), (1,)]
    a = _plan(instance, (X_IN_ORDER, Y_ZIGZAG))
    b = _plan(instance, (Y_IN_ORDER, X_ZIGZAG))
    assert _mix(instance, a, b) is None


def test_a_visit_one_plan_left_out_is_served_by_a_route_of_another() -> None:
    # B leaves X's visit at place 5 out (at its penalty) and takes Y in order; A serves every visit with Y
    # in a zigzag. A's route of X and B's route of Y serve all six in 22 minutes.
    instance = _day()
    a = _plan(instance, (X_IN_ORDER, Y_ZIGZAG))
    b = _plan(instance, ((0, 1), Y_IN_ORDER), dropped=(2,))
    mixed = _mix(instance, a, b)
    assert mixed is not None and mixed.dropped == ()
    assert evaluate(instance, mixed) == (True, 22 * MINUTE)


def test_nothing_comes_back_where_nothing_is_cheaper_or_there_is_one_plan() -> None:
    instance = _day()
    good = _plan(instance, (X_IN_ORDER, Y_IN_ORDER))
    zigzag = _plan(instance, (X_ZIGZAG, Y_ZIGZAG))
    assert _mix(instance, good, zigzag) is None  # the best plan is already the best
    assert _mix(instance, zigzag) is None
    assert _mix(instance, zigzag, zigzag) is None


def test_the_engine_recombines_every_plan_its_searches_handed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    # The searches are stood in for: one hands over plan B (and nothing better); the engine started from
    # plan A. Neither is the best plan; their routes are, and the engine's plan says so. A real day: both
    # workers have a lunch.
    instance = _day(lunches=(True, True))
    a = _plan(instance, (X_IN_ORDER, Y_ZIGZAG))
    b = _plan(instance, (X_ZIGZAG, Y_IN_ORDER))
    monkeypatch.setattr(engine, "_run_all", lambda tasks, *args: [[b] for _ in tasks])
    monkeypatch.setattr(engine, "prove", lambda instance, hint: Proof(None, {}))  # small enough for ``exact``
    solved = solve(instance, EngineSettings(work=100, seed=0), start=a)
    assert solved.status == "recombined"
    assert evaluate(instance, solved) == (True, 22 * MINUTE)
    assert sorted(solved.routes) == [X_IN_ORDER, Y_IN_ORDER]
    # Without a plan to recombine with, the start stands.
    monkeypatch.setattr(engine, "_run_all", lambda tasks, *args: [[] for _ in tasks])
    assert solve(instance, EngineSettings(work=100, seed=0), start=a).status == "construction"
    # Plain VRPTW (no lunch, one window, any worker): the Solomon figures were measured without it.
    plain = _day()
    monkeypatch.setattr(engine, "_run_all", lambda tasks, *args: [[_plan(plain, b.routes)] for _ in tasks])
    assert solve(plain, EngineSettings(work=100, seed=0), start=_plan(plain, a.routes)).status == "construction"


def test_a_recombination_with_no_time_left_is_not_started() -> None:
    instance = _day()
    a = _plan(instance, (X_IN_ORDER, Y_ZIGZAG))
    b = _plan(instance, (X_ZIGZAG, Y_IN_ORDER))
    assert _mix(instance, a, b, deadline=0.0) is None


def test_a_polished_plan_stands_though_its_search_met_it_on_the_way(monkeypatch: pytest.MonkeyPatch) -> None:
    # OR-Tools hands each improvement over as it meets it, so a polish's last improvement is its polished
    # plan itself. The improvements only lend routes; the polished plan is still ranked (in 5929418 it
    # was dropped as a repeat of the improvement, and every polished plan was lost).
    instance = _day(lunches=(True, True))
    a = _plan(instance, (X_IN_ORDER, Y_ZIGZAG))
    polished = replace(_plan(instance, (X_IN_ORDER, Y_IN_ORDER)), status="POLISHED")
    met = replace(polished, status=IMPROVEMENT)
    monkeypatch.setattr(engine, "_run_all", lambda tasks, *args: [[met, polished], *([] for _ in tasks[1:])])
    monkeypatch.setattr(engine, "prove", lambda instance, hint: Proof(None, {}))  # small enough for ``exact``
    solved = solve(instance, EngineSettings(work=100, seed=0), start=a)
    assert solved.status == "pyvrp-relaxed+polish"  # a real day's first search: PyVRP with the lunch lifted
    assert evaluate(instance, solved) == (True, 22 * MINUTE)


def test_a_search_on_the_clock_recombines_the_plans_it_met_and_polishes_that_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # ``_timed_laps``: PyVRP's search (stood in for) ends on plan A and met plan B on its way, near its
    # best; their routes make the 22-minute plan, which is the first the polish starts from.
    instance = _day(lunches=(True, True))
    a = _plan(instance, (X_IN_ORDER, Y_ZIGZAG))
    b = replace(_plan(instance, (X_ZIGZAG, Y_IN_ORDER)), status=MET)

    def search(*args: object, met: list[RoutingSolution] | None = None, **kwargs: object) -> list[RoutingSolution]:
        assert met is not None  # the engine asks for the plans met
        met.append(b)
        return [a]

    polished_from: list[tuple[tuple[int, ...], ...]] = []

    def polish(instance: RoutingInstance, settings: object, *, initial_routes: object, **_: object) -> RoutingSolution:
        polished_from.append(initial_routes)  # type: ignore[arg-type]
        return replace(a, status="SUCCESS")

    monkeypatch.setattr(engine, "search_pyvrp", search)
    monkeypatch.setattr(engine, "solve_ortools", polish)
    handed: list[RoutingSolution] = []
    budget = engine._Budget(seconds=60.0, work=None, polish=0.5, plans=engine.POLISHES)
    found = engine._timed_laps(("pyvrp", 0), instance, budget, a, "LOCAL_CHEAPEST_INSERTION", handed.append)
    assert polished_from[0] == (X_IN_ORDER, Y_IN_ORDER)
    assert found is not None and found.status == RECOMBINED and evaluate(instance, found) == (True, 22 * MINUTE)
    assert any(plan.status == RECOMBINED for plan in handed)  # the final recombination has its routes too

"""Coverage never depends on the clock: the construction before any search (``routing.construct``), the
final insertion, and the rule named for a job left out."""

from __future__ import annotations

import dataclasses

from line_instances import MINUTE, job, line_instance, lunch_fits_in_another_order, lunch_splits_the_two_jobs, vehicle

from lean_social.routing.construct import (
    blocking_rule,
    construct,
    eject_for_breaks,
    insert_dropped,
    make_feasible,
    reassign_for_breaks,
    reorder_for_breaks,
    routes_with_room,
)
from lean_social.routing.engine import evaluate
from lean_social.routing.instance import Break, Job, RoutingInstance, RoutingSolution
from lean_social.routing.recombine import recombine
from lean_social.routing.timing import place_breaks


def test_construction_serves_every_job_that_fits_and_is_feasible() -> None:
    # Three jobs, one worker with lunch: 09:00, 11:00 and 14:00 windows all fit around a 12:00 lunch.
    instance = line_instance([job(1, 540, 600), job(2, 660, 700), job(3, 840, 900)], [vehicle(lunch=True)], 4)
    base = construct(instance)
    assert base.dropped == ()
    assert evaluate(instance, base)[0]


def test_blocking_rule_names_the_visit_limit() -> None:
    # One worker may make one visit a day; the second visit would fit in time.
    instance = line_instance([job(1, 540, 600), job(2, 660, 720)], [vehicle(max_jobs=1)], 3)
    base = construct(instance)
    assert len(base.dropped) == 1
    assert blocking_rule(instance, base, base.dropped[0]) == "max_jobs"


def test_blocking_rule_names_the_lunch_break() -> None:
    # Lunch: 60 min starting 11:00-12:05. The 60-minute visit must start 11:30-11:50, one minute's walk away.
    # Lunch first ends at 12:00 at the earliest: too late to start by 11:50. Visit first ends at 12:30 at
    # the earliest: too late to start lunch by 12:05. Without the lunch the visit fits.
    lunch = Break(earliest=11 * 60 * MINUTE, latest=(12 * 60 + 5) * MINUTE, duration=60 * MINUTE)
    instance = line_instance([job(1, 690, 710, service_min=60)], [dataclasses.replace(vehicle(), breaks=(lunch,))], 2)
    base = construct(instance)
    assert base.dropped == (0,)
    assert blocking_rule(instance, base, 0) == "breaks"


def test_blocking_rule_names_time_when_nothing_else_would_help() -> None:
    # Two 4-hour visits both due between 09:00 and 13:00 for one worker.
    instance = line_instance([job(1, 540, 780, 240), job(2, 540, 780, 240)], [vehicle()], 3)
    base = construct(instance)
    assert len(base.dropped) == 1
    assert blocking_rule(instance, base, base.dropped[0]) == "time"


def test_final_insertion_places_a_job_a_solution_left_out() -> None:
    instance = line_instance([job(1, 540, 600), job(2, 660, 720)], [vehicle()], 3)
    partial = RoutingSolution(routes=((0,),), break_after=((),), dropped=(1,), cost=0, status="x", wall_time_s=0)
    completed = insert_dropped(instance, partial)
    assert completed.dropped == ()
    assert completed.routes == ((0, 1),)


def test_a_visit_that_fits_only_in_another_order_is_placed() -> None:
    # One place a minute from the start. A: 60 min, start 08:00-11:00; B: 30 min, start 08:00-09:30; the
    # route as built is A 08:01-09:01, B 09:01-09:31. N: 60 min, start 08:00-08:10. Inserted first, N pushes
    # B to 10:01 (too late); anywhere later N's window has closed. In the order N, B, A all three fit:
    # N 08:01-09:01, B 09:01-09:31, A 09:31-10:31.
    instance = line_instance([job(1, 480, 660, 60), job(1, 480, 570, 30), job(1, 480, 490, 60)], [vehicle()], 2)
    built = RoutingSolution(routes=((0, 1),), break_after=((),), dropped=(2,), cost=0, status="x", wall_time_s=0)
    completed = insert_dropped(instance, built)
    assert completed.routes == ((2, 1, 0),)
    assert completed.dropped == ()
    assert evaluate(instance, completed)[0]


def test_a_visit_no_order_can_take_stays_out() -> None:
    # As above, but B must start by 09:00: N (till 09:01) and B can no longer both be made.
    instance = line_instance([job(1, 480, 660, 60), job(1, 480, 540, 30), job(1, 480, 490, 60)], [vehicle()], 2)
    built = RoutingSolution(routes=((0, 1),), break_after=((),), dropped=(2,), cost=0, status="x", wall_time_s=0)
    assert insert_dropped(instance, built).dropped == (2,)


def _allowed_to(jobs: list[Job], owner: list[int]) -> list[Job]:
    return [dataclasses.replace(j, allowed=frozenset({k})) for j, k in zip(jobs, owner, strict=True)]


def test_a_vehicle_built_alone_gets_the_route_it_gets_among_others() -> None:
    """Every job named to one vehicle (a week plan): each vehicle is built on its own, so what one
    worker-day holds does not depend on the other workers' visits, which the week's repair relies on."""
    jobs = [job(1, 540, 600), job(5, 540, 700), job(2, 600, 900), job(7, 840, 900), job(3, 480, 1000)]
    owner = [0, 1, 0, 1, 0]
    both = line_instance(_allowed_to(jobs, owner), [vehicle(lunch=True), vehicle(lunch=True)], 8)
    together = construct(both)
    assert together.dropped == ()
    assert evaluate(both, together)[0]
    # The repair asks of one worker-day with every worker of the day present and only its visits given.
    mine = [j for j, k in zip(jobs, owner, strict=True) if k == 0]
    one = line_instance(_allowed_to(mine, [0] * len(mine)), [vehicle(lunch=True), vehicle(lunch=True)], 8)
    alone = construct(one)
    assert [jobs[j].place for j in together.routes[0]] == [mine[j].place for j in alone.routes[0]]
    assert together.break_after[0] == alone.break_after[0]


def test_a_route_whose_lunch_fits_no_gap_is_put_in_an_order_where_it_does() -> None:
    # ``line_instances.lunch_fits_in_another_order``: A, C, B keeps no gap for the lunch; B, C, A does,
    # with the lunch after C. A plan that fits stays the very same plan.
    instance = lunch_fits_in_another_order()
    packed = RoutingSolution(
        routes=((0, 2, 1), ()), break_after=((0,), (0,)), dropped=(), cost=0, status="x", wall_time_s=0
    )
    assert not evaluate(instance, packed)[0]
    reordered = reorder_for_breaks(instance, packed)
    assert reordered.routes == ((1, 2, 0), ()) and reordered.break_after[0] == (2,)
    assert evaluate(instance, reordered)[0]
    assert reorder_for_breaks(instance, reordered) is reordered
    # Dropping from the end instead sends B to the other worker (6 minutes more walked).
    dropped = insert_dropped(instance, make_feasible(instance, packed))
    assert dropped.routes == ((0, 2), (1,))
    assert evaluate(instance, dropped)[1] - evaluate(instance, reordered)[1] == 6 * MINUTE


def _packed_a_x_b_c(workers: int = 2) -> tuple[RoutingInstance, RoutingSolution]:
    """The day of ``test_a_route_whose_lunch_fits_no_gap_loses_the_one_visit_that_makes_room`` with
    ``workers`` workers, the first given the route A, X, B, C, where no gap holds the lunch."""
    a, x, b, c = job(1, 660, 665, 60), job(1, 720, 750), job(3, 780, 785), job(2, 810, 840)
    instance = line_instance([a, x, b, c], [vehicle(lunch=True)] * workers, 4)
    packed = RoutingSolution(
        routes=((0, 1, 2, 3), *[()] * (workers - 1)),
        break_after=((0,),) * workers,
        dropped=(),
        cost=0,
        status="x",
        wall_time_s=0,
    )
    return instance, packed


def test_a_route_whose_lunch_fits_no_gap_loses_the_one_visit_that_makes_room() -> None:
    # Lunch 45 min starting 12:00-13:00. A (place 1) starts 11:00-11:05 for an hour, X (place 1) 12:00-12:30,
    # B (place 3) 13:00-13:05, C (place 2) 13:30-14:00, half an hour each. In the order A, X, B, C no gap
    # holds the lunch: after A it pushes X past 12:30, after X it pushes B to 13:17, after B it starts past
    # 13:00. Without B (A, X, C: lunch 12:30-13:15, C at 13:30) or without X (A, B, C: lunch 12:00-12:45)
    # it fits; without B the route walks 4 minutes, without X 6. Dropping from the end takes C and B off.
    instance, packed = _packed_a_x_b_c()
    assert not evaluate(instance, packed)[0]
    ejected = eject_for_breaks(instance, packed)
    assert ejected.routes == ((0, 1, 3), ()) and ejected.dropped == (2,)
    assert ejected.break_after[0] == (2,)  # after X
    assert evaluate(instance, ejected)[0]
    assert eject_for_breaks(instance, ejected) is ejected  # nothing left to make room for
    assert make_feasible(instance, packed).dropped == (2, 3)
    # B then goes to the other worker, whose lunch fits after it.
    placed = insert_dropped(instance, ejected)
    assert placed.routes == ((0, 1, 3), (2,)) and placed.dropped == ()
    assert evaluate(instance, placed)[0]


def test_a_route_without_room_for_its_workers_lunch_goes_to_a_worker_whose_lunch_it_has_room_for() -> None:
    # The day above, the second worker lunching later (45 min starting 14:00-15:00): A, X, B, C ends at
    # 14:00, so the second worker walks it as it stands and lunches after it; the first has no gap. A
    # search with the lunch lifted sees the two as one; the repair would cut the route.
    instance, packed = _packed_a_x_b_c()
    late = Break(earliest=14 * 60 * MINUTE, latest=15 * 60 * MINUTE, duration=45 * MINUTE)
    first, second = instance.vehicles
    instance = dataclasses.replace(instance, vehicles=(first, dataclasses.replace(second, breaks=(late,))))
    assert not evaluate(instance, packed)[0]
    moved = reassign_for_breaks(instance, packed)
    assert moved.routes == ((), (0, 1, 2, 3)) and moved.dropped == ()
    assert moved.break_after[1] == (4,)  # after C
    ok, cost = evaluate(instance, moved)
    assert ok and cost == 6 * MINUTE  # the route's own walk: 0 -> 1 -> 1 -> 3 -> 2 -> 0
    assert reassign_for_breaks(instance, moved) is moved  # every route has room: nothing moves
    # Where both workers could take it, it stays with its own (the day of the same lunches).
    alike, fits = _packed_a_x_b_c()
    fits = dataclasses.replace(fits, routes=((0, 1, 3), ()), break_after=((2,), (0,)))
    assert reassign_for_breaks(alike, fits) is fits


def test_a_route_no_worker_has_room_for_stays_with_its_own() -> None:
    # The same route, both workers lunching 12:00-13:00: no worker walks it as it stands, so it stays
    # where it was, for the repair's other ways (taking a visit off, another order).
    instance, packed = _packed_a_x_b_c()
    assert reassign_for_breaks(instance, packed) is packed


def test_a_route_without_room_for_the_lunch_is_offered_one_visit_off() -> None:
    # Without B the route walks 4 minutes and the lunch falls after X (12:30-13:15); without X it walks 6.
    # The same route in two plans is offered once; the second worker's empty route and a route with room
    # (A, X, C: the one offered) offer nothing.
    instance, packed = _packed_a_x_b_c()
    (offered,) = routes_with_room(instance, [packed, packed])
    assert offered.routes == ((0, 1, 3), ()) and offered.break_after[0] == (2,)
    assert offered.dropped == (2,) and offered.status == "WITH_ROOM"
    assert evaluate(instance, offered)[0]
    assert routes_with_room(instance, [offered]) == []


def test_the_recombination_serves_the_visit_taken_off_by_another_route() -> None:
    # Three workers; the plan in hand sends B and C out alone (A, X on the first). Offered A, X, C (B
    # off), the recombination takes it beside the plan's route of B alone: one worker fewer out, 2 minutes
    # less walked, each lunch where it fits.
    instance, packed = _packed_a_x_b_c(workers=3)
    routes = ((0, 1), (2,), (3,))
    gaps = tuple(place_breaks(instance, v, jobs) or (0,) for v, jobs in enumerate(routes))
    in_hand = RoutingSolution(routes=routes, break_after=gaps, dropped=(), cost=-1, status="x", wall_time_s=0)
    ok, cost = evaluate(instance, in_hand)
    assert ok
    mixed = recombine(instance, (cost, in_hand), routes_with_room(instance, [packed]))
    assert mixed is not None and mixed.routes == ((0, 1, 3), (2,), ())
    ok, mixed_cost = evaluate(instance, mixed)
    assert ok and cost - mixed_cost == 2 * MINUTE


def test_of_two_visits_that_split_the_lunch_one_is_taken_off() -> None:
    # ``line_instances.lunch_splits_the_two_jobs`` with both visits on one worker: taking either off leaves a
    # route of one visit where the lunch fits; the other is left for the other worker.
    instance = lunch_splits_the_two_jobs()
    both = RoutingSolution(routes=((0, 1), ()), break_after=((0,), (0,)), dropped=(), cost=0, status="x", wall_time_s=0)
    ejected = eject_for_breaks(instance, both)
    assert len(ejected.dropped) == 1 and len(ejected.routes[0]) == 1
    assert evaluate(instance, ejected)[0]


def test_a_route_of_one_visit_the_lunch_never_fits_with_stays_as_it_stands() -> None:
    # As in ``test_blocking_rule_names_the_lunch_break``: the one visit and the lunch fit in no order; taking
    # the only visit off is not ejection's to do (``make_feasible`` drops it).
    lunch = Break(earliest=11 * 60 * MINUTE, latest=(12 * 60 + 5) * MINUTE, duration=60 * MINUTE)
    instance = line_instance([job(1, 690, 710, service_min=60)], [dataclasses.replace(vehicle(), breaks=(lunch,))], 2)
    alone = RoutingSolution(routes=((0,),), break_after=((0,),), dropped=(), cost=0, status="x", wall_time_s=0)
    assert eject_for_breaks(instance, alone) is alone

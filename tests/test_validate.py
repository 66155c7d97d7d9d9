"""The validator catches each broken rule; plans are spoilt by hand from a valid one."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from conftest import WORK
from lean_social import Problem, Schedule, plan_day, validate
from lean_social.schedule import LunchBreak, Route, Stop

MONDAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def plan(tiny: Problem) -> Schedule:
    schedule = plan_day(tiny, MONDAY, work_per_visit=WORK)
    assert validate(schedule, tiny) == []
    return schedule


def rules(schedule: Schedule, problem: Problem) -> set[str]:
    return {v.rule for v in validate(schedule, problem)}


def busiest(schedule: Schedule) -> Route:
    return max(schedule.routes, key=lambda r: len(r.stops))


def with_route(schedule: Schedule, old: Route, new: Route) -> Schedule:
    return dataclasses.replace(schedule, routes=tuple(new if r is old else r for r in schedule.routes))


def shift_stop(route: Route, index: int, delta: int) -> Route:
    stops = list(route.stops)
    s = stops[index]
    stops[index] = dataclasses.replace(s, start=s.start + delta, end=s.end + delta)
    return dataclasses.replace(route, stops=tuple(stops))


def test_late_start_outside_window(plan: Schedule, tiny: Problem) -> None:
    route = busiest(plan)
    spoilt = shift_stop(route, len(route.stops) - 1, 10 * 3600)  # ten hours later: past 18:00 and the shift
    assert {"window", "shift"} <= rules(with_route(plan, route, spoilt), tiny)


def test_overlap_and_early_start(plan: Schedule, tiny: Problem) -> None:
    route = busiest(plan)
    assert len(route.stops) >= 2
    spoilt = shift_stop(route, 1, -(route.stops[1].start - route.stops[0].start))  # starts with the first one
    found = rules(with_route(plan, route, spoilt), tiny)
    assert {"overlap", "start"} <= found


def test_duration_must_follow_norms(plan: Schedule, tiny: Problem) -> None:
    route = busiest(plan)
    s = route.stops[0]
    spoilt = dataclasses.replace(route, stops=(dataclasses.replace(s, end=s.end - 600), *route.stops[1:]))
    assert "duration" in rules(with_route(plan, route, spoilt), tiny)


def test_wrong_travel_time(plan: Schedule, tiny: Problem) -> None:
    route = busiest(plan)
    s = route.stops[0]
    spoilt = dataclasses.replace(route, stops=(dataclasses.replace(s, travel_s=s.travel_s + 60), *route.stops[1:]))
    assert "travel" in rules(with_route(plan, route, spoilt), tiny)


def test_lunch_outside_window_or_missing(plan: Schedule, tiny: Problem) -> None:
    route = busiest(plan)
    assert route.lunch is not None
    early = dataclasses.replace(route, lunch=LunchBreak(start=11 * 3600, end=11 * 3600 + 2700, after=route.lunch.after))
    assert "lunch" in rules(with_route(plan, route, early), tiny)
    assert "lunch" in rules(with_route(plan, route, dataclasses.replace(route, lunch=None)), tiny)


def test_continuity_and_skill(plan: Schedule, tiny: Problem) -> None:
    # C1 is assigned to W1; C2 needs a nurse (BP): give both to W2, who is neither.
    w1 = next(r for r in plan.routes if any(s.client_id in ("C1", "C2") for s in r.stops))
    moved = dataclasses.replace(w1, worker_id="W2")
    others = tuple(r for r in plan.routes if r is not w1 and r.worker_id != "W2")
    found = rules(dataclasses.replace(plan, routes=(*others, moved)), tiny)
    assert {"continuity", "skill"} <= found


def test_missing_and_doubled_visits(plan: Schedule, tiny: Problem) -> None:
    route = busiest(plan)
    dropped = dataclasses.replace(route, stops=route.stops[:-1])
    assert "coverage" in rules(with_route(plan, route, dropped), tiny)
    doubled = dataclasses.replace(
        plan, unassigned=(*plan.unassigned, dataclasses.replace(_as_unassigned(route.stops[0]), date=MONDAY))
    )
    assert "coverage" in rules(doubled, tiny)


def test_absent_worker_must_not_work(plan: Schedule, tiny: Problem) -> None:
    route = busiest(plan)
    friday = dt.date(2026, 12, 11)
    moved = dataclasses.replace(route, worker_id="W2", date=friday)
    found = {v.rule for v in validate(Schedule(routes=(moved,)), tiny, days=[])}
    assert "absence" in found


def test_wrong_services_for_the_day(plan: Schedule, tiny: Problem) -> None:
    route = busiest(plan)
    s = route.stops[0]
    spoilt = dataclasses.replace(route, stops=(dataclasses.replace(s, services=("DISH",)), *route.stops[1:]))
    assert "programme" in rules(with_route(plan, route, spoilt), tiny)


def _as_unassigned(stop: Stop):  # type: ignore[no-untyped-def]
    from lean_social.schedule import Unassigned

    return Unassigned(
        visit_id=stop.visit_id,
        client_id=stop.client_id,
        date=MONDAY,
        services=stop.services,
        duration_s=stop.end - stop.start,
        reason="test",
    )


def test_unassigned_visit_without_reason_in_day_and_week_mode(plan: Schedule, tiny: Problem) -> None:
    """Both modes flag it, once, through the same rule."""
    route = busiest(plan)
    unexplained = dataclasses.replace(_as_unassigned(route.stops[-1]), reason=" ")
    spoilt = dataclasses.replace(
        with_route(plan, route, dataclasses.replace(route, stops=route.stops[:-1])),
        unassigned=(*plan.unassigned, unexplained),
    )
    for found in (validate(spoilt, tiny), validate(spoilt, tiny, week_start=MONDAY)):
        assert [(v.client_id, v.date) for v in found if v.rule == "reason"] == [(unexplained.client_id, MONDAY)]


def test_week_mode_checks_which_service_is_on_a_fixed_day() -> None:
    """X is fixed on Monday, Y on Thursday, both 20 minutes: swapping them keeps every time and count
    right and breaks both fixed days."""
    from conftest import WORK, client, worker
    from lean_social import ProgrammeItem, Service, plan_week

    p = Problem(
        services=(Service(code="X", name="x", norm_min=20), Service(code="Y", name="y", norm_min=20)),
        clients=(client("A", lat=47.515, lon=42.155),),
        workers=(worker("W1"),),
        programmes=(
            ProgrammeItem(client_id="A", service_code="X", times=1, days=(0,)),
            ProgrammeItem(client_id="A", service_code="Y", times=1, days=(3,)),
        ),
    )
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p, week_start=MONDAY) == []
    swap = {("X",): ("Y",), ("Y",): ("X",)}
    swapped = dataclasses.replace(
        schedule,
        routes=tuple(
            dataclasses.replace(r, stops=tuple(dataclasses.replace(s, services=swap[s.services]) for s in r.stops))
            for r in schedule.routes
        ),
    )
    found = validate(swapped, p, week_start=MONDAY)
    assert {v.rule for v in found} == {"fixed-days"}
    assert len(found) == 4  # X and Y each: missing on its own day, carried on the other


def test_a_stand_in_mark_must_be_true() -> None:
    """W1 makes the visit but the plan says it stands in for W2, who works that day: next week's plan
    and re-planning would take W2 for the client's own worker."""
    import dataclasses
    import datetime as dt

    from conftest import client, problem, worker
    from lean_social import ProgrammeItem
    from lean_social.planning.week import plan_week

    monday = dt.date(2026, 12, 7)
    p = problem(
        [client("C", lat=47.514, lon=42.153)],
        [worker("W1"), worker("W2")],
        [ProgrammeItem(client_id="C", service_code="FOOD", times=1)],
    )
    schedule = plan_week(p, monday, work_per_visit=WORK)
    assert validate(schedule, p, week_start=monday) == []
    (route,) = [r for r in schedule.routes if r.stops]
    other = "W2" if route.worker_id == "W1" else "W1"
    marked = dataclasses.replace(route, stops=(dataclasses.replace(route.stops[0], substitute_for=other),))
    wrong = dataclasses.replace(schedule, routes=tuple(marked if r is route else r for r in schedule.routes))
    assert [v.rule for v in validate(wrong, p, week_start=monday)] == ["continuity"]


def _flexible(*items: tuple[str, int], available: range = range(5)):  # type: ignore[no-untyped-def]
    """A problem of one client per (id, groceries a week) on no fixed day, at home on ``available``."""
    from conftest import client, problem, weekdays, worker
    from lean_social import ProgrammeItem

    clients = [
        dataclasses.replace(client(c, lat=47.515 + 0.001 * k, lon=42.155), available=weekdays("09:00-18:00", available))
        for k, (c, _) in enumerate(items)
    ]
    programmes = [ProgrammeItem(client_id=c, service_code="FOOD", times=n) for c, n in items]
    return problem(clients, [worker("W1"), worker("W2")], programmes)


def _leave_out(schedule: Schedule, client_id: str) -> Schedule:
    """The plan without the routes that visit ``client_id``: the other routes stay exactly as checked."""
    return dataclasses.replace(
        schedule, routes=tuple(r for r in schedule.routes if all(s.client_id != client_id for s in r.stops))
    )


def _coverage(schedule: Schedule, problem: Problem) -> list[tuple[str, dt.date | None]]:
    return [(v.client_id, v.date) for v in validate(schedule, problem) if v.rule == "coverage"]


def test_day_mode_flags_a_client_owed_a_visit_every_day_at_home() -> None:
    """G wants groceries five times a week and is at home five days: whatever the days chosen, every
    day plan must visit G or list G with a reason. F (twice a week) may be left to another day."""
    p = _flexible(("G", 5), ("F", 2))
    days_of_f = 0
    for day in (MONDAY + dt.timedelta(days=d) for d in range(5)):
        schedule = plan_day(p, day, work_per_visit=WORK)
        assert validate(schedule, p) == []
        assert _coverage(_leave_out(schedule, "G"), p) == [("G", day)]
        if any(s.client_id == "F" for _, s in schedule.stops):
            days_of_f += 1
            assert ("F", day) not in _coverage(_leave_out(schedule, "F"), p)
        g = next(s for _, s in schedule.stops if s.client_id == "G")
        listed = dataclasses.replace(
            _leave_out(schedule, "G"),
            unassigned=(*schedule.unassigned, dataclasses.replace(_as_unassigned(g), date=day)),
        )
        assert ("G", day) not in _coverage(listed, p)  # listed with a reason is enough
    assert days_of_f == 2


def test_day_mode_asks_no_visit_the_spacing_rules_out() -> None:
    """Twice a week at home Monday and Tuesday only: the two visits would be a day apart, so one is made
    and the other listed; the day without a visit breaks no rule."""
    p = _flexible(("T", 2), available=range(2))
    plans = [plan_day(p, MONDAY + dt.timedelta(days=d), work_per_visit=WORK) for d in range(2)]
    assert sum(len(r.stops) for plan in plans for r in plan.routes) == 1
    for plan in plans:
        assert validate(plan, p) == []


def test_day_mode_checks_the_services_of_a_visit_of_choice() -> None:
    """A visit on a day of the planner's choice carries only services left to that choice."""
    from conftest import client, problem, worker
    from lean_social import ProgrammeItem

    p = problem(
        [client("A", lat=47.515, lon=42.155)],
        [worker("W1")],
        [
            ProgrammeItem(client_id="A", service_code="FOOD", times=5),
            ProgrammeItem(client_id="A", service_code="DISH", times=1, days=(3,)),
        ],
    )
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p) == []
    route = next(r for r in schedule.routes if r.stops)
    (stop,) = route.stops
    assert stop.services == ("FOOD",)
    norms = {"FOOD": 40, "DISH": 10}
    spoilt = dataclasses.replace(
        route, stops=(dataclasses.replace(stop, services=("DISH",), end=stop.start + 60 * norms["DISH"]),)
    )
    assert "programme" in rules(with_route(schedule, route, spoilt), p)

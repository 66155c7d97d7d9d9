from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

from conftest import WORK, client, every_monday, problem, weekdays, worker
from lean_social import GeodesicTravel, Holiday, Problem, ProgrammeItem, Schedule, plan_day, plan_week, validate
from lean_social.record import DayPlanRecord
from lean_social.schedule import SCHEDULE_COLUMNS

MONDAY = dt.date(2026, 12, 7)
FRIDAY = dt.date(2026, 12, 11)


def reasons(schedule: Schedule) -> dict[str, str]:
    return {u.client_id: u.reason for u in schedule.unassigned}


def test_tiny_monday_serves_everything(tiny: Problem) -> None:
    schedule = plan_day(tiny, MONDAY, work_per_visit=WORK)
    assert validate(schedule, tiny) == []
    assert schedule.unassigned == ()
    assert sorted(s.client_id for _, s in schedule.stops) == ["C1", "C2", "C3", "C4"]
    frame = schedule.to_frame()
    assert tuple(frame.columns) == SCHEDULE_COLUMNS
    assert (frame["services"] == "lunch").sum() == len(schedule.routes)


def test_absent_assigned_worker_has_the_weeks_substitute(tiny: Problem) -> None:
    """W2 is absent on Friday: the day is planned as the day of its week, whose choice sends W1 to
    stand in for W2 at C4 (a day planned on its own used to list C4 with W2's absence)."""
    schedule = plan_day(tiny, FRIDAY, work_per_visit=WORK)
    assert validate(schedule, tiny) == []
    assert reasons(schedule) == {}
    assert [(r.worker_id, s.substitute_for) for r, s in schedule.stops if s.client_id == "C4"] == [("W1", "W2")]


def test_holiday_leaves_everything_unassigned(tiny: Problem) -> None:
    new_year = dt.date(2027, 1, 1)  # a Friday
    schedule = plan_day(tiny, new_year, work_per_visit=WORK)
    assert schedule.routes == ()
    assert set(reasons(schedule).values()) == {"public holiday (Новый год)"}
    assert validate(schedule, tiny) == []


def test_reasons_for_visits_that_cannot_be_made() -> None:
    clients = [
        client("SKILL", lat=47.515, lon=42.155),  # needs a nurse, none on duty
        client("SHORT", lat=47.516, lon=42.156, available="09:00-09:30"),  # 50-minute visit, 30-minute window
        client("LATE", lat=47.517, lon=42.157, available="16:50-20:00"),  # at home only after the shift
        client("FULL", lat=47.518, lon=42.158, worker_id="W1"),  # W1 may do one visit a day
        client("FIRST", lat=47.518, lon=42.159, worker_id="W1"),
    ]
    programmes = [
        *every_monday("SKILL", "FOOD", "BP"),
        *every_monday("SHORT", "FOOD", "DISH"),
        *every_monday("LATE", "FOOD"),
        *every_monday("FULL", "FOOD"),
        *every_monday("FIRST", "FOOD"),
    ]
    p = problem(clients, [worker("W1", max_visits=1), worker("W2")], programmes)
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p) == []
    why = reasons(schedule)
    assert why["SKILL"] == "no worker on duty in department D1 has skill nurse"
    assert why["SHORT"] == "the visit (50 min) is longer than every window the client is at home"
    assert why["LATE"].startswith("no window when the client is at home fits the shift")
    full = next(c for c in ("FULL", "FIRST") if c in why)
    assert why[full] == "assigned worker W1 already has the maximum of 1 visits"
    assert len(schedule.unassigned) == 4


def test_weekend_absence_of_client() -> None:
    p = problem(
        [client("C", lat=47.515, lon=42.155)],
        [worker("W1")],
        [ProgrammeItem(client_id="C", service_code="FOOD", times=1, days=(6,))],
    )
    sunday = dt.date(2026, 12, 13)
    schedule = plan_day(p, sunday, work_per_visit=WORK)
    assert reasons(schedule) == {"C": "the fixed day is closed: client is not at home on Sundays"}
    assert validate(schedule, p) == []
    at_home = dataclasses.replace(
        p, clients=(dataclasses.replace(p.clients[0], available=weekdays("09:00-18:00", range(7))),)
    )
    assert reasons(plan_day(at_home, sunday, work_per_visit=WORK)) == {"C": "no worker of department D1 is on duty"}


def test_same_seed_same_plan_and_json_round_trip(tiny: Problem) -> None:
    first = plan_day(tiny, MONDAY, work_per_visit=WORK, seed=3)
    again = plan_day(tiny, MONDAY, work_per_visit=WORK, seed=3)
    assert first.routes == again.routes
    assert Schedule.from_json(first.to_json()) == first


def test_departments_are_planned_apart() -> None:
    clients = [
        client("A", lat=47.515, lon=42.155, department="D1"),
        client("B", lat=47.516, lon=42.156, department="D2"),
    ]
    workers = [worker("W1", department="D1"), worker("W2", department="D2")]
    p = problem(clients, workers, [*every_monday("A", "FOOD"), *every_monday("B", "FOOD")])
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p) == []
    assert {(r.worker_id, s.client_id) for r in schedule.routes for s in r.stops} == {
        ("W1", "A"),
        ("W2", "B"),
    }
    assert isinstance(schedule.info, DayPlanRecord)
    assert set(schedule.info.departments) == {"D1", "D2"}


def test_holiday_object() -> None:
    p = problem(
        [client("A", lat=47.515, lon=42.155)],
        [worker("W1")],
        every_monday("A", "FOOD"),
        holidays=(Holiday(date=MONDAY, name=""),),
    )
    assert reasons(plan_day(p, MONDAY, work_per_visit=WORK)) == {"A": "public holiday"}


def test_visit_limit_holds_without_lunch() -> None:
    """With no breaks and one window each, PyVRP's model looks exact, but it only penalises the visit
    limit (carried as a load): the engine must still return a plan that keeps it."""
    clients = [client(f"C{i}", lat=47.515 + 0.001 * i, lon=42.155) for i in range(3)]
    p = problem(
        clients,
        [worker("W1", lunch=None, max_visits=1)],
        [item for c in clients for item in every_monday(c.id, "FOOD")],
    )
    for work in (2, 20):  # a short and a longer search: the limit holds either way
        schedule = plan_day(p, MONDAY, work_per_visit=work)
        assert validate(schedule, p) == []
        assert sum(len(r.stops) for r in schedule.routes) == 1
        # The week gives each client one worker, W1 here, so the day's visits are W1's to make.
        assert set(reasons(schedule).values()) == {"assigned worker W1 already has the maximum of 1 visits"}


def test_lunch_that_blocks_every_start_is_named() -> None:
    """Shift 08-17, lunch exactly 12:00-13:00, client at home 11:00-14:00, a 2-hour visit (FOOD 60 + DISH 60):
    every start from 11:00 to 12:00 runs into lunch."""
    p = problem(
        [client("C", lat=47.515, lon=42.155, available="11:00-14:00")],
        [worker("W1", lunch="12:00-13:00", lunch_min=60)],
        every_monday("C", "FOOD", "DISH"),
    )
    p = dataclasses.replace(p, services=tuple(dataclasses.replace(s, norm_min=60) for s in p.services))
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert reasons(schedule) == {
        "C": "no window when the client is at home leaves room for the lunch break of an eligible worker"
    }


def test_problem_pickles_for_batch_workers(tiny: Problem) -> None:
    assert pickle.loads(pickle.dumps(tiny)) == tiny
    assert pickle.loads(pickle.dumps(GeodesicTravel())).speeds == GeodesicTravel().speeds


def flexible_problem() -> Problem:
    """Two departments; G wants groceries five times a week and F twice, on no fixed day; M is fixed on
    Monday and Thursday; H in the other department wants groceries three times a week."""
    clients = [
        client("G", lat=47.515, lon=42.155),
        client("F", lat=47.516, lon=42.156),
        client("M", lat=47.517, lon=42.154),
        client("H", lat=47.518, lon=42.157, department="D2"),
    ]
    programmes = [
        ProgrammeItem(client_id="G", service_code="FOOD", times=5),
        ProgrammeItem(client_id="F", service_code="FOOD", times=2),
        ProgrammeItem(client_id="F", service_code="DISH", times=1),
        ProgrammeItem(client_id="M", service_code="FOOD", times=2, days=(0, 3)),
        ProgrammeItem(client_id="H", service_code="FOOD", times=3),
    ]
    return problem(clients, [worker("W1"), worker("W2"), worker("W3", department="D2")], programmes)


def week_days() -> list[dt.date]:
    return [MONDAY + dt.timedelta(days=d) for d in range(7)]


def test_groceries_five_times_a_week_are_on_a_monday_day_plan() -> None:
    p = flexible_problem()
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p) == []
    assert [s.services for _, s in schedule.stops if s.client_id == "G"] == [("FOOD",)]
    assert "G" not in reasons(schedule)


def test_flexible_client_is_on_the_days_the_week_plan_chooses() -> None:
    p = flexible_problem()
    week = plan_week(p, MONDAY, work_per_visit=WORK, seed=2)
    chosen = sorted(r.date for r, s in week.stops if s.client_id == "F")
    assert len(chosen) == 2
    on_day_plans = [
        d for d in week_days() if "F" in {s.client_id for _, s in plan_day(p, d, work_per_visit=WORK, seed=2).stops}
    ]
    assert on_day_plans == chosen


def test_a_day_plan_is_the_same_day_of_the_week_plan() -> None:
    """Same data, seed and work per visit: each day plan serves the same visits, by the same workers in
    the same order, and lists the same visits unassigned, as that day of the week plan."""
    for p, departments in ((flexible_problem(), None), (flexible_problem(), ["D2"])):
        week = plan_week(p, MONDAY, work_per_visit=WORK, seed=5, departments=departments)
        for day in week_days():
            plan = plan_day(p, day, work_per_visit=WORK, seed=5, departments=departments)
            assert plan.routes == tuple(r for r in week.routes if r.date == day)
            assert plan.unassigned == tuple(u for u in week.unassigned if u.date == day)
            assert validate(plan, p, departments=departments) == []
        assert {s.client_id for _, s in week.stops} == ({"H"} if departments else {"G", "F", "M", "H"})


def test_holiday_lists_the_fixed_visits_and_the_weeks_leftovers() -> None:
    p = dataclasses.replace(flexible_problem(), holidays=(Holiday(date=MONDAY, name="hol"),))
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert schedule.routes == ()
    why = reasons(schedule)
    assert why["M"] == "public holiday (hol)"
    assert why["G"].startswith("only 4 of the 5 visits fit") and "public holiday (hol)" in why["G"]
    assert "F" not in why  # its two visits fit the four days left: none is lost
    assert validate(schedule, p) == []

"""The plan's record: typed for the code that reads it, under the keys run.json and schedule.json have
always had (machine files keep their names), and read back whole from a published plan."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from conftest import WORK, client, every_monday, problem, worker
from lean_social import Holiday, Problem, Schedule, plan_day
from lean_social.planning.week import plan_week
from lean_social.record import DayPlanRecord, WeekPlanRecord, record_from_dict, record_to_dict
from lean_social.replanning.replan import replan_week

MONDAY = dt.date(2026, 12, 7)
WEDNESDAY = dt.date(2026, 12, 9)
SETTINGS = {"time_limit_s", "reproducible", "work_per_visit", "seed"}
DEPARTMENT_DAY = {
    "visits",
    "workers",
    "status",
    "served",
    "unassigned",
    "objective",
    "construct_s",
    "search_share_s",
    "work",
    "solve_s",
}


def test_a_day_plan_records_the_keys_run_json_names(tiny: Problem) -> None:
    schedule = plan_day(tiny, MONDAY, work_per_visit=WORK, seed=3)
    data = record_to_dict(schedule.info)
    # A day is the day of its week's choice: the record names the week and what its choice took.
    assert set(data) == {"date", "week", "choose_s", "cover_s", "visits", "departments", "wall_s", *SETTINGS}
    assert (data["date"], data["seed"], data["work_per_visit"], data["reproducible"]) == ("2026-12-07", 3, WORK, True)
    assert data["week"] == "2026-12-07"
    departments: Any = data["departments"]
    assert departments and all(set(d) == DEPARTMENT_DAY for d in departments.values())
    assert sum(d["served"] for d in departments.values()) == schedule.served


def test_a_holiday_records_its_name_and_no_routing() -> None:
    p = problem(
        [client("A", lat=47.515, lon=42.155)],
        [worker("W1")],
        every_monday("A", "FOOD"),
        holidays=(Holiday(date=MONDAY, name=""),),
    )
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    record = schedule.info
    assert isinstance(record, DayPlanRecord)
    assert (record.date, record.visits, record.departments, record.holiday, record.wall_s) == (MONDAY, 1, {}, "", None)
    assert set(record_to_dict(schedule.info)) == {
        "date",
        "week",
        "choose_s",
        "cover_s",
        "visits",
        "departments",
        "holiday",
        *SETTINGS,
    }


def test_a_week_plan_records_each_department_day_and_reads_back_equal(tiny: Problem) -> None:
    schedule = plan_week(tiny, MONDAY, work_per_visit=WORK)
    record = schedule.info
    assert isinstance(record, WeekPlanRecord)
    data = record_to_dict(record)
    assert set(data) == {"week", "visits", "departments", "capacity", "choose_s", "cover_s", "wall_s", *SETTINGS}
    days = [day for department in record.departments.values() for day in department.days.values()]
    assert sum(day.served for day in days) == schedule.served
    departments: Any = data["departments"]
    for department in departments.values():
        assert set(department) == {"clients", "visits", "days", "substitutes"}
        assert all(dt.date.fromisoformat(day) for day in department["days"])  # days keyed by ISO date
        assert all(
            DEPARTMENT_DAY <= set(day) <= DEPARTMENT_DAY | {"moved_in", "moved_out"}
            for day in department["days"].values()
        )
    assert Schedule.from_json(schedule.to_json()) == schedule


def test_a_replan_records_its_changes_and_reads_back_equal(tiny: Problem) -> None:
    published = plan_week(tiny, MONDAY, work_per_visit=WORK)
    replanned, changes = replan_week(tiny, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    data = record_to_dict(replanned.info)
    assert set(data) == {"week", "from", "changes", "rerouted_worker_days"}
    assert (data["week"], data["from"], data["changes"]) == ("2026-12-07", "2026-12-09", len(changes))
    assert Schedule.from_json(replanned.to_json()) == replanned


def test_a_plan_part_records_nothing() -> None:
    assert record_to_dict(Schedule(routes=()).info) == {}
    assert record_from_dict({}) is None


@pytest.mark.parametrize(
    ("info", "error"),
    [
        ({"name": "not a record"}, ValueError),
        ({"week": "2026-12-07", "from": "2026-12-09", "changes": "3", "rerouted_worker_days": 0}, TypeError),
        ({"week": "2026-12-07", "from": "2026-12-09", "changes": True, "rerouted_worker_days": 0}, TypeError),
        ({"week": "2026-13-07", "from": "2026-12-09", "changes": 1, "rerouted_worker_days": 0}, ValueError),
        ({"date": "2026-12-07", "visits": 1, "departments": {}}, KeyError),  # no settings
    ],
)
def test_a_record_that_is_not_one_is_refused(info: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        record_from_dict(info)

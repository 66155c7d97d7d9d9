"""Coverage never depends on the clock, seen from the planners: a zero budget serves what a search
serves, no visit is listed for lack of time, reproducible plans repeat, and a department-day with
nothing served is a warning."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import client, every_monday, problem, worker
from lean_social import Problem, plan_day, plan_week, validate
from lean_social.record import DayPlanRecord

MONDAY = dt.date(2026, 12, 7)


def test_a_zero_budget_serves_as_many_visits_as_a_search(demo: Problem) -> None:
    # No time for any search at all: the construction alone must serve everything a search would.
    hurried = plan_day(demo, MONDAY, time_limit=0)
    searched = plan_day(demo, MONDAY, reproducible=True, work_per_visit=5)
    assert validate(hurried, demo) == []
    assert validate(searched, demo) == []
    assert len(hurried.unassigned) == len(searched.unassigned) == 0
    assert isinstance(hurried.info, DayPlanRecord)
    assert {d.status for d in hurried.info.departments.values()} == {"construction"}


def test_no_visit_is_ever_listed_for_lack_of_time(demo: Problem) -> None:
    week = plan_week(demo, MONDAY, time_limit=0)
    assert validate(week, demo, week_start=MONDAY) == []
    assert not [u for u in week.unassigned if "time given" in u.reason or "allow more time" in u.reason]


def test_reproducible_runs_give_the_same_plan(tiny: Problem) -> None:
    first = plan_day(tiny, MONDAY, reproducible=True, work_per_visit=30, seed=3)
    second = plan_day(tiny, MONDAY, reproducible=True, work_per_visit=30, seed=3)
    assert first.rows() == second.rows()


def test_a_department_with_every_visit_dropped_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    # The client is at home only after the worker's shift ends.
    p = problem(
        [client("C1", lat=47.52, lon=42.16, available="17:30-19:00", worker_id="W1")],
        [worker("W1")],
        every_monday("C1", "DISH"),
    )
    schedule = plan_day(p, MONDAY, time_limit=0)
    assert len(schedule.unassigned) == 1
    assert any(r.levelname == "WARNING" and "none of its 1 visits" in r.getMessage() for r in caplog.records)

"""A day with a lunch and a client at home in two windows, planned through the whole planner (compile,
PyVRP's rewritten model beside the other searches, timing) and checked by the independent validator:
the second window is used when the first is taken, and the lunch falls inside its window, between
visits, never across one."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from conftest import WORK, client, every_monday, problem, worker
from lean_social import Problem, plan_day, validate
from lean_social.domain.model import TimeWindow, WeeklyPattern
from lean_social.domain.timefmt import parse_hhmm

MONDAY = dt.date(2026, 12, 7)


def at(text: str) -> int:
    return parse_hhmm(text)


def split_day() -> Problem:
    """One worker (08:00-17:00, a 45-minute lunch in 12:00-14:00) and three neighbours a few hundred
    metres apart: MORNING at home only 09:00-10:00, SPLIT at home 09:00-10:00 or 15:00-17:00, NOON at
    home only 11:30-13:30; each wants groceries and dishes (50 min). MORNING and SPLIT cannot both fit
    in the morning hour, so SPLIT goes in its afternoon window; NOON's visit sits where the lunch could."""
    morning = client("MORNING", lat=47.5150, lon=42.1540, available="09:00-10:00", worker_id="W1")
    two = {
        d: (TimeWindow(start=at("09:00"), end=at("10:00")), TimeWindow(start=at("15:00"), end=at("17:00")))
        for d in range(5)
    }
    split = dataclasses.replace(
        client("SPLIT", lat=47.5155, lon=42.1545, worker_id="W1"), available=WeeklyPattern.from_mapping(two)
    )
    noon = client("NOON", lat=47.5145, lon=42.1535, available="11:30-13:30", worker_id="W1")
    people = [morning, split, noon]
    return problem(people, [worker("W1")], [p for c in people for p in every_monday(c.id, "FOOD", "DISH")])


@pytest.mark.parametrize("work", [WORK, 20 * WORK])
def test_the_second_window_is_used_and_the_lunch_falls_between_visits(work: int) -> None:
    day = split_day()
    schedule = plan_day(day, MONDAY, work_per_visit=work)
    assert validate(schedule, day) == []
    assert schedule.unassigned == ()
    (route,) = schedule.routes
    starts = {stop.client_id: stop for stop in route.stops}
    assert at("09:00") <= starts["MORNING"].start and starts["MORNING"].end <= at("10:00")
    assert at("15:00") <= starts["SPLIT"].start and starts["SPLIT"].end <= at("17:00")  # the second window
    assert at("11:30") <= starts["NOON"].start and starts["NOON"].end <= at("13:30")
    lunch = route.lunch
    assert lunch is not None
    assert at("12:00") <= lunch.start and lunch.end <= at("14:00") and lunch.end - lunch.start == 45 * 60
    for stop in route.stops:  # never across a visit
        assert lunch.end <= stop.start or stop.end <= lunch.start
    before = route.stops[lunch.after - 1] if lunch.after else None
    after = route.stops[lunch.after] if lunch.after < len(route.stops) else None
    assert before is None or before.end <= lunch.start
    assert after is None or lunch.end <= after.arrival  # the walk to the next visit ends after the lunch

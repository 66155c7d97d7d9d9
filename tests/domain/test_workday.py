"""The work-day photo's rules, each on a day small enough to work out by hand (the arithmetic in the
comments): how a day splits into service, travel, waiting and lunch, and each lean waste."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import client, every_monday, problem, worker
from lean_social import Problem
from lean_social.domain.observed import ObservedVisit
from lean_social.domain.timefmt import parse_hhmm
from lean_social.domain.workday import ObservedDay, day_parts, over_processing, plan_order, rework, walking

MONDAY = dt.date(2026, 12, 7)


def seen(client_id: str, span: str, *codes: str, worker_id: str = "W1", day: dt.date = MONDAY) -> ObservedVisit:
    start, end = span.split("-")
    return ObservedVisit(
        worker_id=worker_id,
        client_id=client_id,
        date=day,
        start_s=parse_hhmm(start),
        end_s=parse_hhmm(end),
        services=codes,
    )


@pytest.fixture
def small() -> Problem:
    # W1: shift 08:00-17:00 (540 min), lunch of 45 min in 12:00-14:00; B opens its door at 13:30 only.
    return problem(
        [
            client("A", lat=47.512, lon=42.15),
            client("B", lat=47.507, lon=42.15, available="13:30-18:00"),
            client("C", lat=47.522, lon=42.15),
        ],
        [worker("W1", lat=47.5, lon=42.15)],
        every_monday("A", "FOOD"),
    )


def minutes(*legs: int) -> tuple[int, ...]:
    return tuple(60 * m for m in legs)


def test_a_day_splits_into_service_travel_waiting_lunch_and_other_work(small: Problem) -> None:
    visits = (
        seen("A", "09:00-10:00", "FOOD", "DISH"),
        seen("C", "10:20-11:00", "BP"),
        seen("B", "13:45-14:15", "DISH"),
    )
    # legs: start->A 12, A->C 10, C->B 15, B->start 8 minutes
    day = ObservedDay(
        worker=small.worker("W1"), date=MONDAY, visits=visits, legs_s=minutes(12, 10, 15, 8), legs_m=(1, 2, 3, 4)
    )
    parts = day_parts(day, small)
    assert parts.service_s / 60 == 60 + 40 + 30
    assert parts.travel_s / 60 == 12 + 10 + 15 + 8
    # A->C: 20 min gap, 10 walked, 10 idle. C->B: 11:00-13:45 is 165 min, 15 walked (to 11:15), then lunch
    # (45 min, to 12:00: that gap overlaps the lunch window), then 12:00-13:45 waiting: 12:00-13:30 before
    # B opens (early, 90 min), 13:30-13:45 idle (15).
    assert parts.lunch_s / 60 == 45
    assert parts.waiting_s / 60 == 10 + 90 + 15
    assert [(w.kind, w.client_id, w.minutes) for w in parts.waits] == [
        ("idle", "C", 10),
        ("early", "B", 90),
        ("idle", "B", 15),
    ]
    assert all(w.category == "waiting" for w in parts.waits)
    assert parts.other_s / 60 == 540 - 130 - 45 - 115 - 45  # 205: paperwork, the office
    assert parts.travel_m == 10


def test_an_overlap_counts_once_and_a_short_gap_is_all_walk(small: Problem) -> None:
    # C starts 10 min before A ends: 09:50-10:30 counts from 10:00 (30 min), and its leg from A had no
    # time at all (0 walked). B at 10:35 after a 15-min leg: the 5-min gap is all walk (the worker was
    # quicker than the model), nothing idle. No gap overlaps the lunch window: lunch is outside the visits.
    visits = (seen("A", "09:00-10:00", "FOOD"), seen("C", "09:50-10:30", "BP"), seen("B", "10:35-10:50", "DISH"))
    day = ObservedDay(
        worker=small.worker("W1"), date=MONDAY, visits=visits, legs_s=minutes(12, 10, 15, 8), legs_m=(0,) * 4
    )
    parts = day_parts(day, small)
    assert parts.service_s / 60 == 60 + 30 + 15
    assert parts.travel_s / 60 == 12 + 0 + 5 + 8
    assert (parts.waiting_s, parts.waits) == (0, ())
    assert parts.lunch_s / 60 == 45
    assert parts.other_s / 60 == 540 - 105 - 25 - 45


def test_a_day_without_a_shift_is_all_past_it(small: Problem) -> None:
    sunday = MONDAY + dt.timedelta(days=6)
    day = ObservedDay(
        worker=small.worker("W1"),
        date=sunday,
        visits=(seen("A", "10:00-10:30", "DISH", day=sunday),),
        legs_s=minutes(12, 12),
        legs_m=(0, 0),
    )
    parts = day_parts(day, small)
    assert (parts.shift_s, parts.lunch_s) == (0, 0)
    assert parts.other_s / 60 == -(30 + 24)  # past the shift: overtime


def test_the_legs_must_match_the_visits(small: Problem) -> None:
    with pytest.raises(ValueError, match="2 legs"):
        ObservedDay(
            worker=small.worker("W1"),
            date=MONDAY,
            visits=(seen("A", "09:00-09:30", "DISH"),),
            legs_s=(60,),
            legs_m=(1,),
        )
    with pytest.raises(ValueError, match="not in order"):
        ObservedDay(
            worker=small.worker("W1"),
            date=MONDAY,
            visits=(seen("A", "11:00-11:30", "DISH"), seen("C", "09:00-09:30", "BP")),
            legs_s=(0, 0, 0),
            legs_m=(0, 0, 0),
        )


def test_plan_order_follows_the_planned_starts_and_keeps_the_unplanned_at_their_time() -> None:
    visits = [seen("A", "09:00-09:30", "DISH"), seen("B", "09:40-10:00", "DISH"), seen("C", "11:00-11:30", "BP")]
    # planned: C at 09:00, A at 10:00; B is not in the plan that day, so it keeps its observed 09:40
    assert plan_order(visits, {"C": parse_hhmm("09:00"), "A": parse_hhmm("10:00")}) == (2, 1, 0)


def test_walking_is_the_observed_order_s_travel_above_the_plan_s(small: Problem) -> None:
    visits = (seen("A", "09:00-09:30", "DISH"), seen("C", "10:00-10:30", "BP"))
    day = ObservedDay(
        worker=small.worker("W1"), date=MONDAY, visits=visits, legs_s=minutes(12, 10, 22), legs_m=(0,) * 3
    )
    waste = walking(day, minutes(22, 10, 12))  # the same 44 minutes the other way round: no waste
    assert waste is None
    waste = walking(day, minutes(7, 5, 12))  # a plan's order of 24 minutes: 44 - 24 = 20 wasted
    assert waste is not None and (waste.category, waste.kind, waste.minutes) == ("walking", "order", 20)
    assert walking(day, minutes(30, 30, 30)) is None  # a worker who beats the plan wastes nothing


def test_rework_is_a_repeat_visit_beyond_the_plan_or_a_service_done_again(small: Problem) -> None:
    visits = [
        seen("A", "09:00-10:00", "FOOD", "DISH"),
        seen("A", "15:00-15:20", "DISH"),  # back at A the same day
        seen("A", "09:00-09:50", "FOOD", "DISH", day=MONDAY + dt.timedelta(days=1)),  # another day: no rework
    ]
    events, repeats = rework(visits, small, planned_visits={("A", MONDAY): 1}, planned_services={})
    assert [(e.kind, e.client_id, e.minutes) for e in events] == [("repeat_visit", "A", 20)]  # its whole span
    assert repeats == {1}
    # The plan holds two visits to A that day, but DISH once: the second visit is planned, its DISH is not.
    events, repeats = rework(
        visits,
        small,
        planned_visits={("A", MONDAY): 2},
        planned_services={("A", MONDAY, "FOOD"): 1, ("A", MONDAY, "DISH"): 1},
    )
    assert [(e.kind, e.minutes) for e in events] == [("repeat_service", 10)]  # DISH's norm
    assert repeats == frozenset()
    # Another worker coming back is rework too: the client's day, not the worker's.
    other = [seen("A", "09:00-10:00", "FOOD"), seen("A", "11:00-11:15", "FOOD", worker_id="W2")]
    events, _ = rework(other, small, planned_visits={}, planned_services={})
    assert [(e.worker_id, e.kind, e.minutes) for e in events] == [("W2", "repeat_visit", 15)]


@pytest.mark.parametrize(
    ("span", "codes", "wasted"),
    [
        ("09:00-09:57", ("FOOD", "DISH"), None),  # norm 50, tolerance 7.5 (15 %): 7 over is ordinary
        ("09:00-09:58", ("FOOD", "DISH"), 8),  # 8 over the norm, beyond 7.5: the whole 8 counts
        ("09:00-09:20", ("BP",), None),  # norm 15, tolerance 5 min (15 % is 2.25): 5 over is not beyond
        ("09:00-09:21", ("BP",), 6),  # 6 over
        ("09:00-09:30", ("FOOD", "DISH"), None),  # quicker than the norm: no waste here
    ],
)
def test_over_processing_is_the_excess_over_the_norm_beyond_the_tolerance(
    small: Problem, span: str, codes: tuple[str, ...], wasted: float | None
) -> None:
    events = over_processing([seen("A", span, *codes)], small)
    assert [e.minutes for e in events] == ([] if wasted is None else [pytest.approx(wasted)])
    assert all((e.category, e.kind) == ("over_processing", "over_norm") for e in events)


def test_a_repeat_visit_is_not_over_processing_too(small: Problem) -> None:
    visits = [seen("A", "09:00-09:50", "FOOD", "DISH"), seen("A", "15:00-15:40", "DISH")]  # 30 over DISH's 10
    assert len(over_processing(visits, small)) == 1
    assert over_processing(visits, small, leave_out=frozenset({1})) == ()

from __future__ import annotations

import datetime as dt

import pytest

from conftest import client, problem, worker
from lean_social import Holiday, Problem, ProgrammeItem
from lean_social.domain.demand import day_patterns, spaced_patterns, visits_for_day, week_demand

MONDAY = dt.date(2026, 12, 7)


def test_day_patterns_keep_spacing_and_prefer_even_weeks() -> None:
    weekdays = (0, 1, 2, 3, 4)
    assert day_patterns(3, weekdays) == [(0, 2, 4)]  # Mon/Wed/Fri is the only spacing of three
    two = day_patterns(2, weekdays)
    assert two[:3] == [(0, 3), (0, 4), (1, 4)]  # Mon/Thu, Mon/Fri, Tue/Fri: gaps of 3 and 4 days
    assert (0, 1) not in two and (3, 4) not in two  # never on consecutive days
    assert day_patterns(5, weekdays) == [weekdays]
    assert day_patterns(4, (0, 2, 4)) == []  # not enough open days


def items(client_id: str, *specs: tuple[str, int, str, tuple[int, ...]]) -> list[ProgrammeItem]:
    return [
        ProgrammeItem(client_id=client_id, service_code=c, times=t, per=p, days=d)  # type: ignore[arg-type]
        for c, t, p, d in specs
    ]


def demand_of(p: Problem, week: dt.date = MONDAY) -> dict[str, tuple[tuple[tuple[str, ...], ...], int, bool]]:
    return {w.client_id: (w.slots, len(w.patterns), w.fixed) for w in week_demand(p, week)}


def test_frequencies_ride_along() -> None:
    # groceries twice a week, dishes once: two visits, dishes on the first
    p = problem(
        [client("A", lat=47.51, lon=42.15)],
        [worker("W1")],
        items("A", ("FOOD", 2, "week", ()), ("DISH", 1, "week", ())),
    )
    slots, patterns, fixed = demand_of(p)["A"]
    assert slots == (("FOOD", "DISH"), ("FOOD",))
    assert (patterns, fixed) == (len(day_patterns(2, (0, 1, 2, 3, 4))), False)


def test_fixed_days_are_kept_and_monthly_items_ride_on_their_weekday() -> None:
    p = problem(
        [client("A", lat=47.51, lon=42.15)],
        [worker("W1")],
        items("A", ("FOOD", 2, "week", (0, 3)), ("DISH", 1, "month", (3,))),
    )
    (week,) = week_demand(p, MONDAY)  # 2026-12-10 is the month's second Thursday: DISH (first only) not due
    assert week.slots == (("FOOD",), ("FOOD",))
    assert week.patterns == ((MONDAY, MONDAY + dt.timedelta(days=3)),)
    first_week = dt.date(2026, 11, 30)  # holds Thursday 3 December, the first Thursday
    assert next(iter(week_demand(p, first_week))).slots == (("FOOD",), ("FOOD", "DISH"))


def test_a_holiday_that_breaks_every_spaced_pattern_keeps_the_largest_spaced_subset() -> None:
    """Mon/Wed/Fri is the only spacing of three and Wednesday is a holiday: two spaced visits (Mon/Thu
    is the evenest of Mon, Tue, Thu, Fri) and the third closed with the reason, not all three lost."""
    p = problem(
        [client("A", lat=47.51, lon=42.15, available="09:00-18:00")],
        [worker("W1")],
        items("A", ("FOOD", 3, "week", ()), ("DISH", 1, "week", ())),
        holidays=(Holiday(date=MONDAY + dt.timedelta(days=2), name="hol"),),
    )
    (week,) = week_demand(p, MONDAY)
    assert week.slots == (("FOOD", "DISH"), ("FOOD",))  # the visit carrying most services is kept
    assert week.patterns[0] == (MONDAY, MONDAY + dt.timedelta(days=3))
    ((day, services, reason),) = week.closed
    assert (day, services, week.visits_per_week) == (MONDAY, ("FOOD",), 3)
    assert reason.startswith("only 2 of the 3 visits fit") and "public holiday (hol)" in reason


def test_spaced_patterns_fall_back_to_fewer_spaced_visits() -> None:
    assert spaced_patterns(3, (0, 1, 2, 3, 4)) == [(0, 2, 4)]  # all three fit: no fallback
    assert spaced_patterns(3, (0, 1, 3, 4))[0] == (0, 3)  # Wednesday closed: two, 3 and 4 days apart
    assert spaced_patterns(3, (0, 4)) == [(0, 4)]  # at home Mon and Fri only
    assert spaced_patterns(2, (0, 1)) == [(0,), (1,)]  # never Mon/Tue: one visit
    assert spaced_patterns(2, ()) == []


def test_day_demand_agrees_with_week_demand_on_fixed_programmes(demo: Problem) -> None:
    """For the demo's fixed-day programmes the week's visits are exactly the days' visits."""
    week = {w.client_id: w for w in week_demand(demo, MONDAY)}
    for offset in range(5):
        day = MONDAY + dt.timedelta(days=offset)
        for visit in visits_for_day(demo, day):
            w = week[visit.client_id]
            (pattern,) = w.patterns
            assert visit.services == w.slots[pattern.index(day)]


def test_week_must_start_on_monday(tiny: Problem) -> None:
    with pytest.raises(ValueError, match="starts on a Monday"):
        week_demand(tiny, MONDAY + dt.timedelta(days=1))

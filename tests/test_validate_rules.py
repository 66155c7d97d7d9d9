"""Every rule the validator can report, each broken on purpose by a plan written out by hand.

The validator is the one check that trusts no planner, so its tests must not trust one either: every plan
here is a route sheet typed in, with times worked out on paper from the legs below, never solver output.
A tiny town: the office, client A ten minutes' walk north of it, client C in the same block as A, and
client B ten minutes further north. One correct day and one correct week pass with no violation; each
other test breaks one rule (two where one cannot break without the other) and expects exactly that.

``test_every_rule_of_the_validator_is_triggered`` reads the rule names out of validate.py and fails when
one of them has no test here: a rule nobody has seen fire is a rule nobody knows works.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import functools
import importlib
from collections.abc import Callable, Sequence
from pathlib import Path

from conftest import client, every_monday, problem, worker
from lean_social import (
    Absence,
    Client,
    Holiday,
    Location,
    Problem,
    ProgrammeItem,
    Schedule,
    Violation,
    Worker,
    validate,
)
from lean_social.domain.model import ErrandPlace
from lean_social.domain.timefmt import parse_hhmm
from lean_social.schedule import ErrandStop, LunchBreak, Route, Stop, Unassigned
from lean_social.travel import GeodesicTravel

MONDAY = dt.date(2026, 12, 7)  # the first Monday of December: a week of five working days, no holiday
TUESDAY = MONDAY + dt.timedelta(days=1)
WEDNESDAY = MONDAY + dt.timedelta(days=2)
THURSDAY = MONDAY + dt.timedelta(days=3)
SATURDAY = MONDAY + dt.timedelta(days=5)

OFFICE = Location(lat=47.514, lon=42.153)  # where every worker starts (conftest.worker's default)
PLACES = {
    "office": OFFICE,
    "A": Location(lat=47.5189, lon=42.153),  # 545 m north of the office: 708 m on foot, 9.4 → 10 min
    "B": Location(lat=47.5238, lon=42.153),  # as far again north of A
    "C": Location(lat=47.5189, lon=42.153),  # A's neighbour, same block
}
#: Walking legs (minutes, metres) as a planner reads them off a map; ``test_the_legs_are_the_travel_model``
#: holds them to GeodesicTravel, which is what the validator recomputes every leg with.
LEGS = {
    frozenset({"office", "A"}): (10, 708),
    frozenset({"office", "C"}): (10, 708),
    frozenset({"A", "B"}): (10, 708),
    frozenset({"C", "B"}): (10, 708),
    frozenset({"office", "B"}): (19, 1417),
    frozenset({"A", "C"}): (0, 0),
}


def leg(here: str, there: str) -> tuple[int, int]:
    """Seconds and metres on foot between two named places."""
    if here == there:
        return 0, 0
    minutes, metres = LEGS[frozenset({here, there})]
    return 60 * minutes, metres


def hm(text: str) -> int:
    return parse_hhmm(text)


# ---------------------------------------------------------------------------------------------------------
# The data: two nurses, three clients. A gets groceries every Monday; B blood pressure on Monday and Thursday
# and is W1's client; C the dishes twice a week on days of the planner's choice. W1 is off sick on Thursday.


def make_problem(
    *,
    w1: Worker | None = None,
    a: Client | None = None,
    w1_sick_on_thursday: bool = True,
    holidays: Sequence[Holiday] = (),
    extra_absences: Sequence[Absence] = (),
) -> Problem:
    sick = [Absence(worker_id="W1", start=THURSDAY, end=THURSDAY, reason="sick")] if w1_sick_on_thursday else []
    return problem(
        [
            a or client("A", lat=PLACES["A"].lat, lon=PLACES["A"].lon),
            client("B", lat=PLACES["B"].lat, lon=PLACES["B"].lon, worker_id="W1"),
            client("C", lat=PLACES["C"].lat, lon=PLACES["C"].lon),
        ],
        [w1 or worker("W1", skills=["nurse"]), worker("W2", skills=["nurse"])],
        [
            *every_monday("A", "FOOD"),
            ProgrammeItem(client_id="B", service_code="BP", times=2, days=(0, 3)),
            ProgrammeItem(client_id="C", service_code="DISH", times=2),
        ],
        absences=(*sick, *extra_absences),
        holidays=tuple(holidays),
    )


PROBLEM = make_problem()
NORM_S = {"FOOD": 40 * 60, "DISH": 10 * 60, "BP": 15 * 60}  # conftest.SERVICES, restated for the sheets


def stop(
    client_id: str,
    service: str,
    *,
    came_from: str,
    arrival: str,
    start: str,
    end: str,
    day: dt.date = MONDAY,
    stands_in_for: str | None = None,
) -> Stop:
    travel_s, travel_m = leg(came_from, client_id)
    return Stop(
        visit_id=f"{day.isoformat()}/{client_id}",
        client_id=client_id,
        services=(service,),
        arrival=hm(arrival),
        start=hm(start),
        end=hm(end),
        travel_s=travel_s,
        travel_m=travel_m,
        substitute_for=stands_in_for,
    )


def route(
    worker_id: str,
    day: dt.date,
    *,
    leaves: str,
    stops: Sequence[Stop],
    back: str,
    lunch: tuple[str, str, int] | None = ("12:00", "12:45", -1),
) -> Route:
    """A worker's day; the lunch's third item is the number of visits before it, -1 for all of them."""
    last = stops[-1].client_id if stops else "office"
    travel_s, travel_m = leg(last, "office")
    return Route(
        worker_id=worker_id,
        date=day,
        departure=hm(leaves),
        stops=tuple(stops),
        lunch=None
        if lunch is None
        else LunchBreak(start=hm(lunch[0]), end=hm(lunch[1]), after=len(stops) if lunch[2] < 0 else lunch[2]),
        return_travel_s=travel_s,
        return_travel_m=travel_m,
        return_arrival=hm(back),
    )


def listed(client_id: str, service: str, day: dt.date, reason: str) -> Unassigned:
    return Unassigned(
        visit_id=f"{day.isoformat()}/{client_id}",
        client_id=client_id,
        date=day,
        services=(service,),
        duration_s=NORM_S[service],
        reason=reason,
    )


def empty(worker_id: str, day: dt.date) -> Route:
    return route(worker_id, day, leaves="08:00", stops=(), back="08:00", lunch=None)


# Monday for W1: A at 09:10 (10 min from the office), B at 10:00 (10 min on), back at 10:34 (19 min),
# lunch at the office 12:00-12:45.
A_MON = stop("A", "FOOD", came_from="office", arrival="09:10", start="09:10", end="09:50")
B_MON = stop("B", "BP", came_from="A", arrival="10:00", start="10:00", end="10:15")
MONDAY_W1 = route("W1", MONDAY, leaves="09:00", stops=(A_MON, B_MON), back="10:34")
DAY = Schedule(routes=(MONDAY_W1,))


def monday_lunch(start: str, end: str, *, after: int) -> Route:
    """Monday's visits as above with the lunch break given here."""
    return route("W1", MONDAY, leaves="09:00", stops=(A_MON, B_MON), back="10:34", lunch=(start, end, after))


# The same day without B: A, then straight back at 10:00.
A_ONLY = route("W1", MONDAY, leaves="09:00", stops=(A_MON,), back="10:00")

# The week: Monday W1 makes A, C (next door, no walk) and B; Thursday W1 is sick and W2 stands in for W1
# at C and B; W2's Thursday visits are marked as made for W1, so next week still knows W1 as their worker.
WEEK_MON = route(
    "W1",
    MONDAY,
    leaves="09:00",
    stops=(
        A_MON,
        stop("C", "DISH", came_from="A", arrival="09:50", start="09:50", end="10:00"),
        stop("B", "BP", came_from="C", arrival="10:10", start="10:10", end="10:25"),
    ),
    back="10:44",
)


def thursday_w2(*, mark: str | None = "W1", with_c: bool = True) -> Route:
    """W2's Thursday: C then B (back 10:04), or B alone (back 09:53)."""
    b_alone = stop(
        "B", "BP", came_from="office", arrival="09:19", start="09:19", end="09:34", day=THURSDAY, stands_in_for=mark
    )
    if not with_c:
        return route("W2", THURSDAY, leaves="09:00", stops=(b_alone,), back="09:53")
    c_thu = stop("C", "DISH", came_from="office", arrival="09:10", start="09:10", end="09:20", day=THURSDAY)
    b_thu = stop("B", "BP", came_from="C", arrival="09:30", start="09:30", end="09:45", day=THURSDAY)
    marked = tuple(dataclasses.replace(s, substitute_for=mark) for s in (c_thu, b_thu))
    return route("W2", THURSDAY, leaves="09:00", stops=marked, back="10:04")


WEEK = Schedule(routes=(WEEK_MON, thursday_w2()))
# C alone on W1's Tuesday: there at 09:10, back at 09:30.
C_TUESDAY = route(
    "W1",
    TUESDAY,
    leaves="09:00",
    stops=(stop("C", "DISH", came_from="office", arrival="09:10", start="09:10", end="09:20", day=TUESDAY),),
    back="09:30",
)


def day_check(schedule: Schedule, data: Problem = PROBLEM) -> list[Violation]:
    return validate(schedule, data)


def week_check(schedule: Schedule, data: Problem = PROBLEM) -> list[Violation]:
    return validate(schedule, data, week_start=MONDAY)


def with_stop(base: Route, index: int, **changes: object) -> Route:
    stops = list(base.stops)
    stops[index] = dataclasses.replace(stops[index], **changes)  # type: ignore[arg-type]
    return dataclasses.replace(base, stops=tuple(stops))


# ---------------------------------------------------------------------------------------------------------
# The register: each test below names the rules its plan breaks; the decorator checks that the validator
# reports exactly those, and records them for the test that no rule goes untested.

TRIGGERED: dict[str, list[str]] = {}


def breaks(*rules: str) -> Callable[[Callable[[], list[Violation]]], Callable[[], None]]:
    """The plan the decorated function checks breaks exactly ``rules``: no fewer, no others."""

    def register(check: Callable[[], list[Violation]]) -> Callable[[], None]:
        for rule in rules:
            TRIGGERED.setdefault(rule, []).append(check.__name__)

        @functools.wraps(check)
        def test() -> None:
            found = check()
            shown = "\n".join(map(str, found)) or "no violation"
            assert sorted({v.rule for v in found}) == sorted(rules), shown

        return test

    return register


# ---------------------------------------------------------------------------------------------------------
# Plans that keep every rule.


def test_the_legs_are_the_travel_model() -> None:
    """The sheets below are only right if the walks are what the validator recomputes."""
    names = list(PLACES)
    matrices = GeodesicTravel().matrices([PLACES[n] for n in names], "foot")
    for i, here in enumerate(names):
        for j, there in enumerate(names):
            assert (int(matrices.duration_s[i, j]), int(matrices.distance_m[i, j])) == leg(here, there)


def test_a_correct_day_passes() -> None:
    """Monday as written above, and the same two visits later with lunch taken on the way from A to B:
    W1 leaves 11:00, A 11:10-11:50, lunch 12:00-12:45, so B no sooner than 12:45 (the 10 minutes' walk
    fits in the 10 minutes before lunch), back 13:19."""
    assert day_check(DAY) == []
    later = route(
        "W1",
        MONDAY,
        leaves="11:00",
        stops=(
            stop("A", "FOOD", came_from="office", arrival="11:10", start="11:10", end="11:50"),
            stop("B", "BP", came_from="A", arrival="12:45", start="12:45", end="13:00"),
        ),
        back="13:19",
        lunch=("12:00", "12:45", 1),
    )
    assert day_check(Schedule(routes=(later,))) == []


def test_a_correct_week_passes() -> None:
    """The week as written above; and the same week with C's Thursday visit listed, with a reason,
    instead of made: listed visits count towards what the week owes."""
    assert week_check(WEEK) == []
    unmade = Schedule(
        routes=(WEEK_MON, thursday_w2(with_c=False)),
        unassigned=(listed("C", "DISH", THURSDAY, "no worker free"),),
    )
    assert week_check(unmade) == []


# ---------------------------------------------------------------------------------------------------------
# One day: the route sheet.


@breaks("duplicate-route")
def test_two_routes_for_one_worker_on_one_day() -> list[Violation]:
    """W1 has Monday's route and a second, empty, one for the same Monday: which sheet do they follow?"""
    return day_check(Schedule(routes=(MONDAY_W1, empty("W1", MONDAY))))


@breaks("unknown-worker")
def test_a_route_for_a_worker_not_in_the_data() -> list[Violation]:
    """A route for W9, who is not among the department's workers."""
    return day_check(Schedule(routes=(MONDAY_W1, empty("W9", MONDAY))))


@breaks("holiday")
def test_working_on_a_public_holiday() -> list[Violation]:
    """Monday is declared a public holiday, but W1 is still sent out."""
    return day_check(DAY, make_problem(holidays=[Holiday(date=MONDAY, name="Town Day")]))


@breaks("absence")
def test_an_absent_worker_has_a_route() -> list[Violation]:
    """W1 is on leave on Monday but has Monday's route."""
    on_leave = Absence(worker_id="W1", start=MONDAY, end=MONDAY, reason="leave")
    return day_check(DAY, make_problem(extra_absences=[on_leave]))


@breaks("shift")
def test_a_route_on_a_day_without_a_shift() -> list[Violation]:
    """W2 works Monday to Friday but is given a (empty) route on Saturday."""
    return day_check(Schedule(routes=(MONDAY_W1, empty("W2", SATURDAY))))


@breaks("shift")
def test_leaving_before_the_shift_starts() -> list[Violation]:
    """W1 leaves at 07:30, before the 08:00 shift, and waits at A from 07:40 until 09:10."""
    early = dataclasses.replace(
        MONDAY_W1, departure=hm("07:30"), stops=(dataclasses.replace(A_MON, arrival=hm("07:40")), B_MON)
    )
    return day_check(Schedule(routes=(early,)))


@breaks("shift")
def test_coming_back_after_the_shift_ends() -> list[Violation]:
    """W1 works 08:00-11:00 (no lunch in so short a shift): leaves 09:35, A 09:45-10:25, B 10:35-10:50,
    then the 19 minutes back take them to 11:09, past the end of the shift."""
    short = make_problem(w1=worker("W1", shift="08:00-11:00", skills=["nurse"]))
    late = route(
        "W1",
        MONDAY,
        leaves="09:35",
        stops=(
            stop("A", "FOOD", came_from="office", arrival="09:45", start="09:45", end="10:25"),
            stop("B", "BP", came_from="A", arrival="10:35", start="10:35", end="10:50"),
        ),
        back="11:09",
        lunch=None,
    )
    found = day_check(Schedule(routes=(late,)), short)
    assert [v.message for v in found] == ["W1 on 2026-12-07 finishes at 11:09, after the shift ends at 11:00"]
    return found


@breaks("max-visits")
def test_more_visits_than_the_worker_may_make() -> list[Violation]:
    """W1 may make one visit a day, and Monday's route has two."""
    return day_check(DAY, make_problem(w1=worker("W1", skills=["nurse"], max_visits=1)))


@breaks("unknown-client")
def test_a_visit_to_a_client_not_in_the_data() -> list[Violation]:
    """After B, W1's sheet sends them to Z, who is not on the department's list."""
    to_z = dataclasses.replace(B_MON, visit_id="2026-12-07/Z", client_id="Z", services=("DISH",))
    return day_check(Schedule(routes=(dataclasses.replace(MONDAY_W1, stops=(A_MON, B_MON, to_z)),)))


@breaks("lunch")
def test_no_lunch_break() -> list[Violation]:
    """W1's shift holds the lunch window, but the route has no lunch."""
    return day_check(Schedule(routes=(dataclasses.replace(MONDAY_W1, lunch=None),)))


@breaks("lunch")
def test_lunch_too_short() -> list[Violation]:
    """W1 is given 30 minutes for lunch; the data says 45."""
    return day_check(Schedule(routes=(monday_lunch("12:00", "12:30", after=2),)))


@breaks("lunch")
def test_lunch_outside_its_window() -> list[Violation]:
    """Lunch at 11:00-11:45, before the 12:00-14:00 window opens."""
    return day_check(Schedule(routes=(monday_lunch("11:00", "11:45", after=2),)))


@breaks("lunch")
def test_lunch_placed_after_a_visit_that_does_not_exist() -> list[Violation]:
    """The lunch is put after the fifth visit of a two-visit route."""
    return day_check(Schedule(routes=(monday_lunch("12:00", "12:45", after=5),)))


@breaks("lunch")
def test_lunch_while_still_at_a_client() -> list[Violation]:
    """W1 is at A 11:30-12:10 but the sheet starts lunch at 12:00; B after lunch and the walk, 13:05."""
    busy = route(
        "W1",
        MONDAY,
        leaves="11:20",
        stops=(
            stop("A", "FOOD", came_from="office", arrival="11:30", start="11:30", end="12:10"),
            stop("B", "BP", came_from="A", arrival="13:05", start="13:05", end="13:20"),
        ),
        back="13:39",
        lunch=("12:00", "12:45", 1),
    )
    return day_check(Schedule(routes=(busy,)))


@breaks("lunch")
def test_lunch_for_a_worker_without_one() -> list[Violation]:
    """W1 has no lunch break in the data, but the route gives them one."""
    return day_check(DAY, make_problem(w1=worker("W1", skills=["nurse"], lunch=None)))


# Errands on the way: the same town with a shop and a pharmacy in the office building (no walk from the
# office). A's groceries (FOOD, a shop errand) then take W1 by the shop: 09:00-09:15 there, A at 09:25
# (10 minutes on), 09:25-10:05, B at 10:15, 10:15-10:30, back at 10:49.
SHOP = ErrandPlace(id="SHOP", name="shop", kind="shop", location=OFFICE)
CHEMIST = ErrandPlace(id="CHEMIST", name="pharmacy", kind="pharmacy", location=OFFICE)
WITH_PLACES = dataclasses.replace(PROBLEM, places=(SHOP, CHEMIST))


def errand_day(*errands: ErrandStop, a_arrival: str = "09:25") -> Schedule:
    """W1's Monday with these errands on the way to A; A starts as it is reached, B and back follow."""
    a_start = hm(a_arrival)
    a_visit = dataclasses.replace(A_MON, arrival=a_start, start=a_start, end=a_start + 40 * 60, errands=errands)
    b_visit = dataclasses.replace(B_MON, arrival=a_start + 50 * 60, start=a_start + 50 * 60, end=a_start + 65 * 60)
    day = dataclasses.replace(MONDAY_W1, stops=(a_visit, b_visit), return_arrival=a_start + 84 * 60)
    return Schedule(routes=(day,))


def at(place: ErrandPlace, arrival: str, departure: str) -> ErrandStop:
    return ErrandStop(
        place_id=place.id, kind="shop", arrival=hm(arrival), departure=hm(departure), travel_s=0, travel_m=0
    )


def test_a_day_with_its_errand_passes() -> None:
    assert day_check(errand_day(at(SHOP, "09:00", "09:15")), WITH_PLACES) == []


@breaks("errand")
def test_groceries_without_passing_by_a_shop() -> list[Violation]:
    """The data has shops, but the sheet takes W1 straight to A (times right for the straight walk)."""
    return day_check(DAY, WITH_PLACES)


@breaks("errand")
def test_groceries_from_a_pharmacy() -> list[Violation]:
    """The stop is written as a shop, but the place is the pharmacy."""
    return day_check(errand_day(at(CHEMIST, "09:00", "09:15")), WITH_PLACES)


@breaks("errand")
def test_ten_minutes_in_the_shop() -> list[Violation]:
    """The shop takes 15 minutes, not 10 (A, at 09:20, is right for a 10-minute stop)."""
    return day_check(errand_day(at(SHOP, "09:00", "09:10"), a_arrival="09:20"), WITH_PLACES)


@breaks("errand")
def test_leaving_the_shop_too_late_to_reach_the_client() -> list[Violation]:
    """W1 is in the shop 09:08-09:23 but at A, a 10-minute walk on, at 09:25."""
    return day_check(errand_day(at(SHOP, "09:08", "09:23")), WITH_PLACES)


@breaks("travel")
def test_a_walk_reported_too_short() -> list[Violation]:
    """The sheet says the walk to A takes 5 minutes; it takes 10 (the times themselves are right)."""
    return day_check(Schedule(routes=(with_stop(MONDAY_W1, 0, travel_s=300),)))


@breaks("travel")
def test_the_walk_back_reported_wrong() -> list[Violation]:
    """The walk back from B is written as 10 minutes; it is 19 (the time back, 10:34, is right)."""
    return day_check(Schedule(routes=(dataclasses.replace(MONDAY_W1, return_travel_s=600),)))


@breaks("arrival")
def test_arriving_sooner_than_the_walk_allows() -> list[Violation]:
    """Leaving at 09:00, W1 is said to reach A at 09:05; it is a 10-minute walk."""
    return day_check(Schedule(routes=(with_stop(MONDAY_W1, 0, arrival=hm("09:05")),)))


@breaks("arrival")
def test_back_sooner_than_the_walk_allows() -> list[Violation]:
    """B ends 10:15 and the walk back is 19 minutes, but the sheet has W1 back at 10:30."""
    return day_check(Schedule(routes=(dataclasses.replace(MONDAY_W1, return_arrival=hm("10:30")),)))


@breaks("start")
def test_starting_before_arriving() -> list[Violation]:
    """W1 reaches A at 09:10 but the visit is written 09:05-09:45; B (09:55, waits until 10:00) is right."""
    early = route(
        "W1",
        MONDAY,
        leaves="09:00",
        stops=(
            stop("A", "FOOD", came_from="office", arrival="09:10", start="09:05", end="09:45"),
            stop("B", "BP", came_from="A", arrival="09:55", start="10:00", end="10:15"),
        ),
        back="10:34",
    )
    return day_check(Schedule(routes=(early,)))


@breaks("overlap", "start")
def test_two_visits_at_once() -> list[Violation]:
    """B is written 09:45-10:00 while W1 is at A until 09:50. A visit that overlaps the one before
    always also starts before the worker can arrive, so both rules fire."""
    both = route(
        "W1",
        MONDAY,
        leaves="09:00",
        stops=(A_MON, stop("B", "BP", came_from="A", arrival="10:00", start="09:45", end="10:00")),
        back="10:19",
    )
    return day_check(Schedule(routes=(both,)))


@breaks("unknown-service")
def test_a_service_not_in_the_catalogue() -> list[Violation]:
    """A's visit carries service XYZ, which is not in the catalogue."""
    return day_check(Schedule(routes=(with_stop(MONDAY_W1, 0, services=("XYZ",)),)))


@breaks("duration")
def test_a_visit_shorter_than_its_norm() -> list[Violation]:
    """Groceries take 40 minutes by the norm; A's visit is written 09:10-09:40. W1 then reaches B at
    09:50 and waits until 10:00."""
    short = route(
        "W1",
        MONDAY,
        leaves="09:00",
        stops=(
            stop("A", "FOOD", came_from="office", arrival="09:10", start="09:10", end="09:40"),
            stop("B", "BP", came_from="A", arrival="09:50", start="10:00", end="10:15"),
        ),
        back="10:34",
    )
    return day_check(Schedule(routes=(short,)))


@breaks("window")
def test_a_visit_before_the_client_is_home() -> list[Violation]:
    """A is home from 09:00; W1 leaves at 08:00 and rings A's bell at 08:10 (B at 09:00 is fine)."""
    early = route(
        "W1",
        MONDAY,
        leaves="08:00",
        stops=(
            stop("A", "FOOD", came_from="office", arrival="08:10", start="08:10", end="08:50"),
            stop("B", "BP", came_from="A", arrival="09:00", start="09:00", end="09:15"),
        ),
        back="09:34",
    )
    return day_check(Schedule(routes=(early,)))


@breaks("skill")
def test_a_nurses_service_by_a_worker_who_is_no_nurse() -> list[Violation]:
    """B's blood pressure needs a nurse; here W1 is not one."""
    return day_check(DAY, make_problem(w1=worker("W1")))


@breaks("continuity")
def test_another_worker_visits_an_assigned_client() -> list[Violation]:
    """B is W1's client, and W1 works on Monday, but W2 is sent."""
    return day_check(Schedule(routes=(dataclasses.replace(MONDAY_W1, worker_id="W2"),)))


@breaks("department")
def test_a_client_of_another_department() -> list[Violation]:
    """A has moved to department D2; W1 works for D1."""
    return day_check(DAY, make_problem(a=client("A", lat=PLACES["A"].lat, lon=PLACES["A"].lon, department="D2")))


@breaks("programme")
def test_the_wrong_service_for_the_day() -> list[Violation]:
    """B is due blood pressure on Monday; the sheet has W1 do B's dishes (10 minutes) instead."""
    wrong = route(
        "W1",
        MONDAY,
        leaves="09:00",
        stops=(A_MON, stop("B", "DISH", came_from="A", arrival="10:00", start="10:00", end="10:10")),
        back="10:29",
    )
    return day_check(Schedule(routes=(wrong,)))


@breaks("coverage")
def test_a_due_visit_neither_made_nor_listed() -> list[Violation]:
    """B is due on Monday, and the plan neither visits B nor lists the visit as unassigned."""
    return day_check(Schedule(routes=(A_ONLY,)))


@breaks("coverage")
def test_a_visit_both_made_and_listed() -> list[Violation]:
    """W1 visits B, and the plan also lists B's visit as unassigned."""
    return day_check(Schedule(routes=(MONDAY_W1,), unassigned=(listed("B", "BP", MONDAY, "no nurse free"),)))


@breaks("coverage")
def test_a_visit_listed_twice() -> list[Violation]:
    """B's Monday visit is listed as unassigned twice."""
    twice = (listed("B", "BP", MONDAY, "no nurse free"), listed("B", "BP", MONDAY, "no nurse free"))
    return day_check(Schedule(routes=(A_ONLY,), unassigned=twice))


@breaks("programme")
def test_a_visit_carrying_a_service_the_programme_never_asks_for() -> list[Violation]:
    """A day plan visits C with groceries: C's programme asks only for dishes, on days the week planner
    chooses (a day plan may carry those, as the day of its week), never for groceries."""
    extra = route(
        "W1",
        MONDAY,
        leaves="09:00",
        stops=(
            A_MON,
            stop("C", "FOOD", came_from="A", arrival="09:50", start="09:50", end="10:30"),
            stop("B", "BP", came_from="C", arrival="10:40", start="10:40", end="10:55"),
        ),
        back="11:14",
    )
    return day_check(Schedule(routes=(extra,)))


@breaks("reason")
def test_an_unassigned_visit_without_a_reason() -> list[Violation]:
    """B's visit is listed as unassigned, but the reason is blank: the planner cannot act on it."""
    return day_check(Schedule(routes=(A_ONLY,), unassigned=(listed("B", "BP", MONDAY, "  "),)))


# ---------------------------------------------------------------------------------------------------------
# One week: what the programme owes each client over the week.


@breaks("frequency")
def test_a_twice_a_week_client_visited_once() -> list[Violation]:
    """C is owed two visits this week; W2's Thursday skips C and nothing is listed."""
    return week_check(Schedule(routes=(WEEK_MON, thursday_w2(with_c=False))))


@breaks("spacing")
def test_two_visits_on_consecutive_days() -> list[Violation]:
    """C's two visits are on Monday and Tuesday: a twice-a-week client needs at least two days between."""
    return week_check(Schedule(routes=(WEEK_MON, C_TUESDAY, thursday_w2(with_c=False))))


@breaks("fixed-days")
def test_a_fixed_day_moved() -> list[Violation]:
    """B's blood pressure is fixed on Monday and Thursday, but the plan moves Thursday's to Wednesday
    (W1 makes it, so C alone is left for W2 on Thursday)."""
    b_wed = stop("B", "BP", came_from="office", arrival="09:19", start="09:19", end="09:34", day=WEDNESDAY)
    c_thu = stop(
        "C", "DISH", came_from="office", arrival="09:10", start="09:10", end="09:20", day=THURSDAY, stands_in_for="W1"
    )
    return week_check(
        Schedule(
            routes=(
                WEEK_MON,
                route("W1", WEDNESDAY, leaves="09:00", stops=(b_wed,), back="09:53"),
                route("W2", THURSDAY, leaves="09:00", stops=(c_thu,), back="09:30"),
            )
        )
    )


@breaks("coverage", "spacing")
def test_a_client_visited_twice_in_one_day() -> list[Violation]:
    """W1 calls on C twice on Monday (09:50 and again at 10:00) and not on Thursday: twice in one day,
    and so also less than two days apart."""
    twice = route(
        "W1",
        MONDAY,
        leaves="09:00",
        stops=(
            A_MON,
            stop("C", "DISH", came_from="A", arrival="09:50", start="09:50", end="10:00"),
            stop("C", "DISH", came_from="C", arrival="10:00", start="10:00", end="10:10"),
            stop("B", "BP", came_from="C", arrival="10:20", start="10:20", end="10:35"),
        ),
        back="10:54",
    )
    return week_check(Schedule(routes=(twice, thursday_w2(with_c=False))))


@breaks("continuity")
def test_another_worker_while_the_own_one_works() -> list[Violation]:
    """W1 is not sick this time, yet W2 takes B (W1's client) and C (whom W1 saw on Monday) on Thursday."""
    return week_check(Schedule(routes=(WEEK_MON, thursday_w2(mark=None))), make_problem(w1_sick_on_thursday=False))


@breaks("continuity")
def test_a_stand_in_marked_as_standing_in_for_themself() -> list[Violation]:
    """W2's Thursday visits are marked as made for W2: re-planning would take W2 for B's and C's worker."""
    return week_check(Schedule(routes=(WEEK_MON, thursday_w2(mark="W2"))))


@breaks("reason")
def test_a_week_leftover_without_a_reason() -> list[Violation]:
    """C's Thursday visit is listed as unassigned, with a blank reason."""
    return week_check(
        Schedule(routes=(WEEK_MON, thursday_w2(with_c=False)), unassigned=(listed("C", "DISH", THURSDAY, ""),))
    )


def test_a_stand_in_mark_naming_a_worker_not_in_the_data() -> None:
    """W2's Thursday visit to C (who has no assigned worker) is marked as made for W9, who is not among
    the workers. Re-planning (Staffing.from_published) takes the first marked worker as C's own, so it
    would look for W9; the mark is not true, which is the continuity rule's to report."""
    c_thu, b_thu = thursday_w2().stops
    w2 = dataclasses.replace(thursday_w2(), stops=(dataclasses.replace(c_thu, substitute_for="W9"), b_thu))
    assert [v.rule for v in week_check(Schedule(routes=(WEEK_MON, w2)))] == ["continuity"]


# ---------------------------------------------------------------------------------------------------------
# No rule without a test.


def _own_defs(scope: ast.AST) -> dict[str, ast.FunctionDef]:
    """Functions defined in ``scope`` itself, not inside a function nested in it."""
    defs: dict[str, ast.FunctionDef] = {}
    stack = list(ast.iter_child_nodes(scope))
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef):
            defs[node.name] = node
        else:
            stack.extend(ast.iter_child_nodes(node))
    return defs


class _RuleReader(ast.NodeVisitor):
    """Reads the rule names out of validate.py: ``rule="..."`` keywords; the first argument of a call to
    a reporting helper (a function, looked up in the caller's scope, whose first parameter is ``rule``);
    and the first item of the (rule, message) pairs of a function returning ``list[tuple[str, str]]``. A
    rule given any other way is kept in ``unread``, so that a new way of naming rules fails the check
    instead of slipping past it."""

    def __init__(self, module: ast.Module) -> None:
        self.found: set[str] = set()
        self.unread: list[str] = []
        self.scopes = [_own_defs(module)]
        self.functions: list[ast.FunctionDef] = []
        every = [f for f in ast.walk(module) if isinstance(f, ast.FunctionDef)]
        self.pair_makers = {f.name for f in every if f.returns and ast.unparse(f.returns) == "list[tuple[str, str]]"}
        # names bound by `for rule, message in pair_maker(...)`: their values are the pairs read below
        self.from_pairs = {
            loop.target.elts[0].id
            for loop in ast.walk(module)
            if isinstance(loop, ast.For)
            and isinstance(loop.target, ast.Tuple)
            and isinstance(loop.target.elts[0], ast.Name)
            and isinstance(loop.iter, ast.Call)
            and isinstance(loop.iter.func, ast.Name)
            and loop.iter.func.id in self.pair_makers
        }

    def take(self, node: ast.expr, forwarded: set[str]) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            self.found.add(node.value)
        elif not (isinstance(node, ast.Name) and node.id in forwarded):
            self.unread.append(ast.unparse(node))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.scopes.append(_own_defs(node))
        self.functions.append(node)
        if node.name in self.pair_makers:
            for pair in (n for n in ast.walk(node) if isinstance(n, ast.Tuple) and len(n.elts) == 2):
                if isinstance(pair.elts[1], ast.Constant | ast.JoinedStr | ast.Call):  # (rule, message)
                    self.take(pair.elts[0], set())
        self.generic_visit(node)
        self.functions.pop()
        self.scopes.pop()

    def visit_Call(self, node: ast.Call) -> None:
        here = self.functions[-1] if self.functions else None
        own_parameter = {"rule"} if here and here.args.args and here.args.args[0].arg == "rule" else set()
        for keyword in node.keywords:
            if keyword.arg == "rule":
                self.take(keyword.value, own_parameter)
        if isinstance(node.func, ast.Name):
            callee = next((s[node.func.id] for s in reversed(self.scopes) if node.func.id in s), None)
            if callee and callee.args.args and callee.args.args[0].arg == "rule" and node.args:
                self.take(node.args[0], self.from_pairs | own_parameter)
        self.generic_visit(node)


def rules_in_the_validator() -> set[str]:
    """The rule names validate.py can report, read from its source."""
    source = Path(importlib.import_module("lean_social.validate").__file__ or "").read_text(encoding="utf-8")
    module = ast.parse(source)
    reader = _RuleReader(module)
    reader.visit(module)
    assert not reader.unread, f"validate.py names rules in a way this test cannot read: {reader.unread}"
    return reader.found


def test_every_rule_of_the_validator_is_triggered() -> None:
    """Each rule validate.py can report is broken by at least one plan above, and no test claims a
    rule validate.py does not have (which would mean the source was misread)."""
    in_source = rules_in_the_validator()
    assert len(in_source) > 10, in_source  # the reader found the rules, not an empty set that trivially passes
    untested = sorted(in_source - set(TRIGGERED))
    assert not untested, f"rules of validate.py that no test triggers: {untested}"
    assert sorted(set(TRIGGERED) - in_source) == []

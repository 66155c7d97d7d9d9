"""Errands on the way (``domain.errands``): a visit with a shop, pharmacy or post errand passes by a
place of that kind before the client, the one that adds least travel; the validator checks it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import logging
import re

import openpyxl
import pytest

from conftest import WORK, client, every_monday, worker
from lean_social import (
    Client,
    GeodesicTravel,
    Location,
    Problem,
    ProgrammeItem,
    Schedule,
    Worker,
    day_map,
    plan_day,
    plan_workbook,
    route_sheet,
    validate,
)
from lean_social.domain.errands import ERRAND_STOP_S, errands_of, unplaced_errands
from lean_social.domain.model import ErrandPlace, Service
from lean_social.domain.timefmt import format_hhmm
from lean_social.schedule import ErrandStop, Route, Stop

MONDAY = dt.date(2026, 12, 7)
LAT = 47.514
START = Location(lat=LAT, lon=42.150)
HOME = Location(lat=LAT, lon=42.170)  # the client, 1.5 km east of the worker's start
#: On the straight way from the start to the client: it adds (next to) nothing to the walk.
ON_THE_WAY = ErrandPlace(id="S-WAY", name="shop on the way", kind="shop", location=Location(lat=LAT, lon=42.160))
#: The shop nearest the client (200 m north of it), but off the way: it adds about four minutes.
NEAREST = ErrandPlace(id="S-NEAR", name="shop by the house", kind="shop", location=Location(lat=47.5158, lon=42.170))
#: A pharmacy next door to the client: never a place to buy groceries.
PHARMACY = ErrandPlace(id="P-DOOR", name="pharmacy", kind="pharmacy", location=Location(lat=LAT, lon=42.1701))

SERVICES = (
    Service(code="FOOD", name="groceries", norm_min=40, errand="shop"),
    Service(code="MEDS", name="medicines", norm_min=30, errand="pharmacy"),
    Service(code="DISH", name="dishes", norm_min=10),
)


def errand_problem(
    clients: list[Client], workers: list[Worker], programmes: list[ProgrammeItem], places: tuple[ErrandPlace, ...]
) -> Problem:
    return Problem(
        services=SERVICES,
        clients=tuple(clients),
        workers=tuple(workers),
        programmes=tuple(programmes),
        places=places,
    )


def one_visit(*codes: str, places: tuple[ErrandPlace, ...]) -> Problem:
    return errand_problem(
        [client("C1", lat=HOME.lat, lon=HOME.lon)],
        [worker("W1", lat=START.lat, lon=START.lon, lunch=None)],
        every_monday("C1", *codes),
        places,
    )


def minutes(a: Location, b: Location) -> int:
    return int(GeodesicTravel().matrices([a, b], "foot").duration_s[0, 1])


def only_stop(schedule: Schedule) -> tuple[Route, Stop]:
    [(route, stop)] = list(schedule.stops)
    return route, stop


def test_the_shop_that_adds_least_travel_is_chosen_not_the_nearest() -> None:
    p = one_visit("FOOD", "DISH", places=(NEAREST, ON_THE_WAY, PHARMACY))
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p) == []
    route, stop = only_stop(schedule)
    # by hand: the way through each shop, start -> shop -> client
    through = {s.id: minutes(START, s.location) + minutes(s.location, HOME) for s in (NEAREST, ON_THE_WAY)}
    assert through["S-WAY"] < through["S-NEAR"]  # the nearest to the client is the longer way
    assert minutes(NEAREST.location, HOME) < minutes(ON_THE_WAY.location, HOME)
    [shop] = stop.errands
    assert (shop.place_id, shop.kind) == ("S-WAY", "shop")
    assert shop.arrival == route.departure + minutes(START, ON_THE_WAY.location)
    assert shop.departure - shop.arrival == ERRAND_STOP_S["shop"] == 15 * 60
    assert stop.arrival == shop.departure + minutes(ON_THE_WAY.location, HOME)
    assert stop.travel_s == through["S-WAY"]  # the walk; the time in the shop is not travel
    assert route.wait_s == 0  # nor idle time


def test_a_visit_without_an_errand_passes_by_no_place() -> None:
    p = one_visit("DISH", places=(ON_THE_WAY, PHARMACY))
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    _, stop = only_stop(schedule)
    assert stop.errands == ()
    assert stop.travel_s == minutes(START, HOME)
    assert validate(schedule, p) == []


def test_without_a_place_of_its_kind_the_errand_is_planned_as_before() -> None:
    with_none = one_visit("FOOD", places=(PHARMACY,))
    assert errands_of(with_none, ("FOOD",)) == ()
    assert unplaced_errands(with_none) == ("shop",)
    plain = one_visit("FOOD", places=())
    a, b = plan_day(with_none, MONDAY, work_per_visit=WORK), plan_day(plain, MONDAY, work_per_visit=WORK)
    assert a.routes == b.routes
    assert only_stop(a)[1].errands == ()
    assert validate(a, with_none) == []


def test_two_errands_are_run_in_the_order_that_walks_least() -> None:
    """Start, pharmacy 0.5 km on, shop 1 km on, client 1.5 km on: the pharmacy first, then the shop."""
    pharmacy = ErrandPlace(id="P1", name="pharmacy", kind="pharmacy", location=Location(lat=LAT, lon=42.1567))
    shop = ErrandPlace(id="S1", name="shop", kind="shop", location=Location(lat=LAT, lon=42.1633))
    p = one_visit("FOOD", "MEDS", places=(shop, pharmacy))
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p) == []
    route, stop = only_stop(schedule)
    assert [(e.kind, e.place_id) for e in stop.errands] == [("pharmacy", "P1"), ("shop", "S1")]
    first, second = stop.errands
    assert first.departure - first.arrival == 10 * 60 and second.departure - second.arrival == 15 * 60
    assert second.arrival == first.departure + minutes(pharmacy.location, shop.location)
    legs = minutes(START, pharmacy.location) + minutes(pharmacy.location, shop.location) + minutes(shop.location, HOME)
    assert stop.travel_s == legs == first.travel_s + second.travel_s + minutes(shop.location, HOME)
    assert stop.arrival == route.departure + legs + 25 * 60


def test_lunch_on_the_way_to_an_errand_visit_is_not_taken_in_the_shop() -> None:
    """The second visit's client is home only after the lunch window opens: the lunch is taken on the
    way there, and the errand is run around it, never during it."""
    early = client("C0", lat=LAT, lon=42.151, available="08:00-11:30")
    late = client("C1", lat=HOME.lat, lon=HOME.lon, available="12:40-14:00")
    p = errand_problem(
        [early, late],
        [worker("W1", lat=START.lat, lon=START.lon, lunch="12:00-13:00", lunch_min=30)],
        [*every_monday("C0", "DISH"), *every_monday("C1", "FOOD")],
        (ON_THE_WAY, NEAREST),
    )
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p) == []
    [route] = schedule.routes
    assert [s.client_id for s in route.stops] == ["C0", "C1"]
    assert route.lunch is not None and route.lunch.after == 1  # on the way to C1
    [shop] = route.stops[1].errands
    assert shop.departure <= route.lunch.start or shop.arrival >= route.lunch.end


def test_a_lunch_that_would_open_in_the_shop_starts_when_the_shop_is_done() -> None:
    """C0 ends at 11:45 and C1 must start by 13:00, so the lunch (12:00-13:00, 30 min) falls on the way
    to C1, with no time to spare: the route reaches the shop at 11:57, as the lunch window opens. The
    lunch starts when the 15 minutes there are over, inside its window, and C1 is reached no later."""
    p = errand_problem(
        [
            client("C0", lat=LAT, lon=42.151, available="11:35-11:45"),
            client("C1", lat=HOME.lat, lon=HOME.lon, available="12:50-13:40"),
        ],
        [worker("W1", lat=START.lat, lon=START.lon, lunch="12:00-13:00", lunch_min=30)],
        [*every_monday("C0", "DISH"), *every_monday("C1", "FOOD")],
        (ON_THE_WAY, NEAREST),
    )
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p) == []
    [route] = schedule.routes
    first, second = route.stops
    [shop] = second.errands
    to_shop = minutes(Location(lat=LAT, lon=42.151), ON_THE_WAY.location)
    assert shop.arrival == first.end + to_shop < 12 * 3600 < shop.departure
    assert route.lunch is not None and route.lunch.after == 1
    assert route.lunch.start == shop.departure
    assert second.arrival == route.lunch.end + minutes(ON_THE_WAY.location, HOME)


@pytest.fixture
def planned() -> tuple[Problem, Schedule]:
    p = one_visit("FOOD", places=(NEAREST, ON_THE_WAY, PHARMACY))
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p) == []
    return p, schedule


def with_errands(schedule: Schedule, *errands: ErrandStop) -> Schedule:
    route, stop = only_stop(schedule)
    changed = dataclasses.replace(route, stops=(dataclasses.replace(stop, errands=errands),))
    return dataclasses.replace(schedule, routes=(changed,))


def errand_messages(schedule: Schedule, p: Problem) -> list[str]:
    return [v.message for v in validate(schedule, p) if v.rule == "errand"]


def test_the_validator_flags_a_missing_errand(planned: tuple[Problem, Schedule]) -> None:
    p, schedule = planned
    assert any("passes by no shop" in m for m in errand_messages(with_errands(schedule), p))


def test_the_validator_flags_a_place_of_the_wrong_kind(planned: tuple[Problem, Schedule]) -> None:
    p, schedule = planned
    [shop] = only_stop(schedule)[1].errands
    at_pharmacy = dataclasses.replace(shop, place_id="P-DOOR")
    assert any("is a pharmacy, not a shop" in m for m in errand_messages(with_errands(schedule, at_pharmacy), p))
    not_a_place = dataclasses.replace(shop, place_id="NOWHERE")
    assert any("not a place of the data" in m for m in errand_messages(with_errands(schedule, not_a_place), p))
    extra = ErrandStop(
        place_id="P-DOOR", kind="pharmacy", arrival=shop.departure, departure=shop.departure, travel_s=0, travel_m=0
    )
    assert any("no pharmacy errand" in m for m in errand_messages(with_errands(schedule, shop, extra), p))


def test_the_validator_flags_a_stop_too_short(planned: tuple[Problem, Schedule]) -> None:
    p, schedule = planned
    [shop] = only_stop(schedule)[1].errands
    hurried = dataclasses.replace(shop, departure=shop.departure - 5 * 60)
    assert any("lasts 10 min, not 15" in m for m in errand_messages(with_errands(schedule, hurried), p))


def test_the_validator_flags_impossible_timing(planned: tuple[Problem, Schedule]) -> None:
    p, schedule = planned
    route, stop = only_stop(schedule)
    [shop] = stop.errands
    too_soon = dataclasses.replace(shop, arrival=route.departure + 60, departure=route.departure + 60 + 15 * 60)
    assert any("the way there takes" in m for m in errand_messages(with_errands(schedule, too_soon), p))
    too_late = dataclasses.replace(shop, arrival=stop.arrival - 16 * 60, departure=stop.arrival - 60)
    assert any("from the last errand" in m for m in errand_messages(with_errands(schedule, too_late), p))


def test_errands_survive_the_json_and_show_in_the_csv(planned: tuple[Problem, Schedule]) -> None:
    _, schedule = planned
    again = Schedule.from_json(schedule.to_json())
    assert again.routes == schedule.routes
    [row] = [r for r in schedule.rows() if r["client_id"] == "C1"]
    [shop] = only_stop(schedule)[1].errands
    assert row["errands"] == shop.text() and row["errands"].startswith("shop S-WAY ")
    old = schedule.to_dict()
    for route in old["routes"]:
        for stop in route["stops"]:
            stop.pop("errands", None)  # a plan written before errands were kept
    assert only_stop(Schedule.from_dict(old))[1].errands == ()


def test_the_route_sheet_map_and_workbook_show_the_errand(planned: tuple[Problem, Schedule]) -> None:
    p, schedule = planned
    _, stop = only_stop(schedule)
    [shop] = stop.errands
    when = f"{format_hhmm(shop.arrival)}–{format_hhmm(shop.departure)}"
    sheet = route_sheet(schedule, p, "W1", MONDAY)
    line = sheet.index("Зайти в магазин «shop on the way»")
    assert sheet.index(when) < sheet.index('<tr class="visit">') and line < sheet.index('<tr class="visit">')
    assert "Stop at the shop &quot;shop on the way&quot;" in route_sheet(schedule, p, "W1", MONDAY, lang="en")

    page = day_map(schedule, p, MONDAY).get_root().render()
    found = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S)
    assert found is not None
    [layer] = json.loads(found.group(1))["routes"]
    at = [ON_THE_WAY.location.lat, ON_THE_WAY.location.lon]
    assert layer["errands"] == [{"at": at, "text": ["магазин: shop on the way", f"{when}, по пути к посещению 1"]}]
    assert layer["path"] == [[START.lat, START.lon], at, [HOME.lat, HOME.lon], [START.lat, START.lon]]

    book = openpyxl.load_workbook(io.BytesIO(plan_workbook(schedule, p)))
    day = book["пн 07.12"]
    header = [c.value for c in day[1]]
    column = header.index("По пути (магазин, аптека, почта)")
    assert [row[column] for row in day.iter_rows(min_row=2, values_only=True)] == [shop.text()]


def test_a_kind_without_places_is_a_warning_and_no_places_at_all_a_note(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="lean_social.planning.day"):
        plan_day(one_visit("FOOD", places=(PHARMACY,)), MONDAY, work_per_visit=WORK)
        plan_day(one_visit("FOOD", places=()), MONDAY, work_per_visit=WORK)
        plan_day(one_visit("FOOD", places=(ON_THE_WAY, PHARMACY)), MONDAY, work_per_visit=WORK)  # every kind asked for
    said = [(r.levelname, r.getMessage()) for r in caplog.records if "not routed" in r.getMessage()]
    assert [level for level, _ in said] == ["WARNING", "INFO"]
    assert "no place of kind shop in the data: the errands of services FOOD are not routed" in said[0][1]

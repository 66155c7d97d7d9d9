"""Pictures of a day (``outputs.plots``): real PNGs of the expected size, the same bytes for the same
plan, Russian by default, and the route's parts drawn where the plan has them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import struct

import pytest

from conftest import WORK, client, every_monday, problem, worker
from lean_social.domain.model import Problem
from lean_social.outputs.plots import _segments, day_bars, day_timeline
from lean_social.planning.day_of_week import plan_day
from lean_social.schedule import LunchBreak, Route, Schedule, Stop

MONDAY = dt.date(2026, 12, 7)
H, M = 3600, 60
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk, which follows the signature."""
    assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.fixture(scope="module")
def planned(tiny: Problem) -> Schedule:
    return plan_day(tiny, MONDAY, work_per_visit=WORK, reproducible=True)


@pytest.mark.parametrize("draw", [day_bars, day_timeline])
def test_a_day_is_a_png_of_the_expected_size_and_the_same_bytes_each_time(
    draw: object, tiny: Problem, planned: Schedule
) -> None:
    png = draw(planned, tiny, MONDAY)  # type: ignore[operator]
    # 1000 pixels wide; 160 for the title, axis and legend and 36 for each of tiny's two workers.
    assert _size(png) == (1000, 160 + 2 * 36)
    assert draw(planned, tiny, MONDAY) == png  # type: ignore[operator]
    assert b"Matplotlib" not in png  # no version stamp that would change the bytes on an upgrade


@pytest.mark.parametrize("draw", [day_bars, day_timeline])
def test_english_labels_on_request_make_another_picture(draw: object, tiny: Problem, planned: Schedule) -> None:
    ru = draw(planned, tiny, MONDAY)  # type: ignore[operator]
    en = draw(planned, tiny, MONDAY, lang="en")  # type: ignore[operator]
    assert _size(en) == _size(ru) and en != ru


@pytest.mark.parametrize("draw", [day_bars, day_timeline])
def test_a_department_alone_and_a_day_without_workers(draw: object, tiny: Problem, planned: Schedule) -> None:
    assert _size(draw(planned, tiny, MONDAY, departments=["D9"])) == (1000, 160)  # type: ignore[operator]
    sunday = MONDAY + dt.timedelta(days=6)  # tiny's workers have no shift on Sunday
    assert _size(draw(Schedule(routes=()), tiny, sunday)) == (1000, 160)  # type: ignore[operator]


@pytest.mark.parametrize("draw", [day_bars, day_timeline])
def test_a_name_with_dollars_is_drawn_as_it_is(draw: object, tiny: Problem, planned: Schedule) -> None:
    """matplotlib reads text between dollars as mathematics, and a broken formula raises."""
    odd = dataclasses.replace(tiny, workers=tuple(dataclasses.replace(w, name=r"$\frac{$") for w in tiny.workers))
    assert _size(draw(planned, odd, MONDAY)) == (1000, 232)  # type: ignore[operator]


def test_a_route_is_drawn_as_travel_lunch_and_visits_where_the_plan_has_them() -> None:
    """Leaves 08:50, walks 10 min to A (09:00-09:40), then 12 min to B with lunch 11:00-11:45 between
    (arrives 11:45, as the validator times a lunch on the way), waits until 12:00, visits B 12:00-12:30,
    walks back 15 min."""
    stops = (
        Stop(
            visit_id="a",
            client_id="A",
            services=("FOOD",),
            arrival=9 * H,
            start=9 * H,
            end=9 * H + 40 * M,
            travel_s=10 * M,
            travel_m=700,
        ),
        Stop(
            visit_id="b",
            client_id="B",
            services=("FOOD",),
            arrival=11 * H + 45 * M,
            start=12 * H,
            end=12 * H + 30 * M,
            travel_s=12 * M,
            travel_m=800,
        ),
    )
    route = Route(
        worker_id="W1",
        date=MONDAY,
        departure=8 * H + 50 * M,
        stops=stops,
        lunch=LunchBreak(start=11 * H, end=11 * H + 45 * M, after=1),
        return_travel_s=15 * M,
        return_travel_m=900,
        return_arrival=12 * H + 45 * M,
    )
    # From 09:40 the worker is free; lunch starts at 11:00, so the whole 12-minute way fits before it.
    spans = [(kind, a, b) for kind, a, b in _segments(route) if b > a and kind != "waiting"]
    assert spans == [
        ("travel", 8 * H + 50 * M, 9 * H),
        ("service", 9 * H, 9 * H + 40 * M),
        ("travel", 9 * H + 40 * M, 9 * H + 52 * M),
        ("lunch", 11 * H, 11 * H + 45 * M),
        ("service", 12 * H, 12 * H + 30 * M),
        ("travel", 12 * H + 30 * M, 12 * H + 45 * M),
    ]
    assert sum(b - a for kind, a, b in spans if kind == "travel") == route.travel_s


def test_a_way_cut_by_lunch_is_drawn_on_both_sides_of_it() -> None:
    """Visit A ends 11:56, lunch 12:00-12:45, 13 min to B: 4 min before lunch, 9 after, arriving 12:54."""
    a = Stop(
        visit_id="a",
        client_id="A",
        services=("FOOD",),
        arrival=11 * H,
        start=11 * H,
        end=11 * H + 56 * M,
        travel_s=0,
        travel_m=0,
    )
    b = Stop(
        visit_id="b",
        client_id="B",
        services=("FOOD",),
        arrival=12 * H + 54 * M,
        start=12 * H + 54 * M,
        end=13 * H + 30 * M,
        travel_s=13 * M,
        travel_m=900,
    )
    route = Route(
        worker_id="W1",
        date=MONDAY,
        departure=11 * H,
        stops=(a, b),
        lunch=LunchBreak(start=12 * H, end=12 * H + 45 * M, after=1),
        return_travel_s=0,
        return_travel_m=0,
        return_arrival=13 * H + 30 * M,
    )
    travel = [(x, y) for kind, x, y in _segments(route) if kind == "travel" and y > x]
    assert travel == [(11 * H + 56 * M, 12 * H), (12 * H + 45 * M, 12 * H + 54 * M)]


def test_bars_show_each_worker_on_duty_even_without_a_route() -> None:
    p = problem(
        [client("A", lat=47.515, lon=42.155)], [worker("W1"), worker("W2"), worker("W3")], every_monday("A", "FOOD")
    )
    # No routes, but three workers on duty in the plan's department (D1, all by default): three rows.
    assert _size(day_bars(Schedule(routes=()), p, MONDAY)) == (1000, 160 + 3 * 36)

"""The work-day photo against a plan made by hand, with a travel model a reader adds up in their head: every
minute observed and planned worked out in the comments; and its page, static and escaped."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from html.parser import HTMLParser

import numpy as np
import pytest

from conftest import client, every_monday, problem, worker
from lean_social import Problem
from lean_social.domain.model import Location, TravelMode
from lean_social.domain.observed import ObservedVisit
from lean_social.domain.timefmt import parse_hhmm
from lean_social.outputs.photo import Photo, work_day_photo
from lean_social.outputs.photo_report import photo_html
from lean_social.outputs.plots import height_px, photo_bars
from lean_social.schedule import LunchBreak, Route, Schedule, Stop
from lean_social.travel import TravelMatrices

MONDAY = dt.date(2026, 12, 7)
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)


class LatitudeTravel:
    """A minute for each 0.001° of latitude between two places, 100 m a minute: legs to add by hand."""

    def matrices(self, places: Sequence[Location], mode: TravelMode) -> TravelMatrices:
        minutes = np.array([[round(abs(a.lat - b.lat) * 1000) for b in places] for a in places], dtype=np.int64)
        return TravelMatrices(duration_s=minutes * 60, distance_m=minutes * 100)


def at(text: str) -> int:
    return parse_hhmm(text)


def seen(worker_id: str, client_id: str, span: str, *codes: str, day: dt.date = MONDAY) -> ObservedVisit:
    start, end = span.split("-")
    return ObservedVisit(
        worker_id=worker_id, client_id=client_id, date=day, start_s=at(start), end_s=at(end), services=codes
    )


@pytest.fixture
def small() -> Problem:
    # Latitudes (minutes from the start place at 47.500): A 12, B 7, C 22, D 3. C opens at 13:30.
    # Both workers: shift 08:00-17:00 (540 min), lunch 45 min in 12:00-14:00, department D1.
    return problem(
        [
            client("A", lat=47.512, lon=42.15),
            client("B", lat=47.507, lon=42.15),
            client("C", lat=47.522, lon=42.15, available="13:30-18:00"),
            client("D", lat=47.503, lon=42.15),
        ],
        [worker("W1", lat=47.5, lon=42.15), worker("W2", lat=47.5, lon=42.15)],
        every_monday("A", "FOOD"),
    )


def stop(client_id: str, codes: tuple[str, ...], arrival: str, start: str, end: str, travel_min: int) -> Stop:
    return Stop(
        visit_id=f"{MONDAY}/{client_id}",
        client_id=client_id,
        services=codes,
        arrival=at(arrival),
        start=at(start),
        end=at(end),
        travel_s=60 * travel_min,
        travel_m=100 * travel_min,
    )


def plan() -> Schedule:
    """W1's planned Monday: B, A, lunch, C; W2 on duty without a route."""
    route = Route(
        worker_id="W1",
        date=MONDAY,
        departure=at("08:53"),
        stops=(
            stop("B", ("BP",), "09:00", "09:00", "09:15", 7),
            stop("A", ("FOOD", "DISH"), "09:20", "09:20", "10:10", 5),
            stop("C", ("DISH",), "12:55", "13:30", "13:40", 10),
        ),
        lunch=LunchBreak(start=at("12:00"), end=at("12:45"), after=2),
        return_travel_s=22 * 60,
        return_travel_m=2200,
        return_arrival=at("14:02"),
    )
    return Schedule(routes=(route,))


OBSERVED = (
    seen("W1", "A", "09:00-10:00", "FOOD", "DISH"),
    seen("W1", "B", "10:20-10:35", "BP"),
    seen("W1", "C", "13:45-14:15", "DISH"),
    seen("W1", "A", "15:00-15:10", "DISH"),  # back at A: the plan holds one visit
    seen("W2", "D", "09:30-10:00", "DISH"),  # not W2's in the plan
    seen("W1", "A", "09:00-09:50", "FOOD", "DISH", day=NEXT_MONDAY),  # a day the plan does not cover
)


@pytest.fixture
def photo(small: Problem) -> Photo:
    return work_day_photo(OBSERVED, plan(), small, travel=LatitudeTravel())


def test_w1_s_observed_day_against_its_plan(photo: Photo) -> None:
    day = next(d for d in photo.days if (d.worker_id, d.date) == ("W1", MONDAY))
    assert day.status == "compared"
    observed, planned = day.observed, day.planned
    assert planned is not None
    # Observed, in the order A, B, C, A: legs 12 (start->A), 5, 15, 10, 12 (A->start).
    assert observed.service_min == 60 + 15 + 30 + 10
    assert observed.travel_min == 12 + 5 + 15 + 10 + 12
    # Gaps: A->B 20 min, 5 walked, 15 idle; B->C 10:35-13:45, 15 walked (to 10:50), lunch 45 (to 11:35),
    # 11:35-13:30 before C opens (115, early), 13:30-13:45 idle (15); C->A 45 min, 10 walked, 35 idle.
    assert observed.waiting_min == 15 + 115 + 15 + 35
    assert observed.break_min == 45
    assert observed.office_min == 540 - 115 - 54 - 180 - 45
    assert (observed.overtime_min, observed.visits, observed.travel_km) == (0, 4, 5.4)
    # Planned (kpi.time_use of the route): services 15 + 50 + 10; legs 7 + 5 + 10 + 22; waiting before C
    # 13:30 - 10:10 - 10 (walk) - 45 (lunch) = 145; the rest of the shift other work.
    assert (planned.service_min, planned.travel_min, planned.waiting_min) == (75, 44, 145)
    assert planned.office_min == 540 - 75 - 44 - 145 - 45
    # Wastes: waiting 180; walking: the plan's order B, A, A, C takes 7 + 5 + 0 + 10 + 22 = 44 against
    # the observed 54; rework: the second visit to A, 10 min; over-processing: A 60 against a norm of 50
    # (10 over, beyond 7.5), C 30 against 10 (20 over, beyond 5).
    assert dict(day.waste) == {"waiting": 180, "walking": 10, "rework": 10, "over_processing": 30}
    assert day.off_plan_visits == 0


def test_a_visit_the_plan_did_not_give_the_worker_is_counted_against_an_idle_planned_day(photo: Photo) -> None:
    day = next(d for d in photo.days if (d.worker_id, d.date) == ("W2", MONDAY))
    assert (day.status, day.off_plan_visits) == ("compared", 1)
    assert day.planned is not None and (day.planned.service_min, day.planned.office_min) == (0, 540 - 45)
    # 30 min at D (legs 3 and 3), the rest other work; DISH took 30 against its norm of 10.
    assert (day.observed.service_min, day.observed.travel_min, day.observed.office_min) == (30, 6, 540 - 30 - 6 - 45)
    assert dict(day.waste) == {"waiting": 0, "walking": 0, "rework": 0, "over_processing": 20}


def test_a_day_the_plan_does_not_cover_is_reported_and_left_out_of_the_sums(photo: Photo) -> None:
    day = next(d for d in photo.days if d.date == NEXT_MONDAY)
    assert (day.status, day.planned) == ("no_plan_day", None)
    assert photo.unplanned_dates == (NEXT_MONDAY,)
    assert [d.date for d in photo.not_compared] == [NEXT_MONDAY]
    row = next(r for r in photo.day_rows() if r["date"] == NEXT_MONDAY.isoformat())
    assert row["service_obs_min"] == 50 and row["service_plan_min"] == ""
    # The department: W1's and W2's Mondays only.
    total = photo.departments["D1"]
    assert total.observed.days == 2
    assert (total.observed.service_min, total.planned.service_min) == (115 + 30, 75)
    assert (total.observed.waiting_min, total.planned.waiting_min) == (180, 145)
    assert dict(total.waste) == {"waiting": 180, "walking": 10, "rework": 10, "over_processing": 50}
    department = photo.department_rows()[0]
    assert (department["department"], department["not_compared_days"], department["worker_days"]) == ("D1", 1, 2)
    assert department["other_obs_min"] == 146 + 459 and department["other_plan_min"] == 231 + 495


def test_the_waste_events_add_up_to_the_worker_days_minutes(photo: Photo) -> None:
    rows = photo.waste_rows()
    kinds = {(r["worker_id"], r["category"], r["kind"]) for r in rows if r["date"] == MONDAY.isoformat()}
    assert kinds == {
        ("W1", "waiting", "idle"),
        ("W1", "waiting", "early"),
        ("W1", "walking", "order"),
        ("W1", "rework", "repeat_visit"),
        ("W1", "over_processing", "over_norm"),
        ("W2", "over_processing", "over_norm"),
    }
    early = [r for r in rows if r["kind"] == "early"]
    assert [(r["client_id"], r["minutes"]) for r in early] == [("C", 115)]
    for day in photo.day_rows():
        for category in ("waiting", "walking", "rework", "over_processing"):
            events = [
                r["minutes"]
                for r in rows
                if (r["worker_id"], r["date"], r["category"]) == (day["worker_id"], day["date"], category)
            ]
            assert day[f"waste_{category}_min"] == pytest.approx(sum(events))  # type: ignore[arg-type]
    tables = photo.tables()
    assert set(tables) == {"days", "workers", "departments", "waste"}
    assert len(tables["days"]) == 3 and len(tables["waste"]) == len(rows)
    assert list(tables["workers"]["worker_id"]) == ["W1", "W2"]


class _Tags(HTMLParser):
    """Every element of a page with its attributes, as a browser would read them."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def test_the_page_is_static_offline_and_escapes_names(small: Problem) -> None:
    hostile = '<script>alert("x")</script> & <img src=http://evil.example/x.png>'
    named = dataclasses.replace(small, workers=tuple(dataclasses.replace(w, name=hostile) for w in small.workers))
    photo = work_day_photo(OBSERVED, plan(), named, travel=LatitudeTravel())
    for lang, title in (("ru", "Фотография рабочего дня"), ("en", "Work-day photo")):
        page = photo_html(photo, named, lang=lang)  # type: ignore[arg-type]
        assert f"<title>{title}</title>" in page
        assert "<script" not in page.lower()
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp;" in page
        tags = _Tags()
        tags.feed(page)
        assert "script" not in {tag for tag, _ in tags.found}
        assert [tag for tag, _ in tags.found].count("img") == 1  # the picture, and no other (the name's is text)
        links = [value for _, attrs in tags.found for name, value in attrs if name in ("src", "href")]
        assert links and all((value or "").startswith("data:image/png;base64,") for value in links)
    assert "Ожидание" in photo_html(photo, named) and "Waiting" in photo_html(photo, named, lang="en")


def test_the_picture_is_the_same_png_for_the_same_photo(photo: Photo) -> None:
    means = [{p: photo.workers[w].observed.part(p) for p in ("service", "travel", "lunch")} for w in photo.workers]
    planned = [{p: photo.workers[w].planned.part(p) for p in ("service", "travel", "lunch")} for w in photo.workers]
    first = photo_bars(list(photo.workers), means, planned)
    assert first.startswith(b"\x89PNG") and first == photo_bars(list(photo.workers), means, planned)
    assert int.from_bytes(first[20:24], "big") == height_px(2 * len(photo.workers))  # two bars a worker
    assert photo_bars([], [], [], lang="en").startswith(b"\x89PNG")

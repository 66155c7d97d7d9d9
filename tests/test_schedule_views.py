"""A Schedule in a planner's notebook: a short repr, an HTML summary per day, and ``to_frame(names=True)``
with names, addresses, service names, real datetimes and the visit's number on its route."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from conftest import WORK, client, every_monday, problem, worker
from lean_social import Problem, Schedule, plan_day
from lean_social.schedule import SCHEDULE_COLUMNS, LunchBreak, Route, Stop, Unassigned

MONDAY = dt.date(2026, 12, 7)
H, M = 3600, 60


@pytest.fixture(scope="module")
def demo_day(demo: Problem) -> Schedule:
    return plan_day(demo, MONDAY, work_per_visit=WORK, departments=["D1"])


def _stop(client_id: str, services: tuple[str, ...], arrival: int, start: int, travel_s: int, travel_m: int) -> Stop:
    return Stop(
        visit_id=f"{MONDAY}/{client_id}",
        client_id=client_id,
        services=services,
        arrival=arrival,
        start=start,
        end=start + 40 * M,
        travel_s=travel_s,
        travel_m=travel_m,
    )


def _plan() -> tuple[Problem, Schedule]:
    """W1 visits A (groceries and dishes) 09:05-09:45, lunches 12:00-12:45, visits B 13:00-13:40."""
    p = problem(
        [client("A", lat=47.515, lon=42.155, worker_id="W1"), client("B", lat=47.516, lon=42.156)],
        [worker("W1")],
        [*every_monday("A", "FOOD", "DISH"), *every_monday("B", "FOOD")],
    )
    route = Route(
        worker_id="W1",
        date=MONDAY,
        departure=8 * H + 50 * M,
        stops=(
            _stop("A", ("FOOD", "DISH"), 9 * H, 9 * H + 5 * M, 10 * M, 750),
            _stop("B", ("FOOD",), 12 * H + 50 * M, 13 * H, 5 * M, 400),
        ),
        lunch=LunchBreak(start=12 * H, end=12 * H + 45 * M, after=1),
        return_travel_s=10 * M,
        return_travel_m=750,
        return_arrival=14 * H,
    )
    left = Unassigned(
        visit_id="x", client_id="B", date=MONDAY + dt.timedelta(days=1), services=("FOOD",), duration_s=2400, reason="r"
    )
    return p, Schedule(routes=(route,), unassigned=(left,))


def test_names_frame_numbers_visits_without_lunch_and_has_names_and_datetimes() -> None:
    p, plan = _plan()
    frame = plan.to_frame(names=True, problem=p)
    assert frame["visit_no"].tolist() == [1, pd.NA, 2]
    assert frame["services"].tolist() == ["FOOD+DISH", "lunch", "FOOD"]
    assert frame["client"].tolist()[::2] == ["name A", "name B"] and pd.isna(frame["client"].iloc[1])
    assert frame["address"].tolist()[::2] == ["street A", "street B"]
    assert frame["service_names"].tolist()[::2] == ["groceries; dishes", "groceries"]
    assert set(frame["worker"]) == {"W1"} and set(frame["department"]) == {"D1"}
    for column in ("date", "arrival", "start", "end"):
        assert str(frame[column].dtype) == "datetime64[ns]", column
    assert frame["start"].tolist() == [
        pd.Timestamp("2026-12-07 09:05"),
        pd.Timestamp("2026-12-07 12:00"),
        pd.Timestamp("2026-12-07 13:00"),
    ]
    assert frame["end"].iloc[1] == pd.Timestamp("2026-12-07 12:45")
    assert frame["travel_min"].tolist() == [10.0, 0.0, 5.0]
    assert frame["travel_km"].tolist() == [0.75, 0.0, 0.4]
    assert frame["wait_min"].tolist() == [5.0, 0.0, 10.0]


def test_a_worker_or_client_no_longer_in_the_data_keeps_its_id() -> None:
    p, plan = _plan()
    gone = dataclasses.replace(
        p, clients=(p.client("A"),), programmes=tuple(i for i in p.programmes if i.client_id == "A")
    )
    frame = plan.to_frame(names=True, problem=gone)
    assert frame["client_id"].iloc[2] == "B" and pd.isna(frame["client"].iloc[2])


def test_the_plain_frame_is_schedule_csv_and_names_need_the_problem() -> None:
    _, plan = _plan()
    plain = plan.to_frame()
    assert tuple(plain.columns) == SCHEDULE_COLUMNS
    assert plain.to_dict("records") == plan.rows()
    with pytest.raises(ValueError, match="needs the problem"):
        plan.to_frame(names=True)


def test_repr_and_html_count_visits_worker_days_and_unassigned() -> None:
    _, plan = _plan()
    assert repr(plan) == "Schedule(2 visits, 1 worker-day, 2 days 2026-12-07..2026-12-08, 1 unassigned)"
    page = plan._repr_html_()
    # date, routes, visits, unassigned, km (0.75 + 0.4 + 0.75 back)
    assert "<tr><td>07.12.2026 пн</td><td>1</td><td>2</td><td>0</td><td>1,9</td></tr>" in page
    assert "<tr><td>08.12.2026 вт</td><td>0</td><td>0</td><td>1</td><td>0,0</td></tr>" in page
    assert "<script" not in page


def test_the_demo_day_in_a_notebook(demo: Problem, demo_day: Schedule) -> None:
    text = repr(demo_day)
    assert len(text) < 200
    assert text.startswith(f"Schedule({demo_day.served} visits, {len(demo_day.routes)} worker-days, 1 day 2026-12-07")
    frame = demo_day.to_frame(names=True, problem=demo)
    visits = frame[frame["visit_no"].notna()]
    assert len(visits) == demo_day.served
    assert len(frame) - len(visits) == sum(1 for r in demo_day.routes if r.lunch is not None)
    for route in demo_day.routes:
        mine = visits[visits["worker_id"] == route.worker_id]
        assert mine["visit_no"].tolist() == list(range(1, len(route.stops) + 1))
        assert mine["client_id"].tolist() == [s.client_id for s in route.stops]
    names = {c.id: c.name for c in demo.clients}
    assert visits["client"].tolist() == [names[c] for c in visits["client_id"]]
    assert (visits["arrival"] <= visits["start"]).all() and (visits["start"] < visits["end"]).all()

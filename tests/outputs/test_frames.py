"""The lean figures as DataFrames (``outputs.frames``): the figures of ``outputs.kpi`` laid out per
worker-day, worker, department and plan, with names beside the ids."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from conftest import client, every_monday, problem, worker
from lean_social import Schedule, kpi_frames
from lean_social.outputs.kpi import route_time_use, schedule_kpis
from lean_social.schedule import LunchBreak, Route, Stop, Unassigned

MONDAY = dt.date(2026, 12, 7)
H, M = 3600, 60


def _route(worker_id: str, client_id: str, day: dt.date, travel_m: int) -> Route:
    """Leaves 08:50, walks 10 min, waits 5, 40 min with the client 09:05-09:45, walks 10 min back,
    lunch 12:00-12:45: on an 08:00-17:00 shift, 430 minutes in the office."""
    stop = Stop(
        visit_id=f"{day}/{client_id}",
        client_id=client_id,
        services=("FOOD",),
        arrival=9 * H,
        start=9 * H + 5 * M,
        end=9 * H + 45 * M,
        travel_s=10 * M,
        travel_m=travel_m,
    )
    return Route(
        worker_id=worker_id,
        date=day,
        departure=8 * H + 50 * M,
        stops=(stop,),
        lunch=LunchBreak(start=12 * H, end=12 * H + 45 * M, after=1),
        return_travel_s=10 * M,
        return_travel_m=travel_m,
        return_arrival=9 * H + 55 * M,
    )


def _as_in(frame: pd.DataFrame, figures: dict) -> dict:  # type: ignore[type-arg]
    """The frame's rows by worker id, cut down to the figures ``kpis.json`` has for each worker."""
    rows = frame.set_index("worker_id")
    return {w: {k: rows.loc[w, k] for k in own} for w, own in figures.items()}


def test_kpi_frames_lay_out_the_figures_per_route_worker_department_and_plan() -> None:
    p = problem(
        [client("A", lat=47.515, lon=42.155), client("B", lat=47.515, lon=42.155, department="D2")],
        [worker("W1"), worker("W2"), worker("W9", department="D2")],
        [*every_monday("A", "FOOD"), *every_monday("B", "FOOD")],
    )
    tuesday = MONDAY + dt.timedelta(days=1)
    routes = (_route("W1", "A", MONDAY, 500), _route("W1", "A", tuesday, 500), _route("W9", "B", MONDAY, 1000))
    left = Unassigned(visit_id="x", client_id="A", date=MONDAY, services=("FOOD",), duration_s=2400, reason="r")
    plan = Schedule(routes=routes, unassigned=(left,))
    frames = kpi_frames(plan, p)
    assert set(frames) == {"routes", "workers", "departments", "total", "balance"}

    per_route = frames["routes"]
    assert str(per_route["date"].dtype) == "datetime64[ns]"
    assert per_route[["worker_id", "worker", "department"]].values.tolist() == [
        ["W1", "W1", "D1"],
        ["W1", "W1", "D1"],
        ["W9", "W9", "D2"],
    ]
    assert per_route["date"].tolist() == [pd.Timestamp(MONDAY), pd.Timestamp(tuesday), pd.Timestamp(MONDAY)]
    for (_, row), route in zip(per_route.iterrows(), routes, strict=True):
        assert {k: row[k] for k in route_time_use(route, p).as_dict()} == route_time_use(route, p).as_dict()
    # each route: 40 min with the client, 20 walking, 5 waiting, 45 lunch, 430 office of a 540-minute shift
    assert per_route["service_min"].tolist() == [40, 40, 40]
    assert per_route["travel_km"].tolist() == [1.0, 1.0, 2.0]

    workers = frames["workers"].set_index("worker_id")
    assert workers.loc["W1", "service_min"] == 80 and workers.loc["W1", "visits"] == 2
    assert workers.loc["W9", "travel_km"] == 2.0 and workers.loc["W9", "department"] == "D2"
    assert "W2" not in workers.index  # no route, no time use
    kpis = schedule_kpis(plan, p)
    assert _as_in(frames["workers"], kpis["workers"]) == kpis["workers"]

    departments = frames["departments"].set_index("department")
    assert departments.loc["D1", "office_min"] == 860 and departments.loc["D2", "office_min"] == 430
    assert departments.loc["D1", "shift_min"] == 1080

    total = frames["total"].iloc[0]
    assert total["visits"] == 3 and total["unassigned"] == 1 and total["travel_km"] == 4.0
    assert total.to_dict() == kpis["total"]

    balance = frames["balance"].set_index("worker_id")
    assert balance.loc["W2", "load_h"] == 0 and balance.loc["W2", "worker"] == "W2"
    assert _as_in(frames["balance"], kpis["balance"]["workers"]) == kpis["balance"]["workers"]
    assert len(balance) == len(kpis["balance"]["workers"])


def test_an_empty_plan_has_the_columns_and_no_rows() -> None:
    p = problem([client("A", lat=47.515, lon=42.155)], [worker("W1")], every_monday("A", "FOOD"))
    frames = kpi_frames(Schedule(routes=()), p)
    assert len(frames["routes"]) == 0 and {"date", "worker", "service_min"} <= set(frames["routes"].columns)
    assert frames["total"]["visits"].tolist() == [0] and frames["total"]["unassigned"].tolist() == [0]

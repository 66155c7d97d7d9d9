"""Lean figures of a plan (``outputs.kpi``), worked out by hand on a plan built by hand: where one
worker's day goes, and what a week's balance band says."""

from __future__ import annotations

import datetime as dt

from conftest import client, every_monday, problem, worker
from lean_social.outputs.kpi import route_time_use, schedule_kpis
from lean_social.record import DayPlanRecord, PlanSettings
from lean_social.schedule import LunchBreak, Route, Schedule, Stop

MONDAY = dt.date(2026, 12, 7)
H, M = 3600, 60


def _day() -> Route:
    """Leaves 08:50, walks 10 min, waits 5 for the client, 40 min of groceries 09:05-09:45, lunch 12:00-12:45
    after the visit, walks back 10 min (arrives 09:55, before lunch: lunch is taken at the office)."""
    stop = Stop(
        visit_id="2026-12-07/A",
        client_id="A",
        services=("FOOD",),
        arrival=9 * H,
        start=9 * H + 5 * M,
        end=9 * H + 45 * M,
        travel_s=10 * M,
        travel_m=750,
    )
    return Route(
        worker_id="W1",
        date=MONDAY,
        departure=8 * H + 50 * M,
        stops=(stop,),
        lunch=LunchBreak(start=12 * H, end=12 * H + 45 * M, after=1),
        return_travel_s=10 * M,
        return_travel_m=750,
        return_arrival=9 * H + 55 * M,
    )


def test_a_worker_day_splits_into_service_travel_waiting_lunch_and_office() -> None:
    p = problem([client("A", lat=47.515, lon=42.155)], [worker("W1")], every_monday("A", "FOOD"))
    use = route_time_use(_day(), p)
    # 08:00-17:00 is 540 minutes: 40 with the client, 20 walking, 5 waiting, 45 lunch, 430 in the office.
    assert (use.shift_min, use.service_min, use.travel_min, use.waiting_min, use.break_min) == (540, 40, 20, 5, 45)
    assert use.office_min == 430
    assert use.travel_km == 1.5
    assert use.travel_per_visit_min == 20
    assert round(use.service_share, 4) == round(40 / 540, 4)


def test_kpis_of_a_day_sum_routes_and_count_what_was_left() -> None:
    p = problem([client("A", lat=47.515, lon=42.155)], [worker("W1"), worker("W2")], every_monday("A", "FOOD"))
    record = DayPlanRecord(
        date=MONDAY,
        settings=PlanSettings(time_limit_s=0, reproducible=True, work_per_visit=1, seed=0),
        visits=1,
        departments={},
    )
    kpis = schedule_kpis(Schedule(routes=(_day(),), info=record), p)
    assert kpis["total"] == route_time_use(_day(), p).as_dict() | {"unassigned": 0}
    assert list(kpis["workers"]) == ["W1"]  # type: ignore[call-overload]
    balance = kpis["balance"]["workers"]  # type: ignore[index]
    # W1: 60 minutes of service and walking against 540 - 45 = 495 contracted; W2 worked nothing.
    assert balance["W1"]["share"] == round(60 / 495, 3)
    assert balance["W2"]["share"] == 0 and balance["W2"]["in_band"] is False

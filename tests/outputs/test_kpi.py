"""Lean figures of a plan (``outputs.kpi``), worked out by hand on plans built by hand: where one
worker's day goes, what a week's balance band says, and a new plan against a hand plan."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

from conftest import WORK, client, every_monday, problem, worker
from lean_social.domain.model import Problem
from lean_social.outputs.kpi import FIGURES, compare, lean_figures, route_time_use, schedule_kpis, time_use
from lean_social.planning.day_of_week import plan_day
from lean_social.record import DayPlanRecord, PlanSettings
from lean_social.schedule import LunchBreak, Route, Schedule, Stop, Unassigned

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


def _hhmm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * H + int(minutes) * M


def _route(
    worker_id: str,
    visits: list[tuple[str, str, str, int, int]],
    *,
    back: tuple[int, int],
    wait_before: dict[int, int] | None = None,
) -> Route:
    """A hand-built route: visits as (client, start, end, travel minutes, travel metres), each reached
    ``wait_before[i]`` minutes before its start (0 by default); lunch 12:00-12:45 after the last visit."""
    wait_before = wait_before or {}
    stops = tuple(
        Stop(
            visit_id=f"{MONDAY}/{c}",
            client_id=c,
            services=("FOOD",),
            arrival=_hhmm(start) - wait_before.get(i, 0) * M,
            start=_hhmm(start),
            end=_hhmm(end),
            travel_s=minutes * M,
            travel_m=metres,
        )
        for i, (c, start, end, minutes, metres) in enumerate(visits)
    )
    return Route(
        worker_id=worker_id,
        date=MONDAY,
        departure=stops[0].arrival - stops[0].travel_s,
        stops=stops,
        lunch=LunchBreak(start=12 * H, end=12 * H + 45 * M, after=len(stops)),
        return_travel_s=back[0] * M,
        return_travel_m=back[1],
        return_arrival=stops[-1].end + back[0] * M,
    )


def _two_plans() -> tuple[Problem, Schedule, Schedule]:
    """The hand plan: W1 (on foot, D1) walks 30 min to each of A and B and back, waiting 20 min at B's
    door; W2 (by bike, D2) rides 20 min to C and back; D is left. The new plan: W1 makes A, C and B, 10 min
    apart, and W2 stays at the office."""
    p = problem(
        [client(c, lat=47.515, lon=42.155, department="D2" if c == "C" else "D1") for c in "ABCD"],
        [worker("W1"), worker("W2", mode="bike", department="D2")],
        every_monday("A", "FOOD"),
    )
    baseline = Schedule(
        routes=(
            _route("W1", [("A", "09:00", "09:40", 30, 2000), ("B", "10:30", "11:10", 30, 2000)], back=(30, 2000)),
            _route("W2", [("C", "09:00", "09:40", 20, 1500)], back=(20, 1500)),
        ),
        unassigned=(
            Unassigned(
                visit_id=f"{MONDAY}/D", client_id="D", date=MONDAY, services=("FOOD",), duration_s=40 * M, reason="x"
            ),
        ),
    )
    plan = Schedule(
        routes=(
            _route(
                "W1",
                [("A", "09:00", "09:40", 10, 700), ("C", "09:50", "10:30", 10, 700), ("B", "10:40", "11:20", 10, 700)],
                back=(10, 700),
            ),
        )
    )
    return p, baseline, plan


def test_time_use_parts_add_up_to_the_shift_after_lunch_on_a_hand_built_day() -> None:
    p, baseline, plan = _two_plans()
    report = time_use(plan, p, days=[MONDAY], departments=["D1", "D2"])
    w1, w2 = (d.use for d in report.days)
    # W1: 120 with clients, 40 walking, no waiting, 45 lunch; the rest of 540 is other work: 335.
    assert (w1.service_min, w1.travel_min, w1.waiting_min, w1.break_min, w1.office_min) == (120, 40, 0, 45, 335)
    # W2 has no route: lunch as the worker takes it, and all of the shift after lunch is other work.
    assert (w2.service_min, w2.travel_min, w2.break_min, w2.office_min, w2.days_used) == (0, 0, 45, 495, 0)
    for day in report.days:
        use, person = day.use, p.worker(day.worker_id)
        assert use.service_min + use.travel_min + use.waiting_min + use.office_min == person.minutes_after_lunch(MONDAY)
        assert use.work_min == person.minutes_after_lunch(MONDAY)
    assert report.workers["W1"].visits_per_day == 3 and report.total.visits_per_day == 3
    assert list(report.departments) == ["D1", "D2"] and report.departments["D2"].visits == 0
    assert round(report.total.client_share, 4) == round(120 / 990, 4)
    # The hand plan walks 2 + 2 + 2 km (W1 on foot) and rides 1.5 + 1.5 km (W2 by bike).
    before = time_use(baseline, p, days=[MONDAY]).total
    assert (before.walk_km, before.ride_km, before.travel_km) == (6.0, 3.0, 9.0)
    assert before.waiting_min == 20  # B: left A at 09:40, walked 30 min, waited until 10:30


def test_a_plan_of_one_department_counts_only_its_workers() -> None:
    p, _, plan = _two_plans()
    # The plan routes W1 of D1 only; W2 of D2, idle that day, is another department's business.
    assert [d.worker_id for d in time_use(plan, p, days=[MONDAY]).days] == ["W1"]


def test_time_use_of_a_tiny_planned_day_adds_up(tiny: Problem) -> None:
    schedule = plan_day(tiny, MONDAY, work_per_visit=WORK, reproducible=True)
    report = time_use(schedule, tiny)
    assert report.total.visits == schedule.served > 0
    for day in report.days:
        use, person = day.use, tiny.worker(day.worker_id)
        assert person.lunch is not None and use.break_min == person.lunch.duration_min
        assert use.overtime_min == 0
        parts = use.service_min + use.travel_min + use.waiting_min + use.office_min
        assert round(parts, 6) == person.minutes_after_lunch(MONDAY)
    assert sum(d.use.visits for d in report.days) == schedule.served


def test_comparison_with_a_hand_plan_gives_each_figure_before_after_and_the_ratio() -> None:
    p, baseline, plan = _two_plans()
    table = compare(baseline, plan, p)
    assert [r.figure for r in table.rows] == list(FIGURES)
    by = {r.figure: r for r in table.rows}
    assert (by["visits"].before, by["visits"].after, by["visits"].ratio) == (3, 3, 1)
    assert (by["unassigned"].before, by["unassigned"].after, by["unassigned"].change) == (1, 0, -1)
    # travel per visit: (30 + 30 + 30 + 20 + 20) / 3 before, (10 + 10 + 10 + 10) / 3 after: a ratio of 40 / 130
    assert round(by["travel_per_visit_min"].before, 2) == round(130 / 3, 2)
    assert round(by["travel_per_visit_min"].ratio or 0, 4) == round(40 / 130, 4)
    assert (by["travel_km"].before, round(by["travel_km"].after, 6)) == (9.0, 2.8)
    assert (by["waiting_min"].before, by["waiting_min"].after, by["waiting_min"].ratio) == (20, 0, 0)
    # 120 minutes with clients of 2 x 495 working minutes in both: W2 idle counts in the new plan too.
    assert round(by["client_share"].before, 4) == round(by["client_share"].after, 4) == round(100 * 120 / 990, 4)
    assert (by["worker_days"].before, by["worker_days"].after, by["worker_days"].ratio) == (2, 1, 0.5)
    # load = service + travel over 495: W1 170 and W2 80 before, W1 160 and W2 0 after.
    assert round(by["load_spread"].before, 4) == round(100 * 90 / 495, 4)
    assert round(by["load_spread"].after, 4) == round(100 * 160 / 495, 4)
    assert by["unassigned"].ratio == 0 and compare(plan, baseline, p).row("unassigned").ratio is None


def test_comparison_counts_the_plans_days_alone_against_a_longer_baseline() -> None:
    """A day planned against last week's whole plan: the baseline's Tuesday is not the plan's business,
    so "before" is the baseline's Monday alone, as if the baseline had no Tuesday."""
    p, monday_only, plan = _two_plans()
    tuesday = MONDAY + dt.timedelta(days=1)
    week_long = Schedule(
        routes=(*monday_only.routes, dataclasses.replace(monday_only.routes[0], date=tuesday)),
        unassigned=monday_only.unassigned,
    )
    assert lean_figures(week_long, p)["visits"] == 5  # both days, when asked of the baseline itself
    by_week, by_day = compare(week_long, plan, p), compare(monday_only, plan, p)
    assert [(r.figure, r.before) for r in by_week.rows] == [(r.figure, r.before) for r in by_day.rows]
    assert by_week.row("visits").before == 3 and by_week.row("worker_days").before == 2


def test_comparison_labels_are_russian_by_default_and_english_on_request() -> None:
    p, baseline, plan = _two_plans()
    ru, en = compare(baseline, plan, p), compare(baseline, plan, p, lang="en")
    assert ru.row("worker_days").label == "Рабочих дней с посещениями"
    assert en.row("worker_days").label == "Worker-days used"
    assert ru.header()[0] == "Показатель" and en.header()[0] == "Figure"
    # 130 / 3 = 43.3 minutes before, 40 / 3 = 13.3 after, the ratio 40 / 130 = 0.31; Russian writes commas.
    assert ru.table()[3] == ("Дорога на одно посещение, мин", "43,3", "13,3", "-30,0", "0,31")
    assert en.table()[2] == ("Visits unassigned", "1", "0", "-1", "0.00")
    assert compare(plan, baseline, p, lang="en").table()[2][-2:] == ("+1", "—")
    assert en.to_dict()["rows"][0] == {  # type: ignore[index]
        "figure": "visits",
        "label": "Visits made",
        "before": 3.0,
        "after": 3.0,
        "change": 0.0,
        "ratio": 1.0,
    }


def test_kpis_json_keeps_its_figures_and_gains_time_use_and_the_lean_figures() -> None:
    p, baseline, _ = _two_plans()
    kpis = schedule_kpis(baseline, p)
    assert {"balance", "total", "workers", "routes", "figures", "time_use"} <= set(kpis)
    assert kpis["figures"] == {f: round(v, 2) for f, v in lean_figures(baseline, p).items()}
    time = kpis["time_use"]
    assert time["total"]["walk_km"] == 6.0 and time["total"]["ride_km"] == 3.0  # type: ignore[index]
    assert [d["worker_id"] for d in time["days"]] == ["W1", "W2"]  # type: ignore[index]
    assert set(time["departments"]) == {"D1", "D2"}  # type: ignore[index]
    json.dumps(kpis)  # the output folder writes it as JSON

"""The week planner: frequencies, spacing, fixed days, continuity with substitutes, all re-checked by the
validator's week mode."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SERVICES, WORK, client, problem, worker
from lean_social import Absence, Holiday, Problem, ProgrammeItem, validate
from lean_social.domain.demand import week_demand
from lean_social.planning.week import plan_week
from lean_social.record import WeekPlanRecord, record_to_dict

MONDAY = dt.date(2026, 12, 7)


def owed(p: Problem) -> dict[str, int]:
    return {w.client_id: w.visits_per_week for w in week_demand(p, MONDAY)}


def test_flexible_clients_get_spaced_days_and_one_worker() -> None:
    clients = [client(f"C{i}", lat=47.51 + 0.002 * i, lon=42.15 + 0.001 * i) for i in range(6)]
    programmes = [ProgrammeItem(client_id=c.id, service_code="FOOD", times=2 + i % 2) for i, c in enumerate(clients)]
    p = problem(clients, [worker("W1"), worker("W2", lat=47.52)], programmes)
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p, week_start=MONDAY) == []
    visits: dict[str, list[tuple[dt.date, str]]] = {}
    for route, stop in schedule.stops:
        visits.setdefault(stop.client_id, []).append((route.date, route.worker_id))
    assert schedule.unassigned == ()
    for c in clients:
        days = sorted(d.weekday() for d, _ in visits[c.id])
        assert len(days) == owed(p)[c.id]
        assert days in ([0, 3], [0, 4], [1, 4], [0, 2, 4])  # the evenest spacings come first
        assert len({w for _, w in visits[c.id]}) == 1


def test_absent_worker_gets_one_substitute_for_the_whole_absence() -> None:
    clients = [client("A", lat=47.515, lon=42.155, worker_id="W1")]
    programmes = [ProgrammeItem(client_id="A", service_code="FOOD", times=3, days=(0, 2, 4))]
    away = Absence(
        worker_id="W1", start=MONDAY + dt.timedelta(days=2), end=MONDAY + dt.timedelta(days=6), reason="sick"
    )
    p = problem(clients, [worker("W1"), worker("W2"), worker("W3", lat=47.6)], programmes, absences=(away,))
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p, week_start=MONDAY) == []
    by_day = {route.date.weekday(): route.worker_id for route, _ in schedule.stops}
    assert by_day[0] == "W1"
    assert by_day[2] == by_day[4] == "W2"  # the nearer substitute, both days


def test_visits_beyond_the_open_days_are_explained() -> None:
    """Six a week and five weekdays at home: five visits are made, the sixth is listed with the reason."""
    p = problem(
        [client("A", lat=47.515, lon=42.155)],
        [worker("W1")],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=6)],
    )
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert sorted(r.date.weekday() for r, _ in schedule.stops) == [0, 1, 2, 3, 4]
    assert [u.reason for u in schedule.unassigned] == ["only 5 of the 6 visits fit the client's days at home this week"]
    assert validate(schedule, p, week_start=MONDAY) == []


def test_holiday_week_still_gives_a_three_a_week_client_spaced_visits() -> None:
    """Wednesday a holiday: no three of Mon, Tue, Thu, Fri are two days apart. The client gets the two
    spaced visits that fit (Mon/Thu) and the third is listed unassigned with the reason."""
    p = problem(
        [client("A", lat=47.515, lon=42.155)],
        [worker("W1")],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=3)],
        holidays=(Holiday(date=MONDAY + dt.timedelta(days=2), name="hol"),),
    )
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p, week_start=MONDAY) == []
    assert sorted(r.date.weekday() for r, _ in schedule.stops) == [0, 3]
    (left,) = schedule.unassigned
    assert left.reason.startswith("only 2 of the 3 visits fit") and "holiday" in left.reason


def test_demo_department_week_keeps_every_rule(demo: Problem) -> None:
    schedule = plan_week(demo, MONDAY, work_per_visit=WORK, departments=["D1"])
    assert validate(schedule, demo, week_start=MONDAY, departments=["D1"]) == []
    served = sum(len(r.stops) for r in schedule.routes)
    assert served + len(schedule.unassigned) == sum(
        w.visits_per_week for w in week_demand(demo, MONDAY) if w.department == "D1"
    )
    assert served >= 0.97 * (served + len(schedule.unassigned))


@st.composite
def week_problems(draw: st.DrawFn) -> Problem:
    workers = [
        worker(
            f"W{k}",
            lat=47.51 + 0.01 * k,
            lunch=None if draw(st.booleans()) else "12:00-14:00",
            skills=("nurse",) if draw(st.booleans()) else (),
            max_visits=draw(st.sampled_from([None, 3])),
        )
        for k in range(draw(st.integers(1, 3)))
    ]
    absences = []
    if draw(st.booleans()):
        first = draw(st.integers(0, 4))
        absences.append(
            Absence(
                worker_id="W0",
                start=MONDAY + dt.timedelta(days=first),
                end=MONDAY + dt.timedelta(days=draw(st.integers(first, 6))),
            )
        )
    clients, programmes = [], []
    for i in range(draw(st.integers(1, 6))):
        hours = draw(st.sampled_from(["09:00-18:00", "09:00-12:00", "14:00-18:00"]))
        assigned = draw(st.one_of(st.none(), st.sampled_from([w.id for w in workers])))
        clients.append(
            client(
                f"C{i}",
                lat=47.51 + draw(st.floats(0, 0.02)),
                lon=42.15 + draw(st.floats(0, 0.03)),
                available=hours,
                worker_id=assigned,
            )
        )
        times = draw(st.integers(1, 3))
        fixed = draw(st.booleans())
        days = tuple(sorted(draw(st.lists(st.integers(0, 4), min_size=times, max_size=times, unique=True))))
        days = days if fixed else ()
        codes = draw(st.lists(st.sampled_from([s.code for s in SERVICES]), min_size=1, max_size=2, unique=True))
        for k, code in enumerate(codes):
            programmes.append(
                ProgrammeItem(
                    client_id=f"C{i}",
                    service_code=code,
                    times=times if k == 0 else 1,
                    days=days if k == 0 else (days[:1] if days else ()),
                )
            )
    return problem(clients, workers, programmes, absences=tuple(absences))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(week_problems())
def test_every_week_plan_passes_the_validator(p: Problem) -> None:
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    violations = validate(schedule, p, week_start=MONDAY)
    assert violations == [], "\n".join(map(str, violations))
    assert all(u.reason for u in schedule.unassigned)


def test_capacity_shortfall_is_stated_in_hours_and_visits_left_over() -> None:
    """One worker: shift 9 h - 45 min lunch - 36 min other work = 7.65 h a day, 38.25 h a week. Fourteen
    clients want groceries 3 times and dishes twice a week: 42 visits x (40 + 15 min walk) + 28 x 10 min =
    2590 min = 43.17 h asked: 4.92 h short."""
    from lean_social.domain.capacity import week_capacity

    clients = [client(f"C{i:02}", lat=47.51 + 0.001 * i, lon=42.15) for i in range(14)]
    programmes = [
        ProgrammeItem(client_id=c.id, service_code=code, times=t)
        for c in clients
        for code, t in (("FOOD", 3), ("DISH", 2))
    ]
    p = problem(clients, [worker("W1")], programmes)
    (cap,) = week_capacity(p, MONDAY)
    assert (cap.visits, round(cap.demand_h, 2), round(cap.available_h, 2)) == (42, 43.17, 38.25)
    assert round(cap.shortfall_h, 2) == 4.92
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p, week_start=MONDAY) == []
    assert isinstance(schedule.info, WeekPlanRecord)
    assert schedule.info.capacity[0].shortfall_h == 4.9
    assert len(schedule.unassigned) >= 4  # 4.92 h of visits of about an hour each stay unserved
    assert all("no room left" in u.reason or "maximum" in u.reason for u in schedule.unassigned)


def test_capacity_counts_the_same_visits_in_visits_and_hours() -> None:
    """Fixed Mon/Wed/Fri with Monday a holiday: the Monday visit cannot be made, so neither the count nor
    the hours hold it: 2 visits x (40 min + 15 min walk) = 110 min. Four working days of 9 h - 45 min -
    36 min = 459 min: 1836 min = 30.6 h."""
    from lean_social.domain.capacity import week_capacity

    p = problem(
        [client("A", lat=47.515, lon=42.155)],
        [worker("W1")],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=3, days=(0, 2, 4))],
        holidays=(Holiday(date=MONDAY, name="hol"),),
    )
    (cap,) = week_capacity(p, MONDAY)
    assert (cap.visits, round(cap.demand_h * 60), round(cap.available_h, 2)) == (2, 110, 30.6)


def test_last_weeks_days_and_worker_are_kept(tmp_path: Path) -> None:
    """Mon/Thu and Mon/Fri are equally even; W1 and W2 equally near: last week's plan (Mon/Fri, W2) decides."""
    from lean_social.io.previous import read_previous_plan

    p = problem(
        [client("A", lat=47.515, lon=42.155)],
        [worker("W1"), worker("W2")],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=2)],
    )
    csv_path = tmp_path / "previous_plan.csv"
    csv_path.write_text(
        "date,worker_id,seq,client_id,services\n2026-11-30,W2,1,A,FOOD\n2026-11-30,W2,2,,lunch\n"
        "2026-12-04,W2,1,A,FOOD\n",
        encoding="utf-8",
    )
    previous = read_previous_plan(csv_path)
    assert previous == {"A": ("W2", (0, 4))}
    schedule = plan_week(p, MONDAY, work_per_visit=WORK, previous=previous)
    assert validate(schedule, p, week_start=MONDAY) == []
    assert sorted((r.date.weekday(), r.worker_id) for r, _ in schedule.stops) == [(0, "W2"), (4, "W2")]


def test_previous_plan_errors_name_row_and_column(tmp_path: Path) -> None:
    import pytest

    from lean_social import InvalidInputError
    from lean_social.io.previous import read_previous_plan

    path = tmp_path / "previous_plan.csv"
    path.write_text("date,worker_id,client_id\n07.12.2026,W1,A\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"previous_plan.csv, row 2, column 'date'"):
        read_previous_plan(path)


def test_previous_plan_tie_goes_to_the_worker_not_a_substitute(tmp_path: Path) -> None:
    """A 2-a-week client whose worker W1 was away on Thursday: W1 on Monday, substitute W2 on Thursday.
    One visit each; the tie must not make the substitute next week's worker (W2 sorts after W1)."""
    from lean_social.io.previous import read_previous_plan
    from lean_social.io.writers import write_csv
    from lean_social.schedule import SCHEDULE_COLUMNS

    thursday = MONDAY + dt.timedelta(days=3)
    p = problem(
        [client("A", lat=47.515, lon=42.155, worker_id="W1")],
        [worker("W1", lat=47.515, lon=42.155), worker("W2", lat=47.52)],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=2, days=(0, 3))],
        absences=(Absence(worker_id="W1", start=thursday, end=thursday),),
    )
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p, week_start=MONDAY) == []
    assert sorted((r.date.weekday(), r.worker_id) for r, _ in schedule.stops) == [(0, "W1"), (3, "W2")]
    path = write_csv(tmp_path / "previous_plan.csv", schedule.rows(), SCHEDULE_COLUMNS)
    assert read_previous_plan(path) == {"A": ("W1", (0, 3))}


def test_balance_band_in_kpis() -> None:
    """One 40-minute visit on Monday, walked to and from: load = 40 + 2 x walk minutes, against five
    contracted days of 9 h - 45 min = 495 min."""
    from lean_social import GeodesicTravel, Location
    from lean_social.domain.capacity import LOAD_BAND
    from lean_social.outputs.kpi import schedule_kpis

    p = problem(
        [client("A", lat=47.520, lon=42.160)],
        [worker("W1")],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=1, days=(0,))],
    )
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    walk = (
        GeodesicTravel()
        .matrices([Location(lat=47.514, lon=42.153), Location(lat=47.520, lon=42.160)], "foot")
        .duration_s[0, 1]
        / 60
    )
    (entry,) = schedule_kpis(schedule, p)["balance"]["workers"].values()  # type: ignore[index]
    assert entry["contracted_h"] == round(5 * 495 / 60, 2)
    assert entry["share"] == round((40 + 2 * walk) / (5 * 495), 3)
    assert entry["in_band"] is False and entry["share"] < LOAD_BAND[0]
    assert entry["day_spread_min"] == round(40 + 2 * walk, 1)


def test_visits_beyond_the_days_at_home_are_listed_not_lost() -> None:
    """Groceries 3 a week (flexible) and blood pressure fixed on Monday, client at home Mon and Tue only."""
    import dataclasses

    from lean_social import WeeklyPattern

    home = client("A", lat=47.515, lon=42.155)
    home = dataclasses.replace(
        home, available=WeeklyPattern.from_mapping({0: home.available.on(0), 1: home.available.on(1)})
    )
    p = problem(
        [home],
        [worker("W1", skills=("nurse",))],
        [
            ProgrammeItem(client_id="A", service_code="FOOD", times=3),
            ProgrammeItem(client_id="A", service_code="BP", times=1, days=(0,)),
        ],
    )
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p, week_start=MONDAY) == []
    assert sum(len(r.stops) for r in schedule.routes) == 2
    assert [u.reason for u in schedule.unassigned] == ["not enough days at home this week for every visit"]


def test_department_without_workers_is_explained_and_json_stays_valid(tmp_path: Path) -> None:
    import json

    from lean_social.io.writers import write_json

    p = problem(
        [client("A", lat=47.515, lon=42.155, department="D2")],
        [worker("W1")],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=1)],
    )
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert {u.reason for u in schedule.unassigned} == {"no worker of department D2 can take the client"}
    write_json(tmp_path / "run.json", record_to_dict(schedule.info))  # no Infinity for a department without hours
    assert json.loads((tmp_path / "run.json").read_text())["capacity"][1]["utilisation"] is None

"""A client away on dates (client_absences.csv): no visit on those dates, in a day, a week or a re-plan,
and the validator refuses a plan that visits them there."""

from __future__ import annotations

import dataclasses
import datetime as dt

from conftest import DATA, WORK, client, problem, worker
from lean_social import ClientAbsence, Problem, ProgrammeItem, plan_day, read_folder, validate
from lean_social.planning.week import plan_week
from lean_social.replanning.replan import replan_week

MONDAY = dt.date(2026, 12, 7)
WEDNESDAY = MONDAY + dt.timedelta(days=2)


def test_day_plan_lists_a_client_in_hospital_with_the_reason() -> None:
    tiny = read_folder(DATA / "tiny")
    wednesday = dt.date(2026, 12, 16)  # C3 (mon+wed+fri) is in hospital 14-18 December
    schedule = plan_day(tiny, wednesday, work_per_visit=WORK)
    assert validate(schedule, tiny, days=[wednesday]) == []
    assert all(s.client_id != "C3" for _, s in schedule.stops)
    (listed,) = [u for u in schedule.unassigned if u.client_id == "C3"]
    assert "away" in listed.reason and "в больнице" in listed.reason


def test_validator_refuses_a_visit_to_a_client_who_is_away() -> None:
    tiny = read_folder(DATA / "tiny")
    wednesday = dt.date(2026, 12, 16)
    home = dataclasses.replace(tiny, client_absences=())
    schedule = plan_day(home, wednesday, work_per_visit=WORK)
    assert any(s.client_id == "C3" for _, s in schedule.stops)
    found = [v for v in validate(schedule, tiny, days=[wednesday]) if v.client_id == "C3"]
    assert [v.rule for v in found] == ["window"] and "away 2026-12-14..2026-12-18" in found[0].message


def _week() -> Problem:
    clients = [
        client("F", lat=47.512, lon=42.150),  # twice a week, any days
        client("X", lat=47.516, lon=42.156),  # fixed Monday and Thursday
    ]
    programmes = [
        ProgrammeItem(client_id="F", service_code="FOOD", times=2),
        ProgrammeItem(client_id="X", service_code="FOOD", times=2, days=(0, 3)),
    ]
    away = (
        ClientAbsence(client_id="F", start=MONDAY, end=MONDAY + dt.timedelta(days=1), reason="в больнице"),
        ClientAbsence(client_id="X", start=MONDAY, end=MONDAY, reason="у дочери"),
    )
    return problem(clients, [worker("W1")], programmes, client_absences=away)


def test_week_moves_flexible_visits_and_closes_fixed_days_of_an_absence() -> None:
    p = _week()
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p, week_start=MONDAY) == []
    days = {c: sorted(r.date.weekday() for r, s in schedule.stops if s.client_id == c) for c in ("F", "X")}
    assert days["F"] == [2, 4]  # Wednesday and Friday: home again, two days apart
    assert days["X"] == [3]
    (closed,) = schedule.unassigned
    assert closed.client_id == "X" and closed.date == MONDAY and "у дочери" in closed.reason


def test_replan_cancels_the_visits_of_a_client_taken_to_hospital() -> None:
    home = dataclasses.replace(_week(), client_absences=())
    published = plan_week(home, MONDAY, work_per_visit=WORK)
    x_days = sorted(r.date for r, s in published.stops if s.client_id == "X")
    assert x_days == [MONDAY, MONDAY + dt.timedelta(days=3)]
    hospital = ClientAbsence(client_id="X", start=WEDNESDAY, end=WEDNESDAY + dt.timedelta(days=10), reason="в больнице")
    p = dataclasses.replace(home, client_absences=(hospital,))
    new, changes = replan_week(p, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    assert validate(new, p, week_start=MONDAY) == []
    assert sorted(r.date for r, s in new.stops if s.client_id == "X") == [MONDAY]
    (change,) = [c for c in changes if c.client_id == "X"]
    assert change.kind == "cancelled" and change.old_date == MONDAY + dt.timedelta(days=3)
    assert "в больнице" in change.reason

"""A client moved to another worker for good (``reassign``, or a new ``worker_id`` in clients.csv) is
reported by re-planning as the client's new worker, not as a substitute standing in for the old one."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from conftest import WORK, client, problem, worker
from lean_social import Absence, Problem, ProgrammeItem, Schedule, reassign, validate
from lean_social.planning.week import plan_week
from lean_social.replanning.replan import replan_week

MONDAY = dt.date(2026, 12, 7)
WEDNESDAY = MONDAY + dt.timedelta(days=2)
FRIDAY = MONDAY + dt.timedelta(days=4)


@pytest.fixture(scope="module")
def week() -> tuple[Problem, Schedule]:
    """A0, A1 are W1's clients, B0 is W2's; W3 has no clients yet. Each is visited Mon/Wed/Fri."""
    clients = [
        client("A0", lat=47.510, lon=42.150, worker_id="W1"),
        client("A1", lat=47.512, lon=42.150, worker_id="W1"),
        client("B0", lat=47.520, lon=42.160, worker_id="W2"),
    ]
    programmes = [ProgrammeItem(client_id=c.id, service_code="FOOD", times=3, days=(0, 2, 4)) for c in clients]
    p = problem(clients, [worker("W1"), worker("W2", lat=47.52), worker("W3", lat=47.511)], programmes)
    return p, plan_week(p, MONDAY, work_per_visit=WORK)


def only_the_past_differs(new: Schedule, changed: Problem, client_id: str) -> None:
    """The re-planned week keeps every rule: Monday, before the re-planned days, was made by the client's
    old worker, as published; continuity is judged from the re-planned days on, where the new worker
    makes every visit. Judged as a fresh week (no re-plan record), the two workers would break it."""
    assert validate(new, changed, week_start=MONDAY) == []
    fresh = dataclasses.replace(new, info=None)
    found = validate(fresh, changed, week_start=MONDAY)
    assert [(v.rule, v.client_id) for v in found] == [("continuity", client_id)], found


def kinds(changes: list) -> set[tuple[str, str, dt.date | None, str | None, str | None]]:  # type: ignore[type-arg]
    return {(c.client_id, c.kind, c.new_date, c.old_worker, c.new_worker) for c in changes}


def test_a_reassigned_client_is_reported_as_a_new_worker(week: tuple[Problem, Schedule]) -> None:
    p, published = week
    moved = reassign(p, "A0", "W3")
    new, changes = replan_week(moved, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    only_the_past_differs(new, moved, "A0")
    assert kinds(changes) == {("A0", "new-worker", WEDNESDAY, "W1", "W3"), ("A0", "new-worker", FRIDAY, "W1", "W3")}
    assert {c.reason for c in changes} == {"the client's worker is now W3 (was W1)"}
    made = [(r.date, s.substitute_for) for r, s in new.stops if s.client_id == "A0" and r.date >= WEDNESDAY]
    assert made == [(WEDNESDAY, None), (FRIDAY, None)]  # W3 is A0's own worker now, not standing in


def test_a_move_and_an_absence_are_told_apart(week: tuple[Problem, Schedule]) -> None:
    """W1 is away from Wednesday and A0 moves to W3: A0's visits are its new worker's, A1's a substitute's."""
    p, published = week
    changed = dataclasses.replace(
        reassign(p, "A0", "W3"), absences=(Absence(worker_id="W1", start=WEDNESDAY, end=FRIDAY),)
    )
    new, changes = replan_week(changed, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    only_the_past_differs(new, changed, "A0")
    assert {(c.client_id, c.kind) for c in changes} == {("A0", "new-worker"), ("A1", "substitute")}
    stand_ins = {(s.client_id, s.substitute_for) for r, s in new.stops if r.date >= WEDNESDAY and s.substitute_for}
    assert stand_ins == {("A1", "W1")}


def test_moving_a_client_to_the_worker_who_stood_in_reports_the_rest_of_the_week() -> None:
    """W1 was away on Wednesday and W2 stood in; the client now moves to W2: Wednesday is already W2's
    (no change), Friday's visit goes from W1 to W2 as a new worker."""
    p = problem(
        [client("A", lat=47.515, lon=42.155, worker_id="W1")],
        [worker("W1"), worker("W2", lat=47.516)],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=3, days=(0, 2, 4))],
        absences=(Absence(worker_id="W1", start=WEDNESDAY, end=WEDNESDAY),),
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    assert [(r.date, r.worker_id, s.substitute_for) for r, s in published.stops] == [
        (MONDAY, "W1", None),
        (WEDNESDAY, "W2", "W1"),
        (FRIDAY, "W1", None),
    ]
    moved = reassign(p, "A", "W2")
    new, changes = replan_week(moved, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    only_the_past_differs(new, moved, "A")
    assert kinds(changes) == {("A", "new-worker", FRIDAY, "W1", "W2")}


def test_the_own_worker_back_from_an_absence_is_no_new_worker() -> None:
    """The published plan sent W2 in W1's place from Wednesday; W1 is back after all: W1 is still the
    client's own worker, so the visits going back to W1 are not a permanent move."""
    absent = (Absence(worker_id="W1", start=WEDNESDAY, end=FRIDAY),)
    p = problem(
        [client("A", lat=47.515, lon=42.155, worker_id="W1")],
        [worker("W1"), worker("W2", lat=47.516)],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=3, days=(0, 2, 4))],
        absences=absent,
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    back = dataclasses.replace(p, absences=())
    new, changes = replan_week(back, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    assert validate(new, back, week_start=MONDAY) == []
    assert {(c.kind, c.new_worker) for c in changes} == {("substitute", "W1")}

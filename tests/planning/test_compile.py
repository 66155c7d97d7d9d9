"""Compiling a department-day into a routing instance (``planning.compile``): which visits go in, which
are sorted out first with the reason a planner reads, and what each worker-day may do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from conftest import client, problem, worker
from lean_social import Absence, Client, ProgrammeItem, Worker
from lean_social.domain.demand import make_visit
from lean_social.planning.compile import DROP_PENALTY, DayInstance, compile_day
from lean_social.travel import GeodesicTravel

MONDAY = dt.date(2026, 12, 7)


def _compile(
    clients: Sequence[Client],
    workers: Sequence[Worker],
    on_duty: set[str],
    services: tuple[str, ...] = ("FOOD",),
    absences: Sequence[Absence] = (),
) -> DayInstance:
    """The Monday of ``clients`` (groceries each) among those of ``workers`` in ``on_duty``."""
    items = [ProgrammeItem(client_id=c.id, service_code="FOOD", times=1) for c in clients]
    p = problem(clients, workers, items, absences=tuple(absences))
    visits = [make_visit(p, c.id, MONDAY, services, worker_id=c.worker_id) for c in clients]
    return compile_day(p, MONDAY, visits, [w for w in workers if w.id in on_duty], GeodesicTravel())


def test_a_visit_that_fits_goes_in_with_its_window_and_any_worker() -> None:
    day = _compile([client("A", lat=47.515, lon=42.155)], [worker("W1"), worker("W2")], {"W1", "W2"})
    assert [v.client_id for v in day.visits] == ["A"] and day.rejected == ()
    (job,) = day.instance.jobs
    assert job.service == 40 * 60 and job.penalty == DROP_PENALTY
    # 09:00-18:00 at home, 40 minutes of groceries: the visit starts by 17:20.
    assert job.windows == ((9 * 3600, 17 * 3600 + 20 * 60),)
    assert job.allowed is None  # either worker may go
    lunch = day.instance.vehicles[0].breaks[0]
    assert (lunch.earliest, lunch.duration) == (12 * 3600, 45 * 60)


def test_the_assigned_worker_is_the_only_one_allowed() -> None:
    day = _compile([client("A", lat=47.515, lon=42.155, worker_id="W2")], [worker("W1"), worker("W2")], {"W1", "W2"})
    assert day.instance.jobs[0].allowed == frozenset({1})


def test_visits_no_worker_can_make_are_sorted_out_with_the_reason() -> None:
    absent = Absence(worker_id="W2", start=MONDAY, end=MONDAY, reason="sick")
    clients = [
        client("LONG", lat=47.515, lon=42.155, available="09:00-09:30"),  # 40 min in half an hour
        client("AWAY", lat=47.515, lon=42.155, worker_id="W2"),  # its worker is off sick
    ]
    day = _compile(clients, [worker("W1"), worker("W2")], {"W1"}, absences=[absent])
    reasons = {visit.client_id: reason for visit, reason in day.rejected}
    assert reasons["LONG"] == "the visit (40 min) is longer than every window the client is at home"
    assert reasons["AWAY"].startswith("assigned worker W2 is absent (sick)")
    assert day.instance.jobs == ()


def test_a_skill_nobody_on_duty_has_is_named() -> None:
    day = _compile([client("A", lat=47.515, lon=42.155)], [worker("W1")], {"W1"}, services=("BP",))
    ((_, reason),) = day.rejected
    assert reason == "no worker on duty in department D1 has skill nurse"

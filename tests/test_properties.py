"""Property: on any small random problem, every plan passes the independent validator, and every visit
due is either served once or listed with a reason."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import SERVICES, WORK
from lean_social import (
    Client,
    Location,
    Lunch,
    Problem,
    ProgrammeItem,
    TimeWindow,
    WeeklyPattern,
    Worker,
    plan_day,
    validate,
)
from lean_social.domain.demand import visits_for_day
from lean_social.domain.model import TRAVEL_MODES

MONDAY = dt.date(2026, 12, 7)
H = 3600


@st.composite
def windows(draw: st.DrawFn, *, earliest: int = 7, latest: int = 20) -> tuple[TimeWindow, ...]:
    count = draw(st.integers(1, 2))
    hours = sorted(draw(st.lists(st.integers(earliest, latest), min_size=2 * count, max_size=2 * count, unique=True)))
    return tuple(TimeWindow(start=hours[2 * i] * H, end=hours[2 * i + 1] * H) for i in range(count))


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_workers = draw(st.integers(1, 3))
    workers = []
    for k in range(n_workers):
        start = draw(st.integers(7, 10))
        end = draw(st.integers(start + 4, 19))
        lunch = None
        if draw(st.booleans()):
            lunch_start = draw(st.integers(start, end - 1))
            lunch = Lunch(
                window=TimeWindow(start=lunch_start * H, end=(lunch_start + 1) * H),
                duration_min=draw(st.sampled_from([20, 30, 45])),
            )
        workers.append(
            Worker(
                id=f"W{k}",
                name="w",
                department="D1",
                start=Location(lat=47.51 + draw(st.floats(0, 0.03)), lon=42.15 + draw(st.floats(0, 0.05))),
                shift=WeeklyPattern.every_weekday(TimeWindow(start=start * H, end=end * H)),
                lunch=lunch,
                skills=frozenset({"nurse"}) if draw(st.booleans()) else frozenset(),
                mode=draw(st.sampled_from(TRAVEL_MODES)),
                max_visits_per_day=draw(st.one_of(st.none(), st.integers(1, 4))),
            )
        )
    n_clients = draw(st.integers(1, 8))
    clients, programmes = [], []
    for i in range(n_clients):
        assigned = draw(st.one_of(st.none(), st.sampled_from([w.id for w in workers])))
        clients.append(
            Client(
                id=f"C{i}",
                name="c",
                address="a",
                department="D1",
                worker_id=assigned,
                location=Location(lat=47.51 + draw(st.floats(0, 0.03)), lon=42.15 + draw(st.floats(0, 0.05))),
                available=WeeklyPattern.from_mapping({0: draw(windows())}),
            )
        )
        codes = draw(st.lists(st.sampled_from([s.code for s in SERVICES]), min_size=1, max_size=3, unique=True))
        programmes += [ProgrammeItem(client_id=f"C{i}", service_code=c, times=1, days=(0,)) for c in codes]
    return Problem(services=SERVICES, clients=tuple(clients), workers=tuple(workers), programmes=tuple(programmes))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 3))
def test_every_plan_passes_the_validator(p: Problem, seed: int) -> None:
    schedule = plan_day(p, MONDAY, work_per_visit=WORK, seed=seed)
    violations = validate(schedule, p)
    assert violations == [], "\n".join(map(str, violations))
    due = {v.client_id for v in visits_for_day(p, MONDAY)}
    served = [s.client_id for _, s in schedule.stops]
    listed = [u.client_id for u in schedule.unassigned]
    assert sorted(served + listed) == sorted(due)
    assert all(u.reason for u in schedule.unassigned)
    for route in schedule.routes:  # stops never overlap and keep their order in time
        ends = [route.departure] + [s.end for s in route.stops]
        assert all(s.start >= e for s, e in zip(route.stops, ends, strict=False))

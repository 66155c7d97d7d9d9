"""Who makes a re-planned visit (``replanning.staffing.Staffing``): who is on duty, why not, and the one
substitute a client gets for the week: with the skills, with room, kept across days, and shared by room
when an absent worker's clients are many."""

from __future__ import annotations

import datetime as dt

from conftest import client, problem, worker
from lean_social import Absence, Problem
from lean_social.domain import reasons
from lean_social.domain.calendar import workers_on_duty
from lean_social.replanning.published import Entry
from lean_social.replanning.staffing import Staffing

MONDAY = dt.date(2026, 12, 7)
TUESDAY, WEDNESDAY, THURSDAY = (MONDAY + dt.timedelta(days=d) for d in (1, 2, 3))
SATURDAY = MONDAY + dt.timedelta(days=5)
WEEK = [MONDAY + dt.timedelta(days=d) for d in range(7)]

#: Where the clients live; about 0.009 degrees of latitude make a kilometre.
LAT, LON = 47.514, 42.153
KM = 0.009
#: A worker's day 08:00-17:00 less a 45-minute lunch; a FOOD visit is 40 minutes and a 15-minute walk.
DAY_MIN = 495.0
FOOD_MIN = 55.0

W1_SICK = Absence(worker_id="W1", start=WEDNESDAY, end=WEDNESDAY + dt.timedelta(days=2), reason="sick")
W1_AWAY = "W1 is absent (sick) 2026-12-09..2026-12-11"


def department(*others_km: tuple[str, float, tuple[str, ...]], absences: tuple[Absence, ...] = ()) -> Problem:
    """Client C of worker W1 (who lives where C does), and the colleagues ``(id, km from C, skills)``;
    W5, a nurse of another department, never stands in."""
    workers = [worker("W1", lat=LAT, lon=LON)]
    workers += [worker(w, lat=LAT + km * KM, lon=LON, skills=skills) for w, km, skills in others_km]
    workers.append(worker("W5", lat=LAT, lon=LON, skills=("nurse",), department="D2"))
    clients = [client(c, lat=LAT, lon=LON, worker_id="W1") for c in ("C", "C2", "C3", "C4")]
    return problem(clients, workers, [], absences=(W1_SICK, *absences))


def staffing(p: Problem) -> Staffing:
    """Re-planning's staffing before any visit is placed: nobody has a substitute yet."""
    duty = {d: workers_on_duty(p, d) for d in WEEK}
    return Staffing(p, duty, {c.id: c.worker_id for c in p.clients if c.worker_id}, {})


def load(staff: Staffing, worker_id: str, day: dt.date, visits: int) -> None:
    """Published FOOD visits the worker already has that day."""
    for _ in range(visits):
        staff.add(worker_id, day, ("FOOD",))


def test_on_duty_is_a_shift_that_day_and_no_absence() -> None:
    staff = staffing(department(("W2", 1.0, ())))
    assert staff.on_duty("W1", TUESDAY)
    assert not staff.on_duty("W1", WEDNESDAY)  # absent
    assert staff.on_duty("W2", WEDNESDAY)
    assert not staff.on_duty("W2", SATURDAY)  # no shift on Saturdays
    assert not staff.on_duty("W9", TUESDAY)  # not in the data


def test_why_not_says_why_a_worker_cannot_come() -> None:
    staff = staffing(department(("W2", 1.0, ())))
    assert staff.why_not("W2", WEDNESDAY) is None
    assert staff.why_not("W1", WEDNESDAY) == W1_AWAY
    assert staff.why_not("W2", SATURDAY) == "W2 has no shift on sat"
    assert staff.why_not("W9", WEDNESDAY) == reasons.worker_gone("W9") == "W9 is no longer among the workers"


def test_the_own_worker_on_duty_makes_the_visit_whoever_was_published() -> None:
    staff = staffing(department(("W2", 0.0, ())))
    assert staff.who("C", TUESDAY, "W2", ("FOOD",)) == "W1"
    assert staff.substitute == {}  # nobody stood in


def test_the_substitute_has_the_skill_and_room() -> None:
    # W2 lives next door but is no nurse; W3 and W4 are nurses two kilometres off, W3's Wednesday is full.
    p = department(("W2", 0.0, ()), ("W3", 2.0, ("nurse",)), ("W4", 2.0, ("nurse",)))
    staff = staffing(p)
    load(staff, "W3", WEDNESDAY, 9)
    assert staff.minutes["W3", WEDNESDAY] == 9 * FOOD_MIN == DAY_MIN
    assert staff.who("C", WEDNESDAY, "W1", ("BP",), choose=False) == "W4"
    assert staff.substitute == {}  # only asked
    assert staff.who("C", WEDNESDAY, "W1", ("BP",)) == "W4"
    assert staff.substitute == {"C": "W4"}
    assert staff.visits["W4", WEDNESDAY] == 1
    # without the nurse's skill, the neighbour would have done it
    assert staff.who("C2", WEDNESDAY, "W1", ("FOOD",), choose=False) == "W2"


def test_a_client_keeps_one_substitute_for_the_whole_absence() -> None:
    # On Wednesday W2 (nearer) is chosen. On Thursday W2 is full: chosen afresh, W3 would go,
    # but the client keeps the face it met on Wednesday.
    p = department(("W2", 0.0, ()), ("W3", 2.0, ()))
    staff = staffing(p)
    assert staff.who("C", WEDNESDAY, "W1", ("FOOD",)) == "W2"
    load(staff, "W2", THURSDAY, 8)
    fresh = staffing(p)
    load(fresh, "W2", THURSDAY, 8)
    assert fresh.who("C", THURSDAY, "W1", ("FOOD",)) == "W3"
    assert staff.who("C", THURSDAY, "W1", ("FOOD",)) == "W2"
    assert staff.visits["W2", WEDNESDAY] == 1 and staff.visits["W2", THURSDAY] == 9


def test_an_absent_workers_clients_are_shared_by_room() -> None:
    # W2 lives by the clients and has room for two more visits on Wednesday; W3, empty, lives 15 km
    # away. The nearest alone would send all four to W2; fullness alone would send the first to W3.
    p = department(("W2", 0.0, ()), ("W3", 15.0, ()))
    staff = staffing(p)
    load(staff, "W2", WEDNESDAY, 7)
    chosen = [staff.who(c, WEDNESDAY, "W1", ("FOOD",)) for c in ("C", "C2", "C3", "C4")]
    assert chosen == ["W2", "W2", "W3", "W3"]
    assert staff.minutes["W2", WEDNESDAY] == DAY_MIN  # full, not over
    assert staff.substitute == {"C": "W2", "C2": "W2", "C3": "W3", "C4": "W3"}


def test_the_published_substitute_stays_when_the_absence_grows() -> None:
    # The published plan sent W3 to C on Tuesday for W1; from Wednesday W1 is away again: W3 goes,
    # though W2 is nearer and as free.
    p = department(("W2", 0.0, ()), ("W3", 2.0, ()))
    entries = {
        "C": [
            Entry(date=MONDAY, services=("FOOD",), worker_id="W1"),
            Entry(date=TUESDAY, services=("FOOD",), worker_id="W3", substitute_for="W1"),
        ]
    }
    staff = Staffing.from_published(p, {d: workers_on_duty(p, d) for d in WEEK}, entries)
    assert staff.own == {"C": "W1"} and staff.substitute == {"C": "W3"}
    assert staff.minutes["W3", TUESDAY] == FOOD_MIN
    assert staff.who("C", WEDNESDAY, "W1", ("FOOD",)) == "W3"
    assert staffing(p).who("C", WEDNESDAY, "W1", ("FOOD",)) == "W2"  # what a fresh choice would be


def test_why_nobody_when_the_substitute_is_away_too() -> None:
    w2_leave = Absence(worker_id="W2", start=THURSDAY, end=THURSDAY + dt.timedelta(days=1), reason="leave")
    p = department(("W2", 0.0, ()), ("W3", 2.0, ()), absences=(w2_leave,))
    # Chosen now, W3 would go: W2 has no room on the rest of W1's absence. But the published plan
    # already sent W2 (before W2's leave was known), and the client keeps one substitute for the week.
    assert staffing(p).who("C", WEDNESDAY, "W1", ("FOOD",)) == "W3"
    staff = Staffing(p, {d: workers_on_duty(p, d) for d in WEEK}, {"C": "W1"}, {"C": "W2"})
    assert staff.who("C", WEDNESDAY, "W1", ("FOOD",)) == "W2"
    # W3 is on duty on Thursday, but the client's one substitute for the week is W2
    assert staff.who("C", THURSDAY, "W1", ("FOOD",)) is None
    assert staff.why_nobody("C", THURSDAY, "W1", ("FOOD",)) == (
        f"{W1_AWAY}, and so is the client's substitute: W2 is absent (leave) 2026-12-10..2026-12-11"
    )


def test_why_nobody_when_the_substitute_lacks_the_skill() -> None:
    staff = staffing(department(("W2", 0.0, ()), ("W3", 2.0, ("nurse",))))
    assert staff.who("C", WEDNESDAY, "W1", ("FOOD",)) == "W2"
    assert staff.who("C", THURSDAY, "W1", ("FOOD", "BP")) is None
    assert staff.why_nobody("C", THURSDAY, "W1", ("FOOD", "BP")) == (
        f"{W1_AWAY}, and the client's substitute W2 lacks skill nurse"
    )


def test_why_nobody_when_no_one_with_the_skill_is_on_duty() -> None:
    # W5 is a nurse on duty, but of another department.
    staff = staffing(department(("W2", 0.0, ())))
    assert staff.who("C", WEDNESDAY, "W1", ("BP",)) is None
    assert staff.substitute == {}
    why = staff.why_nobody("C", WEDNESDAY, "W1", ("BP",))
    assert why == reasons.nobody_stands_in(W1_AWAY, {"nurse"})
    assert why == f"{W1_AWAY}, and no substitute with skill nurse is on duty"

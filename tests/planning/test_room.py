"""Room within the clients' hours (``planning.room``), the visit that carries the ride-along services
(``ClientWeek.slot_orders``) and moving a dropped visit before listing it (``planning.week_repair``), each
worked out by hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from conftest import client, problem, window, worker
from lean_social import Problem, ProgrammeItem
from lean_social.domain.demand import ClientWeek, make_visit, week_demand
from lean_social.domain.model import Lunch
from lean_social.planning.day import DepartmentDay
from lean_social.planning.room import Room
from lean_social.planning.week import WeekChoices, choose_week, search_week
from lean_social.planning.week_repair import move_dropped
from lean_social.travel import GeodesicTravel

MONDAY = dt.date(2026, 12, 7)
DATES = [MONDAY + dt.timedelta(days=d) for d in range(7)]
SHIFT = window("08:00-17:00")
LUNCH = Lunch(window=window("12:00-14:00"), duration_min=45)
MORNING = (window("09:00-12:00"),)
AFTERNOON = (window("14:00-18:00"),)
ALL_DAY = (window("09:00-18:00"),)
TWO = (window("09:00-12:00"), window("15:00-18:00"))


def room(*, lunch: Lunch | None = LUNCH) -> Room[str]:
    """One worker-day, 08:00-17:00, a 15-minute walk to each visit and back at the end."""
    return Room({"day": (SHIFT, lunch)}, [MORNING, AFTERNOON, ALL_DAY, TWO], walk_min=15)


def test_a_morning_holds_three_hours_whatever_the_afternoon_has() -> None:
    r = room()
    r.add("day", MORNING, 60)
    r.add("day", MORNING, 60)
    # 2 x (60 + 15) = 150 of the 180 minutes from 09:00 to 12:00.
    assert r.shortfall("day") == 0.0
    # A third, of 30 minutes: 150 + 45 = 195, 15 over.
    assert r.shortfall("day", [(MORNING, 30)]) == 15.0
    # An all-day visit may go in the afternoon: the morning is as full as before. Whole day: 09:00 to
    # 16:45 (the walk back takes the last 15 minutes) is 465 minutes less 45 of lunch = 420 >= 195 + 135.
    r.add("day", ALL_DAY, 120)
    assert r.shortfall("day", [(MORNING, 30)]) == 15.0
    # Taking a morning visit out makes room again.
    assert r.shortfall("day", [(MORNING, 30), (MORNING, -60)]) == 0.0


def test_lunch_counts_where_it_cannot_be_avoided() -> None:
    # 12:00 to 16:45 is 285 minutes; lunch must fall in 12:00-14:00, inside it: 240 minutes held.
    # Afternoon-only visits fit 14:00-16:45 (165 minutes), lunch not there: 2 x (60 + 15) = 150 fit.
    r = room()
    r.add("day", AFTERNOON, 60)
    r.add("day", AFTERNOON, 60)
    assert r.shortfall("day") == 0.0
    assert r.shortfall("day", [(AFTERNOON, 10)]) == 10.0  # 150 + 25 = 175 > 165
    # Without lunch the whole day holds 465 minutes; with it 420: six visits of 55 + 15 = 420 fit, a
    # seventh of 10 minutes is 25 over.
    full = room()
    for _ in range(6):
        full.add("day", ALL_DAY, 55)
    assert full.shortfall("day") == 0.0
    assert full.shortfall("day", [(ALL_DAY, 10)]) == 25.0
    assert room(lunch=None).shortfall("day", [(ALL_DAY, 55)] * 6 + [(ALL_DAY, 10)]) == 0.0


def test_a_window_shorter_than_the_visit_does_not_count() -> None:
    # Two windows, 09:00-12:00 and 15:00-16:45 (the shift's end less the walk back): a visit of 150
    # minutes fits only the morning. With a morning visit of 60: 165 + 75 = 240 > 180, 60 over.
    r = room()
    r.add("day", MORNING, 60)
    assert r.shortfall("day", [(TWO, 150)]) == 60.0
    # A short two-window visit may go in the afternoon: no shortfall.
    assert r.shortfall("day", [(TWO, 30)]) == 0.0


def test_two_windows_compete_with_what_shares_them() -> None:
    # 09:00-12:00 and 15:00-16:45 hold 180 + 105 = 285 minutes. Two morning visits of 60 and three
    # two-window visits of 30: 150 + 135 = 285, full; a fourth of 10 is 25 over.
    r = room()
    for _ in range(2):
        r.add("day", MORNING, 60)
    for _ in range(3):
        r.add("day", TWO, 30)
    assert r.shortfall("day") == 0.0
    assert r.shortfall("day", [(TWO, 10)]) == 25.0


def test_a_day_off_holds_nothing_and_asks_nothing() -> None:
    r: Room[str] = Room({"off": (None, None)}, [MORNING], walk_min=15)
    r.add("off", MORNING, 60)
    assert r.shortfall("off") == 0.0
    assert r.tightest("off", MORNING, 60) == 0.0


def test_tightest_tells_the_roomier_of_two_days() -> None:
    r: Room[str] = Room({"a": (SHIFT, LUNCH), "b": (SHIFT, LUNCH)}, [MORNING], walk_min=15)
    r.add("a", MORNING, 60)
    # With another 30 minutes: a's morning holds 75 + 45 - 180 = -60, b's 45 - 180 = -135.
    assert r.tightest("a", MORNING, 30) == -60.0
    assert r.tightest("b", MORNING, 30) == -135.0


def _weekly_cleaning(n: int) -> tuple[list, list]:  # type: ignore[type-arg]
    clients = [client(f"C{i}", lat=47.51 + 0.001 * i, lon=42.15) for i in range(n)]
    programmes = [ProgrammeItem(client_id=c.id, service_code="FOOD", times=2) for c in clients]
    programmes += [ProgrammeItem(client_id=c.id, service_code="DISH", times=1) for c in clients]
    return clients, programmes


def test_ride_along_services_may_ride_on_any_visit_of_a_flexible_week() -> None:
    clients, programmes = _weekly_cleaning(1)
    (cw,) = week_demand(problem(clients, [worker("W1")], programmes), MONDAY)
    assert cw.slots == (("FOOD", "DISH"), ("FOOD",))  # the spread starts on the first visit
    assert cw.slot_orders() == ((("FOOD", "DISH"), ("FOOD",)), (("FOOD",), ("FOOD", "DISH")))
    fixed = [ProgrammeItem(client_id="C0", service_code="FOOD", times=2, days=(0, 3)), programmes[1]]
    (cw,) = week_demand(problem(clients, [worker("W1")], fixed), MONDAY)
    assert cw.slot_orders() == (cw.slots,)  # fixed days keep their services


def test_long_ride_alongs_spread_over_the_week_and_pass_the_validator() -> None:
    """Twelve clients, two visits a week each, a long ride-along on one of them; one worker whose days
    fill up: the first visits alone would put all twelve long visits on the first days of the patterns."""
    clients, programmes = _weekly_cleaning(12)
    programmes = [ProgrammeItem(client_id=p.client_id, service_code=p.service_code, times=p.times) for p in programmes]
    p = problem(clients, [worker("W1"), worker("W2")], programmes)
    demand = week_demand(p, MONDAY)
    choices = search_week(p, demand, DATES, choose_week(p, demand, DATES), GeodesicTravel())
    carrying = {choices.week_of(cw).slots.index(("FOOD", "DISH")) for cw in demand}
    assert carrying == {0, 1}  # some clients' long visit is their second of the week


def one_a_day(days: Sequence[DepartmentDay]) -> list[tuple[frozenset[str], int]]:
    """A construction that fits one visit per worker-day (the first by id) and leaves the others out,
    at no cost."""
    out = []
    for task in days:
        firsts = set()
        for worker_id in sorted({v.worker_id for v in task.visits if v.worker_id}):
            firsts.add(min(v.id for v in task.visits if v.worker_id == worker_id))
        out.append((frozenset(firsts), 0))
    return out


def _both_on_monday(
    a_days: tuple[int, ...] = (), b_days: tuple[int, ...] = ()
) -> tuple[Problem, list[ClientWeek], WeekChoices, list[DepartmentDay]]:
    p = problem(
        [client("A", lat=47.51, lon=42.15), client("B", lat=47.511, lon=42.15)],
        [worker("W1")],
        [
            ProgrammeItem(client_id="A", service_code="FOOD", times=1, days=a_days),
            ProgrammeItem(client_id="B", service_code="FOOD", times=1, days=b_days),
        ],
    )
    demand = list(week_demand(p, MONDAY))
    choices = WeekChoices(
        days={"A": (MONDAY,), "B": (MONDAY,)},
        worker={("A", MONDAY): "W1", ("B", MONDAY): "W1"},
        primary={"A": "W1", "B": "W1"},
        unplaced={},
    )
    visits = tuple(make_visit(p, c, MONDAY, ("FOOD",), worker_id="W1") for c in ("A", "B"))
    return p, demand, choices, [DepartmentDay(day=MONDAY, department="D1", visits=visits)]


def _days(tasks: Sequence[DepartmentDay], served: Sequence[frozenset[str]]) -> dict[str, dt.date]:
    return {v.client_id: v.date for task, ids in zip(tasks, served, strict=True) for v in task.visits if v.id in ids}


def _left(tasks: Sequence[DepartmentDay], served: Sequence[frozenset[str]]) -> list[str]:
    return [v.client_id for task, ids in zip(tasks, served, strict=True) for v in task.visits if v.id not in ids]


def test_a_dropped_flexible_visit_moves_to_a_day_with_room() -> None:
    p, demand, choices, tasks = _both_on_monday()
    served = [ids for ids, _ in one_a_day(tasks)]
    assert _left(tasks, served) == ["B"]  # one a day leaves B out
    tasks, served = move_dropped(p, demand, {"D1": choices}, tasks, served, one_a_day)
    assert _left(tasks, served) == []
    # Every other weekday is as empty: the nearest, Tuesday.
    assert _days(tasks, served) == {"A": MONDAY, "B": MONDAY + dt.timedelta(days=1)}
    assert [len(t.visits) for t in tasks] == [1, 1]


def test_a_fixed_visit_stays_and_a_flexible_rival_makes_room() -> None:
    p, demand, choices, tasks = _both_on_monday(b_days=(0,))
    served = [ids for ids, _ in one_a_day(tasks)]
    assert _left(tasks, served) == ["B"]
    tasks, served = move_dropped(p, demand, {"D1": choices}, tasks, served, one_a_day)
    assert _left(tasks, served) == []
    assert _days(tasks, served) == {"A": MONDAY + dt.timedelta(days=1), "B": MONDAY}


def test_two_fixed_visits_are_listed_not_moved() -> None:
    p, demand, choices, tasks = _both_on_monday(a_days=(0,), b_days=(0,))
    served = [ids for ids, _ in one_a_day(tasks)]
    tasks, served = move_dropped(p, demand, {"D1": choices}, tasks, served, one_a_day)
    assert _left(tasks, served) == ["B"]
    assert [t.day for t in tasks] == [MONDAY]


def test_a_day_no_client_hours_reach_has_no_shortfall() -> None:
    """No client is at home within the shift (hours only in the evening): there is no stretch to be
    short in, which the week's repair asks about (a hypothesis case found it raising instead)."""
    r: Room[str] = Room({"day": (SHIFT, LUNCH)}, [(window("18:00-20:00"),)], walk_min=15)
    assert r.shortfall("day") == 0.0
    assert r.shortfall("day", [((window("18:00-20:00"),), 30)]) == 0.0

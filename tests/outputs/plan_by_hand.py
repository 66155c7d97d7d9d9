"""A two-day plan typed in by hand for the workbook's and the calendars' tests, with its figures worked
out on paper below, and clients whose names and addresses look like spreadsheet formulas.

W1 (department D1, shift 08:00-17:00 = 540 min) on Monday 07.12.2026 leaves at 11:00:
  1. C1 groceries (40 min): 10 min walk (708 m), arrives 11:10, starts 11:10, ends 11:50;
  lunch 12:00-12:45 (after the first visit);
  2. C2 dishes (10 min): 10 min walk (708 m), arrives 12:55, waits 10 min at the door, 13:05-13:15;
  back at 13:34 (19 min, 1417 m).
  Service 50 min, travel 10 + 10 + 19 = 39 min, 2.833 km; waiting 10 min before lunch (11:50-12:00)
  and 10 at C2's door = 20 min.
W2 (department D2, same shift) on Tuesday 08.12.2026 leaves at 09:00, no lunch:
  1. C3 blood pressure (15 min), standing in for W1: 5 min (354 m), 09:05-09:20; back at 09:25 (5 min,
  354 m). Service 15 min, travel 10 min, 0.708 km, no waiting.
Not made: C3's groceries on Monday (40 min), a public holiday.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from conftest import SERVICES, client, worker
from lean_social import Problem, ProgrammeItem, Schedule
from lean_social.domain.timefmt import parse_hhmm
from lean_social.schedule import LunchBreak, Route, Stop, Unassigned

MONDAY = dt.date(2026, 12, 7)
TUESDAY = MONDAY + dt.timedelta(days=1)
FORMULA_NAME = '=HYPERLINK("http://x","y")'
PHONE_ADDRESS = "+7 900"
#: Other text a spreadsheet would read as something else: a negative number, an error code, a control
#: character xlsx cannot hold.
MINUS_ADDRESS = "-1 этаж"
ERROR_NAME = "#N/A"
CONTROL_NOTE = "звонок\x07 в дверь"


def hm(text: str) -> int:
    return parse_hhmm(text)


def hand_problem() -> Problem:
    c1 = dataclasses.replace(client("C1", lat=47.519, lon=42.153), name=FORMULA_NAME, address=PHONE_ADDRESS)
    c2 = dataclasses.replace(client("C2", lat=47.524, lon=42.153), name=ERROR_NAME, address=MINUS_ADDRESS)
    c3 = dataclasses.replace(
        client("C3", lat=47.517, lon=42.153, department="D2"),
        name="Кузнецова Мария",
        address="ул. Ленина, 5",
        notes=CONTROL_NOTE,
    )
    w1 = dataclasses.replace(worker("W1"), name="Иванова Анна")
    w2 = dataclasses.replace(worker("W2", department="D2", skills={"nurse"}), name="Петров Пётр")
    programmes = (
        ProgrammeItem(client_id="C1", service_code="FOOD", times=1, days=(0,)),
        ProgrammeItem(client_id="C2", service_code="DISH", times=1, days=(0,)),
        ProgrammeItem(client_id="C3", service_code="BP", times=1, days=(1,)),
    )
    return Problem(services=SERVICES, clients=(c1, c2, c3), workers=(w1, w2), programmes=programmes)


def hand_schedule() -> Schedule:
    monday = Route(
        worker_id="W1",
        date=MONDAY,
        departure=hm("11:00"),
        stops=(
            Stop(
                visit_id=f"{MONDAY}/C1",
                client_id="C1",
                services=("FOOD",),
                arrival=hm("11:10"),
                start=hm("11:10"),
                end=hm("11:50"),
                travel_s=600,
                travel_m=708,
            ),
            Stop(
                visit_id=f"{MONDAY}/C2",
                client_id="C2",
                services=("DISH",),
                arrival=hm("12:55"),
                start=hm("13:05"),
                end=hm("13:15"),
                travel_s=600,
                travel_m=708,
            ),
        ),
        lunch=LunchBreak(start=hm("12:00"), end=hm("12:45"), after=1),
        return_travel_s=19 * 60,
        return_travel_m=1417,
        return_arrival=hm("13:34"),
    )
    tuesday = Route(
        worker_id="W2",
        date=TUESDAY,
        departure=hm("09:00"),
        stops=(
            Stop(
                visit_id=f"{TUESDAY}/C3",
                client_id="C3",
                services=("BP",),
                arrival=hm("09:05"),
                start=hm("09:05"),
                end=hm("09:20"),
                travel_s=300,
                travel_m=354,
                substitute_for="W1",
            ),
        ),
        lunch=None,
        return_travel_s=300,
        return_travel_m=354,
        return_arrival=hm("09:25"),
    )
    missed = Unassigned(
        visit_id=f"{MONDAY}/C3",
        client_id="C3",
        date=MONDAY,
        services=("FOOD",),
        duration_s=40 * 60,
        reason="public holiday (День примера)",
    )
    return Schedule(routes=(monday, tuesday), unassigned=(missed,))

"""The workers' calendars, parsed back with icalendar: an event per visit and lunch at the plan's times,
UIDs that survive a second run, and no personal data where a label stands for the client."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from plan_by_hand import CONTROL_NOTE, FORMULA_NAME, MONDAY, PHONE_ADDRESS, hand_problem, hand_schedule, hm

from conftest import WORK, client, every_monday, problem, worker
from lean_social import plan_day
from lean_social.outputs.calendars import worker_calendars
from lean_social.schedule import Schedule

MOSCOW = ZoneInfo("Europe/Moscow")
STAMP = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)


def _events(ics: bytes) -> list[Event]:
    return list(Calendar.from_ical(ics).events)


def _at(day: dt.date, seconds: int, zone: ZoneInfo = MOSCOW) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(seconds // 3600, seconds // 60 % 60, seconds % 60), tzinfo=zone)


def test_an_event_per_visit_and_lunch_at_the_plans_times() -> None:
    calendars = worker_calendars(hand_schedule(), hand_problem(), stamp=STAMP)
    assert sorted(calendars) == ["W1", "W2"]
    w1 = Calendar.from_ical(calendars["W1"])
    assert w1.calendar_name == "Иванова Анна"
    assert w1["X-WR-CALNAME"] == "Иванова Анна"
    assert w1["VERSION"] == "2.0"
    assert "lean_social" in str(w1["PRODID"])
    assert [tz.tz_name for tz in w1.timezones] == ["Europe/Moscow"]  # the zone travels with the file
    events = list(w1.events)
    assert [str(e["SUMMARY"]) for e in events] == [f"№ 1: {FORMULA_NAME}", "Обед", "№ 2: #N/A"]
    assert [(e.start, e.end) for e in events] == [
        (_at(MONDAY, hm("11:10")), _at(MONDAY, hm("11:50"))),
        (_at(MONDAY, hm("12:00")), _at(MONDAY, hm("12:45"))),
        (_at(MONDAY, hm("13:05")), _at(MONDAY, hm("13:15"))),
    ]
    assert all(e.start.tzinfo is not None and e.start.utcoffset() == dt.timedelta(hours=3) for e in events)
    assert [str(e["TRANSP"]) for e in events] == ["OPAQUE", "TRANSPARENT", "OPAQUE"]  # lunch leaves time free
    assert str(events[0]["LOCATION"]) == PHONE_ADDRESS
    assert "LOCATION" not in events[1]
    assert str(events[0]["DESCRIPTION"]) == "Услуги: groceries"  # service names, not codes
    assert all(e.stamp == STAMP for e in events)


def test_the_description_has_the_services_the_stand_in_and_the_notes() -> None:
    (visit,) = _events(worker_calendars(hand_schedule(), hand_problem(), stamp=STAMP)["W2"])
    assert str(visit["SUMMARY"]) == "№ 1: Кузнецова Мария"
    note = CONTROL_NOTE.replace("\x07", "\ufffd")  # iCalendar text holds no control character
    assert str(visit["DESCRIPTION"]).split("\n") == ["Услуги: blood pressure", "Замещает: W1", f"Примечания: {note}"]


def test_uids_are_unique_and_the_same_in_the_next_run() -> None:
    first = worker_calendars(hand_schedule(), hand_problem(), stamp=STAMP)
    later = worker_calendars(hand_schedule(), hand_problem(), stamp=STAMP + dt.timedelta(days=3))
    uids = [str(e.uid) for ics in first.values() for e in _events(ics)]
    assert len(uids) == len(set(uids)) == 4
    assert uids == [str(e.uid) for ics in later.values() for e in _events(ics)]
    assert {str(Calendar.from_ical(ics).uid) for ics in first.values()} == {
        str(Calendar.from_ical(ics).uid) for ics in later.values()
    }


def test_a_visit_moved_in_time_keeps_its_uid() -> None:
    schedule = hand_schedule()
    monday = schedule.routes[0]
    later_stops = tuple(
        dataclasses.replace(s, arrival=s.arrival + 1800, start=s.start + 1800, end=s.end + 1800) for s in monday.stops
    )
    moved = Schedule(routes=(dataclasses.replace(monday, stops=later_stops), *schedule.routes[1:]))
    before = {str(e["SUMMARY"]): e for e in _events(worker_calendars(schedule, hand_problem(), stamp=STAMP)["W1"])}
    after = {str(e["SUMMARY"]): e for e in _events(worker_calendars(moved, hand_problem(), stamp=STAMP)["W1"])}
    for summary in (f"№ 1: {FORMULA_NAME}", "№ 2: #N/A"):
        assert after[summary].uid == before[summary].uid
        assert after[summary].start == before[summary].start + dt.timedelta(minutes=30)


def test_the_same_plan_and_stamp_give_the_same_bytes() -> None:
    assert worker_calendars(hand_schedule(), hand_problem(), stamp=STAMP) == worker_calendars(
        hand_schedule(), hand_problem(), stamp=STAMP
    )


def test_a_client_label_leaves_out_names_addresses_and_notes() -> None:
    labels = {"C1": "Получатель 1", "C2": "Получатель 2", "C3": "Получатель 3"}
    calendars = worker_calendars(hand_schedule(), hand_problem(), client_label=labels.__getitem__, stamp=STAMP)
    summaries = [str(e["SUMMARY"]) for ics in calendars.values() for e in _events(ics)]
    assert summaries == ["№ 1: Получатель 1", "Обед", "№ 2: Получатель 2", "№ 1: Получатель 3"]
    assert not any("LOCATION" in e for ics in calendars.values() for e in _events(ics))
    text = b"".join(calendars.values()).decode()
    for personal in (FORMULA_NAME, "#N/A", "Кузнецова", PHONE_ADDRESS, "ул. Ленина", "звонок", "C1", "C2", "C3"):
        assert personal not in text, personal
    again = worker_calendars(hand_schedule(), hand_problem(), client_label=labels.__getitem__, stamp=STAMP)
    assert [str(e.uid) for e in _events(calendars["W1"])] == [str(e.uid) for e in _events(again["W1"])]


def test_under_a_label_a_uid_tells_nothing_of_the_client_id_behind_it() -> None:
    """A UID is a hash, but of a short id it could be found by trying them all: under a label it is made
    from the label, so the same labels on other ids give the same UIDs."""
    schedule = hand_schedule()
    renamed = Schedule(
        routes=tuple(
            dataclasses.replace(
                route,
                stops=tuple(
                    dataclasses.replace(s, client_id=f"X{s.client_id}", visit_id=f"{s.visit_id}-x") for s in route.stops
                ),
            )
            for route in schedule.routes
        )
    )
    labels = {"C1": "P-1", "C2": "P-2", "C3": "P-3", "XC1": "P-1", "XC2": "P-2", "XC3": "P-3"}
    ours = worker_calendars(schedule, hand_problem(), client_label=labels.__getitem__, stamp=STAMP)
    theirs = worker_calendars(renamed, hand_problem(), client_label=labels.__getitem__, stamp=STAMP)
    for worker_id in ("W1", "W2"):
        assert [e.uid for e in _events(ours[worker_id])] == [e.uid for e in _events(theirs[worker_id])]


def test_english_and_another_time_zone_on_request() -> None:
    zone = ZoneInfo("Asia/Yekaterinburg")
    calendars = worker_calendars(hand_schedule(), hand_problem(), lang="en", tz="Asia/Yekaterinburg", stamp=STAMP)
    events = _events(calendars["W1"])
    assert [str(e["SUMMARY"]) for e in events] == [f"No. 1: {FORMULA_NAME}", "Lunch", "No. 2: #N/A"]
    assert events[0].start == _at(MONDAY, hm("11:10"), zone)
    assert events[0].start.utcoffset() == dt.timedelta(hours=5)
    assert str(events[0]["DESCRIPTION"]) == "Services: groceries"


def test_a_planned_week_day_gives_each_worker_its_visits_and_lunch() -> None:
    clients = [client(f"C{i}", lat=47.514 + 0.002 * i, lon=42.153 + 0.001 * (i % 3)) for i in range(1, 6)]
    p = problem(clients, [worker("W1"), worker("W2")], [i for c in clients for i in every_monday(c.id, "DISH")])
    schedule = plan_day(p, MONDAY, work_per_visit=WORK)
    assert schedule.served == 5
    calendars = worker_calendars(schedule, p, stamp=STAMP)
    assert sorted(calendars) == sorted(route.worker_id for route in schedule.routes)
    for route in schedule.routes:
        events = _events(calendars[route.worker_id])
        visits = [e for e in events if str(e["SUMMARY"]) != "Обед"]
        assert len(events) == len(route.stops) + (route.lunch is not None)
        assert [str(e["SUMMARY"]) for e in visits] == [
            f"№ {n}: name {stop.client_id}" for n, stop in enumerate(route.stops, start=1)
        ]
        assert [(e.start, e.end) for e in visits] == [
            (_at(MONDAY, stop.start), _at(MONDAY, stop.end)) for stop in route.stops
        ]

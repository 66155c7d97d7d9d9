"""A calendar (iCalendar, RFC 5545) per worker: each visit of the plan as an event on their phone.

Each event's UID is made from the worker, the date and the visit (not drawn at random), so that a
worker who imports next run's calendar over this one gets the same events moved or changed rather than
a second copy of each. Times are the centre's wall-clock times in its time zone (Volgodonsk keeps Moscow
time), with the zone's definition in the file (VTIMEZONE), so a phone set to another zone still shows the
visit at the right moment.

With ``client_label`` an event names the client by the label alone and carries neither address nor
notes: a phone's calendar is often synchronised to a cloud the centre does not control. Its UID is then
made from the label, not the client's id (a hash of a short id is found by trying every id), so UIDs stay
the same from run to run only under the same pseudonym key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

from icalendar import TRANSP, Calendar, Event

from lean_social.domain.model import Problem
from lean_social.outputs.itinerary import clock, entries, known_client
from lean_social.outputs.labels import DEFAULT_LANG, Lang, Words, service_names, word
from lean_social.schedule import Route, Schedule, Stop

__all__ = ["CENTRE_TZ", "worker_calendars"]

#: The centre's time zone: Volgodonsk (Rostov oblast) keeps Moscow time.
CENTRE_TZ = "Europe/Moscow"
#: The right-hand side of every UID: the events this package made, told apart from the worker's own.
UID_DOMAIN = "lean-social"

#: Control characters iCalendar text may not hold (RFC 5545 3.3.11: only tab, and line breaks written as
#: ``\\n``): shown as the replacement character, a line break in Windows form as a plain one.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

_WORDS: Words = {
    "prodid": ("-//lean_social//Маршруты работников//RU", "-//lean_social//Workers' routes//EN"),
}


def worker_calendars(
    schedule: Schedule,
    problem: Problem,
    *,
    lang: Lang = DEFAULT_LANG,
    client_label: Callable[[str], str] | None = None,
    tz: str = CENTRE_TZ,
    stamp: dt.datetime | None = None,
) -> dict[str, bytes]:
    """Worker id → the worker's ``.ics`` for the plan: an event per visit ("№ 2: Иванова А. П.") and one
    per lunch (marked free time), in worker id order.

    ``stamp`` is every event's DTSTAMP, the moment the calendar was made (now when None): give one for
    the same bytes from the same plan.
    """
    zone = ZoneInfo(tz)
    made = (stamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    routes: dict[str, list[Route]] = {}
    for route in schedule.routes:
        routes.setdefault(route.worker_id, []).append(route)
    calendars: dict[str, bytes] = {}
    for worker_id in sorted(routes):
        worker = problem.worker(worker_id)
        calendar = Calendar.new(
            name=_text(worker.name or worker.id),
            prodid=word("prodid", lang, _WORDS),
            method="PUBLISH",
            uid=_uid(worker_id),  # the worker's calendar stays the same calendar from run to run
        )
        calendar.add("X-WR-TIMEZONE", tz)
        uids: set[str] = set()
        days = sorted(routes[worker_id], key=lambda r: r.date)
        for route in days:
            for event in _events(route, problem, lang, client_label, zone, made):
                event.uid = _unique(str(event.uid), uids)
                calendar.add_component(event)
        calendar.add_missing_timezones(
            first_date=days[0].date - dt.timedelta(days=1), last_date=days[-1].date + dt.timedelta(days=2)
        )
        calendars[worker_id] = calendar.to_ical()
    return calendars


def _events(
    route: Route,
    problem: Problem,
    lang: Lang,
    client_label: Callable[[str], str] | None,
    zone: ZoneInfo,
    made: dt.datetime,
) -> list[Event]:
    events: list[Event] = []
    for entry in entries(route):
        start, end = clock(route.date, entry.start, zone), clock(route.date, entry.end, zone)
        stop = entry.stop
        if stop is None:
            events.append(
                Event.new(
                    uid=_uid(route.worker_id, route.date.isoformat(), "lunch"),
                    stamp=made,
                    start=start,
                    end=end,
                    summary=word("lunch", lang),
                    transparency=TRANSP.TRANSPARENT,
                )
            )
            continue
        if client_label is None:
            client = known_client(problem, stop.client_id)
            shown = client.name if client is not None and client.name else stop.client_id
            address, notes, visit = client.address if client else "", client.notes if client else "", stop.visit_id
        else:  # the label alone: no address, no notes, and the UID made from the label, not the client's id
            shown = client_label(stop.client_id)
            address, notes, visit = "", "", shown
        events.append(
            Event.new(
                uid=_uid(route.worker_id, route.date.isoformat(), visit),
                stamp=made,
                start=start,
                end=end,
                summary=_text(f"{word('visit_no', lang)} {entry.number}: {shown}"),
                location=_text(address) or None,
                description=_text(_description(stop, problem, lang, notes)),
                transparency=TRANSP.OPAQUE,
            )
        )
    return events


def _description(stop: Stop, problem: Problem, lang: Lang, notes: str) -> str:
    """The services by name, who the worker stands in for, and the client's notes, a line each."""
    lines = [f"{word('services', lang)}: {', '.join(service_names(problem, stop.services))}"]
    if stop.substitute_for:
        lines.append(f"{word('substitute_for', lang)}: {stop.substitute_for}")
    if notes:
        lines.append(f"{word('notes', lang)}: {notes}")
    return "\n".join(lines)


def _text(value: str) -> str:
    return _CONTROL.sub("\ufffd", value.replace("\r\n", "\n"))


def _uid(*parts: str) -> str:
    """A digest of what the UID stands for rather than the ids themselves: a UID travels with the event
    wherever it is synced."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"{digest}@{UID_DOMAIN}"


def _unique(uid: str, taken: set[str]) -> str:
    """The UID, or for a second event with the same key (two visits to one client in a day) the next
    numbered one, in route order, so it stays the same across runs of the same plan."""
    candidate, n = uid, 1
    while candidate in taken:
        n += 1
        candidate = uid.replace("@", f"-{n}@", 1)
    taken.add(candidate)
    return candidate

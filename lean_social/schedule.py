"""What a plan is: routes of timed stops per worker-day, and the visits nobody could make, with why.

Times are integer seconds since midnight of the route's date; ``to_frame`` and the JSON form are the
edges where they become ``HH:MM`` text and minutes.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from lean_social.domain.model import Problem
from lean_social.domain.norms import visit_duration_s
from lean_social.domain.timefmt import format_hhmm
from lean_social.record import PlanRecord, record_from_dict, record_to_dict

__all__ = [
    "NAMED_COLUMNS",
    "SCHEDULE_COLUMNS",
    "UNASSIGNED_COLUMNS",
    "ErrandStop",
    "LunchBreak",
    "Route",
    "Schedule",
    "Stop",
    "Unassigned",
    "unassigned_visit",
]

SCHEDULE_COLUMNS = (
    "date",
    "worker_id",
    "seq",
    "client_id",
    "services",
    "arrival",
    "start",
    "end",
    "travel_min",
    "travel_km",
    "wait_min",
    "substitute_for",
    "errands",
)
UNASSIGNED_COLUMNS = ("date", "client_id", "services", "duration_min", "reason")
LUNCH = "lunch"


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrandStop:
    """A stop at a shop, pharmacy or post office on the way to a visit (``domain.errands``):
    ``travel_s``/``travel_m`` are the leg into the place, from the previous place or errand."""

    place_id: str
    kind: str
    arrival: int
    departure: int
    travel_s: int
    travel_m: int

    @property
    def stop_s(self) -> int:
        return self.departure - self.arrival

    def text(self) -> str:
        """``pharmacy P3 10:05-10:15``: how schedule.csv writes it."""
        return f"{self.kind} {self.place_id} {format_hhmm(self.arrival)}-{format_hhmm(self.departure)}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Stop:
    """A visit as planned; ``travel_s``/``travel_m`` are from the previous place of the route: with
    ``errands``, every leg through them (the time at the places is ``errand_s``, not travel)."""

    visit_id: str
    client_id: str
    services: tuple[str, ...]
    arrival: int
    start: int
    end: int
    travel_s: int
    travel_m: int
    #: The client's own worker when this visit is made by a substitute standing in for them: next week's
    #: plan reads it back (``read_previous_plan``) so that a substitute is never taken for the client's
    #: worker.
    substitute_for: str | None = None
    #: The errands run on the way here, in the order passed (``domain.errands``).
    errands: tuple[ErrandStop, ...] = ()

    @property
    def wait_s(self) -> int:
        return self.start - self.arrival

    @property
    def errand_s(self) -> int:
        return sum(e.stop_s for e in self.errands)

    @property
    def service_s(self) -> int:
        return self.end - self.start


@dataclass(frozen=True, slots=True, kw_only=True)
class LunchBreak:
    """``after`` is the number of stops before the break; it may be taken on the way to the next one."""

    start: int
    end: int
    after: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    worker_id: str
    date: dt.date
    departure: int
    stops: tuple[Stop, ...]
    lunch: LunchBreak | None
    return_travel_s: int
    return_travel_m: int
    return_arrival: int

    @property
    def finish(self) -> int:
        return max(self.return_arrival, self.lunch.end if self.lunch else 0)

    @property
    def service_s(self) -> int:
        return sum(s.service_s for s in self.stops)

    @property
    def travel_s(self) -> int:
        return sum(s.travel_s for s in self.stops) + self.return_travel_s

    @property
    def travel_m(self) -> int:
        return sum(s.travel_m for s in self.stops) + self.return_travel_m

    @property
    def wait_s(self) -> int:
        """Idle time between leaving and the last visit: the gaps not spent travelling or at lunch.

        Time at the start place before leaving or after coming back is office time, not waiting.
        """
        idle, previous_end = 0, self.departure
        for i, stop in enumerate(self.stops):
            lunch = self.break_s if self.lunch is not None and self.lunch.after == i else 0
            idle += stop.start - previous_end - stop.travel_s - stop.errand_s - lunch
            previous_end = stop.end
        return idle

    @property
    def break_s(self) -> int:
        return self.lunch.end - self.lunch.start if self.lunch else 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Unassigned:
    visit_id: str
    client_id: str
    date: dt.date
    services: tuple[str, ...]
    duration_s: int
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    """A day's (or several days') plan; ``info`` records how the planner made it (settings, timings,
    each department-day's search), for ``run.json``. A part of a plan, before the parts are merged,
    records nothing (None)."""

    routes: tuple[Route, ...]
    unassigned: tuple[Unassigned, ...] = ()
    info: PlanRecord | None = None

    def route(self, worker_id: str, date: dt.date) -> Route | None:
        return next((r for r in self.routes if r.worker_id == worker_id and r.date == date), None)

    @property
    def stops(self) -> Iterator[tuple[Route, Stop]]:
        return ((route, stop) for route in self.routes for stop in route.stops)

    @property
    def served(self) -> int:
        """Visits made: the count every summary of a plan starts from."""
        return sum(len(route.stops) for route in self.routes)

    def rows(self) -> list[dict[str, object]]:
        """``schedule.csv`` rows in route order, lunch breaks as rows of their own. ``seq`` is the visit's
        number, 1..n, as the route sheet and the map number it; a lunch row has none."""
        rows: list[dict[str, object]] = []
        for route in self.routes:
            entries: list[tuple[str, tuple[str, ...], int, int, int, int, int, str, str]] = []
            for i, stop in enumerate(route.stops):
                if route.lunch is not None and route.lunch.after == i:
                    entries.append(_lunch_entry(route.lunch))
                entries.append(
                    (
                        stop.client_id,
                        stop.services,
                        stop.arrival,
                        stop.start,
                        stop.end,
                        stop.travel_s,
                        stop.travel_m,
                        stop.substitute_for or "",
                        "; ".join(e.text() for e in stop.errands),
                    )
                )
            if route.lunch is not None and route.lunch.after == len(route.stops):
                entries.append(_lunch_entry(route.lunch))
            seq = 0
            for client_id, services, arrival, start, end, travel_s, travel_m, stands_in, errands in entries:
                seq += client_id != ""
                rows.append(
                    {
                        "date": route.date.isoformat(),
                        "worker_id": route.worker_id,
                        "seq": seq if client_id else "",
                        "client_id": client_id,
                        "services": "+".join(services),
                        "arrival": format_hhmm(arrival),
                        "start": format_hhmm(start),
                        "end": format_hhmm(end),
                        "travel_min": round(travel_s / 60, 1),
                        "travel_km": round(travel_m / 1000, 2),
                        "wait_min": round((start - arrival) / 60, 1),
                        "substitute_for": stands_in,
                        "errands": errands,
                    }
                )
        return rows

    def unassigned_rows(self) -> list[dict[str, object]]:
        return [
            {
                "date": u.date.isoformat(),
                "client_id": u.client_id,
                "services": "+".join(u.services),
                "duration_min": u.duration_s // 60,
                "reason": u.reason,
            }
            for u in self.unassigned
        ]

    def to_frame(self, *, names: bool = False, problem: Problem | None = None) -> pd.DataFrame:
        """The plan as ``schedule.csv`` has it: for notebooks and spreadsheets. With ``names`` (and the
        ``problem`` the plan was made for), the planner's view instead: names, addresses, service names,
        department, real datetimes and the visit's number on the route (``visit_no``, lunch not counted)."""
        if not names:
            return pd.DataFrame(self.rows(), columns=list(SCHEDULE_COLUMNS))
        if problem is None:
            msg = "to_frame(names=True) needs the problem the plan was made for: to_frame(names=True, problem=...)"
            raise ValueError(msg)
        return _named_frame(self, problem)

    def unassigned_frame(self) -> pd.DataFrame:
        return pd.DataFrame(self.unassigned_rows(), columns=list(UNASSIGNED_COLUMNS))

    # JSON keeps seconds, so a plan read back is equal to the plan written.
    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "lean_social.schedule/1",
            "routes": [_route_to_dict(r) for r in self.routes],
            "unassigned": [
                {
                    "visit_id": u.visit_id,
                    "client_id": u.client_id,
                    "date": u.date.isoformat(),
                    "services": list(u.services),
                    "duration_s": u.duration_s,
                    "reason": u.reason,
                }
                for u in self.unassigned
            ],
            "info": record_to_dict(self.info),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1, sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Schedule:
        if data.get("format") != "lean_social.schedule/1":
            msg = f"not a lean_social schedule (format {data.get('format')!r})"
            raise ValueError(msg)
        return cls(
            routes=tuple(_route_from_dict(r) for r in data["routes"]),
            unassigned=tuple(
                Unassigned(
                    visit_id=u["visit_id"],
                    client_id=u["client_id"],
                    date=dt.date.fromisoformat(u["date"]),
                    services=tuple(u["services"]),
                    duration_s=int(u["duration_s"]),
                    reason=u["reason"],
                )
                for u in data["unassigned"]
            ),
            info=record_from_dict(data.get("info", {})),
        )

    @classmethod
    def from_json(cls, text: str) -> Schedule:
        return cls.from_dict(json.loads(text))

    def __repr__(self) -> str:
        """The counts, not every stop: a week's full dataclass repr runs to hundreds of thousands of characters."""
        days = sorted({r.date for r in self.routes} | {u.date for u in self.unassigned})
        span = "" if not days else f" {days[0]}" if len(days) == 1 else f" {days[0]}..{days[-1]}"
        counts = [(self.served, "visit"), (len(self.routes), "worker-day"), (len(days), "day")]
        text = ", ".join(f"{n} {noun}{'' if n == 1 else 's'}" for n, noun in counts)
        return f"Schedule({text}{span}, {len(self.unassigned)} unassigned)"

    def _repr_html_(self) -> str:
        """A notebook's summary: a row per day (worker-days, visits, unassigned, km), every value escaped."""
        return _summary_html(self)

    @classmethod
    def merge(cls, parts: Iterable[Schedule], *, info: PlanRecord | None = None) -> Schedule:
        parts = list(parts)
        return cls(
            routes=tuple(r for p in parts for r in p.routes),
            unassigned=tuple(u for p in parts for u in p.unassigned),
            info=info,
        )


def _lunch_entry(lunch: LunchBreak) -> tuple[str, tuple[str, ...], int, int, int, int, int, str, str]:
    return ("", (LUNCH,), lunch.start, lunch.start, lunch.end, 0, 0, "", "")


def _route_to_dict(route: Route) -> dict[str, Any]:
    return {
        "worker_id": route.worker_id,
        "date": route.date.isoformat(),
        "departure": route.departure,
        "return_travel_s": route.return_travel_s,
        "return_travel_m": route.return_travel_m,
        "return_arrival": route.return_arrival,
        "lunch": None
        if route.lunch is None
        else {"start": route.lunch.start, "end": route.lunch.end, "after": route.lunch.after},
        "stops": [
            {
                "visit_id": s.visit_id,
                "client_id": s.client_id,
                "services": list(s.services),
                "arrival": s.arrival,
                "start": s.start,
                "end": s.end,
                "travel_s": s.travel_s,
                "travel_m": s.travel_m,
                "substitute_for": s.substitute_for,
            }
            | ({"errands": [_errand_to_dict(e) for e in s.errands]} if s.errands else {})
            for s in route.stops
        ],
    }


def _errand_to_dict(errand: ErrandStop) -> dict[str, Any]:
    return {
        "place_id": errand.place_id,
        "kind": errand.kind,
        "arrival": errand.arrival,
        "departure": errand.departure,
        "travel_s": errand.travel_s,
        "travel_m": errand.travel_m,
    }


def _errand_from_dict(data: Mapping[str, Any]) -> ErrandStop:
    return ErrandStop(
        place_id=data["place_id"],
        kind=data["kind"],
        arrival=int(data["arrival"]),
        departure=int(data["departure"]),
        travel_s=int(data["travel_s"]),
        travel_m=int(data["travel_m"]),
    )


def _route_from_dict(data: Mapping[str, Any]) -> Route:
    lunch = data["lunch"]
    return Route(
        worker_id=data["worker_id"],
        date=dt.date.fromisoformat(data["date"]),
        departure=int(data["departure"]),
        stops=tuple(
            Stop(
                visit_id=s["visit_id"],
                client_id=s["client_id"],
                services=tuple(s["services"]),
                arrival=int(s["arrival"]),
                start=int(s["start"]),
                end=int(s["end"]),
                travel_s=int(s["travel_s"]),
                travel_m=int(s["travel_m"]),
                substitute_for=s.get("substitute_for"),  # absent from plans written before it was kept
                errands=tuple(_errand_from_dict(e) for e in s.get("errands", ())),  # absent without errands
            )
            for s in data["stops"]
        ),
        lunch=None
        if lunch is None
        else LunchBreak(start=int(lunch["start"]), end=int(lunch["end"]), after=int(lunch["after"])),
        return_travel_s=int(data["return_travel_s"]),
        return_travel_m=int(data["return_travel_m"]),
        return_arrival=int(data["return_arrival"]),
    )


def unassigned_visit(
    problem: Problem,
    client_id: str,
    day: dt.date,
    services: tuple[str, ...],
    reason: str,
    *,
    slot: int | None = None,
) -> Unassigned:
    """A visit no plan can hold, with its duration from the norms; ``slot`` tells apart the visits of
    one client listed on the same date (a week's leftovers are listed on its Monday)."""
    return Unassigned(
        visit_id=f"{day.isoformat()}/{client_id}" + (f"/{slot}" if slot is not None else ""),
        client_id=client_id,
        date=day,
        services=services,
        duration_s=visit_duration_s(problem.service(c) for c in services),
        reason=reason,
    )


#: Words of the notebook views, which a planner reads: Russian, as every output is by default.
_WORDS = {
    "title": "План",
    "date": "Дата",
    "routes": "Маршруты",
    "visits": "Визиты",
    "unassigned": "Не назначено",
    "km": "Дорога, км",
    "total": "Всего",
}
_WEEKDAYS_RU = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def _summary_html(schedule: Schedule) -> str:
    days = sorted({r.date for r in schedule.routes} | {u.date for u in schedule.unassigned})

    def row(cell: str, label: str, routes: list[Route], unassigned: int) -> str:
        values = (
            label,
            len(routes),
            sum(len(r.stops) for r in routes),
            unassigned,
            f"{sum(r.travel_m for r in routes) / 1000:.1f}".replace(".", ","),
        )
        return "<tr>" + "".join(f"<{cell}>{html.escape(str(v))}</{cell}>" for v in values) + "</tr>"

    head = "".join(f"<th>{html.escape(_WORDS[k])}</th>" for k in ("date", "routes", "visits", "unassigned", "km"))
    body = [
        row(
            "td",
            f"{day:%d.%m.%Y} {_WEEKDAYS_RU[day.weekday()]}",
            [r for r in schedule.routes if r.date == day],
            sum(1 for u in schedule.unassigned if u.date == day),
        )
        for day in days
    ]
    total = row("th", _WORDS["total"], list(schedule.routes), len(schedule.unassigned))
    return (
        f"<table><caption>{html.escape(_WORDS['title'])}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}{total}</tbody></table>"
    )


def _named_frame(schedule: Schedule, problem: Problem) -> pd.DataFrame:
    """Rows in route order, lunch breaks as rows of their own (no visit number, no client); a worker or
    client no longer in the data (a re-plan after they left) keeps its id with empty names."""
    workers = {w.id: w for w in problem.workers}
    clients = {c.id: c for c in problem.clients}
    services = {s.code: s.name for s in problem.services}
    rows: list[dict[str, object]] = []
    for route in schedule.routes:
        worker = workers.get(route.worker_id)
        midnight = dt.datetime.combine(route.date, dt.time())
        common = {
            "date": midnight,
            "department": worker.department if worker else None,
            "worker_id": route.worker_id,
            "worker": worker.name if worker else None,
        }
        lunch = route.lunch
        for number, stop in enumerate(route.stops, start=1):
            if lunch is not None and lunch.after == number - 1:
                rows.append(common | _lunch_row(lunch, midnight))
            client = clients.get(stop.client_id)
            rows.append(
                common
                | {
                    "visit_no": number,
                    "client_id": stop.client_id,
                    "client": client.name if client else None,
                    "address": client.address if client else None,
                    "services": "+".join(stop.services),
                    "service_names": "; ".join(services.get(code, code) for code in stop.services),
                    "arrival": midnight + dt.timedelta(seconds=stop.arrival),
                    "start": midnight + dt.timedelta(seconds=stop.start),
                    "end": midnight + dt.timedelta(seconds=stop.end),
                    "travel_min": stop.travel_s / 60,
                    "travel_km": stop.travel_m / 1000,
                    "wait_min": stop.wait_s / 60,
                    "substitute_for": stop.substitute_for,
                    "errands": "; ".join(e.text() for e in stop.errands) or None,
                    "notes": client.notes if client else None,
                }
            )
        if lunch is not None and lunch.after == len(route.stops):
            rows.append(common | _lunch_row(lunch, midnight))
    frame = pd.DataFrame(rows, columns=list(NAMED_COLUMNS))
    return frame.astype(
        {"date": "datetime64[ns]", "arrival": "datetime64[ns]", "start": "datetime64[ns]", "end": "datetime64[ns]"}
        | {"visit_no": "Int64", "travel_min": "float64", "travel_km": "float64", "wait_min": "float64"}
        | {"substitute_for": "object"}  # the same type whether or not the plan has a stand-in
    )


def _lunch_row(lunch: LunchBreak, midnight: dt.datetime) -> dict[str, object]:
    return {
        "visit_no": None,
        "services": LUNCH,
        "arrival": midnight + dt.timedelta(seconds=lunch.start),
        "start": midnight + dt.timedelta(seconds=lunch.start),
        "end": midnight + dt.timedelta(seconds=lunch.end),
        "travel_min": 0.0,
        "travel_km": 0.0,
        "wait_min": 0.0,
    }


#: Columns of ``Schedule.to_frame(names=True)``.
NAMED_COLUMNS = (
    "date",
    "department",
    "worker_id",
    "worker",
    "visit_no",
    "client_id",
    "client",
    "address",
    "services",
    "service_names",
    "arrival",
    "start",
    "end",
    "travel_min",
    "travel_km",
    "wait_min",
    "substitute_for",
    "errands",
    "notes",
)

"""A baseline plan to compare a new plan with (``outputs.kpi.compare``): the centre's own hand plan or
last week's run, in the format lean-social writes.

``schedule.json`` keeps everything and is read as it is. ``schedule.csv`` is what a planner types or
edits in Excel, so its reader takes what Excel writes (a BOM, Windows-1251, ``;`` and decimal commas,
dates as 07.12.2026) and needs only ``date, worker_id, client_id, services, start, end``; ``arrival``,
``travel_min`` and ``travel_km`` are read where present. Rows are put in order by their start times, not
by ``seq``: its numbering has counted lunch rows in some versions and not in others. A lunch row is one
without a client. What the file does not say comes from the travel model the planner uses (the way
back to the start place always: the file has no row for it), so that both plans are measured alike.
``unassigned.csv`` beside it, where present, lists the visits the baseline left.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

from lean_social.domain.model import Problem
from lean_social.domain.timefmt import format_hhmm, parse_hhmm
from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.folder import _date, _number, csv_delimiter, decode_csv
from lean_social.schedule import LunchBreak, Route, Schedule, Stop, Unassigned
from lean_social.travel import GeodesicTravel, TravelModel

__all__ = ["BASELINE_COLUMNS", "read_baseline"]

#: The columns a baseline ``schedule.csv`` must have; the others of ``SCHEDULE_COLUMNS`` are optional.
BASELINE_COLUMNS = ("date", "worker_id", "client_id", "services", "start", "end")
_UNASSIGNED_COLUMNS = ("date", "client_id", "services")

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True, kw_only=True)
class _Entry:
    """A row of a worker-day: a visit (``client_id``) or its lunch (no client)."""

    row: int
    client_id: str
    services: tuple[str, ...]
    start: int
    end: int
    arrival: int | None
    travel_s: int | None
    travel_m: int | None
    substitute_for: str | None


def read_baseline(path: str | Path, problem: Problem, *, travel: TravelModel | None = None) -> Schedule:
    """The plan in ``path`` (``schedule.json`` or ``schedule.csv``) as a Schedule of ``problem``'s workers
    and clients; ``travel`` (the geodesic default) fills in the legs the file does not give. Every problem
    of the file is raised at once as InvalidInputError, each naming the file, row and column."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return _read_json(path, problem)
    problems: list[InputProblem] = []
    days = _read_rows(path, problem, problems)
    routes = [
        _route(path.name, worker_id, day, entries, problem, travel, problems) for (worker_id, day), entries in days
    ]
    unassigned_path = path.with_name("unassigned.csv")
    left = _read_unassigned(unassigned_path, problem, problems) if unassigned_path.is_file() else ()
    if problems:
        raise InvalidInputError(problems)
    return Schedule(routes=tuple(r for r in routes if r is not None), unassigned=left)


def _read_json(path: Path, problem: Problem) -> Schedule:
    """A ``schedule.json``, whose workers and clients must be ``problem``'s: the figures look them up."""
    try:
        plan = Schedule.from_json(path.read_text(encoding="utf-8-sig"))
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInputError(
            [InputProblem(file=path.name, row=None, column=None, value="", expected=f"a lean_social plan ({exc})")]
        ) from None
    workers = {w.id for w in problem.workers}
    clients = {c.id for c in problem.clients}
    problems = [
        InputProblem(
            file=path.name,
            row=None,
            column=f"routes[{i}].worker_id",
            value=r.worker_id,
            expected="a worker id from workers.csv",
        )
        for i, r in enumerate(plan.routes)
        if r.worker_id not in workers
    ]
    problems += [
        InputProblem(
            file=path.name,
            row=None,
            column=f"routes[{i}].stops[{j}].client_id",
            value=s.client_id,
            expected="a client id from clients.csv",
        )
        for i, r in enumerate(plan.routes)
        for j, s in enumerate(r.stops)
        if s.client_id not in clients
    ]
    problems += [
        InputProblem(
            file=path.name,
            row=None,
            column=f"unassigned[{i}].client_id",
            value=u.client_id,
            expected="a client id from clients.csv",
        )
        for i, u in enumerate(plan.unassigned)
        if u.client_id not in clients
    ]
    if problems:
        raise InvalidInputError(problems)
    return plan


def _records(path: Path, required: Sequence[str], problems: list[InputProblem]) -> list[tuple[int, dict[str, str]]]:
    """The file's records as (spreadsheet row, cells by lower-case column); blank rows are skipped."""
    name = path.name
    try:
        text = decode_csv(path.read_bytes())
    except ValueError as exc:
        problems.append(InputProblem(file=name, row=None, column=None, value="", expected=str(exc)))
        return []
    lines = [line for line in text.splitlines() if line.strip().strip(",;\t")]
    if not lines:
        problems.append(InputProblem(file=name, row=None, column=None, value="", expected="a header row"))
        return []
    header: list[str] | None = None
    out: list[tuple[int, dict[str, str]]] = []
    number = 0
    try:
        for number, record in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(lines[0])), 1
        ):
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [h.strip().lower() for h in record]
                missing = [c for c in required if c not in header]
                problems.extend(
                    InputProblem(
                        file=name, row=number, column=c, value=",".join(header), expected=f"a column named '{c}'"
                    )
                    for c in missing
                )
                if missing:
                    return []
                continue
            out.append((number, {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(header)}))
    except csv.Error as exc:  # a NUL byte, a cell over the csv module's limit: this record, not a bug
        problems.append(
            InputProblem(file=name, row=number + 1, column=None, value="", expected=f"a well-formed CSV record ({exc})")
        )
    return out


def _clock(text: str) -> int:
    """``09:05``, or ``09:05:00`` as Excel writes a time cell back."""
    if text.count(":") == 2 and text.endswith(":00"):
        text = text[:-3]
    return parse_hhmm(text)


@dataclass(slots=True)
class _Cells:
    """One record's cells; every bad cell is noted, so a planner sees all of a row's problems at once."""

    file: str
    row: int
    cells: dict[str, str]
    found: list[InputProblem] = field(default_factory=list)

    def get(self, column: str) -> str:
        return self.cells.get(column, "")

    def bad(self, column: str, expected: str) -> None:
        self.found.append(
            InputProblem(file=self.file, row=self.row, column=column, value=self.get(column), expected=expected)
        )

    def parse(self, column: str, parse: Callable[[str], _T], expected: str, *, required: bool = False) -> _T | None:
        """The cell parsed, or None: blank (noted when ``required``) or not parsing (noted)."""
        if not self.get(column):
            if required:
                self.bad(column, f"a value: {expected}")
            return None
        try:
            return parse(self.get(column))
        except ValueError:
            self.bad(column, expected)
            return None


def _read_rows(
    path: Path, problem: Problem, problems: list[InputProblem]
) -> list[tuple[tuple[str, dt.date], list[_Entry]]]:
    """The file's rows checked cell by cell and grouped by worker-day, in the file's order of worker-days."""
    workers = {w.id for w in problem.workers}
    clients = {c.id for c in problem.clients}
    codes = {s.code for s in problem.services}
    days: dict[tuple[str, dt.date], list[_Entry]] = {}
    for number, cells in _records(path, BASELINE_COLUMNS, problems):
        row = _Cells(file=path.name, row=number, cells=cells)
        day = row.parse("date", _date, "a date like 2026-12-07 or 07.12.2026", required=True)
        start = row.parse("start", _clock, "a time like 09:05", required=True)
        end = row.parse("end", _clock, "a time like 09:45", required=True)
        arrival = row.parse("arrival", _clock, "a time like 09:00")
        minutes = row.parse("travel_min", _number, "minutes, a number")
        km = row.parse("travel_km", _number, "kilometres, a number")
        client_id, worker_id = row.get("client_id"), row.get("worker_id")
        if worker_id not in workers:
            row.bad("worker_id", "a worker id from workers.csv")
        services = tuple(c.strip() for c in row.get("services").split("+") if c.strip())
        if client_id and client_id not in clients:
            row.bad("client_id", "a client id from clients.csv")
        if client_id and (not services or any(c not in codes for c in services)):
            row.bad("services", "service codes from services.csv joined by '+' (e.g. FOOD+DISH)")
        if start is not None and end is not None and end <= start:
            row.bad("end", f"a time after the start ({format_hhmm(start)})")
        if start is not None and arrival is not None and arrival > start:
            row.bad("arrival", f"a time at or before the start ({format_hhmm(start)})")
        for column, value in (("travel_min", minutes), ("travel_km", km)):
            if value is not None and value < 0:
                row.bad(column, "a number not below 0")
        if row.found or day is None or start is None or end is None:
            problems.extend(row.found)
            continue
        days.setdefault((worker_id, day), []).append(
            _Entry(
                row=number,
                client_id=client_id,
                services=services if client_id else (),
                start=start,
                end=end,
                arrival=arrival,
                # a leg is taken from the file only whole, its minutes and its kilometres
                travel_s=round(minutes * 60) if minutes is not None and km is not None else None,
                travel_m=round(km * 1000) if minutes is not None and km is not None else None,
                substitute_for=row.get("substitute_for") or None,
            )
        )
    return list(days.items())


def _route(
    name: str,
    worker_id: str,
    day: dt.date,
    entries: list[_Entry],
    problem: Problem,
    travel: TravelModel | None,
    problems: list[InputProblem],
) -> Route | None:
    """One worker-day's route: visits in order of their start, each after the previous one's end, the
    lunch (one at most) between visits or around them, the missing legs from ``travel``."""
    visits = sorted((e for e in entries if e.client_id), key=lambda e: e.start)
    lunches = [e for e in entries if not e.client_id]
    if not visits:
        return None  # a lunch row alone: a day without visits, which the figures count as such
    found = len(problems)
    for before, later in itertools.pairwise(visits):
        if later.start < before.end:
            problems.append(
                InputProblem(
                    file=name,
                    row=later.row,
                    column="start",
                    value=format_hhmm(later.start),
                    expected=f"a start at or after the end of {worker_id}'s previous visit "
                    f"({format_hhmm(before.end)}, row {before.row})",
                )
            )
    for extra in lunches[1:]:
        problems.append(
            InputProblem(
                file=name,
                row=extra.row,
                column="client_id",
                value="",
                expected=f"one lunch row for {worker_id} on {day} (a client id?)",
            )
        )
    lunch: LunchBreak | None = None
    if lunches:
        meal = lunches[0]
        after = sum(1 for v in visits if v.end <= meal.start)
        if any(v.start < meal.end and meal.start < v.end for v in visits):
            problems.append(
                InputProblem(
                    file=name,
                    row=meal.row,
                    column="start",
                    value=format_hhmm(meal.start),
                    expected="a lunch outside the worker's visits",
                )
            )
        lunch = LunchBreak(start=meal.start, end=meal.end, after=after)
    if len(problems) > found:
        return None
    worker = problem.worker(worker_id)
    places = [worker.start, *(problem.client(v.client_id).location for v in visits)]
    matrices = (travel or GeodesicTravel()).matrices(places, worker.mode)
    stops: list[Stop] = []
    for i, visit in enumerate(visits):
        if visit.travel_s is not None and visit.travel_m is not None:
            travel_s, travel_m = visit.travel_s, visit.travel_m
        else:
            travel_s, travel_m = int(matrices.duration_s[i, i + 1]), int(matrices.distance_m[i, i + 1])
        arrival = visit.arrival
        if arrival is None and stops:  # leaves straight after the previous visit, as the planner's routes do
            earliest = stops[-1].end + travel_s
            if lunch is not None and lunch.after == i:  # lunch on the way, as the validator times it
                earliest = max(earliest + lunch.end - lunch.start, lunch.end)
            arrival = min(visit.start, earliest)
        stops.append(
            Stop(
                visit_id=f"{day.isoformat()}/{visit.client_id}",
                client_id=visit.client_id,
                services=visit.services,
                arrival=visit.start if arrival is None else arrival,  # the first: on time, unless the file says
                start=visit.start,
                end=visit.end,
                travel_s=travel_s,
                travel_m=travel_m,
                substitute_for=visit.substitute_for,
            )
        )
    first = stops[0]
    departure = (
        first.arrival - first.travel_s - (lunch.end - lunch.start if lunch is not None and lunch.after == 0 else 0)
    )
    back_s, back_m = int(matrices.duration_s[len(visits), 0]), int(matrices.distance_m[len(visits), 0])
    return Route(
        worker_id=worker_id,
        date=day,
        departure=departure,
        stops=_distinct_ids(stops),
        lunch=lunch,
        return_travel_s=back_s,
        return_travel_m=back_m,
        return_arrival=stops[-1].end + back_s,
    )


def _distinct_ids(stops: list[Stop]) -> tuple[Stop, ...]:
    """Two visits to one client on one day keep apart by a slot number, as the planners' ids do."""
    seen: dict[str, int] = {}
    out: list[Stop] = []
    for stop in stops:
        n = seen.get(stop.visit_id, 0)
        seen[stop.visit_id] = n + 1
        if n:
            stop = replace(stop, visit_id=f"{stop.visit_id}/{n}")
        out.append(stop)
    return tuple(out)


def _read_unassigned(path: Path, problem: Problem, problems: list[InputProblem]) -> tuple[Unassigned, ...]:
    """``unassigned.csv`` of the baseline: the visits it left, with their reasons."""
    clients = {c.id for c in problem.clients}
    out: list[Unassigned] = []
    for number, cells in _records(path, _UNASSIGNED_COLUMNS, problems):
        row = _Cells(file=path.name, row=number, cells=cells)
        day = row.parse("date", _date, "a date like 2026-12-07 or 07.12.2026", required=True)
        minutes = row.parse("duration_min", _number, "minutes, a number")
        if row.get("client_id") not in clients:
            row.bad("client_id", "a client id from clients.csv")
        if row.found or day is None:
            problems.extend(row.found)
            continue
        out.append(
            Unassigned(
                visit_id=f"{day.isoformat()}/{row.get('client_id')}/row{number}",
                client_id=row.get("client_id"),
                date=day,
                services=tuple(c.strip() for c in row.get("services").split("+") if c.strip()),
                duration_s=round((minutes or 0) * 60),
                reason=row.get("reason"),
            )
        )
    return tuple(out)

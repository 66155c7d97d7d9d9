"""Read a department's data folder (CSV, see DESIGN.md) into a Problem, reporting every problem at once.

Planners edit these files in Excel, so the reader takes what Excel writes: UTF-8 with or without a BOM,
Windows-1251, ``;`` as the separator and decimal commas. Rows are numbered as a spreadsheet shows them
(header = row 1). Extra columns are kept in the file and ignored here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.grammar import parse_days, parse_list, parse_lunch, parse_weekly
from lean_social.model import (
    ERRANDS,
    MAX_NORM_MIN,
    TRAVEL_MODES,
    Absence,
    Client,
    Holiday,
    Location,
    Per,
    Problem,
    ProgrammeItem,
    Service,
    WeeklyPattern,
    Worker,
)

__all__ = ["FILES", "read_folder"]

FILES: dict[str, tuple[str, ...]] = {
    "services.csv": ("code", "name", "norm_min", "skill", "errand"),
    "clients.csv": ("id", "name", "address", "lat", "lon", "department", "available", "worker_id", "notes"),
    "programmes.csv": ("client_id", "service_code", "times", "per", "days"),
    "workers.csv": (
        "id",
        "name",
        "department",
        "start_lat",
        "start_lon",
        "shift",
        "lunch",
        "skills",
        "mode",
        "max_visits_per_day",
    ),
    "absences.csv": ("worker_id", "from", "to", "reason"),
    "holidays.csv": ("date", "name"),
}
OPTIONAL_FILES = ("absences.csv", "holidays.csv")
#: Columns that may be left out of the header altogether (an empty value is their default).
OPTIONAL_COLUMNS = {
    "skill",
    "errand",
    "notes",
    "worker_id",
    "lunch",
    "skills",
    "max_visits_per_day",
    "reason",
    "name",
    "address",
    "days",
}

_T = TypeVar("_T")


class _BadCellError(ValueError):
    """A cell that does not parse; carries the column so the problem can point at it."""

    def __init__(self, column: str, value: str, expected: str) -> None:
        super().__init__(expected)
        self.column, self.value, self.expected = column, value, expected


@dataclass(slots=True)
class _Row:
    file: str
    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def required(self, column: str) -> str:
        value = self.get(column)
        if not value:
            raise _BadCellError(column, value, "a value (this cell must not be empty)")
        return value

    def parse(self, column: str, parser: Callable[[str], _T], expected: str) -> _T:
        value = self.get(column)
        try:
            return parser(value)
        except ValueError as exc:
            detail = str(exc)
            raise _BadCellError(column, value, f"{expected}: {detail}" if detail else expected) from exc


@dataclass(slots=True)
class _Reader:
    folder: Path
    problems: list[InputProblem] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)

    def problem(self, file: str, row: int | None, column: str | None, value: str, expected: str) -> None:
        self.problems.append(InputProblem(file=file, row=row, column=column, value=value, expected=expected))

    def rows(self, name: str) -> list[_Row]:
        path = self.folder / name
        if not path.is_file():
            if name not in OPTIONAL_FILES:
                self.problem(name, None, None, str(path), "the file to exist in the data folder")
            return []
        raw = path.read_bytes()
        text = _decode(raw)
        lines = [line for line in text.splitlines() if line.strip().strip(",;\t")]
        if not lines:
            self.problem(name, None, None, "", "a header row and at least one record (the file is empty)")
            return []
        delimiter = _delimiter(lines[0])
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = [h.strip().lower() for h in next(reader)]
        missing = [c for c in FILES[name] if c not in header and c not in OPTIONAL_COLUMNS]
        for column in missing:
            self.problem(name, 1, column, ",".join(header), f"a column named '{column}' in the header")
        if missing:
            return []
        out = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            cells = {h: (record[i] if i < len(record) else "") for i, h in enumerate(header)}
            out.append(_Row(file=name, number=reader.line_num, cells=cells))
        if not out and name not in OPTIONAL_FILES:
            self.problem(name, None, None, "", "at least one record below the header (the file has none)")
        return out

    def each(self, rows: list[_Row], build: Callable[[_Row], _T], *, key: str = "") -> Iterator[tuple[_Row, _T]]:
        """Rows that build; the ids of those that do not go to ``broken`` so that references to them
        are not reported a second time."""
        for row in rows:
            try:
                yield row, build(row)
            except _BadCellError as bad:
                self.problem(row.file, row.number, bad.column, bad.value, bad.expected)
                self.broken.add(row.get(key))
            except ValueError as exc:  # a domain constructor's own check
                self.problem(row.file, row.number, None, "", str(exc))
                self.broken.add(row.get(key))


def _decode(raw: bytes) -> str:
    """Excel writes UTF-8 with a BOM, or Windows-1251 on Russian systems."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251")


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _number(text: str) -> float:
    """Accepts decimal commas (``47,51``), as Excel writes them in a Russian locale."""
    try:
        return float(text.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        msg = "not a number"
        raise ValueError(msg) from None


def _integer(text: str) -> int:
    value = _number(text)
    if value != int(value):
        msg = "not a whole number"
        raise ValueError(msg)
    return int(value)


def _coordinate(row: _Row, column: str, limit: float) -> float:
    value = row.parse(column, _number, "a number in decimal degrees")
    if not -limit <= value <= limit:
        raise _BadCellError(column, row.get(column), f"a coordinate between -{limit:g} and {limit:g}")
    return value


def _location(row: _Row, lat: str, lon: str) -> Location:
    return Location(lat=_coordinate(row, lat, 90), lon=_coordinate(row, lon, 180))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:  # Excel's Russian locale writes 07.12.2026
        return dt.datetime.strptime(text, "%d.%m.%Y").date()
    except ValueError:
        msg = "a date like 2026-12-07 or 07.12.2026"
        raise ValueError(msg) from None


def _service(row: _Row) -> Service:
    norm = row.parse("norm_min", _integer, "a whole number of minutes")
    if not 0 < norm <= MAX_NORM_MIN:
        raise _BadCellError("norm_min", row.get("norm_min"), f"a norm of 1..{MAX_NORM_MIN} minutes (at most 8 h)")
    errand = row.get("errand") or None
    if errand is not None and errand not in ERRANDS:
        raise _BadCellError("errand", errand, f"empty or one of {', '.join(ERRANDS)}")
    return Service(
        code=row.required("code"),
        name=row.get("name"),
        norm_min=norm,
        skill=row.get("skill") or None,
        errand=errand,
    )


def _client(row: _Row) -> Client:
    return Client(
        id=row.required("id"),
        name=row.get("name"),
        address=row.get("address"),
        location=_location(row, "lat", "lon"),
        department=row.required("department"),
        available=row.parse("available", parse_weekly, "a weekly pattern like 'mon-fri 09:00-18:00'"),
        worker_id=row.get("worker_id") or None,
        notes=row.get("notes"),
    )


def _programme(row: _Row) -> ProgrammeItem:
    per = row.get("per") or "week"
    if per not in ("week", "month"):
        raise _BadCellError("per", per, "'week' or 'month'")
    times = row.parse("times", _integer, "a whole number of visits")
    limit = 7 if per == "week" else 31
    if not 0 < times <= limit:
        raise _BadCellError("times", row.get("times"), f"1..{limit} times a {per}")
    days = row.parse("days", lambda t: parse_days(t) if t else (), "days like 'mon+thu'")
    if per == "week" and days and len(days) != times:
        raise _BadCellError("days", row.get("days"), f"exactly {times} fixed days for {times} visits a week")
    return ProgrammeItem(
        client_id=row.required("client_id"),
        service_code=row.required("service_code"),
        times=times,
        per=cast("Per", per),
        days=days,
    )


def _worker(row: _Row) -> Worker:
    shift = row.parse("shift", parse_weekly, "a weekly shift like 'mon-fri 08:00-17:00'")
    for windows in shift.days:
        if len(windows) > 1:
            raise _BadCellError("shift", row.get("shift"), "one shift a day (split shifts are not supported)")
    mode = row.get("mode") or "foot"
    if mode not in TRAVEL_MODES:
        raise _BadCellError("mode", mode, f"one of {', '.join(TRAVEL_MODES)}")
    max_visits = row.parse("max_visits_per_day", lambda t: _integer(t) if t else None, "a whole number of visits")
    if max_visits is not None and max_visits <= 0:
        raise _BadCellError("max_visits_per_day", row.get("max_visits_per_day"), "a positive number or empty")
    return Worker(
        id=row.required("id"),
        name=row.get("name"),
        department=row.required("department"),
        start=_location(row, "start_lat", "start_lon"),
        shift=shift,
        lunch=row.parse("lunch", parse_lunch, "a lunch like '12:00-14:00 45'"),
        skills=frozenset(parse_list(row.get("skills"))),
        mode=mode,
        max_visits_per_day=max_visits,
    )


def _absence(row: _Row) -> Absence:
    start = row.parse("from", _date, "a date")
    end = row.parse("to", _date, "a date")
    if end < start:
        raise _BadCellError("to", row.get("to"), f"a date on or after 'from' ({start})")
    return Absence(worker_id=row.required("worker_id"), start=start, end=end, reason=row.get("reason"))


def _holiday(row: _Row) -> Holiday:
    return Holiday(date=row.parse("date", _date, "a date"), name=row.get("name"))


def _overlaps(a: WeeklyPattern, b: WeeklyPattern) -> bool:
    return any(x.start < y.end and y.start < x.end for day in range(7) for x in a.days[day] for y in b.days[day])


def read_folder(folder: str | Path) -> Problem:
    """The Problem in ``folder``, or one InvalidInputError naming every problem found."""
    folder = Path(folder)
    reader = _Reader(folder)
    if not folder.is_dir():
        reader.problem(str(folder), None, None, str(folder), "a data folder")
        raise InvalidInputError(reader.problems)

    def unique(pairs: list[tuple[_Row, _T]], key: Callable[[_T], str], column: str) -> list[tuple[_Row, _T]]:
        first: dict[str, int] = {}
        kept = []
        for row, item in pairs:
            ident = key(item)
            if ident in first:
                reader.problem(
                    row.file,
                    row.number,
                    column,
                    ident,
                    f"a unique {column} (already used at row {first[ident]})",
                )
                continue
            first[ident] = row.number
            kept.append((row, item))
        return kept

    services = unique(list(reader.each(reader.rows("services.csv"), _service, key="code")), lambda s: s.code, "code")
    clients = unique(list(reader.each(reader.rows("clients.csv"), _client, key="id")), lambda c: c.id, "id")
    programmes = list(reader.each(reader.rows("programmes.csv"), _programme))
    workers = unique(list(reader.each(reader.rows("workers.csv"), _worker, key="id")), lambda w: w.id, "id")
    absences = list(reader.each(reader.rows("absences.csv"), _absence))
    holidays = list(reader.each(reader.rows("holidays.csv"), _holiday))

    codes = {s.code for _, s in services} | reader.broken
    worker_by_id = {w.id: w for _, w in workers}
    client_ids = {c.id for _, c in clients} | reader.broken
    for row, item in programmes:
        if item.client_id not in client_ids:
            reader.problem(row.file, row.number, "client_id", item.client_id, "a client id from clients.csv")
        if item.service_code not in codes:
            reader.problem(row.file, row.number, "service_code", item.service_code, "a service code from services.csv")
    for row, absence in absences:
        if absence.worker_id not in worker_by_id and absence.worker_id not in reader.broken:
            reader.problem(row.file, row.number, "worker_id", absence.worker_id, "a worker id from workers.csv")
    for row, client in clients:
        if client.worker_id is not None:
            assigned = worker_by_id.get(client.worker_id)
            if assigned is None and client.worker_id in reader.broken:
                continue
            if assigned is None:
                reader.problem(
                    row.file,
                    row.number,
                    "worker_id",
                    client.worker_id,
                    "empty or a worker id from workers.csv",
                )
                continue
            if assigned.department != client.department:
                reader.problem(
                    row.file,
                    row.number,
                    "worker_id",
                    client.worker_id,
                    f"a worker of the client's department {client.department} "
                    f"({assigned.id} is in {assigned.department})",
                )
                continue
            candidates = [assigned]
        else:
            candidates = [w for w in worker_by_id.values() if w.department == client.department]
        if workers and not any(_overlaps(client.available, w.shift) for w in candidates):
            who = f"worker {candidates[0].id}" if client.worker_id else f"department {client.department}"
            reader.problem(
                row.file,
                row.number,
                "available",
                row.get("available"),
                f"hours at home that meet at least one shift of {who}",
            )
    if reader.problems:
        raise InvalidInputError(reader.problems)
    return Problem(
        services=tuple(s for _, s in services),
        clients=tuple(c for _, c in clients),
        programmes=tuple(p for _, p in programmes),
        workers=tuple(w for _, w in workers),
        absences=tuple(a for _, a in absences),
        holidays=tuple(h for _, h in holidays),
    )

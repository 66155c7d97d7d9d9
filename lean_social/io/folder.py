"""Read a department's data folder (CSV, see DESIGN.md) into a Problem, reporting every problem at once.

Planners edit these files in Excel, so the reader takes what Excel writes: UTF-8 with or without a BOM,
Windows-1251, UTF-16 with a byte order mark (Excel's "Unicode text", tab-separated), ``;`` as the
separator and decimal commas. Rows are numbered as a spreadsheet shows them (header = row 1). A column of
the planner's own is ignored with a warning; one that looks like a known column misspelled is an error,
since reading on without it would quietly drop what it says (see ``columns.py``).

Past each row's own cells the reader checks what no single row shows: references between files, a
place far from the rest of its department, a worker and the clients who can never meet. A file that is
missing or unreadable takes those checks with it, so that one missing file is one line, not one per
reference to it.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import logging
import math
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

from lean_social.domain.model import (
    ERRANDS,
    MAX_NORM_MIN,
    TRAVEL_MODES,
    Absence,
    Client,
    ClientAbsence,
    Errand,
    ErrandPlace,
    Holiday,
    Location,
    Lunch,
    Per,
    Problem,
    ProgrammeItem,
    Service,
    TravelMode,
    WeeklyPattern,
    Worker,
)
from lean_social.domain.norms import BASE_NORMS, NormVersion
from lean_social.domain.tables import INPUT_COLUMNS
from lean_social.domain.timefmt import WEEKDAYS
from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.columns import looks_like, unseen_letters
from lean_social.io.grammar import parse_days, parse_list, parse_lunch, parse_weekly

__all__ = ["FILES", "MAX_KM_FROM_DEPARTMENT", "read_folder"]

log = logging.getLogger(__name__)

#: Farthest a client's home or a worker's start may lie from the median of its department's places. A
#: department serves one town or one rural district, 10-40 km across; 50 km out, a worker by car
#: (25 km/h, 1.3 detour) spends over five hours of the day getting there and back. What lies farther is
#: a swapped lat/lon (Volgodonsk's 47.5, 42.2 read as 42.2, 47.5 is 700 km off) or a mistyped degree.
MAX_KM_FROM_DEPARTMENT = 50.0
#: The median of fewer places than this is not "the rest of the department": with two places, either
#: could be the wrong one.
_MIN_PLACES_FOR_MEDIAN = 3

#: The files and their columns: the data's formats are stated once, in ``domain.tables`` (whose notebook
#: tables have the same columns), and named here as files.
FILES: dict[str, tuple[str, ...]] = {f"{name}.csv": columns for name, columns in INPUT_COLUMNS.items()}
OPTIONAL_FILES = ("absences.csv", "holidays.csv", "client_absences.csv", "norms.csv", "places.csv")
#: Columns that may be left out of the header altogether (an empty value is their default), per file:
#: ``worker_id`` may be left out of clients.csv (no one assigned) but is the point of absences.csv.
OPTIONAL_COLUMNS: dict[str, frozenset[str]] = {
    "services.csv": frozenset({"name", "skill", "errand"}),
    "clients.csv": frozenset({"name", "address", "worker_id", "notes", "preferred_days"}),
    "programmes.csv": frozenset({"days"}),
    "workers.csv": frozenset({"name", "lunch", "skills", "max_visits_per_day"}),
    "absences.csv": frozenset({"reason"}),
    "holidays.csv": frozenset({"name"}),
    "client_absences.csv": frozenset({"reason"}),
    "norms.csv": frozenset(),
    "places.csv": frozenset({"name"}),
}

_T = TypeVar("_T")


class _BadCellError(ValueError):
    """A cell that does not parse; carries the column so the problem can point at it."""

    def __init__(self, column: str, value: str, expected: str) -> None:
        super().__init__(expected)
        self.column, self.value, self.expected = column, value, expected


class _RowInvalidError(Exception):
    """Raised once a row's cells are all read and at least one was bad (see ``_Row.errors``)."""


@dataclass(slots=True)
class _Row:
    """One record. Parsing a cell never stops the row: every bad cell is collected, then ``done``
    raises, so a planner sees all of a row's problems at once."""

    file: str
    number: int
    cells: dict[str, str]
    errors: list[_BadCellError] = field(default_factory=list)

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def bad(self, column: str, value: str, expected: str) -> None:
        self.errors.append(_BadCellError(column, value, expected))

    def required(self, column: str) -> str:
        value = self.get(column)
        if not value:
            self.bad(column, value, "a value (this cell must not be empty)")
        return value

    def parse(self, column: str, parser: Callable[[str], _T], expected: str, default: _T) -> _T:
        value = self.get(column)
        try:
            return parser(value)
        except ValueError as exc:
            detail = str(exc)
            self.bad(column, value, f"{expected}: {detail}" if detail and detail != expected else expected)
            return default

    def done(self) -> None:
        if self.errors:
            raise _RowInvalidError


@dataclass(slots=True)
class _Reader:
    folder: Path
    problems: list[InputProblem] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    #: Files missing, unreadable or with a bad header: the checks against their contents are skipped.
    unread: set[str] = field(default_factory=set)
    #: file → departments named on its rows that did not build: their place and overlap checks are
    #: skipped, since the row that would have answered them is not there.
    broken_departments: dict[str, set[str]] = field(default_factory=dict)

    def problem(self, file: str, row: int | None, column: str | None, value: str, expected: str) -> None:
        self.problems.append(InputProblem(file=file, row=row, column=column, value=value, expected=expected))

    def rows(self, name: str) -> list[_Row]:
        path = self.folder / name
        if not path.is_file():
            if name not in OPTIONAL_FILES:
                self.problem(name, None, None, str(path), "the file to exist in the data folder")
                self.unread.add(name)
            return []
        try:
            text = decode_csv(path.read_bytes())
        except ValueError as exc:
            self.problem(name, None, None, "", str(exc))
            self.unread.add(name)
            return []
        lines = [line for line in text.splitlines() if line.strip().strip(",;\t")]
        if not lines:
            self.problem(name, None, None, "", "a header row and at least one record (the file is empty)")
            self.unread.add(name)
            return []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(lines[0]))
        out: list[_Row] = []
        header: list[str] | None = None
        header_row = 0
        number = 0  # spreadsheet row: one per record, blank ones included, whatever newlines cells hold
        try:
            for number, record in enumerate(reader, start=1):
                if not any(cell.strip() for cell in record):
                    continue
                if header is None:
                    header, header_row = [h.strip().lower() for h in record], number
                    if not self._header_ok(name, header, header_row):
                        self.unread.add(name)
                        return []
                    continue
                extra = [cell.strip() for cell in record[len(header) :] if cell.strip()]
                if extra:  # an unquoted separator inside a cell shifts every cell after it
                    self.problem(
                        name,
                        number,
                        None,
                        " | ".join(extra),
                        f"at most {len(header)} cells, one per column of the header (this row has "
                        f"{len(record)}: a comma or semicolon inside a cell that is not in quotes?)",
                    )
                cells = {h: (record[i] if i < len(record) else "") for i, h in enumerate(header)}
                out.append(_Row(file=name, number=number, cells=cells))
        except csv.Error as exc:
            self.problem(name, number + 1, None, "", f"a well-formed CSV record ({exc})")
            self.unread.add(name)
            return out
        if not out and name not in OPTIONAL_FILES:
            self.problem(name, None, None, "", "at least one record below the header (the file has none)")
            self.unread.add(name)
        return out

    def _header_ok(self, name: str, header: list[str], row: int) -> bool:
        ok = True
        known = FILES[name]
        shown = ",".join(header)
        for column in sorted({h for h in header if h and header.count(h) > 1}):
            self.problem(name, row, column, shown, f"each column name once ('{column}' appears twice)")
            ok = False
        meant: set[str] = set()
        own: list[str] = []
        for column in dict.fromkeys(h for h in header if h and h not in known):
            guess = looks_like(column, (k for k in known if k not in header))
            if guess is None:
                own.append(column)
                continue
            unseen = unseen_letters(column)
            hint = f" (it holds {unseen})" if unseen else ""
            self.problem(name, row, column, column, f"unknown column '{column}' — did you mean '{guess}'?{hint}")
            meant.add(guess)
            ok = False
        missing = [c for c in known if c not in header and c not in OPTIONAL_COLUMNS[name] and c not in meant]
        if missing and not any(h in known for h in header):  # another file, or bytes that are not a table
            self.problem(name, row, None, shown, f"a header row naming the columns {','.join(known)}")
            return False
        for column in missing:
            self.problem(name, row, column, shown, f"a column named '{column}' in the header")
            ok = False
        if own and ok:
            log.warning("%s: column%s %s not used and ignored", name, "s" if len(own) > 1 else "", ", ".join(own))
        return ok

    def each(self, rows: list[_Row], build: Callable[[_Row], _T], *, key: str = "") -> Iterator[tuple[_Row, _T]]:
        """Rows that build; the ids of those that do not go to ``broken`` so that references to them
        are not reported a second time."""
        for row in rows:
            try:
                yield row, build(row)
            except _RowInvalidError:
                for bad in row.errors:
                    self.problem(row.file, row.number, bad.column, bad.value, bad.expected)
                self._broke(row, key)
            except ValueError as exc:  # a domain constructor's own check
                self.problem(row.file, row.number, None, "", str(exc))
                self._broke(row, key)

    def _broke(self, row: _Row, key: str) -> None:
        self.broken.add(row.get(key))
        self.broken_departments.setdefault(row.file, set()).add(row.get("department"))

    def complete(self, name: str, department: str) -> bool:
        """Whether every row of ``name`` about ``department`` was read: the checks that compare a
        department's rows with each other need them all."""
        return name not in self.unread and department not in self.broken_departments.get(name, set())


#: Byte order marks that say the encoding outright, longest first: UTF-32's begins with UTF-16's.
_BOM_ENCODINGS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_csv(raw: bytes) -> str:
    """Excel writes UTF-8 with a BOM, Windows-1251 on Russian systems, UTF-16 with a BOM as "Unicode
    text"; anything else raises ValueError saying so in one line."""
    expected = "text in UTF-8 or Windows-1251 (or UTF-16 with a byte order mark, as Excel's 'Unicode text')"
    for bom, encoding in _BOM_ENCODINGS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                msg = f"{expected}: the file starts as {encoding.upper()} but is not valid {encoding.upper()}"
                raise ValueError(msg) from None
    if b"\x00" in raw:  # never in text of these encodings; UTF-16 without its BOM, or not text at all
        msg = f"{expected}: the file holds NUL bytes (a binary file, or UTF-16 saved without its mark)"
        raise ValueError(msg)
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    msg = f"{expected}: the file has bytes valid in neither"
    raise ValueError(msg)


def csv_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _number(text: str) -> float:
    """Accepts decimal commas (``47,51``), as Excel writes them in a Russian locale."""
    try:
        value = float(text.replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except ValueError:
        msg = "not a number"
        raise ValueError(msg) from None
    if not math.isfinite(value):
        msg = "not a finite number"
        raise ValueError(msg)
    return value


def _integer(text: str) -> int:
    value = _number(text)
    if value != int(value):
        msg = "not a whole number"
        raise ValueError(msg)
    return int(value)


def _between(parse: Callable[[str], _T], low: float, high: float, expected: str) -> Callable[[str], _T]:
    def parser(text: str) -> _T:
        value = parse(text)
        if not low <= value <= high:  # type: ignore[operator]
            raise ValueError(expected)
        return value

    return parser


def _location(row: _Row, lat: str, lon: str) -> Location:
    return Location(
        lat=row.parse(
            lat, _between(_number, -90, 90, "a coordinate between -90 and 90"), "a number in decimal degrees", 0.0
        ),
        lon=row.parse(
            lon, _between(_number, -180, 180, "a coordinate between -180 and 180"), "a number in decimal degrees", 0.0
        ),
    )


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


def _choice(options: tuple[str, ...], *, default: str | None = None) -> Callable[[str], str | None]:
    def parser(text: str) -> str | None:
        if not text:
            return default
        if text not in options:
            raise ValueError
        return text

    return parser


def _service(row: _Row) -> Service:
    norm_text = f"a norm of 1..{MAX_NORM_MIN} minutes (at most 8 h)"
    code = row.required("code")
    norm = row.parse("norm_min", _between(_integer, 1, MAX_NORM_MIN, norm_text), "a whole number of minutes", 1)
    errand = row.parse("errand", _choice(ERRANDS), f"empty or one of {', '.join(ERRANDS)}", None)
    row.done()
    return Service(
        code=code,
        name=row.get("name"),
        norm_min=norm,
        skill=row.get("skill") or None,
        errand=cast("Errand | None", errand),
    )


def _place(row: _Row) -> ErrandPlace:
    ident = row.required("id")
    kind = row.parse("kind", _choice(ERRANDS), f"one of {', '.join(ERRANDS)}", None)
    if kind is None:
        row.bad("kind", "", f"one of {', '.join(ERRANDS)}")
    location = _location(row, "lat", "lon")
    row.done()
    return ErrandPlace(id=ident, name=row.get("name"), kind=cast("Errand", kind or ERRANDS[0]), location=location)


def _client(row: _Row) -> Client:
    ident, department = row.required("id"), row.required("department")
    location = _location(row, "lat", "lon")
    available = row.parse(
        "available", parse_weekly, "a weekly pattern like 'mon-fri 09:00-18:00'", WeeklyPattern.from_mapping({})
    )
    no_days: tuple[int, ...] = ()
    preferred = row.parse(
        "preferred_days", lambda t: parse_days(t) if t else no_days, "days like 'tue+fri' or empty", no_days
    )
    row.done()
    return Client(
        id=ident,
        name=row.get("name"),
        address=row.get("address"),
        location=location,
        department=department,
        available=available,
        worker_id=row.get("worker_id") or None,
        notes=row.get("notes"),
        preferred_days=preferred,
    )


def _programme(row: _Row) -> ProgrammeItem:
    client_id, service_code = row.required("client_id"), row.required("service_code")
    per = row.parse("per", _choice(("week", "month"), default="week"), "'week' or 'month'", None) or "week"
    limit = 7 if per == "week" else 31
    times = row.parse("times", _between(_integer, 1, limit, f"1..{limit} times a {per}"), "a whole number of visits", 0)
    no_days: tuple[int, ...] = ()
    days = row.parse("days", lambda t: parse_days(t) if t else no_days, "days like 'mon+thu'", no_days)
    if per == "week" and days and times and len(days) != times:
        row.bad("days", row.get("days"), f"exactly {times} fixed days for {times} visits a week")
    row.done()
    return ProgrammeItem(client_id=client_id, service_code=service_code, times=times, per=cast("Per", per), days=days)


def _one_shift_a_day(text: str) -> WeeklyPattern:
    shift = parse_weekly(text)
    if any(len(windows) > 1 for windows in shift.days):
        msg = "one shift a day (split shifts are not supported)"
        raise ValueError(msg)
    return shift


def _worker(row: _Row) -> Worker:
    ident, department = row.required("id"), row.required("department")
    shift = row.parse(
        "shift", _one_shift_a_day, "a weekly shift like 'mon-fri 08:00-17:00'", WeeklyPattern.from_mapping({})
    )
    mode = row.parse("mode", _choice(TRAVEL_MODES, default="foot"), f"one of {', '.join(TRAVEL_MODES)}", None)
    max_visits = row.parse(
        "max_visits_per_day",
        lambda t: _between(_integer, 1, 1000, "a positive number or empty")(t) if t else None,
        "a whole number of visits",
        None,
    )
    lunch = row.parse("lunch", parse_lunch, "a lunch like '12:00-14:00 45'", None)
    if lunch is not None:
        _check_lunch(row, shift, lunch)
    start = _location(row, "start_lat", "start_lon")
    row.done()
    return Worker(
        id=ident,
        name=row.get("name"),
        department=department,
        start=start,
        shift=shift,
        lunch=lunch,
        skills=frozenset(parse_list(row.get("skills"))),
        mode=cast("TravelMode", mode),
        max_visits_per_day=max_visits,
    )


def _check_lunch(row: _Row, shift: WeeklyPattern, lunch: Lunch) -> None:
    """The lunch must fit every shift day: a shift too short for it is the shift's fault, a window
    beside the shift (``18:00-20:00`` against ``08:00-17:00``) the lunch's. Either is reported once, on
    its first day, rather than as the clients the worker then cannot reach."""
    windows = [(day, window) for day in range(7) for window in shift.days[day]]
    too_short = [(d, w) for d, w in windows if w.length < lunch.duration_min * 60]
    outside = [(d, w) for d, w in windows if w.length >= lunch.duration_min * 60 and not lunch.fits_in(w)]
    if too_short:
        day, window = too_short[0]
        row.bad(
            "shift",
            row.get("shift"),
            f"a shift at least as long as the {lunch.duration_min}-minute lunch "
            f"({WEEKDAYS[day]} {window} is {window.length // 60} min)",
        )
    if outside:
        day, window = outside[0]
        row.bad(
            "lunch",
            row.get("lunch"),
            f"a lunch window with room for its {lunch.duration_min} minutes inside the shift "
            f"({lunch.window} against {WEEKDAYS[day]} {window})",
        )


def _absence(row: _Row) -> Absence:
    worker_id = row.required("worker_id")
    start, end = _from_to(row)
    return Absence(worker_id=worker_id, start=start, end=end, reason=row.get("reason"))


def _client_absence(row: _Row) -> ClientAbsence:
    client_id = row.required("client_id")
    start, end = _from_to(row)
    return ClientAbsence(client_id=client_id, start=start, end=end, reason=row.get("reason"))


def _from_to(row: _Row) -> tuple[dt.date, dt.date]:
    """The dates of an absence, inclusive; every bad cell of the row is reported, then the row is done."""
    start = row.parse("from", _date, "a date", None)
    end = row.parse("to", _date, "a date", None)
    if start is not None and end is not None and end < start:
        row.bad("to", row.get("to"), f"a date on or after 'from' ({start})")
    row.done()
    assert start is not None and end is not None  # done() raised otherwise
    return start, end


def _holiday(row: _Row) -> Holiday:
    day = row.parse("date", _date, "a date", None)
    row.done()
    assert day is not None
    return Holiday(date=day, name=row.get("name"))


@dataclass(frozen=True, slots=True, kw_only=True)
class _NormRow:
    """A row of ``norms.csv``: one service's norm in one version."""

    version: str
    effective: dt.date
    source: str
    code: str
    minutes: int


def _norm_row(row: _Row) -> _NormRow:
    version, source, code = row.required("version"), row.required("source"), row.required("code")
    if version == BASE_NORMS:
        row.bad("version", version, f"a name other than '{BASE_NORMS}', the name of services.csv's own norms")
    effective = row.parse("effective", _date, "a date", None)
    norm_text = f"1..{MAX_NORM_MIN} minutes (at most 8 h)"
    minutes = row.parse("norm_min", _between(_integer, 1, MAX_NORM_MIN, norm_text), "a whole number of minutes", 1)
    row.done()
    assert effective is not None  # done() raised otherwise
    return _NormRow(version=version, effective=effective, source=source, code=code, minutes=minutes)


def _norm_versions(reader: _Reader, rows: list[tuple[_Row, _NormRow]], codes: set[str]) -> tuple[NormVersion, ...]:
    """The versions of ``norms.csv``, its rows grouped by version: each version's date and source the
    same on all its rows, a service named once a version, no two versions on one date (which of them
    would a week use?), every code one of services.csv's."""
    first: dict[str, tuple[_Row, _NormRow]] = {}
    named: dict[tuple[str, str], int] = {}
    on_date: dict[dt.date, str] = {}
    minutes: dict[str, dict[str, int]] = {}
    for row, item in rows:
        head = first.setdefault(item.version, (row, item))
        where = f"version {item.version}, row {head[0].number}"
        if item.effective != head[1].effective:
            expected = f"the date of every row of its version ({head[1].effective}, {where})"
            reader.problem(row.file, row.number, "effective", row.get("effective"), expected)
        if item.source != head[1].source:
            expected = f"the source of every row of its version ({head[1].source!r}, {where})"
            reader.problem(row.file, row.number, "source", item.source, expected)
        if head[0] is row:
            other = on_date.setdefault(item.effective, item.version)
            if other != item.version:
                expected = f"a date no other version takes effect on (version {other} does)"
                reader.problem(row.file, row.number, "effective", row.get("effective"), expected)
        if (item.version, item.code) in named:
            expected = f"a service named once in its version (already at row {named[item.version, item.code]})"
            reader.problem(row.file, row.number, "code", item.code, expected)
        named.setdefault((item.version, item.code), row.number)
        if "services.csv" not in reader.unread and item.code not in codes:
            reader.problem(row.file, row.number, "code", item.code, "a service code from services.csv")
        minutes.setdefault(item.version, {})[item.code] = item.minutes
    return tuple(NormVersion.of(name, item.effective, item.source, minutes[name]) for name, (_, item) in first.items())


def _overlaps(a: WeeklyPattern, b: WeeklyPattern) -> bool:
    return any(x.start < y.end and y.start < x.end for day in range(7) for x in a.days[day] for y in b.days[day])


def _check_references(
    reader: _Reader,
    services: list[tuple[_Row, Service]],
    clients: list[tuple[_Row, Client]],
    programmes: list[tuple[_Row, ProgrammeItem]],
    workers: list[tuple[_Row, Worker]],
    absences: list[tuple[_Row, Absence]],
    away: list[tuple[_Row, ClientAbsence]],
) -> None:
    """Ids that name a row of another file; not checked against a file that was not read, where every
    reference would be one more line about the same missing file."""
    codes = {s.code for _, s in services} | reader.broken
    client_ids = {c.id for _, c in clients} | reader.broken
    worker_ids = {w.id for _, w in workers} | reader.broken
    for row, item in programmes:
        if "clients.csv" not in reader.unread and item.client_id not in client_ids:
            reader.problem(row.file, row.number, "client_id", item.client_id, "a client id from clients.csv")
        if "services.csv" not in reader.unread and item.service_code not in codes:
            reader.problem(row.file, row.number, "service_code", item.service_code, "a service code from services.csv")
    for row, absence in absences:
        if "workers.csv" not in reader.unread and absence.worker_id not in worker_ids:
            reader.problem(row.file, row.number, "worker_id", absence.worker_id, "a worker id from workers.csv")
    for row, gone in away:
        if "clients.csv" not in reader.unread and gone.client_id not in client_ids:
            reader.problem(row.file, row.number, "client_id", gone.client_id, "a client id from clients.csv")


def _check_clients_meet_workers(
    reader: _Reader, clients: list[tuple[_Row, Client]], workers: list[tuple[_Row, Worker]], staffed: set[str]
) -> None:
    """Each client's assigned worker exists and works in the client's department, and the client is at
    home during some shift of that worker (or of any worker of the department, for an open client).
    ``staffed`` holds the departments of every worker row, broken ones too."""
    worker_by_id = {w.id: w for _, w in workers}
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
        if client.department not in staffed:
            reader.problem(
                row.file, row.number, "department", client.department, "a department that has workers in workers.csv"
            )
        elif (
            candidates
            and reader.complete("workers.csv", client.department)
            and not any(_overlaps(client.available, w.shift) for w in candidates)
        ):
            who = f"worker {candidates[0].id}" if client.worker_id else f"department {client.department}"
            reader.problem(
                row.file,
                row.number,
                "available",
                row.get("available"),
                f"hours at home that meet at least one shift of {who}",
            )


def _check_workers_meet_clients(
    reader: _Reader, clients: list[tuple[_Row, Client]], workers: list[tuple[_Row, Worker]]
) -> None:
    """A worker whose shifts never meet the hours at home of any client of the department can make no
    visit at all: a shift typed on the wrong days or hours, not a worker to plan around."""
    for row, worker in workers:
        theirs = [c for _, c in clients if c.department == worker.department]
        if (
            theirs
            and reader.complete("clients.csv", worker.department)
            and not any(_overlaps(c.available, worker.shift) for c in theirs)
        ):
            reader.problem(
                row.file,
                row.number,
                "shift",
                row.get("shift"),
                f"a shift that meets the hours at home of at least one client of department {worker.department}",
            )


def _check_places(reader: _Reader, places: list[tuple[_Row, str, tuple[str, str], Location]]) -> None:
    """(0, 0) and places far from the median of their department's places: a geocoder's failure, a
    swapped lat/lon or a mistyped degree, which the planner would otherwise route to, hours away."""
    by_department: dict[str, list[tuple[_Row, tuple[str, str], Location]]] = {}
    for row, department, columns, place in places:
        if place.lat == 0 and place.lon == 0:
            reader.problem(
                row.file,
                row.number,
                "/".join(columns),
                "0,0",
                "a real place, not (0, 0) off the coast of Africa: coordinates left unset?",
            )
            continue
        by_department.setdefault(department, []).append((row, columns, place))
    for department, located in sorted(by_department.items()):
        if len(located) < _MIN_PLACES_FOR_MEDIAN:
            continue
        middle = Location(
            lat=statistics.median(p.lat for _, _, p in located), lon=statistics.median(p.lon for _, _, p in located)
        )
        for row, columns, place in located:
            km = place.km_to(middle)
            if km > MAX_KM_FROM_DEPARTMENT:
                reader.problem(
                    row.file,
                    row.number,
                    "/".join(columns),
                    f"{row.get(columns[0])},{row.get(columns[1])}: {km:.0f} km away",
                    f"a place within {MAX_KM_FROM_DEPARTMENT:g} km of the median of department {department}'s "
                    "places (lat and lon swapped, or a mistyped degree?)",
                )


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
    worker_rows = reader.rows("workers.csv")
    workers = unique(list(reader.each(worker_rows, _worker, key="id")), lambda w: w.id, "id")
    absences = list(reader.each(reader.rows("absences.csv"), _absence))
    holidays = list(reader.each(reader.rows("holidays.csv"), _holiday))
    away = list(reader.each(reader.rows("client_absences.csv"), _client_absence))
    norm_rows = list(reader.each(reader.rows("norms.csv"), _norm_row))
    places = unique(list(reader.each(reader.rows("places.csv"), _place, key="id")), lambda p: p.id, "id")

    _check_references(reader, services, clients, programmes, workers, absences, away)
    if "workers.csv" not in reader.unread:
        _check_clients_meet_workers(reader, clients, workers, {row.get("department") for row in worker_rows})
    if "clients.csv" not in reader.unread:
        _check_workers_meet_clients(reader, clients, workers)
    norm_versions = _norm_versions(reader, norm_rows, {s.code for _, s in services} | reader.broken)
    _check_places(
        reader,
        [(row, c.department, ("lat", "lon"), c.location) for row, c in clients]
        + [(row, w.department, ("start_lat", "start_lon"), w.start) for row, w in workers],
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
        client_absences=tuple(a for _, a in away),
        norm_versions=norm_versions,
        places=tuple(p for _, p in places),
    )

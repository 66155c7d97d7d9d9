"""Read ``observed_visits.csv``, a time study's record of visits, checking every row at once.

The file comes from the same planners and the same Excel as the data folder, so it is read the same way
(``io.folder``'s ``decode_csv`` and ``csv_delimiter``: UTF-8 with or without a BOM, Windows-1251, ``,``
or ``;``), and every problem is reported at once with its file, spreadsheet row and column: a study of a
thousand visits typed by hand has more than one typo, and finding them one run at a time wastes a day.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from lean_social.domain.model import Problem
from lean_social.domain.observed import ObservedVisit
from lean_social.domain.timefmt import parse_hhmm
from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.folder import csv_delimiter, decode_csv

__all__ = ["OBSERVED_COLUMNS", "OBSERVED_FILE", "read_observed_visits"]

OBSERVED_FILE = "observed_visits.csv"
OBSERVED_COLUMNS: tuple[str, ...] = ("worker_id", "client_id", "date", "start", "end", "services")


def read_observed_visits(path: str | Path, problem: Problem) -> tuple[ObservedVisit, ...]:
    """The visits in ``path``, whose workers, clients and services must be ``problem``'s; or one
    InvalidInputError naming every problem found."""
    path = Path(path)
    name = path.name
    problems: list[InputProblem] = []

    def fail(row: int | None, column: str | None, value: str, expected: str) -> InvalidInputError:
        problems.append(InputProblem(file=name, row=row, column=column, value=value, expected=expected))
        return InvalidInputError(problems)

    if not path.is_file():
        raise fail(None, None, str(path), "an observed visits file")
    try:
        text = decode_csv(path.read_bytes())
    except ValueError as exc:
        raise fail(None, None, "", str(exc)) from None
    lines = [line for line in text.splitlines() if line.strip().strip(",;\t")]
    if not lines:
        raise fail(None, None, "", "a header row and at least one record (the file is empty)")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=csv_delimiter(lines[0]))
    known = _Known(
        workers=frozenset(w.id for w in problem.workers),
        clients=frozenset(c.id for c in problem.clients),
        services=frozenset(s.code for s in problem.services),
    )
    header: list[str] | None = None
    visits: list[ObservedVisit] = []
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in record]
                missing = [c for c in OBSERVED_COLUMNS if c not in header]
                for column in missing:
                    fail(number, column, ",".join(header), f"a column named '{column}' in the header")
                if missing:
                    raise InvalidInputError(problems)
                continue
            cells = {h: (record[i].strip() if i < len(record) else "") for i, h in enumerate(header)}
            visit = _visit(name, number, cells, known, problems)
            if visit is not None:
                visits.append(visit)
    except csv.Error as exc:
        raise fail(number + 1, None, "", f"a well-formed CSV record ({exc})") from None
    if header is not None and not visits and not problems:
        fail(None, None, "", "at least one record below the header (the file has none)")
    if problems:
        raise InvalidInputError(problems)
    return tuple(visits)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Known:
    workers: frozenset[str]
    clients: frozenset[str]
    services: frozenset[str]


def _visit(
    file: str, row: int, cells: dict[str, str], known: _Known, problems: list[InputProblem]
) -> ObservedVisit | None:
    """One row's visit, or ``None`` with each of its bad cells added to ``problems``."""
    before = len(problems)

    def bad(column: str, expected: str) -> None:
        problems.append(InputProblem(file=file, row=row, column=column, value=cells[column], expected=expected))

    if cells["worker_id"] not in known.workers:
        bad("worker_id", "a worker id of workers.csv")
    if cells["client_id"] not in known.clients:
        bad("client_id", "a client id of clients.csv")
    day = dt.date.min
    try:
        day = dt.date.fromisoformat(cells["date"])
    except ValueError:
        bad("date", "a date as YYYY-MM-DD")
    times: dict[str, int] = {}
    for column in ("start", "end"):
        try:
            times[column] = parse_hhmm(cells[column])
        except ValueError as exc:
            bad(column, f"a time as HH:MM ({exc})")
    codes = tuple(code.strip() for code in cells["services"].split("+") if code.strip())
    if not codes:
        bad("services", "service codes joined by '+' (this cell must not be empty)")
    unknown = [code for code in codes if code not in known.services]
    if unknown:
        bad("services", f"service codes of services.csv (unknown: {', '.join(unknown)})")
    if len(times) == 2 and times["end"] <= times["start"]:
        bad("end", f"an end after the start ({cells['start']})")
    if len(problems) > before:
        return None
    return ObservedVisit(
        worker_id=cells["worker_id"],
        client_id=cells["client_id"],
        date=day,
        start_s=times["start"],
        end_s=times["end"],
        services=codes,
    )

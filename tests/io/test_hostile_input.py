"""Broken and hostile data folders through the command line, one defect each.

Every case starts from the small valid folder ``tests/data/tiny``, breaks one thing the way a planner's
Excel session or a careless export would, runs ``lean-social plan`` in-process and checks what a
planner sees: exit 1, the file, row and column of the defect on stderr, and nothing written into
``--out``. A few defects must be read through (a column of the planner's own, formula-looking text,
UTF-16): those plan with exit 0. Rows in tiny: services FOOD 2, DISH 3, BP 4; clients C1..C4 rows 2..5;
workers W1 2, W2 3; programmes C1 FOOD 2, C1 DISH 3, C2 FOOD 4, C2 BP 5, C3 FOOD 6, C4 FOOD 7, C4 DISH 8.
"""

from __future__ import annotations

import csv
import io
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import DATA
from lean_social.app.cli import main
from lean_social.errors import MAX_LINES_PER_KIND

Edit = Callable[[Path], None]


def sub(name: str, old: str, new: str) -> Edit:
    """Replace the first ``old`` in ``name`` by ``new``."""

    def edit(folder: Path) -> None:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return edit


def gone(name: str) -> Edit:
    return lambda folder: (folder / name).unlink()


def raw(name: str, data: bytes) -> Edit:
    return lambda folder: (folder / name).write_bytes(data)


def _table(folder: Path, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((folder / name).read_text(encoding="utf-8"), newline="")))


def _write(folder: Path, name: str, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8") -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    (folder / name).write_bytes(out.getvalue().encode(encoding))


def drop(name: str, column: str) -> Edit:
    """The column gone from the header and from every row, as a deleted Excel column."""

    def edit(folder: Path) -> None:
        rows = _table(folder, name)
        at = rows[0].index(column)
        _write(folder, name, [r[:at] + r[at + 1 :] for r in rows])

    return edit


def rename(name: str, column: str, new: str) -> Edit:
    def edit(folder: Path) -> None:
        rows = _table(folder, name)
        rows[0][rows[0].index(column)] = new
        _write(folder, name, rows)

    return edit


def add_column(name: str, column: str) -> Edit:
    def edit(folder: Path) -> None:
        rows = _table(folder, name)
        _write(folder, name, [[*rows[0], column]] + [[*r, ""] for r in rows[1:]])

    return edit


def resave(name: str, *, delimiter: str, encoding: str) -> Edit:
    """The file as Excel saves it in another format: same cells, another separator and encoding."""

    def edit(folder: Path) -> None:
        _write(folder, name, _table(folder, name), delimiter=delimiter, encoding=encoding)

    return edit


def both(*edits: Edit) -> Edit:
    def edit(folder: Path) -> None:
        for one in edits:
            one(folder)

    return edit


@dataclass(frozen=True, slots=True)
class Named:
    """What stderr must name: ``file, row R, column 'C': ...words...``; row or column None where the
    defect has none (a missing file, a record the csv module cannot split)."""

    file: str
    row: int | None
    column: str | None
    words: str
    #: the defect is the only problem reported: no echo of it in other files
    alone: bool = False

    @property
    def place(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"  - {where}: "


def required_column(name: str, column: str) -> Named:
    return Named(name, 1, column, f"a column named '{column}' in the header", alone=True)


def did_you_mean(name: str, typed: str, meant: str) -> Named:
    return Named(name, 1, typed, f"did you mean '{meant}'?", alone=True)


BIG = "x" * 200_000  # over the csv module's field limit of 128 kB
PREVIOUS = "date,worker_id,client_id\n2026-11-30,W1,C1\n"

REFUSED = [
    # --- a required file missing: one line, not one per reference to it
    # the service catalogue not copied
    pytest.param(
        gone("services.csv"), Named("services.csv", None, None, "the file to exist", alone=True), id="no-services"
    ),
    # clients.csv deleted: not 757 references to it
    pytest.param(
        gone("clients.csv"), Named("clients.csv", None, None, "the file to exist", alone=True), id="no-clients"
    ),
    # the programmes not exported
    pytest.param(
        gone("programmes.csv"), Named("programmes.csv", None, None, "the file to exist", alone=True), id="no-programmes"
    ),
    # workers.csv saved elsewhere
    pytest.param(
        gone("workers.csv"), Named("workers.csv", None, None, "the file to exist", alone=True), id="no-workers"
    ),
    # --- every required column deleted
    # services without their codes
    pytest.param(drop("services.csv", "code"), required_column("services.csv", "code"), id="drop-services-code"),
    # services without their norms
    pytest.param(drop("services.csv", "norm_min"), required_column("services.csv", "norm_min"), id="drop-norm"),
    # clients without ids
    pytest.param(drop("clients.csv", "id"), required_column("clients.csv", "id"), id="drop-clients-id"),
    # latitude column deleted
    pytest.param(drop("clients.csv", "lat"), required_column("clients.csv", "lat"), id="drop-clients-lat"),
    # longitude column deleted
    pytest.param(drop("clients.csv", "lon"), required_column("clients.csv", "lon"), id="drop-clients-lon"),
    # clients without departments
    pytest.param(
        drop("clients.csv", "department"), required_column("clients.csv", "department"), id="drop-clients-dep"
    ),
    # clients without hours at home
    pytest.param(drop("clients.csv", "available"), required_column("clients.csv", "available"), id="drop-available"),
    # programmes without the client
    pytest.param(
        drop("programmes.csv", "client_id"), required_column("programmes.csv", "client_id"), id="drop-prog-cl"
    ),
    # programmes without the service
    pytest.param(
        drop("programmes.csv", "service_code"), required_column("programmes.csv", "service_code"), id="drop-prog-code"
    ),
    # programmes without a frequency
    pytest.param(drop("programmes.csv", "times"), required_column("programmes.csv", "times"), id="drop-times"),
    # programmes without week/month
    pytest.param(drop("programmes.csv", "per"), required_column("programmes.csv", "per"), id="drop-per"),
    # workers without ids
    pytest.param(drop("workers.csv", "id"), required_column("workers.csv", "id"), id="drop-workers-id"),
    # workers without departments
    pytest.param(
        drop("workers.csv", "department"), required_column("workers.csv", "department"), id="drop-workers-dep"
    ),
    # start places without latitude
    pytest.param(drop("workers.csv", "start_lat"), required_column("workers.csv", "start_lat"), id="drop-start-lat"),
    # start places without longitude
    pytest.param(drop("workers.csv", "start_lon"), required_column("workers.csv", "start_lon"), id="drop-start-lon"),
    # workers without shifts
    pytest.param(drop("workers.csv", "shift"), required_column("workers.csv", "shift"), id="drop-shift"),
    # workers without a travel mode
    pytest.param(drop("workers.csv", "mode"), required_column("workers.csv", "mode"), id="drop-mode"),
    # absences of nobody (optional in clients.csv, not here)
    pytest.param(drop("absences.csv", "worker_id"), required_column("absences.csv", "worker_id"), id="drop-abs-worker"),
    # absences without a first day
    pytest.param(drop("absences.csv", "from"), required_column("absences.csv", "from"), id="drop-abs-from"),
    # absences without a last day
    pytest.param(drop("absences.csv", "to"), required_column("absences.csv", "to"), id="drop-abs-to"),
    # holidays without dates
    pytest.param(drop("holidays.csv", "date"), required_column("holidays.csv", "date"), id="drop-holiday-date"),
    # client absences of nobody
    pytest.param(
        drop("client_absences.csv", "client_id"), required_column("client_absences.csv", "client_id"), id="drop-away-cl"
    ),
    # client absences without a first day
    pytest.param(
        drop("client_absences.csv", "from"), required_column("client_absences.csv", "from"), id="drop-away-from"
    ),
    # client absences without a last day
    pytest.param(drop("client_absences.csv", "to"), required_column("client_absences.csv", "to"), id="drop-away-to"),
    # --- a column renamed: an optional one would be read as empty on every row, so it is an error
    # days -> day: fixed days silently dropped before
    pytest.param(rename("programmes.csv", "days", "day"), did_you_mean("programmes.csv", "day", "days"), id="day"),
    pytest.param(
        rename("clients.csv", "worker_id", "worker id"),  # a space for the underscore
        did_you_mean("clients.csv", "worker id", "worker_id"),
        id="worker-id-space",
    ),
    # no separator: every assignment lost before
    pytest.param(
        rename("clients.csv", "worker_id", "workerid"),
        did_you_mean("clients.csv", "workerid", "worker_id"),
        id="workerid",
    ),
    # a word added: every lunch dropped before
    pytest.param(
        rename("workers.csv", "lunch", "lunch_break"),
        did_you_mean("workers.csv", "lunch_break", "lunch"),
        id="lunch_break",
    ),
    # singular: nurses lost their skill before
    pytest.param(rename("workers.csv", "skills", "skill"), did_you_mean("workers.csv", "skill", "skills"), id="skill"),
    # words left off: the visit limit lost before
    pytest.param(
        rename("workers.csv", "max_visits_per_day", "max_visits"),
        did_you_mean("workers.csv", "max_visits", "max_visits_per_day"),
        id="max_visits",
    ),
    pytest.param(
        rename("workers.csv", "mode", "mоde"),  # Cyrillic о, typed on a Russian layout
        Named("workers.csv", 1, "mоde", "did you mean 'mode'? (it holds U+043E CYRILLIC", alone=True),
        id="mode-cyrillic-o",
    ),
    pytest.param(
        rename("clients.csv", "worker_id", "\ufeffworker_id"),  # a byte order mark pasted inside the header
        Named("clients.csv", 1, "\ufeffworker_id", "did you mean 'worker_id'? (it holds U+FEFF", alone=True),
        id="worker_id-bom",
    ),
    # plural: errands lost before
    pytest.param(
        rename("services.csv", "errand", "errands"), did_you_mean("services.csv", "errands", "errand"), id="errands"
    ),
    # singular: notes lost before
    pytest.param(rename("clients.csv", "notes", "note"), did_you_mean("clients.csv", "note", "notes"), id="note"),
    # a space and a letter short: wishes lost before
    pytest.param(
        add_column("clients.csv", "preferred day"),
        did_you_mean("clients.csv", "preferred day", "preferred_days"),
        id="preferred-day",
    ),
    # a required column renamed: one line, not 'missing times' and a warning
    pytest.param(rename("programmes.csv", "times", "time"), did_you_mean("programmes.csv", "time", "times"), id="time"),
    # plural: absence reasons lost before
    pytest.param(
        rename("absences.csv", "reason", "reasons"), did_you_mean("absences.csv", "reasons", "reason"), id="reasons"
    ),
    # two columns named id
    pytest.param(
        rename("workers.csv", "name", "id"), Named("workers.csv", 1, "id", "appears twice"), id="duplicate-header"
    ),
    # --- bad times, days and windows
    # 9-12 instead of 09:00-12:00
    pytest.param(
        sub("clients.csv", "mon-fri 09:00-12:00", "mon-fri 9-12"),
        Named("clients.csv", 3, "available", "HH:MM"),
        id="hours-no-minutes",
    ),
    # a typo in a day name
    pytest.param(
        sub("clients.csv", "mon-fri 09:00-12:00", "mon-fry 09:00-12:00"),
        Named("clients.csv", 3, "available", "unknown day 'fry'"),
        id="bad-day-name",
    ),
    # late < early
    pytest.param(
        sub("clients.csv", "mon-fri 09:00-12:00", "mon-fri 12:00-09:00"),
        Named("clients.csv", 3, "available", "ends before it starts"),
        id="window-backwards",
    ),
    # 25:00 is no clock time
    pytest.param(
        sub("workers.csv", "mon-fri 08:00-17:00", "mon-fri 08:00-25:00"),
        Named("workers.csv", 2, "shift", "not a clock time"),
        id="shift-past-midnight",
    ),
    # two shifts a day are not supported
    pytest.param(
        sub("workers.csv", "mon-fri 08:00-17:00", '"mon-fri 08:00-12:00,13:00-17:00"'),
        Named("workers.csv", 2, "shift", "one shift a day"),
        id="split-shift",
    ),
    # a typo in a fixed day
    pytest.param(
        sub("programmes.csv", "C2,FOOD,2,week,mon+thu", "C2,FOOD,2,week,mon+thx"),
        Named("programmes.csv", 4, "days", "unknown day 'thx'"),
        id="bad-fixed-day",
    ),
    # 2 a week on 1 fixed day
    pytest.param(
        sub("programmes.csv", "C1,DISH,2,week,mon+thu", "C1,DISH,2,week,mon"),
        Named("programmes.csv", 3, "days", "exactly 2 fixed days"),
        id="days-fewer-than-times",
    ),
    # --- lunch against the shift
    # the lunch typed as the evening: no lunch at all before
    pytest.param(
        sub("workers.csv", "12:00-14:00 45,nurse", "18:00-20:00 45,nurse"),
        Named("workers.csv", 2, "lunch", "inside the shift (18:00-20:00 against mon 08:00-17:00)", alone=True),
        id="lunch-after-shift",
    ),
    pytest.param(
        sub("workers.csv", "12:00-14:00 45,nurse", "16:30-18:00 45,nurse"),  # 30 of its 45 minutes in the shift
        Named("workers.csv", 2, "lunch", "room for its 45 minutes inside the shift", alone=True),
        id="lunch-half-outside",
    ),
    pytest.param(
        sub("workers.csv", "mon-fri 08:00-17:00,12:00-14:00 45,nurse", "mon-fri 08:00-08:30,12:00-14:00 45,nurse"),
        Named("workers.csv", 2, "shift", "at least as long as the 45-minute lunch", alone=True),  # not clients.csv
        id="shift-shorter-than-lunch",
    ),
    # 45 minutes in a 30-minute window
    pytest.param(
        sub("workers.csv", "12:00-14:00 45,nurse", "12:00-12:30 45,nurse"),
        Named("workers.csv", 2, "lunch", "does not fit"),
        id="lunch-longer-than-window",
    ),
    # the lunch's minutes left off
    pytest.param(
        sub("workers.csv", "12:00-14:00 45,nurse", "12:00-14:00,nurse"),
        Named("workers.csv", 2, "lunch", "window, then minutes"),
        id="lunch-without-minutes",
    ),
    # --- places
    # a geocoder's failure
    pytest.param(
        sub("clients.csv", "47.5160,42.1580", "0,0"),
        Named("clients.csv", 3, "lat/lon", "not (0, 0)", alone=True),
        id="client-at-0-0",
    ),
    # a start place never filled in
    pytest.param(
        sub("workers.csv", "47.5140,42.1530,mon", "0.0,0.0,mon"),
        Named("workers.csv", 2, "start_lat/start_lon", "not (0, 0)", alone=True),
        id="worker-at-0-0",
    ),
    # lat and lon swapped: 700 km off
    pytest.param(
        sub("clients.csv", "47.5100,42.1620", "42.1620,47.5100"),
        Named("clients.csv", 4, "lat/lon", "within 50 km of the median of department D1", alone=True),
        id="client-lat-lon-swapped",
    ),
    # lat and lon swapped in the start place
    pytest.param(
        sub(
            "workers.csv",
            "D1,47.5140,42.1530,mon-fri 08:00-17:00,12:00-14:00 45,,",
            "D1,42.1530,47.5140,mon-fri 08:00-17:00,12:00-14:00 45,,",
        ),
        Named("workers.csv", 3, "start_lat/start_lon", "lat and lon swapped", alone=True),
        id="worker-start-swapped",
    ),
    pytest.param(
        sub("clients.csv", "47.5180,42.1450", "47.5180,43.1450"),  # one degree of longitude, 75 km here
        Named("clients.csv", 5, "lat/lon", "within 50 km"),
        id="mistyped-degree",
    ),
    # NaN from a broken export
    pytest.param(
        sub("clients.csv", "47.5125,42.1500", "nan,42.1500"), Named("clients.csv", 2, "lat", "finite"), id="lat-nan"
    ),
    # inf from a broken export
    pytest.param(
        sub("clients.csv", "47.5125,42.1500", "47.5125,inf"), Named("clients.csv", 2, "lon", "finite"), id="lon-inf"
    ),
    # 1e308 degrees
    pytest.param(
        sub("clients.csv", "47.5125,42.1500", "1e308,42.1500"),
        Named("clients.csv", 2, "lat", "between -90 and 90"),
        id="lat-huge",
    ),
    # --- ids: repeated, unknown
    # two clients C1
    pytest.param(
        sub("clients.csv", "C3,Сидорова", "C1,Сидорова"),
        Named("clients.csv", 4, "id", "already used at row 2"),
        id="dup-client",
    ),
    # two workers W1
    pytest.param(
        sub("workers.csv", "W2,", "W1,"), Named("workers.csv", 3, "id", "already used at row 2"), id="dup-worker"
    ),
    # two services FOOD
    pytest.param(
        sub("services.csv", "DISH,", "FOOD,"),
        Named("services.csv", 3, "code", "already used at row 2"),
        id="dup-service",
    ),
    # a service not in the catalogue
    pytest.param(
        sub("programmes.csv", "C3,FOOD", "C3,CLEAN"),
        Named("programmes.csv", 6, "service_code", "services.csv"),
        id="unknown-service",
    ),
    # a programme of nobody
    pytest.param(
        sub("programmes.csv", "C2,FOOD", "C9,FOOD"),
        Named("programmes.csv", 4, "client_id", "clients.csv"),
        id="unknown-client",
    ),
    # assigned to a worker not in workers.csv
    pytest.param(
        sub("clients.csv", "09:00-18:00,W1", "09:00-18:00,W7"),
        Named("clients.csv", 2, "worker_id", "workers.csv"),
        id="unknown-worker",
    ),
    # a department without workers
    pytest.param(
        sub("clients.csv", "D1,mon-fri 09:00-12:00", "D9,mon-fri 09:00-12:00"),
        Named("clients.csv", 3, "department", "has workers"),
        id="unknown-department",
    ),
    # --- norms
    # a norm of nothing
    pytest.param(
        sub("services.csv", "посуды,10", "посуды,0"), Named("services.csv", 3, "norm_min", "1..480"), id="norm-0"
    ),
    # a negative norm
    pytest.param(
        sub("services.csv", "посуды,10", "посуды,-5"),
        Named("services.csv", 3, "norm_min", "1..480"),
        id="norm-negative",
    ),
    # minutes typed as something else
    pytest.param(
        sub("services.csv", "посуды,10", "посуды,1e9"), Named("services.csv", 3, "norm_min", "1..480"), id="norm-1e9"
    ),
    # a norm in words
    pytest.param(
        sub("services.csv", "посуды,10", "посуды,ten"), Named("services.csv", 3, "norm_min", "a number"), id="norm-text"
    ),
    # a norm left empty
    pytest.param(
        sub("services.csv", "посуды,10", "посуды,"), Named("services.csv", 3, "norm_min", "a number"), id="norm-empty"
    ),
    # half minutes
    pytest.param(
        sub("services.csv", "посуды,10", "посуды,10.5"),
        Named("services.csv", 3, "norm_min", "whole"),
        id="norm-fraction",
    ),
    # --- per and times
    # neither week nor month
    pytest.param(
        sub("programmes.csv", "C1,FOOD,2,week", "C1,FOOD,2,fortnight"),
        Named("programmes.csv", 2, "per", "'week' or 'month'"),
        id="per-fortnight",
    ),
    # never
    pytest.param(
        sub("programmes.csv", "C3,FOOD,3,week", "C3,FOOD,0,week"),
        Named("programmes.csv", 6, "times", "1..7 times a week"),
        id="times-0",
    ),
    # more visits than days
    pytest.param(
        sub("programmes.csv", "C3,FOOD,3,week", "C3,FOOD,8,week"),
        Named("programmes.csv", 6, "times", "1..7 times a week"),
        id="times-8-a-week",
    ),
    # more visits than days in a month
    pytest.param(
        sub("programmes.csv", "C4,DISH,1,month", "C4,DISH,32,month"),
        Named("programmes.csv", 8, "times", "1..31 times a month"),
        id="times-32-a-month",
    ),
    # a frequency in words
    pytest.param(
        sub("programmes.csv", "C1,FOOD,2,week", "C1,FOOD,two,week"),
        Named("programmes.csv", 2, "times", "a whole number"),
        id="times-text",
    ),
    # --- workers' other cells
    # an unknown travel mode
    pytest.param(
        sub("workers.csv", "nurse,foot", "nurse,scooter"),
        Named("workers.csv", 2, "mode", "foot, bike, transit, car"),
        id="mode-scooter",
    ),
    # a limit that forbids every visit
    pytest.param(
        sub("workers.csv", "foot,6", "foot,0"),
        Named("workers.csv", 2, "max_visits_per_day", "positive"),
        id="max-visits-0",
    ),
    # --- no overlap at all between a worker and the clients
    # at home only on Sunday, her worker never works then
    pytest.param(
        sub("clients.csv", "mon+wed+fri 09:00-13:00,W2", "sun 09:00-13:00,W2"),
        Named("clients.csv", 5, "available", "meet at least one shift of worker W2"),
        id="client-never-home-in-shift",
    ),
    # a Sunday shift in a department of weekday clients
    pytest.param(
        sub("workers.csv", "mon-fri 08:00-17:00,12:00-14:00 45,,", "sun 08:00-17:00,12:00-14:00 45,,"),
        Named("workers.csv", 3, "shift", "meets the hours at home of at least one client of department D1"),
        id="worker-never-meets-a-client",
    ),
    # --- absences and holidays
    # to < from
    pytest.param(
        sub("absences.csv", "2026-12-09,2026-12-11", "2026-12-09,2026-12-01"),
        Named("absences.csv", 2, "to", "on or after 'from'"),
        id="absence-to-before-from",
    ),
    # an absence of nobody
    pytest.param(
        sub("absences.csv", "W2,", "W5,"),
        Named("absences.csv", 2, "worker_id", "workers.csv"),
        id="absence-unknown-worker",
    ),
    # a date in words
    pytest.param(
        sub("absences.csv", "2026-12-09", "9 декабря"),
        Named("absences.csv", 2, "from", "a date"),
        id="absence-bad-date",
    ),
    # a client absence of nobody
    pytest.param(
        sub("client_absences.csv", "C3,2026-12-14", "C9,2026-12-14"),
        Named("client_absences.csv", 2, "client_id", "clients.csv"),
        id="away-unknown-client",
    ),
    # to < from
    pytest.param(
        sub("client_absences.csv", "2026-12-14,2026-12-18", "2026-12-14,2026-12-01"),
        Named("client_absences.csv", 2, "to", "on or after 'from'"),
        id="away-to-before-from",
    ),
    # a date that does not exist
    pytest.param(
        sub("holidays.csv", "2027-01-01", "2027-02-30"), Named("holidays.csv", 2, "date", "a date"), id="holiday-feb-30"
    ),
    # not a date
    pytest.param(
        sub("holidays.csv", "2027-01-01", "next friday"), Named("holidays.csv", 2, "date", "a date"), id="holiday-text"
    ),
    # --- files that are not one table of text
    pytest.param(
        raw("services.csv", "code,name,norm_min\n".encode("utf-16-le")),  # UTF-16 saved without its mark
        Named("services.csv", None, None, "NUL bytes", alone=True),
        id="utf16-without-bom",
    ),
    pytest.param(
        raw("clients.csv", bytes(range(256)) * 4),  # binary garbage, NUL bytes and all
        Named("clients.csv", None, None, "NUL bytes", alone=True),
        id="binary-garbage",
    ),
    pytest.param(
        raw("clients.csv", bytes(b for b in range(0x80, 0x100) if b != 0x98) * 4),  # bytes cp1251 decodes to noise
        Named("clients.csv", 1, None, "a header row naming the columns id,name,address", alone=True),
        id="binary-without-nul",
    ),
    # zero bytes
    pytest.param(
        raw("workers.csv", b""), Named("workers.csv", None, None, "the file is empty", alone=True), id="empty-file"
    ),
    # the header and nothing else
    pytest.param(
        raw("programmes.csv", b"client_id,service_code,times,per,days\r\n"),
        Named("programmes.csv", None, None, "at least one record below the header", alone=True),
        id="header-only",
    ),
    # a cell over the csv module's field limit
    pytest.param(
        sub("clients.csv", ",4 этаж без лифта", f',"{BIG}"'),
        Named("clients.csv", 5, None, "field larger than field limit"),
        id="cell-of-200-kB",
    ),
    pytest.param(
        sub("clients.csv", "47.5125,42.1500", "47,5125,42,1500"),  # decimal commas, unquoted, in a ,-file
        Named("clients.csv", 2, None, "a comma or semicolon inside a cell that is not in quotes"),
        id="row-longer-than-header",
    ),
    pytest.param(
        sub("programmes.csv", "C3,FOOD,3,week,mon+wed+fri", "C3,FOOD"),  # cells missing at the end
        Named("programmes.csv", 6, "times", "a whole number"),
        id="row-shorter-than-header",
    ),
]


def _plan(folder: Path, out: Path, *extra: str) -> int:
    return main(["plan", str(folder), "--date", "2026-12-07", "--out", str(out), "--reproducible", *extra])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA / "tiny", target)
    return target


def _check_refused(code: int, err: str, out: Path, named: Named) -> None:
    assert code == 1, err
    lines = [line for line in err.splitlines() if line.startswith(named.place)]
    assert any(named.words in line for line in lines), f"no line {named.place}...{named.words}... in\n{err}"
    if named.alone:
        assert "1 problem in the input:" in err, err
    assert not out.exists(), "an invalid input must leave --out alone"


@pytest.mark.parametrize(("edit", "named"), REFUSED)
def test_refused_with_file_row_and_column(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], edit: Edit, named: Named
) -> None:
    edit(folder)
    out = tmp_path / "out"
    code = _plan(folder, out)
    _check_refused(code, capsys.readouterr().err, out, named)


def test_no_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = _plan(tmp_path / "nowhere", out)
    _check_refused(code, capsys.readouterr().err, out, Named(str(tmp_path / "nowhere"), None, None, "a data folder"))


def test_previous_plan_cell_over_the_csv_limit(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A week reads previous_plan.csv before planning: a 200 kB cell in its record 3 is that row, not a
    traceback."""
    (folder / "previous_plan.csv").write_text(f'{PREVIOUS}2026-12-01,W2,"{BIG}"\n', encoding="utf-8")
    out = tmp_path / "out"
    code = main(["plan", str(folder), "--week", "2026-12-07", "--out", str(out), "--reproducible"])
    _check_refused(
        code, capsys.readouterr().err, out, Named("previous_plan.csv", 3, None, "field larger than field limit")
    )


def test_a_kind_of_problem_shows_at_most_twenty_lines(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """25 rows naming one unknown service: 20 of them, then one line counting the other 5."""
    with (folder / "programmes.csv").open("a", encoding="utf-8") as f:
        f.writelines(f"C{1 + i % 4},NOPE,1,month,\n" for i in range(25))
    out = tmp_path / "out"
    code = _plan(folder, out)
    err = capsys.readouterr().err
    assert code == 1
    kind = [line for line in err.splitlines() if "service_code" in line]
    assert len(kind) == MAX_LINES_PER_KIND + 1, err
    assert kind[-1] == "  ... and 5 more such problems in programmes.csv column service_code"
    assert "25 problems in the input" in err
    assert not out.exists()


# Defects a planner's export brings that must be read through: each plans with exit 0.
ACCEPTED = [
    # a column of the planner's own: a warning that names it, no error
    pytest.param(add_column("clients.csv", "comment"), "clients.csv: column comment not used", id="own-column"),
    # formula-looking text is a name, not a formula: read as text and planned
    pytest.param(
        both(
            sub("clients.csv", "Иванова М. П.", "=cmd|' /C calc'!A0"),
            sub("workers.csv", "Смирнова О. Н.", "@SUM(1+1)*cmd|' /C calc'!A0"),
            sub("clients.csv", "4 этаж без лифта", "+1-2"),
        ),
        None,
        id="formula-cells",
    ),
    # Excel's "Unicode text": UTF-16 with a byte order mark, tab-separated
    pytest.param(resave("clients.csv", delimiter="\t", encoding="utf-16"), None, id="utf16-unicode-text"),
    # Excel in a Russian locale: semicolons, Windows-1251
    pytest.param(resave("workers.csv", delimiter=";", encoding="cp1251"), None, id="semicolons-cp1251"),
    # Alt+Enter inside a quoted cell, and column names in capitals with spaces around
    pytest.param(
        both(
            sub("clients.csv", '"ул. Ленина, д. 78, кв. 12"', '"ул. Ленина,\nд. 78, кв. 12"'),
            sub("programmes.csv", "client_id,service_code,times,per,days", "Client_ID, Service_Code ,Times,PER,Days"),
        ),
        None,
        id="quoted-newline-capitals",
    ),
]


@pytest.mark.parametrize(("edit", "warning"), ACCEPTED)
def test_read_through(
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    edit: Edit,
    warning: str | None,
) -> None:
    edit(folder)
    out = tmp_path / "out"
    with caplog.at_level(logging.WARNING, logger="lean_social.io.folder"):
        code = _plan(folder, out)
    err = capsys.readouterr().err
    assert code == 0, err
    assert "выполнено посещений: 4, не назначено: 0" in err  # every client read as in the plain folder
    warnings = [r.getMessage() for r in caplog.records if r.name == "lean_social.io.folder"]
    assert len(warnings) == (1 if warning else 0), warnings
    assert warning is None or warning in warnings[0]

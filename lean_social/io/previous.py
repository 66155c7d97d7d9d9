"""Last week's plan (``previous_plan.csv``, a ``schedule.csv`` of an earlier run), read for stability:
which worker served each client and on which weekdays, so the next week changes only what it must."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

from lean_social.domain.model import PreviousPlan
from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.folder import csv_delimiter
from lean_social.schedule import Schedule

__all__ = ["PREVIOUS_PLAN", "PreviousPlan", "previous_plan_of", "read_previous_plan"]

PREVIOUS_PLAN = "previous_plan.csv"


def read_previous_plan(path: str | Path) -> PreviousPlan:
    """The previous plan's worker and weekdays per client; lunch rows are skipped. A ``substitute_for``
    column, where present, marks the visits a substitute made, which never make that worker the client's
    own on a tie."""
    path = Path(path)
    name = path.name
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    rows: list[list[str]] = []
    try:
        sep = csv_delimiter(text.partition("\n")[0])  # a schedule.csv written with --csv-sep ';'
        rows.extend(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:  # a cell over the csv module's 128 kB limit, a NUL byte: this record, not a bug
        raise InvalidInputError(
            [
                InputProblem(
                    file=name, row=len(rows) + 1, column=None, value="", expected=f"a well-formed CSV record ({exc})"
                )
            ]
        ) from None
    if not rows:
        raise InvalidInputError(
            [
                InputProblem(
                    file=name,
                    row=None,
                    column=None,
                    value="",
                    expected="a header row (date,worker_id,...,client_id,...)",
                )
            ]
        )
    header = [h.strip().lower() for h in rows[0]]
    problems = [
        InputProblem(file=name, row=1, column=c, value=",".join(header), expected=f"a column named '{c}'")
        for c in ("date", "worker_id", "client_id")
        if c not in header
    ]
    if problems:
        raise InvalidInputError(problems)
    at = {c: header.index(c) for c in ("date", "worker_id", "client_id")}
    # written by lean-social since it marks substitutes; older plans and hand-made files may lack it
    stands_in_at = header.index("substitute_for") if "substitute_for" in header else None
    visits: list[tuple[str, str, dt.date, bool]] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {c: row[i].strip() if i < len(row) else "" for c, i in at.items()}
        if not cells["client_id"]:
            continue  # a lunch row, or a blank one
        try:
            day = dt.date.fromisoformat(cells["date"])
        except ValueError:
            problems.append(
                InputProblem(
                    file=name, row=number, column="date", value=cells["date"], expected="a date like 2026-12-07"
                )
            )
            continue
        stands_in = stands_in_at is not None and stands_in_at < len(row) and bool(row[stands_in_at].strip())
        visits.append((cells["client_id"], cells["worker_id"], day, stands_in))
    if problems:
        raise InvalidInputError(problems)
    return _previous(visits)


def previous_plan_of(schedule: Schedule) -> PreviousPlan:
    """What ``read_previous_plan`` reads from this plan's ``schedule.csv``, taken from the plan itself: for
    a plan kept in the plan store rather than in a file."""
    return _previous(
        (stop.client_id, route.worker_id, route.date, bool(stop.substitute_for)) for route, stop in schedule.stops
    )


def _previous(visits: Iterable[tuple[str, str, dt.date, bool]]) -> PreviousPlan:
    """The client's own worker and weekdays from its visits (client, worker, date, made as a substitute)."""
    workers: dict[str, dict[str, int]] = {}
    stood_in: dict[str, set[str]] = {}  # client id → workers marked as a substitute for the client
    days: dict[str, set[int]] = {}
    for client_id, worker_id, day, stands_in in visits:
        counts = workers.setdefault(client_id, {})
        counts[worker_id] = counts.get(worker_id, 0) + 1
        if stands_in:
            stood_in.setdefault(client_id, set()).add(worker_id)
        days.setdefault(client_id, set()).add(day.weekday())
    return {c: (_primary(counts, stood_in.get(c, set())), tuple(sorted(days[c]))) for c, counts in workers.items()}


def _primary(counts: dict[str, int], substitutes: set[str]) -> str:
    """The client's own worker: the one who made most visits, since a substitute only covers an absence.
    A tie (a 2-a-week client whose worker was away one day) goes to the worker not marked as a
    substitute; only then to the smaller id, so that the choice does not depend on row order."""
    return min(counts, key=lambda w: (-counts[w], w in substitutes, w))

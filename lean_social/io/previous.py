"""Last week's plan (``previous_plan.csv``, a ``schedule.csv`` of an earlier run), read for stability:
which worker served each client and on which weekdays, so the next week changes only what it must."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from lean_social.errors import InputProblem, InvalidInputError

__all__ = ["PREVIOUS_PLAN", "PreviousPlan", "read_previous_plan"]

PREVIOUS_PLAN = "previous_plan.csv"
#: client id → (worker id, weekdays visited)
PreviousPlan = dict[str, tuple[str, tuple[int, ...]]]


def read_previous_plan(path: str | Path) -> PreviousPlan:
    """The previous plan's worker and weekdays per client; lunch rows are skipped."""
    path = Path(path)
    name = path.name
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
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
    workers: dict[str, dict[str, int]] = {}
    days: dict[str, set[int]] = {}
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
        counts = workers.setdefault(cells["client_id"], {})
        counts[cells["worker_id"]] = counts.get(cells["worker_id"], 0) + 1
        days.setdefault(cells["client_id"], set()).add(day.weekday())
    if problems:
        raise InvalidInputError(problems)
    # the client's worker is the one who made most visits: a substitute's few do not count
    return {c: (max(counts, key=lambda w: (counts[w], w)), tuple(sorted(days[c]))) for c, counts in workers.items()}

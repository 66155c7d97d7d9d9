"""The lean figures as DataFrames, for a planner's notebook: ``kpis.json`` is a nested dict, which a
notebook can neither sort, chart nor compare.

Every figure comes from ``outputs.kpi`` (a worker-day's time use and the week's balance); this module
only lays them out as tables, with the workers' names and departments beside their ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

import pandas as pd

from lean_social.domain.model import Problem
from lean_social.outputs.kpi import TimeUse, route_time_use, schedule_kpis
from lean_social.schedule import Schedule

__all__ = ["kpi_frames"]


def kpi_frames(schedule: Schedule, problem: Problem) -> dict[str, pd.DataFrame]:
    """Tables of the plan's lean figures:

    - ``routes``: a row per worker-day (date, department, worker) with its time use;
    - ``workers``: a row per worker with a route, the sum of its worker-days;
    - ``departments``: a row per department, the sum of its workers' days;
    - ``total``: one row, the whole plan, with the count of unassigned visits;
    - ``balance``: a row per worker on duty, load against contracted hours (``kpi.balance``).

    Minutes and kilometres are numbers; shares are fractions (0.42, not "42 %")."""
    uses = [(route, route_time_use(route, problem)) for route in schedule.routes]
    workers = {w.id: w for w in problem.workers}

    def who(worker_id: str) -> dict[str, object]:
        worker = workers.get(worker_id)  # a worker who left after the plan was made keeps its id
        return {
            "department": worker.department if worker else None,
            "worker_id": worker_id,
            "worker": worker.name if worker else None,
        }

    figures = list(TimeUse.total(()).as_dict())  # the columns of a time use, an empty plan's too
    people = ["department", "worker_id", "worker"]
    routes = _table(
        [{"date": dt.datetime.combine(r.date, dt.time())} | who(r.worker_id) | u.as_dict() for r, u in uses],
        ["date", *people, *figures],
    ).astype({"date": "datetime64[ns]"})
    by_worker: dict[str, list[TimeUse]] = {}
    by_department: dict[str | None, list[TimeUse]] = {}
    for route, use in uses:
        by_worker.setdefault(route.worker_id, []).append(use)
        department = workers[route.worker_id].department if route.worker_id in workers else None
        by_department.setdefault(department, []).append(use)
    balance = schedule_kpis(schedule, problem)["balance"]
    assert isinstance(balance, dict)  # kpis.json's shape: {"band": [...], "workers": {id: figures}}
    return {
        "routes": routes,
        "workers": _table(
            [who(w) | TimeUse.total(us).as_dict() for w, us in sorted(by_worker.items())], [*people, *figures]
        ),
        "departments": _table(
            [{"department": d, **TimeUse.total(us).as_dict()} for d, us in sorted(by_department.items(), key=_key)],
            ["department", *figures],
        ),
        "total": _table(
            [TimeUse.total(u for _, u in uses).as_dict() | {"unassigned": len(schedule.unassigned)}],
            [*figures, "unassigned"],
        ),
        "balance": _table([who(w) | shares for w, shares in balance["workers"].items()], None),
    }


def _key(item: tuple[str | None, object]) -> str:
    return item[0] or ""


def _table(rows: Iterable[Mapping[str, object]], columns: list[str] | None) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns)

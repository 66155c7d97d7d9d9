"""The work-day photo against the plan: each observed worker-day's time use (service, travel, waiting,
lunch, other work) beside the plan's for the same worker-day, and the lean wastes, per worker-day and
summed per worker and per department.

The observed side follows ``domain.workday``'s rules, with the legs timed by the travel model the
planner uses (the geodesic default unless one is given); the planned side is ``kpi.time_use`` of the
plan, so that both are split by the same parts (``kpi.TIME_PARTS``) and added up by ``TimeUse.total``.

Only worker-days the plan covers are compared: an observed day the plan has no day for (another week, a
department it did not plan) is kept with the status "no_plan_day", and one the plan has the worker off
(not on duty and no route) with "off_in_plan"; both are listed, never dropped, and left out of the sums
per worker and department, which would otherwise set observed minutes against planned nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from lean_social.domain.model import Problem, Worker
from lean_social.domain.observed import ObservedVisit
from lean_social.domain.workday import (
    WASTES,
    ObservedDay,
    Waste,
    WasteCategory,
    day_parts,
    over_processing,
    plan_order,
    rework,
    walking,
)
from lean_social.outputs.kpi import TIME_PARTS, TimeUse, _day_use, plan_days, plan_departments, time_use
from lean_social.schedule import Schedule
from lean_social.travel import GeodesicTravel, TravelModel

__all__ = [
    "DAY_COLUMNS",
    "DEPARTMENT_COLUMNS",
    "WASTE_COLUMNS",
    "WORKER_COLUMNS",
    "Photo",
    "PhotoDay",
    "PhotoStatus",
    "PhotoTotal",
    "work_day_photo",
]

PhotoStatus = Literal["compared", "no_plan_day", "off_in_plan"]

#: ``part_obs_min`` and ``part_plan_min`` for each part of the day, in ``TIME_PARTS``' order.
_PART_COLUMNS = tuple(f"{part}_{side}_min" for part in TIME_PARTS for side in ("obs", "plan"))
_WASTE_MINUTES = tuple(f"waste_{category}_min" for category in WASTES)
DAY_COLUMNS = (
    "worker_id",
    "department",
    "date",
    "status",
    "visits_obs",
    "visits_plan",
    "off_plan_visits",
    "shift_min",
    *_PART_COLUMNS,
    *_WASTE_MINUTES,
)
_TOTAL_COLUMNS = ("worker_days", "visits_obs", "visits_plan", "shift_min", *_PART_COLUMNS, *_WASTE_MINUTES)
WORKER_COLUMNS = ("worker_id", "department", *_TOTAL_COLUMNS)
DEPARTMENT_COLUMNS = ("department", "not_compared_days", *_TOTAL_COLUMNS)
WASTE_COLUMNS = ("worker_id", "department", "date", "status", "category", "kind", "client_id", "minutes")


@dataclass(frozen=True, slots=True, kw_only=True)
class PhotoDay:
    """One observed worker-day: its time use, the plan's for the same worker-day (None where the plan has
    none: see ``status``), the observed visits the plan did not give this worker that day, and the
    minutes of each waste."""

    worker_id: str
    department: str
    date: dt.date
    status: PhotoStatus
    observed: TimeUse
    planned: TimeUse | None
    off_plan_visits: int
    waste: Mapping[WasteCategory, float]

    def to_row(self) -> dict[str, object]:
        return {
            "worker_id": self.worker_id,
            "department": self.department,
            "date": self.date.isoformat(),
            "status": self.status,
            "off_plan_visits": self.off_plan_visits,
            **_figures(self.observed, self.planned, self.waste),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class PhotoTotal:
    """Sums over compared worker-days: observed and planned time use, and each waste's minutes."""

    observed: TimeUse
    planned: TimeUse
    waste: Mapping[WasteCategory, float]

    @staticmethod
    def of(days: Sequence[PhotoDay]) -> PhotoTotal:
        compared = [d for d in days if d.planned is not None]
        return PhotoTotal(
            observed=TimeUse.total(d.observed for d in compared),
            planned=TimeUse.total(d.planned for d in compared if d.planned is not None),
            waste={c: sum(d.waste[c] for d in compared) for c in WASTES},
        )

    def to_row(self) -> dict[str, object]:
        return {"worker_days": self.observed.days, **_figures(self.observed, self.planned, self.waste)}


def _figures(observed: TimeUse, planned: TimeUse | None, waste: Mapping[WasteCategory, float]) -> dict[str, object]:
    row: dict[str, object] = {
        "visits_obs": observed.visits,
        "visits_plan": "" if planned is None else planned.visits,
        "shift_min": round(observed.shift_min, 1),
    }
    for part in TIME_PARTS:
        row[f"{part}_obs_min"] = round(observed.part(part), 1)
        row[f"{part}_plan_min"] = "" if planned is None else round(planned.part(part), 1)
    row |= {f"waste_{c}_min": round(waste[c], 1) for c in WASTES}
    return row


@dataclass(frozen=True, slots=True, kw_only=True)
class Photo:
    """The photo of every observed worker-day, its waste events, and the sums of the compared worker-days
    per worker, per department and in total."""

    days: tuple[PhotoDay, ...]
    waste: tuple[Waste, ...]
    workers: Mapping[str, PhotoTotal]
    departments: Mapping[str, PhotoTotal]
    total: PhotoTotal

    @property
    def not_compared(self) -> tuple[PhotoDay, ...]:
        """Observed worker-days without a plan day to set them against."""
        return tuple(d for d in self.days if d.status != "compared")

    @property
    def unplanned_dates(self) -> tuple[dt.date, ...]:
        """Observed dates of which some worker-day has no plan day (another week, a department not planned)."""
        return tuple(sorted({d.date for d in self.days if d.status == "no_plan_day"}))

    def day_rows(self) -> list[dict[str, object]]:
        """``photo_workers.csv``: a row per observed worker-day (``DAY_COLUMNS``)."""
        return [d.to_row() for d in self.days]

    def worker_rows(self) -> list[dict[str, object]]:
        """A row per worker with compared days (``WORKER_COLUMNS``)."""
        department = {d.worker_id: d.department for d in self.days}
        return [{"worker_id": w, "department": department[w], **t.to_row()} for w, t in self.workers.items()]

    def department_rows(self) -> list[dict[str, object]]:
        """``photo_departments.csv``: a row per department (``DEPARTMENT_COLUMNS``); ``not_compared_days``
        counts its observed worker-days left out of the sums."""
        out = []
        for department in sorted({d.department for d in self.days}):
            skipped = sum(1 for d in self.not_compared if d.department == department)
            total = self.departments.get(department)
            figures = {} if total is None else total.to_row()
            out.append({"department": department, "not_compared_days": skipped, **figures})
        return out

    def waste_rows(self) -> list[dict[str, object]]:
        """``waste.csv``: a row per waste event (``WASTE_COLUMNS``), with its worker-day's status."""
        days = {(d.worker_id, d.date): d for d in self.days}
        return [
            {
                "worker_id": w.worker_id,
                "department": days[w.worker_id, w.date].department,
                "date": w.date.isoformat(),
                "status": days[w.worker_id, w.date].status,
                "category": w.category,
                "kind": w.kind,
                "client_id": w.client_id,
                "minutes": round(w.minutes, 1),
            }
            for w in self.waste
        ]

    def tables(self) -> dict[str, pd.DataFrame]:
        """The photo's tables for a notebook: ``days``, ``workers``, ``departments`` and ``waste``, with the
        columns of the CSV files."""
        return {
            "days": pd.DataFrame(self.day_rows(), columns=list(DAY_COLUMNS)),
            "workers": pd.DataFrame(self.worker_rows(), columns=list(WORKER_COLUMNS)),
            "departments": pd.DataFrame(self.department_rows(), columns=list(DEPARTMENT_COLUMNS)),
            "waste": pd.DataFrame(self.waste_rows(), columns=list(WASTE_COLUMNS)),
        }


@dataclass(frozen=True, slots=True)
class _Planned:
    """What the plan holds, looked up by the photo: visits and services per client and day, the planned
    start of each client's visit per day, and each worker-day's clients."""

    visits: Counter[tuple[str, dt.date]]
    services: Counter[tuple[str, dt.date, str]]
    starts: dict[dt.date, dict[str, int]]
    clients: dict[tuple[str, dt.date], set[str]]

    @staticmethod
    def of(schedule: Schedule) -> _Planned:
        planned = _Planned(visits=Counter(), services=Counter(), starts={}, clients={})
        for route, stop in schedule.stops:
            planned.visits[stop.client_id, route.date] += 1
            planned.services.update((stop.client_id, route.date, code) for code in stop.services)
            starts = planned.starts.setdefault(route.date, {})
            starts[stop.client_id] = min(stop.start, starts.get(stop.client_id, stop.start))
            planned.clients.setdefault((route.worker_id, route.date), set()).add(stop.client_id)
        return planned


def work_day_photo(
    observed: Iterable[ObservedVisit], schedule: Schedule, problem: Problem, *, travel: TravelModel | None = None
) -> Photo:
    """The photo of ``observed`` against ``schedule`` (a plan of ``problem``): see the module's docstring
    and ``domain.workday`` for what each figure is. ``travel``: the planner's travel model (geodesic by
    default), which times the walks between the observed places and the plan's order of them."""
    travel = travel or GeodesicTravel()
    visits = tuple(observed)
    plan = {(d.worker_id, d.date): d.use for d in time_use(schedule, problem).days}
    horizon, covered = plan_days(schedule), plan_departments(schedule, problem)
    planned = _Planned.of(schedule)
    by_day: dict[tuple[str, dt.date], list[ObservedVisit]] = {}
    for visit in visits:
        by_day.setdefault((visit.worker_id, visit.date), []).append(visit)
    events: list[Waste] = []
    days: list[tuple[str, dt.date, PhotoStatus, TimeUse, int]] = []
    for (worker_id, day), day_visits in sorted(by_day.items(), key=lambda item: (item[0][1], item[0][0])):
        worker = problem.worker(worker_id)
        status: PhotoStatus = (
            "no_plan_day"
            if day not in horizon or worker.department not in covered
            else "compared"
            if (worker_id, day) in plan
            else "off_in_plan"
        )
        observed_day, plan_legs_s = _observed_day(worker, day, day_visits, planned.starts.get(day, {}), problem, travel)
        parts = day_parts(observed_day, problem)
        events += parts.waits
        walked = walking(observed_day, plan_legs_s) if status == "compared" else None
        if walked is not None:
            events.append(walked)
        use = _day_use(
            worker,
            shift_min=parts.shift_s / 60,
            service_min=parts.service_s / 60,
            travel_min=parts.travel_s / 60,
            waiting_min=parts.waiting_s / 60,
            break_min=parts.lunch_s / 60,
            travel_km=parts.travel_m / 1000,
            visits=len(day_visits),
        )
        own = planned.clients.get((worker_id, day), set())
        off_plan = sum(1 for v in day_visits if v.client_id not in own) if status == "compared" else 0
        days.append((worker_id, day, status, use, off_plan))
    again, repeats = rework(visits, problem, planned_visits=planned.visits, planned_services=planned.services)
    events += again
    events += over_processing(visits, problem, leave_out=repeats)
    events.sort(key=lambda w: (w.date, w.worker_id, WASTES.index(w.category), w.client_id))
    minutes: dict[tuple[str, dt.date, WasteCategory], float] = {}
    for event in events:
        key = (event.worker_id, event.date, event.category)
        minutes[key] = minutes.get(key, 0.0) + event.minutes
    photo_days = tuple(
        PhotoDay(
            worker_id=worker_id,
            department=problem.worker(worker_id).department,
            date=day,
            status=status,
            observed=use,
            planned=plan.get((worker_id, day)) if status == "compared" else None,
            off_plan_visits=off_plan,
            waste={c: minutes.get((worker_id, day, c), 0.0) for c in WASTES},
        )
        for worker_id, day, status, use, off_plan in days
    )
    workers = sorted({d.worker_id for d in photo_days if d.status == "compared"})
    departments = sorted({d.department for d in photo_days if d.status == "compared"})
    return Photo(
        days=photo_days,
        waste=tuple(events),
        workers={w: PhotoTotal.of([d for d in photo_days if d.worker_id == w]) for w in workers},
        departments={dep: PhotoTotal.of([d for d in photo_days if d.department == dep]) for dep in departments},
        total=PhotoTotal.of(photo_days),
    )


def _observed_day(
    worker: Worker,
    day: dt.date,
    visits: Sequence[ObservedVisit],
    planned_start: Mapping[str, int],
    problem: Problem,
    travel: TravelModel,
) -> tuple[ObservedDay, tuple[int, ...]]:
    """The observed day with its legs, and the legs of the same places in the plan's order: both from one
    matrix of the worker's start place and the clients' places, in the worker's travel mode."""
    ordered = sorted(visits, key=lambda v: (v.start_s, v.end_s))
    places = [worker.start, *(problem.client(v.client_id).location for v in ordered)]
    matrices = travel.matrices(places, worker.mode)

    def legs(path: Sequence[int]) -> tuple[tuple[int, ...], tuple[int, ...]]:
        stops = [0, *path, 0]
        pairs = list(itertools.pairwise(stops))
        return (
            tuple(int(matrices.duration_s[a, b]) for a, b in pairs),
            tuple(int(matrices.distance_m[a, b]) for a, b in pairs),
        )

    legs_s, legs_m = legs(range(1, len(ordered) + 1))
    plan_legs_s, _ = legs([1 + i for i in plan_order(ordered, planned_start)])
    return ObservedDay(worker=worker, date=day, visits=tuple(ordered), legs_s=legs_s, legs_m=legs_m), plan_legs_s

"""One department's part of a night: keep its week plan current, hand out the days asked for.

``plan_department`` is what a local process or a Dask worker runs: it takes a picklable job, never
raises (a department's bad data or a bug is its outcome, reported beside the others'), and writes only
below the department's own folder, each plan folder swapped in whole (``io.outfolder``), so a night
killed halfway leaves every department with its last good plan.

Below ``OUT/<centre>/<department>/``:

- ``week-2026-12-07/``: the week's plan, as ``lean-social plan --week`` writes it. Planned the first
  night, re-planned from the night's first day when the data changed since (the days before stay as
  handed out), reused as it is when nothing changed: the same inputs give the same files.
- ``2026-12-08/``: the day's part of that week (route sheets, map, workbook of that day), for the
  workers who go out tomorrow.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from lean_social.app.exports import write_plan
from lean_social.app.nightly.horizon import NightPlan
from lean_social.app.run import input_hashes, run_replan, run_week
from lean_social.app.settings import OUTPUT_KINDS, Exports, OutputKind, RunOptions
from lean_social.app.terminal import travel_per_visit_min
from lean_social.domain.model import PreviousPlan, Problem
from lean_social.domain.reasons import count_kinds
from lean_social.errors import InvalidInputError
from lean_social.io.folder import read_folder
from lean_social.io.outfolder import OutputFolder
from lean_social.io.writers import write_json
from lean_social.outputs.labels import DEFAULT_LANG, Lang
from lean_social.outputs.privacy import as_is
from lean_social.record import DayPlanRecord, PlanSettings
from lean_social.schedule import Schedule
from lean_social.store import PlanKind, PlanStore
from lean_social.version import versions

__all__ = ["DepartmentJob", "DepartmentOutcome", "Status", "plan_department"]

#: planned / replanned / reused: the department has its plan; invalid-input: its data is wrong (fix the
#: files); failed: anything else (a bug, a plan that failed its own check, a full disk).
Status = Literal["planned", "replanned", "reused", "invalid-input", "failed"]
OK: frozenset[Status] = frozenset({"planned", "replanned", "reused"})


@dataclass(frozen=True, slots=True, kw_only=True)
class DepartmentJob:
    """Everything one department's night needs, picklable for another process or a Dask worker."""

    centre: str
    department: str
    data: Path
    night: NightPlan
    out: Path  # OUT/<centre>/<department>
    time_limit: float
    seed: int = 0
    reproducible: bool = False
    work_per_visit: int | None = None
    outputs: frozenset[OutputKind] = frozenset(OUTPUT_KINDS)
    lang: Lang = DEFAULT_LANG
    csv_sep: str = ","
    #: the plan store (a SQLAlchemy URL or a SQLite file) and the night's run in it
    store: str | None = None
    run_id: int | None = None
    #: the extract to travel on (None: straight lines) and its SHA-256: a new map re-plans the week
    streets: Path | None = None
    streets_sha256: str | None = None

    @property
    def week_dir(self) -> Path:
        return self.out / f"week-{self.night.week.isoformat()}"

    def options(self, previous_plan: Path | PreviousPlan | None = None) -> RunOptions:
        return {
            "previous_plan": previous_plan,
            "time_limit": self.time_limit,
            "seed": self.seed,
            "reproducible": self.reproducible,
            "work_per_visit": self.work_per_visit,
            "outputs": self.outputs,
            "lang": self.lang,
            "csv_sep": self.csv_sep,
            "departments": (self.department,),
            "streets": self.streets,
        }

    def settings_key(self) -> dict[str, object]:
        """What must match for a stored week to be reused: same seed, same way of searching, same
        outputs in the same language, the same department."""
        return {
            "seed": self.seed,
            "reproducible": self.reproducible,
            "work_per_visit": self.work_per_visit,
            "outputs": sorted(self.outputs),
            "lang": self.lang,
            "csv_sep": self.csv_sep,
            "departments": [self.department],
            "streets": None if self.streets is None else str(self.streets),
            "streets_sha256": self.streets_sha256,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DepartmentOutcome:
    """How a department's night went, for the region summary and the log."""

    centre: str
    department: str
    week: dt.date
    days: tuple[dt.date, ...]
    status: Status
    served: int = 0
    unassigned: int = 0
    unassigned_by_reason: dict[str, int] = field(default_factory=dict)
    travel_min_per_visit: float | None = None
    seconds: float = 0.0
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.status in OK


def plan_department(job: DepartmentJob) -> DepartmentOutcome:
    """Plan (or re-plan, or reuse) the department's week and write the days asked for; never raises."""
    started = time.perf_counter()
    outcome = DepartmentOutcome(
        centre=job.centre, department=job.department, week=job.night.week, days=job.night.days, status="failed"
    )
    try:
        hashes = input_hashes(job.data)  # once, before anything reads the data
        status, schedule = _keep_week_current(job, hashes)
        if status == "failed":
            # A bug, not the data: the failing plan is set aside beside the week's folder (``.failed-*``), the
            # folder keeps what it had, and no day of this plan is handed out.
            return replace(outcome, message="the plan failed its own check (a bug: please report it); set aside")
        problem = read_folder(job.data)
        days = _write_days(job, schedule, problem, hashes)
        _keep(job, status, schedule, days, problem, hashes)
        counted = Schedule.merge(days, info=schedule.info) if days else schedule
        outcome = replace(
            outcome,
            status=status,
            served=counted.served,
            unassigned=len(counted.unassigned),
            unassigned_by_reason=count_kinds(u.reason for u in counted.unassigned),
            travel_min_per_visit=travel_per_visit_min(counted),
        )
    except InvalidInputError as exc:
        outcome = replace(outcome, status="invalid-input", message=str(exc))
    except Exception as exc:  # one department's failure is reported; the others go on
        last = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" ({Path(last.filename).name}:{last.lineno})" if last else ""
        outcome = replace(outcome, status="failed", message=f"{type(exc).__name__}: {exc}{where}")
    return replace(outcome, seconds=round(time.perf_counter() - started, 3))


def _keep_week_current(job: DepartmentJob, hashes: dict[str, str]) -> tuple[Status, Schedule]:
    """The department's week plan as the data stands now: reused, re-planned from the night's first day,
    or planned."""
    week_dir, published = job.week_dir, job.week_dir / "schedule.json"
    stored = _run_record(week_dir)
    if stored is not None and published.is_file():
        settings = stored.get("settings", {})
        same = {key: settings.get(key) for key in job.settings_key()} == job.settings_key()
        if same and stored.get("inputs_sha256") == hashes and not stored.get("violations"):
            return "reused", Schedule.from_json(published.read_text(encoding="utf-8"))
        # New data or new settings: the days already handed out stay, the rest is planned again.
        try:
            result = run_replan(job.data, job.night.week, published, job.night.from_date, week_dir, **job.options())
            return ("failed" if result.violations else "replanned"), result.schedule
        except InvalidInputError as exc:
            if not _published_no_longer_fits(exc, published):
                raise  # the data itself is wrong: the department's outcome says where
            # A client or worker of the published week left the data: that week cannot be re-planned, so the
            # week is planned anew from today's data (the days handed out keep their own folders).
    result = run_week(job.data, job.night.week, week_dir, **job.options(_last_week(job)))
    return ("failed" if result.violations else "planned"), result.schedule


def _published_no_longer_fits(error: InvalidInputError, published: Path) -> bool:
    """Whether every problem is with the published week (ids the data no longer has), not the data."""
    return all(Path(p.file).name == published.name or p.file == str(published) for p in error.problems)


def _last_week(job: DepartmentJob) -> Path | PreviousPlan | None:
    """Last week's plan, which keeps each client's worker and days where nothing forces a change: from
    the plan store, else from last week's folder."""
    last_monday = job.night.week - dt.timedelta(days=7)
    if job.store is not None:
        with PlanStore(job.store) as store:
            stored = store.previous_plan(job.centre, job.department, job.night.week)  # the week before it
        if stored is not None:
            return stored
    path = job.out / f"week-{last_monday.isoformat()}" / "schedule.csv"
    return path if path.is_file() else None


def _keep(
    job: DepartmentJob,
    status: Status,
    week: Schedule,
    days: Sequence[Schedule],
    problem: Problem,
    hashes: dict[str, str],
) -> None:
    """Keep the night's plans in the plan store: the week when it was made or re-planned (or reused but
    missing there), and each day handed out, with their figures."""
    if job.store is None or job.run_id is None:
        return
    with PlanStore(job.store) as store:
        # A reused week is in the store already, unless the night that made it was killed before it got there.
        kept = status == "reused" and store.find_plan(job.centre, job.department, job.night.week, hashes) is not None
        if not kept:
            kind: PlanKind = "replan" if status == "replanned" else "week"
            store.save_plan(
                job.run_id, job.centre, job.department, kind, week, problem, inputs_sha256=hashes, week=job.night.week
            )
        for day, part in zip(job.night.days, days, strict=True):
            store.save_plan(
                job.run_id,
                job.centre,
                job.department,
                "day",
                part,
                problem,
                inputs_sha256=hashes,
                week=job.night.week,
                day=day,
            )


def department_problem(problem: Problem, department: str) -> Problem:
    """The part of a centre's data that is one department's: its clients, workers and their programmes
    and absences, so that a day's figures count that department's workers and no other's."""
    workers = tuple(w for w in problem.workers if w.department == department)
    worker_ids = {w.id for w in workers}
    clients = tuple(
        c if c.worker_id is None or c.worker_id in worker_ids else replace(c, worker_id=None)
        for c in problem.clients
        if c.department == department
    )
    client_ids = {c.id for c in clients}
    return replace(
        problem,
        clients=clients,
        workers=workers,
        programmes=tuple(p for p in problem.programmes if p.client_id in client_ids),
        absences=tuple(a for a in problem.absences if a.worker_id in worker_ids),
        client_absences=tuple(a for a in problem.client_absences if a.client_id in client_ids),
    )


def _run_record(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _write_days(job: DepartmentJob, week: Schedule, data: Problem, hashes: dict[str, str]) -> list[Schedule]:
    """Each day asked for, cut from the week plan into ``OUT/<centre>/<department>/<date>/``; the days'
    plans, in order."""
    if not job.night.days:
        return []
    problem = department_problem(data, job.department)
    exports = Exports(lang=job.lang, csv_sep=job.csv_sep, kinds=job.outputs)
    settings = PlanSettings(
        time_limit_s=job.time_limit, reproducible=job.reproducible, work_per_visit=job.work_per_visit, seed=job.seed
    )
    parts = []
    for day in job.night.days:
        routes = tuple(r for r in week.routes if r.date == day)
        unassigned = tuple(u for u in week.unassigned if u.date == day)
        # The day's own record: its figures are the day's, not the week's six other days counted idle.
        day_record = DayPlanRecord(
            date=day,
            settings=settings,
            visits=sum(len(r.stops) for r in routes) + len(unassigned),
            departments={},
            week=job.night.week,
            norms=None if week.info is None else week.info.norms,  # a day cut from the week: the week's norms
        )
        part = Schedule(routes=routes, unassigned=unassigned, info=day_record)
        parts.append(part)
        with OutputFolder(job.out / day.isoformat(), data_dir=job.data) as folder:
            stage = folder.stage()
            files = write_plan(stage, as_is(part, problem), None, exports, day=day)
            record = {
                **versions(),
                "data_dir": str(job.data),
                "inputs_sha256": hashes,
                "settings": {"date": day.isoformat(), "from_week": job.night.week.isoformat(), **job.settings_key()},
                "served": part.served,
                "unassigned": len(part.unassigned),
                "unassigned_by_reason": count_kinds(u.reason for u in part.unassigned),
                "violations": [],
            }
            files.append(write_json(stage / "run.json", record))
            folder.commit()
    return parts

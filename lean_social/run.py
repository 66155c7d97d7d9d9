"""One planning run from a data folder to an output folder: read, plan, check, write. Used by the CLI
and by the nightly batch, so both leave exactly the same files behind."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from lean_social import __version__
from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.folder import FILES, read_folder
from lean_social.io.lists import clients_csv_with_lists
from lean_social.io.outputs import atomic_write_bytes, atomic_write_text, write_csv, write_json
from lean_social.io.previous import PREVIOUS_PLAN, read_previous_plan
from lean_social.kpi import schedule_kpis
from lean_social.maps import day_map
from lean_social.optimise.changes import CHANGE_COLUMNS, Change
from lean_social.optimise.day import plan_day
from lean_social.optimise.lists import LIST_COLUMNS, ListMove, ListProposal, redraw_lists
from lean_social.optimise.replan import replan_week
from lean_social.optimise.week import plan_week
from lean_social.privacy import as_is, pseudonymised, pseudonymiser
from lean_social.schedule import SCHEDULE_COLUMNS, UNASSIGNED_COLUMNS, Schedule
from lean_social.validate import Violation, validate

__all__ = ["ListsResult", "RunResult", "run_day", "run_lists", "run_replan", "run_week"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    schedule: Schedule
    violations: tuple[Violation, ...]
    out_dir: Path
    files: tuple[Path, ...]


def _hashes(data_dir: Path) -> dict[str, str]:
    return {
        name: hashlib.sha256((data_dir / name).read_bytes()).hexdigest()
        for name in FILES
        if (data_dir / name).is_file()
    }


def run_day(
    data_dir: str | Path,
    day: dt.date,
    out_dir: str | Path,
    *,
    time_limit: float = 30.0,
    seed: int = 0,
    pseudonymise: bool = False,
    pseudonym_key: str | None = None,
    map_tiles: str | None = None,
) -> RunResult:
    """Plan ``day`` for every department in ``data_dir`` and write the outputs to ``out_dir``.

    Raises InvalidInputError before anything is written if the data folder has problems.
    """
    return _run(
        data_dir,
        out_dir,
        day=day,
        week=None,
        time_limit=time_limit,
        seed=seed,
        pseudonymise=pseudonymise,
        pseudonym_key=pseudonym_key,
        map_tiles=map_tiles,
    )


def run_week(
    data_dir: str | Path,
    week_start: dt.date,
    out_dir: str | Path,
    *,
    time_limit: float = 120.0,
    seed: int = 0,
    pseudonymise: bool = False,
    pseudonym_key: str | None = None,
    map_tiles: str | None = None,
) -> RunResult:
    """Plan the week starting on Monday ``week_start``; the same outputs as a day, a map per day."""
    return _run(
        data_dir,
        out_dir,
        day=None,
        week=week_start,
        time_limit=time_limit,
        seed=seed,
        pseudonymise=pseudonymise,
        pseudonym_key=pseudonym_key,
        map_tiles=map_tiles,
    )


def run_replan(
    data_dir: str | Path,
    week_start: dt.date,
    published: str | Path,
    from_date: dt.date,
    out_dir: str | Path,
    *,
    time_limit: float = 60.0,
    seed: int = 0,
    pseudonymise: bool = False,
    pseudonym_key: str | None = None,
    map_tiles: str | None = None,
) -> RunResult:
    """Re-plan the week from ``from_date`` on against the published ``schedule.json``, with the data as it
    is now (a new absence, a new client, a changed availability); writes ``changes.csv`` besides the plan."""
    return _run(
        data_dir,
        out_dir,
        day=None,
        week=week_start,
        time_limit=time_limit,
        seed=seed,
        pseudonymise=pseudonymise,
        pseudonym_key=pseudonym_key,
        map_tiles=map_tiles,
        published=Path(published),
        from_date=from_date,
    )


def _run(
    data_dir: str | Path,
    out_dir: str | Path,
    *,
    day: dt.date | None,
    week: dt.date | None,
    time_limit: float,
    seed: int,
    pseudonymise: bool,
    pseudonym_key: str | None,
    map_tiles: str | None,
    published: Path | None = None,
    from_date: dt.date | None = None,
) -> RunResult:
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    problem = read_folder(data_dir)
    timings["read_s"] = time.perf_counter() - clock
    log.info(
        "read %s: %d clients, %d workers, %d services",
        data_dir,
        len(problem.clients),
        len(problem.workers),
        len(problem.services),
    )
    clock = time.perf_counter()
    changes: list[Change] | None = None
    if published is not None:
        assert week is not None and from_date is not None
        try:
            before = Schedule.from_json(published.read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError) as exc:
            problem_text = f"a schedule.json written by lean-social plan ({exc})"
            raise InvalidInputError(
                [InputProblem(file=str(published), row=None, column=None, value="", expected=problem_text)]
            ) from None
        try:
            schedule, changes = replan_week(problem, before, week, from_date, time_limit=time_limit, seed=seed)
        except ValueError as exc:
            raise InvalidInputError(
                [InputProblem(file=str(published), row=None, column=None, value="", expected=str(exc))]
            ) from None
    elif week is not None:
        previous_file = data_dir / PREVIOUS_PLAN
        previous = read_previous_plan(previous_file) if previous_file.is_file() else None
        schedule = plan_week(problem, week, time_limit=time_limit, seed=seed, previous=previous)
    else:
        assert day is not None
        schedule = plan_day(problem, day, time_limit=time_limit, seed=seed)
    timings["plan_s"] = time.perf_counter() - clock
    clock = time.perf_counter()
    violations = tuple(validate(schedule, problem, week_start=week))
    timings["validate_s"] = time.perf_counter() - clock
    for violation in violations:
        log.error("plan check failed: %s", violation)

    # Privacy: every export below is made from `view`, never from `schedule`/`problem` themselves;
    # pseudonymised, the view carries no personal data (lean_social/privacy.py says what goes).
    view = pseudonymised(schedule, problem, pseudonymiser(pseudonym_key)) if pseudonymise else as_is(schedule, problem)
    schedule_rows = view.schedule.rows()
    unassigned_rows = view.schedule.unassigned_rows()
    clock = time.perf_counter()
    files = [
        write_csv(out_dir / "schedule.csv", schedule_rows, SCHEDULE_COLUMNS),
        write_csv(out_dir / "unassigned.csv", unassigned_rows, UNASSIGNED_COLUMNS),
        write_json(out_dir / "kpis.json", schedule_kpis(view.schedule, view.problem)),
    ]
    if not pseudonymise:  # the exact plan in seconds, which `lean-social replan` starts from
        files.append(atomic_write_text(out_dir / "schedule.json", schedule.to_json()))
    if changes is not None:
        rows = [view.row(c.as_row()) for c in changes]
        files.append(write_csv(out_dir / "changes.csv", rows, CHANGE_COLUMNS))
    map_days = [day] if day is not None else sorted({r.date for r in schedule.routes})
    for map_day in map_days:
        fmap = day_map(view.schedule, view.problem, map_day, tiles=map_tiles)
        files.append(atomic_write_text(out_dir / "maps" / f"{map_day.isoformat()}.html", fmap.get_root().render()))
    timings["write_s"] = time.perf_counter() - clock
    run_info = {
        "lean_social": __version__,
        "python": platform.python_version(),
        "data_dir": str(data_dir),
        "inputs_sha256": _hashes(data_dir),
        "settings": {
            "date": day.isoformat() if day else None,
            "week": week.isoformat() if week else None,
            "replan_from": from_date.isoformat() if from_date else None,
            "time_limit_s": time_limit,
            "seed": seed,
            "pseudonymised": pseudonymise,
            "map_tiles": map_tiles,
        },
        "solver": dict(view.schedule.info),
        "served": sum(len(r.stops) for r in schedule.routes),
        "unassigned": len(schedule.unassigned),
        "violations": [view.violation(v) for v in violations],
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
    }
    files.append(write_json(out_dir / "run.json", run_info))
    return RunResult(schedule=schedule, violations=violations, out_dir=out_dir, files=tuple(files))


@dataclass(frozen=True, slots=True, kw_only=True)
class ListsResult:
    proposal: ListProposal
    out_dir: Path
    files: tuple[Path, ...]


def run_lists(
    data_dir: str | Path,
    week_start: dt.date,
    out_dir: str | Path,
    *,
    seed: int = 0,
    pseudonymise: bool = False,
    pseudonym_key: str | None = None,
) -> ListsResult:
    """Propose new client lists from the week starting on ``week_start`` and write ``lists.csv`` (every
    client, worker before and after, sorted by the new worker) and ``run.json``; without
    ``pseudonymise`` also ``clients.csv``, the data file with the new lists, ready to review and use."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    if out_dir.resolve() == data_dir.resolve():
        problem_text = "an output folder other than the data folder (its clients.csv would be replaced unseen)"
        raise InvalidInputError(
            [InputProblem(file=str(out_dir), row=None, column=None, value="", expected=problem_text)]
        )
    hashes = _hashes(data_dir)
    clock = time.perf_counter()
    problem = read_folder(data_dir)
    proposal = redraw_lists(problem, week_start, seed=seed)
    wall = time.perf_counter() - clock
    label: Callable[[str], str] = pseudonymiser(pseudonym_key) if pseudonymise else (lambda cid: cid)
    before = {c.id: c.worker_id for c in problem.clients}
    rows = [
        ListMove(client_id=label(c.id), department=c.department, before=before[c.id], after=c.worker_id).as_row()
        for c in sorted(proposal.problem.clients, key=lambda c: (c.department, c.worker_id or "", c.id))
        if c.worker_id is not None
    ]
    new = {c.id: c.worker_id for c in proposal.problem.clients if c.worker_id is not None}
    clients_csv = None if pseudonymise else clients_csv_with_lists(data_dir / "clients.csv", new)  # may refuse
    files = [write_csv(out_dir / "lists.csv", rows, LIST_COLUMNS)]
    if clients_csv is not None:
        files.append(atomic_write_bytes(out_dir / "clients.csv", clients_csv))
    run_info = {
        "lean_social": __version__,
        "python": platform.python_version(),
        "data_dir": str(data_dir),
        "inputs_sha256": hashes,
        "settings": {"lists_from_week": week_start.isoformat(), "seed": seed, "pseudonymised": pseudonymise},
        "clients": len(problem.clients),
        "moved": len(proposal.moves),
        "timings_s": {"redraw_s": round(wall, 3)},
    }
    files.append(write_json(out_dir / "run.json", run_info))
    return ListsResult(proposal=proposal, out_dir=out_dir, files=tuple(files))

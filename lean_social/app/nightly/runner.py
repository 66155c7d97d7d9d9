"""A night of a region: every department of every centre, in parallel, each on its own.

The departments are independent problems (a worker belongs to one), so the night is a map of
``plan_department`` over them: on local processes by default, on an existing Dask cluster when one is
named. A department's result does not depend on where it ran: with ``reproducible`` the same data gives
the same files on one machine or on a cluster.

What the night leaves below ``OUT``: each department's folders (``department.py``), ``summary.csv`` and
``summary.html`` (the region's morning report, replaced whole each night), and ``logs/night-*.jsonl``
(one JSON object a line: the night's start, each department's outcome, the end). The plan store
(``store`` in the configuration, a SQLAlchemy URL; by default the SQLite file ``OUT/plans.sqlite``)
keeps the night as a run with every plan it made and their figures: the history a planner lists and
compares from Python (``lean_social.store.PlanStore``), and last week's plan for the week planner.
A second night started while one runs is refused at once (``OutputLockedError``), before it reads
anything.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from lean_social.app.nightly.config import NightlyConfig, folder_name
from lean_social.app.nightly.department import DepartmentJob, DepartmentOutcome, plan_department
from lean_social.app.nightly.horizon import horizon_days
from lean_social.app.nightly.summary import SUMMARY_COLUMNS, summary_html, summary_rows
from lean_social.errors import InvalidInputError, OutputLockedError
from lean_social.io.folder import read_folder
from lean_social.io.writers import atomic_write_text, write_csv
from lean_social.store import PlanStore
from lean_social.travel.osm_graph import extract_sha256
from lean_social.version import versions

__all__ = ["NightlyResult", "run_nightly"]

#: Called with (departments done, departments in the night), as the terminal's progress bar takes it.
Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class NightlyResult:
    """Every department's outcome and where the morning report is."""

    outcomes: tuple[DepartmentOutcome, ...]
    summary: Path
    log: Path

    @property
    def failed(self) -> tuple[DepartmentOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.ok)


def run_nightly(
    config: NightlyConfig,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> NightlyResult:
    """Plan the night ``config`` describes, seen from ``today`` (default: the machine's date: a night
    started after midnight plans the day after, so cron starts it in the evening)."""
    today = today or dt.date.today()
    config.out.mkdir(parents=True, exist_ok=True)
    with _night_lock(config.out):
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        log_path = config.out / "logs" / f"night-{stamp}-{os.getpid()}.jsonl"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        store_url = config.store or str(config.out / "plans.sqlite")
        with log_path.open("a", encoding="utf-8") as log, PlanStore(store_url) as store:
            _event(log, "night-start", today=today.isoformat(), horizon=str(config.horizon), **versions())
            run_id = store.start_run(_settings(config, today))
            try:
                outcomes = _night(config, today, store_url, run_id, log, progress)
            except BaseException:  # a bug, a full disk, Ctrl-C: the store says the night did not finish
                store.finish_run(run_id, "interrupted")
                raise
            summary = _write_summary(config, outcomes, today)
            failed = sum(1 for o in outcomes if not o.ok)
            store.finish_run(run_id, "succeeded" if not failed else "failed" if failed == len(outcomes) else "partial")
            _event(log, "night-end", departments=len(outcomes), failed=failed, run_id=run_id)
    return NightlyResult(outcomes=tuple(outcomes), summary=summary, log=log_path)


def _night(
    config: NightlyConfig, today: dt.date, store_url: str, run_id: int, log: TextIO, progress: Progress | None
) -> list[DepartmentOutcome]:
    """Every department's outcome, logged as each finishes."""
    jobs, refused = _jobs(config, today, store_url, run_id)
    outcomes = list(refused)
    for outcome in refused:
        _event(log, "department", **_outcome_record(outcome))
    total = len(jobs) + len(refused)
    if progress is not None:
        progress(len(outcomes), total)
    # A week's plans start from the week before's, so the weeks go in order; a week's departments at once.
    for week in sorted({job.night.week for job in jobs}):
        for outcome in _execute(config, [job for job in jobs if job.night.week == week]):
            outcomes.append(outcome)
            _event(log, "department", **_outcome_record(outcome))
            if progress is not None:
                progress(len(outcomes), total)
    return outcomes


def _settings(config: NightlyConfig, today: dt.date) -> dict[str, object]:
    """The night's settings as the plan store keeps them with the run."""
    return {
        "today": today.isoformat(),
        "horizon": config.horizon if isinstance(config.horizon, str) else [d.isoformat() for d in config.horizon],
        "time_limit_s": config.time_limit,
        "reproducible": config.reproducible,
        "work_per_visit": config.work_per_visit,
        "seed": config.seed,
        "centres": [c.name for c in config.centres],
        "config": str(config.source) if config.source else None,
    }


def _jobs(
    config: NightlyConfig, today: dt.date, store: str, run_id: int
) -> tuple[list[DepartmentJob], list[DepartmentOutcome]]:
    """A job per department and week of the horizon; a centre whose data folder cannot be read at all
    is one outcome, invalid-input, and the other centres go on."""
    nights = horizon_days(config.horizon, today)
    jobs: list[DepartmentJob] = []
    refused: list[DepartmentOutcome] = []
    for centre in config.centres:
        departments = centre.departments
        if departments is None:
            try:
                problem = read_folder(centre.data)
            except InvalidInputError as exc:
                refused += [
                    DepartmentOutcome(
                        centre=centre.name,
                        department="*",
                        week=n.week,
                        days=n.days,
                        status="invalid-input",
                        message=str(exc),
                    )
                    for n in nights
                ]
                continue
            departments = tuple(
                sorted({w.department for w in problem.workers} | {c.department for c in problem.clients})
            )
        streets_sha256 = extract_sha256(centre.streets) if centre.streets is not None else None
        for night in nights:
            jobs += [
                DepartmentJob(
                    centre=centre.name,
                    department=department,
                    data=centre.data,
                    night=night,
                    out=config.out / folder_name(centre.name) / folder_name(department),
                    time_limit=config.time_limit,
                    seed=config.seed,
                    reproducible=config.reproducible or config.work_per_visit is not None,
                    work_per_visit=config.work_per_visit,
                    outputs=config.outputs,
                    lang=config.lang,
                    csv_sep=config.csv_sep,
                    store=store,
                    run_id=run_id,
                    streets=centre.streets,
                    streets_sha256=streets_sha256,
                )
                for department in departments
            ]
    return jobs, refused


def _execute(config: NightlyConfig, jobs: Sequence[DepartmentJob]) -> Iterator[DepartmentOutcome]:
    """Each job's outcome as it finishes: in this process for one worker, else on a pool of processes
    (spawned: a forked copy of a process that runs solver threads can deadlock), or on Dask."""
    if config.dask is not None:
        yield from _on_dask(config.dask, jobs)
        return
    if config.workers == 1 or len(jobs) <= 1:
        for job in jobs:
            yield plan_department(job)
        return
    context = multiprocessing.get_context("spawn")
    processes = min(config.workers, len(jobs))
    counter = context.Value("i", 0)
    with ProcessPoolExecutor(
        max_workers=processes, mp_context=context, initializer=_own_cores, initargs=(counter, processes)
    ) as pool:
        futures = {pool.submit(plan_department, job): job for job in jobs}
        for future in as_completed(futures):
            yield _outcome(future.result, futures[future])


def _own_cores(counter: Any, processes: int) -> None:
    """Give each worker process its own share of the cores. A department's search uses every core its
    process may (OR-Tools and PyVRP side by side); several departments at once would otherwise each
    fork a search per core and fight over them. On a count of work the plans are the same either way."""
    try:
        cores = sorted(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux: the operating system shares them out
        return
    with counter.get_lock():
        index = counter.value
        counter.value += 1
    share = max(1, len(cores) // processes)
    mine = cores[(index * share) % len(cores) :][:share] or cores[:share]
    os.sched_setaffinity(0, mine)


def _on_dask(address: str, jobs: Sequence[DepartmentJob]) -> Iterator[DepartmentOutcome]:
    """On an existing Dask distributed cluster: each department a task (pure=False: a re-run plans again)."""
    from distributed import Client  # imported only when a cluster is named
    from distributed import as_completed as dask_completed

    with Client(address) as client:  # type: ignore[no-untyped-call]
        futures = client.map(plan_department, list(jobs), pure=False)
        job_of = {future.key: job for future, job in zip(futures, jobs, strict=True)}
        for future in dask_completed(futures):  # type: ignore[no-untyped-call]
            yield _outcome(future.result, job_of[future.key])


def _outcome(result: Callable[[], DepartmentOutcome], job: DepartmentJob) -> DepartmentOutcome:
    """A department's outcome; a worker process that died under it (killed for memory, a lost Dask
    worker) is that department's failure, not the night's: the others go on and the summary is written."""
    try:
        return result()
    except Exception as exc:
        return DepartmentOutcome(
            centre=job.centre,
            department=job.department,
            week=job.night.week,
            days=job.night.days,
            status="failed",
            message=f"the process planning it died: {type(exc).__name__}: {exc}",
        )


@contextmanager
def _night_lock(out: Path) -> Iterator[None]:
    """One night at a time below ``out``: a second is refused at once, not queued behind the first."""
    path = out / ".nightly.lock"
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            msg = f"another nightly run is writing into {out}; try again when it has finished"
            raise OutputLockedError(msg) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _outcome_record(outcome: DepartmentOutcome) -> dict[str, Any]:
    record = asdict(outcome)
    record["week"] = outcome.week.isoformat()
    record["days"] = [d.isoformat() for d in outcome.days]
    return record


def _event(log: TextIO, event: str, **fields: Any) -> None:
    line = {"time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "event": event, **fields}
    log.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    log.flush()


def _write_summary(config: NightlyConfig, outcomes: Sequence[DepartmentOutcome], today: dt.date) -> Path:
    write_csv(config.out / "summary.csv", summary_rows(outcomes), SUMMARY_COLUMNS, sep=config.csv_sep)
    page = summary_html(outcomes, lang=config.lang, night=today.isoformat())
    return atomic_write_text(config.out / "summary.html", page)

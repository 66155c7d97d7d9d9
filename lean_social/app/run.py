"""One planning run from a data folder to an output folder: check, read, plan, check, write. Used by the
CLI and by the nightly batch, so both leave exactly the same files behind.

Every option and input is checked before planning, and every output is written into a staging folder
that replaces ``out_dir`` whole only when the plan passed its own check (``lean_social.io.outfolder``):
a run that fails leaves ``out_dir`` as it was, and one that succeeds leaves nothing of earlier runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Unpack

from lean_social.app.exports import write_plan
from lean_social.app.settings import DEFAULT_TIME_LIMITS, Exports, RunOptions, Settings, check_seed
from lean_social.app.terminal import travel_per_visit_min
from lean_social.domain.errands import unplaced_errands
from lean_social.domain.model import Location, PreviousPlan, Problem, TravelMode
from lean_social.domain.norms import UnknownNormsError
from lean_social.domain.reasons import count_kinds
from lean_social.errors import InputProblem, InvalidInputError
from lean_social.io.baseline import read_baseline
from lean_social.io.folder import FILES, read_folder
from lean_social.io.lists_file import clients_csv_with_lists
from lean_social.io.osm_places import places_from_osm
from lean_social.io.outfolder import OutputFolder, find_plan_file
from lean_social.io.previous import PREVIOUS_PLAN, read_previous_plan
from lean_social.io.writers import atomic_write_bytes, write_csv, write_json
from lean_social.outputs.kpi import Comparison, compare
from lean_social.outputs.privacy import as_is, pseudonymised, pseudonymiser
from lean_social.planning.client_lists import LIST_COLUMNS, ListMove, ListProposal, redraw_lists
from lean_social.planning.day_of_week import plan_day
from lean_social.planning.week import plan_week
from lean_social.record import record_to_dict, with_norms
from lean_social.replanning.changes import Change
from lean_social.replanning.replan import replan_week
from lean_social.schedule import Schedule
from lean_social.travel import GeodesicTravel, TravelModel
from lean_social.travel.osm_graph import GraphKind
from lean_social.travel.streets import MODE_GRAPH, StreetTravel
from lean_social.validate import Violation, validate
from lean_social.version import versions

__all__ = [
    "ListsResult",
    "RunResult",
    "check_on_streets",
    "input_hashes",
    "run_day",
    "run_lists",
    "run_replan",
    "run_week",
    "travel_model",
    "travel_record",
    "with_street_places",
]

log = logging.getLogger(__name__)

#: problems of a published plan listed in full; a plan from another data folder would list hundreds
_MAX_PLAN_PROBLEMS = 20


@dataclass(frozen=True, slots=True, kw_only=True)
class RunResult:
    """What a run planned and where its files are: ``out_dir`` when the plan passed its own check; when it
    did not (``violations``), a folder ``OUT.failed-<time>`` beside it, and ``out_dir`` is left as it was.
    ``comparison`` is the plan against the ``baseline`` option's plan, when one was given."""

    schedule: Schedule
    violations: tuple[Violation, ...]
    out_dir: Path
    files: tuple[Path, ...]
    comparison: Comparison | None = None


def input_hashes(data_dir: Path) -> dict[str, str]:
    """The SHA-256 of each data file: run.json records them, and a night reuses a plan whose inputs match."""
    return {
        name: hashlib.sha256((data_dir / name).read_bytes()).hexdigest()
        for name in FILES
        if (data_dir / name).is_file()
    }


def run_day(data_dir: str | Path, day: dt.date, out_dir: str | Path, **options: Unpack[RunOptions]) -> RunResult:
    """Plan ``day`` for every department in ``data_dir`` and write the outputs to ``out_dir``.

    Raises InvalidInputError (data), OutputFolderError (``out_dir`` unusable: a file, the data folder,
    another run's) or ValueError (an option) before planning, and then ``out_dir`` is left as it was.
    With ``reproducible`` every search stops on a count of work instead of the clock. The options and
    their defaults are ``lean_social.app.settings``' (a day's search: ``DEFAULT_TIME_LIMITS``).
    """
    return _run(data_dir, out_dir, Settings.of(options, time_limit=DEFAULT_TIME_LIMITS["day"]), day=day, week=None)


def run_week(
    data_dir: str | Path, week_start: dt.date, out_dir: str | Path, **options: Unpack[RunOptions]
) -> RunResult:
    """Plan the week starting on Monday ``week_start``; the same outputs as a day, a map per day
    (a week's search: 120 s)."""
    return _run(
        data_dir, out_dir, Settings.of(options, time_limit=DEFAULT_TIME_LIMITS["week"]), day=None, week=week_start
    )


def run_replan(
    data_dir: str | Path,
    week_start: dt.date,
    published: str | Path,
    from_date: dt.date,
    out_dir: str | Path,
    **options: Unpack[RunOptions],
) -> RunResult:
    """Re-plan the week from ``from_date`` on against the published ``schedule.json``, with the data as it
    is now (a new absence, a new client, a changed availability); writes ``changes.csv`` besides the plan
    (a re-plan's search: 60 s)."""
    settings = Settings.of(options, time_limit=DEFAULT_TIME_LIMITS["replan"])
    return _run(data_dir, out_dir, settings, day=None, week=week_start, published=Path(published), from_date=from_date)


def _run(
    data_dir: str | Path,
    out_dir: str | Path,
    settings: Settings,
    *,
    day: dt.date | None,
    week: dt.date | None,
    published: Path | None = None,
    from_date: dt.date | None = None,
) -> RunResult:
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    time_limit, seed, exports = settings.time_limit, settings.seed, settings.exports
    started = time.perf_counter() if settings.started is None else settings.started
    timings: dict[str, float] = {}
    with OutputFolder(out_dir, data_dir=data_dir) as folder:  # refuses a bad --out or a busy one now
        clock = time.perf_counter()
        hashes = input_hashes(data_dir)  # before reading: an edit made while the run plans is not taken for read
        problem = read_folder(data_dir)
        log.info(
            "read %s: %d clients, %d workers, %d services",
            data_dir,
            len(problem.clients),
            len(problem.workers),
            len(problem.services),
        )
        travel = travel_model(settings.streets, problem)
        before = _read_published(published, problem, week) if published is not None else None
        problem = _with_norms(problem, settings.norms, day or week, before)
        baseline = _read_baseline(settings.baseline, problem, travel) if settings.baseline is not None else None
        departments = _known_departments(settings.departments, problem)
        if isinstance(travel, StreetTravel):
            problem = with_street_places(travel, problem)
            check_on_streets(travel, problem, departments)
        previous = None if before is not None else _previous(settings.previous_plan, data_dir)
        timings["read_s"] = time.perf_counter() - clock
        clock = time.perf_counter()
        # The planner gets what is left of the whole run's budget once reading is done and the time that
        # checking and writing will take is set aside, so the run as a whole ends within its time limit.
        left = max(
            0.0,
            time_limit - (clock - started) - _finishing_estimate_s(problem, exports, day=day, departments=departments),
        )
        work_count: dict[str, Any] = {
            "reproducible": settings.reproducible,
            "work_per_visit": settings.work_per_visit,
            "departments": departments,
        }
        changes: list[Change] | None = None
        if before is not None:
            assert week is not None and from_date is not None
            try:
                schedule, changes = replan_week(
                    problem, before, week, from_date, time_limit=left, seed=seed, travel=travel, **work_count
                )
            except ValueError as exc:
                raise InvalidInputError(
                    [InputProblem(file=str(published), row=None, column=None, value="", expected=str(exc))]
                ) from None
        elif week is not None:
            schedule = plan_week(
                problem, week, time_limit=left, seed=seed, previous=previous, travel=travel, **work_count
            )
        else:
            assert day is not None
            schedule = plan_day(
                problem, day, time_limit=left, seed=seed, previous=previous, travel=travel, **work_count
            )
        timings["plan_s"] = time.perf_counter() - clock
        schedule = dataclasses.replace(schedule, info=with_norms(schedule.info, problem.norms_version))
        clock = time.perf_counter()
        violations = tuple(validate(schedule, problem, week_start=week, departments=departments, travel=travel))
        timings["validate_s"] = time.perf_counter() - clock
        for violation in violations:
            log.error("plan check failed: %s", violation)
        # Figures only, no ids: the same table with or without pseudonyms, so it is measured on the real plan.
        comparison = compare(baseline, schedule, problem, lang=exports.lang) if baseline is not None else None

        # Privacy: every export is made from `view`, never from `schedule`/`problem` themselves;
        # pseudonymised, the view carries no personal data (lean_social/outputs/privacy.py says what goes).
        view = (
            pseudonymised(schedule, problem, pseudonymiser(exports.pseudonym_key))
            if exports.pseudonymise
            else as_is(schedule, problem)
        )
        stage = folder.stage()
        clock = time.perf_counter()
        files = write_plan(stage, view, changes, exports, day=day, comparison=comparison)
        timings["write_s"] = time.perf_counter() - clock
        run_info = {
            **versions(),
            "data_dir": str(data_dir),
            "inputs_sha256": hashes,
            "settings": {
                "date": day.isoformat() if day else None,
                "week": week.isoformat() if week else None,
                "replan_from": from_date.isoformat() if from_date else None,
                "time_limit_s": time_limit,
                "departments": list(departments) if departments is not None else None,
                "seed": seed,
                "reproducible": settings.reproducible,
                "work_per_visit": settings.work_per_visit,
                "baseline": None if settings.baseline is None else str(settings.baseline),
                "norms": settings.norms,
                **_streets_settings(travel),
                **exports.record(),
            },
            "norms": problem.norms.as_dict(),
            "travel": travel_record(travel),
            "errand_places": _errand_places_record(problem, data_dir, travel),
            "solver": record_to_dict(view.schedule.info),
            "served": schedule.served,
            "unassigned": len(schedule.unassigned),
            "unassigned_by_reason": count_kinds(u.reason for u in schedule.unassigned),
            "travel_min_per_visit": travel_per_visit_min(schedule),
            "violations": [view.violation(v) for v in violations],
            "timings_s": {k: round(v, 3) for k, v in timings.items()},
        }
        files.append(write_json(stage / "run.json", run_info))  # last: a folder with run.json is whole
        final = folder.set_aside() if violations else folder.commit()
    return RunResult(
        schedule=schedule,
        violations=violations,
        out_dir=final,
        files=tuple(final / f.relative_to(stage) for f in files),
        comparison=comparison,
    )


def _with_norms(problem: Problem, asked: str | None, first_day: dt.date | None, published: Schedule | None) -> Problem:
    """The problem with the norms the run plans with (``domain.norms``): the version asked for, else the
    one in effect in the planned week. A re-plan keeps the version its published plan was made with,
    since the days already handed out keep their durations: asked for another, it is refused."""
    assert first_day is not None
    kept = published.info.norms if published is not None and published.info is not None else None
    if kept is not None and asked is not None and asked != kept:
        msg = (
            f"the published plan was made with norms version {kept!r} and a week is planned with one version: "
            f"re-plan with --norms {kept}, or plan the week anew with --norms {asked}"
        )
        raise UnknownNormsError(msg)
    version = asked or kept or problem.norms_in_effect(first_day).name
    return problem.with_norms(version)


def _read_baseline(path: Path, problem: Problem, travel: TravelModel | None = None) -> Schedule:
    """The baseline plan, read and checked before planning, so that a typing mistake in a hand plan costs
    no search: a folder means its ``schedule.json`` (else its ``schedule.csv``), and every problem names
    the file by the path the planner gave, as the data's problems do."""
    if path.is_dir():
        path = path / "schedule.json" if (path / "schedule.json").is_file() else path / "schedule.csv"
    if not path.is_file():
        raise InvalidInputError(
            [
                InputProblem(
                    file=str(path),
                    row=None,
                    column=None,
                    value="",
                    expected="a plan to compare with: a schedule.csv or schedule.json (no such file)",
                )
            ]
        )
    try:
        return read_baseline(path, problem, travel=travel)
    except InvalidInputError as exc:  # each problem names a file of the baseline's folder by its name
        raise InvalidInputError(
            [dataclasses.replace(p, file=str(path.with_name(p.file))) for p in exc.problems]
        ) from None


def travel_model(streets: Path | None, problem: Problem) -> TravelModel:
    """The straight-line model, or the streets of the extract given (the graphs of the workers' modes
    built or read from the cache now, so that a bad extract costs no search)."""
    if streets is None:
        return GeodesicTravel()

    def refuse(why: str) -> InvalidInputError:
        expected = f"an OpenStreetMap extract (.osm, .osm.gz, .osm.pbf) with streets ({why})"
        return InvalidInputError([InputProblem(file=str(streets), row=None, column=None, value="", expected=expected)])

    try:
        travel = StreetTravel(streets)
    except FileNotFoundError:
        raise refuse("no such file") from None
    try:
        kinds: set[GraphKind] = {MODE_GRAPH[w.mode] for w in problem.workers} or {"foot"}
        for kind in sorted(kinds):
            travel.graph(kind)
    except (RuntimeError, ValueError) as exc:  # pyosmium's reading errors are RuntimeErrors
        raise refuse(str(exc)) from None
    return travel


def with_street_places(travel: StreetTravel, problem: Problem) -> Problem:
    """With no ``places.csv``, errands are run at the extract's own shops, pharmacies and post offices
    (``io.osm_places``): those every travel mode of the workers can reach, within the snapping distance
    of its streets (a shop at the extract's edge, its street cut off, would make no leg)."""
    if problem.places:
        return problem
    found = places_from_osm(travel.extract)
    modes = sorted({w.mode for w in problem.workers})
    reachable = [True] * len(found)
    for mode in modes if found else ():
        distances = travel.snap([p.location for p in found], mode).access_m
        reachable = [ok and metres <= travel.max_snap_m for ok, metres in zip(reachable, distances, strict=True)]
    places = tuple(p for p, ok in zip(found, reachable, strict=True) if ok)
    log.info("errand places from %s: %d of %d reachable", travel.extract.name, len(places), len(found))
    return dataclasses.replace(problem, places=places)


def check_on_streets(travel: StreetTravel, problem: Problem, departments: tuple[str, ...] | None) -> None:
    """Every client and worker start near a street its workers' modes may use, else one InvalidInputError
    naming each place too far (a mistyped coordinate, or an extract of another area), before planning."""
    modes: dict[str, set[TravelMode]] = {}
    for w in problem.workers:
        modes.setdefault(w.department, set()).add(w.mode)
    places: dict[TravelMode, list[tuple[str, str, Location]]] = {}
    for w in problem.workers:
        if departments is None or w.department in departments:
            places.setdefault(w.mode, []).append(("workers.csv", w.id, w.start))
    for c in problem.clients:
        if departments is None or c.department in departments:
            for mode in sorted(modes.get(c.department, ())):
                places.setdefault(mode, []).append(("clients.csv", c.id, c.location))
    used: set[TravelMode] = set().union(*modes.values()) if modes else set()
    for errand in problem.places:  # an errand's place is walked to by any worker
        for mode in sorted(used):
            places.setdefault(mode, []).append(("places.csv", errand.id, errand.location))
    problems = []
    for mode, named in sorted(places.items()):
        distances = travel.snap([p for _, _, p in named], mode).access_m
        for (file, ident, place), metres in zip(named, distances, strict=True):
            if metres > travel.max_snap_m:
                expected = (
                    f"a place within {travel.max_snap_m:.0f} m of a street usable by {mode} in "
                    f"{travel.extract.name}; the nearest is {metres:.0f} m away"
                )
                value = f"{ident} at {place.lat:.6f}, {place.lon:.6f}"
                problems.append(InputProblem(file=file, row=None, column="lat,lon", value=value, expected=expected))
    if problems:
        raise InvalidInputError(problems)


def _errand_places_record(problem: Problem, data_dir: Path, travel: TravelModel) -> dict[str, object]:
    """Where the errands were run: how many places of each kind, from ``places.csv`` or the street map,
    and the errand kinds the services ask for that had no place (those visits went without the stop)."""
    source = None
    if (data_dir / "places.csv").is_file():
        source = "places.csv"
    elif problem.places and isinstance(travel, StreetTravel):
        source = str(travel.extract)
    kinds: dict[str, int] = {}
    for place in problem.places:
        kinds[place.kind] = kinds.get(place.kind, 0) + 1
    return {"source": source, "places": kinds, "kinds_without_place": list(unplaced_errands(problem))}


def travel_record(travel: TravelModel) -> dict[str, object]:
    """How a run measured travel, for its ``run.json``."""
    if isinstance(travel, StreetTravel):
        return travel.record()
    if isinstance(travel, GeodesicTravel):
        return {"model": "straight-line", "detour_factor": travel.detour_factor}
    return {"model": type(travel).__name__}


def _streets_settings(travel: TravelModel) -> dict[str, object]:
    """The street map a plan was made on, as a setting the nightly job compares before reusing a plan."""
    if isinstance(travel, StreetTravel):
        return {"streets": str(travel.extract), "streets_sha256": travel.extract_sha256}
    return {"streets": None, "streets_sha256": None}


def _previous(given: Path | PreviousPlan | None, data_dir: Path) -> PreviousPlan | None:
    """Last week's plan: as given (a plan store's, or a schedule.csv), else the data folder's
    ``previous_plan.csv``; a day is planned as the day of its week, so it reads it as the week does."""
    if given is not None and not isinstance(given, Path):
        return given
    if given is not None and not given.is_file():
        raise InvalidInputError(
            [InputProblem(file=str(given), row=None, column=None, value="", expected="last week's schedule.csv")]
        )
    path = given or data_dir / PREVIOUS_PLAN
    return read_previous_plan(path) if path.is_file() else None


def _known_departments(asked: tuple[str, ...] | None, problem: Problem) -> tuple[str, ...] | None:
    """The departments asked for, each one the data has; one it lacks is an input error, found before
    planning (a department that plans nothing would look like a quiet night)."""
    if asked is None:
        return None
    known = {w.department for w in problem.workers} | {c.department for c in problem.clients}
    unknown = [d for d in asked if d not in known]
    if unknown:
        expected = f"a department of the data ({', '.join(sorted(known))})"
        raise InvalidInputError(
            [
                InputProblem(file="workers.csv", row=None, column="department", value=d, expected=expected)
                for d in unknown
            ]
        )
    return asked


def _finishing_estimate_s(
    problem: Problem, exports: Exports, *, day: dt.date | None, departments: tuple[str, ...] | None = None
) -> float:
    """Seconds kept back from planning for checking and writing. Measured on the demo centre (300
    clients, 30 workers): 0.03 s to check a week and 0.13 s to write its plan and seven maps, kept back
    at about four times that (a map grows with the clients); the outputs for people (route sheets,
    workbook, calendars, figures) took 4.3 s for the week's 147 worker-days, 0.03 s a worker-day, kept
    back at twice that, for a loaded machine."""
    days = 1 if day is not None else 7
    clients = [c for c in problem.clients if departments is None or c.department in departments]
    workers = [w for w in problem.workers if departments is None or w.department in departments]
    estimate = 0.2 + days * (0.02 + 0.0001 * len(clients))
    if exports.kinds - {"maps"}:
        estimate += 0.06 * len(workers) * min(days, 5)  # five working days a week
    return estimate


def _read_published(path: Path, problem: Problem, week: dt.date | None) -> Schedule:
    """The published plan, checked against the data before re-planning: a plan of another data folder, or
    one naming a client, worker or service the data does not have, is refused with the field and value
    (re-planning would fail on it half-way, or quietly drop its visits)."""
    assert week is not None
    path = find_plan_file(path)

    def refuse(expected: str) -> InvalidInputError:
        return InvalidInputError([InputProblem(file=str(path), row=None, column=None, value="", expected=expected)])

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise refuse(f"a schedule.json written by lean-social plan ({exc})") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise refuse("a schedule.json written by lean-social plan (its JSON is nested too deeply)") from None
    except ValueError as exc:
        raise refuse(f"a schedule.json written by lean-social plan (not JSON: {exc})") from None
    try:
        before = Schedule.from_dict(data)
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        what = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
        raise refuse(f"a schedule.json written by lean-social plan ({what})") from None
    problems = _published_problems(str(path), before, problem, week)
    if problems:
        raise InvalidInputError(problems)
    return before


def _published_problems(file: str, plan: Schedule, problem: Problem, week: dt.date) -> list[InputProblem]:
    workers = {w.id: w.department for w in problem.workers}
    clients = {c.id: c.department for c in problem.clients}
    services = {s.code for s in problem.services}
    days = {week + dt.timedelta(days=d) for d in range(7)}
    found: list[InputProblem] = []

    def bad(field: str, value: object, expected: str) -> None:
        found.append(InputProblem(file=file, row=None, column=field, value=str(value), expected=expected))

    def check_visit(field: str, client_id: str, codes: tuple[str, ...]) -> None:
        if client_id not in clients:
            bad(f"{field}.client_id", client_id, "a client of clients.csv (is the plan from another data folder?)")
        for code in codes:
            if code not in services:
                bad(f"{field}.services", code, "a service code of services.csv")

    for i, route in enumerate(plan.routes):
        if route.date not in days:
            bad(f"routes[{i}].date", route.date, f"a day of the week of {week}")
        if route.worker_id not in workers:
            bad(
                f"routes[{i}].worker_id",
                route.worker_id,
                "a worker of workers.csv (a worker who left: keep the row and add an absence to absences.csv)",
            )
        for j, stop in enumerate(route.stops):
            check_visit(f"routes[{i}].stops[{j}]", stop.client_id, stop.services)
            own, theirs = workers.get(route.worker_id), clients.get(stop.client_id)
            if own is not None and theirs is not None and own != theirs:
                bad(
                    f"routes[{i}].stops[{j}].client_id",
                    stop.client_id,
                    f"a client of the worker's department {own}, not {theirs} (is the plan from another data folder?)",
                )
    for i, item in enumerate(plan.unassigned):
        if item.date not in days:
            bad(f"unassigned[{i}].date", item.date, f"a day of the week of {week}")
        check_visit(f"unassigned[{i}]", item.client_id, item.services)
    if len(found) > _MAX_PLAN_PROBLEMS:
        more = len(found) - _MAX_PLAN_PROBLEMS
        found = found[:_MAX_PLAN_PROBLEMS]
        found.append(InputProblem(file=file, row=None, column=None, value="", expected=f"{more} more such problems"))
    return found


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
    ``pseudonymise`` also ``clients.csv``, the data file with the new lists, ready to review and use.

    ``out_dir`` may not be the data folder, nor inside it, nor hold it: its ``clients.csv`` would be
    taken for the data's (OutputFolderError, before anything is read)."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    check_seed(seed)
    with OutputFolder(out_dir, data_dir=data_dir, data_may_hold_out=False) as folder:
        hashes = input_hashes(data_dir)
        clock = time.perf_counter()
        problem = read_folder(data_dir)
        if not pseudonymise:  # refuses a clients.csv it cannot rewrite now, not after the redraw
            clients_csv_with_lists(data_dir / "clients.csv", {c.id: c.worker_id or "" for c in problem.clients})
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
        clients_csv = None if pseudonymise else clients_csv_with_lists(data_dir / "clients.csv", new)
        stage = folder.stage()
        files = [write_csv(stage / "lists.csv", rows, LIST_COLUMNS)]
        if clients_csv is not None:
            files.append(atomic_write_bytes(stage / "clients.csv", clients_csv))
        run_info = {
            **versions(),
            "data_dir": str(data_dir),
            "inputs_sha256": hashes,
            "settings": {"lists_from_week": week_start.isoformat(), "seed": seed, "pseudonymised": pseudonymise},
            "clients": len(problem.clients),
            "moved": len(proposal.moves),
            "timings_s": {"redraw_s": round(wall, 3)},
        }
        files.append(write_json(stage / "run.json", run_info))
        final = folder.commit()
    return ListsResult(proposal=proposal, out_dir=final, files=tuple(final / f.relative_to(stage) for f in files))

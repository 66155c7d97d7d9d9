"""``lean-social capacity``: the staff each department needs for a week in full-time equivalents, the
caseload a worker can carry by travel mode, and what-if scenarios beside the current state.

The arithmetic is ``domain.staff`` (Order 725's method); the travel per visit is estimated from where
the clients live and how the workers travel (``travel.expected``), not a flat allowance. A scenario is
given as text, its changes joined by commas, and combine:

- ``norms=PATH``: another ``services.csv`` (e.g. the drop-in file ``lean-social norms`` writes), read
  with the data folder's reader, every problem named;
- ``clients=+10%``: that many more clients like the current ones (``-5%`` fewer);
- ``mode=foot:bike``: workers who walk cycle instead.

Without any, the scenarios are 10 % more clients and, where someone walks, bicycles instead of walking.
Writes, as one whole folder (``io.outfolder``): ``staff.csv``, ``caseload.csv``, ``capacity.html`` and
``run.json``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lean_social.app.run import check_on_streets, input_hashes, travel_model, travel_record
from lean_social.domain.capacity import TIME_USE_COEFFICIENT, week_capacity
from lean_social.domain.model import TRAVEL_MODES, Location, Problem, TravelMode
from lean_social.domain.staff import (
    CASELOAD_COLUMNS,
    CURRENT,
    FULL_TIME_WEEK_H,
    STAFF_COLUMNS,
    Caseload,
    Scenario,
    Staff,
    fte_week_h,
    mode_shares,
    week_work,
    worker_days,
)
from lean_social.errors import InvalidInputError
from lean_social.io.folder import FILES, read_folder
from lean_social.io.outfolder import OutputFolder
from lean_social.io.writers import atomic_write_text, write_csv, write_json
from lean_social.outputs.capacity_report import capacity_html
from lean_social.outputs.labels import DEFAULT_LANG, Lang
from lean_social.travel import GeodesicTravel, TravelModel
from lean_social.travel.expected import expected_travel
from lean_social.travel.streets import StreetTravel
from lean_social.version import versions

__all__ = [
    "DEFAULT_SCENARIOS",
    "CapacityResult",
    "assess",
    "check_scenario",
    "read_scenario",
    "run_capacity",
]

#: The what-ifs the issue names, where they apply: more clients always, bicycles where someone walks.
DEFAULT_SCENARIOS = ("clients=+10%", "mode=foot:bike")
#: The most a scenario may add or take away, in per cent: beyond it the figure is a typo.
MAX_PERCENT = 1000.0


@dataclass(frozen=True, slots=True)
class CapacityResult:
    scenarios: tuple[Scenario, ...]
    staff: tuple[Staff, ...]
    caseloads: tuple[Caseload, ...]
    out_dir: Path
    files: tuple[Path, ...]


def _changes(text: str) -> list[tuple[str, str]]:
    """The ``key=value`` changes of a scenario's text, or ValueError saying what is wrong."""
    changes: list[tuple[str, str]] = []
    for part in (p.strip() for p in text.split(",")):
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not value or key not in ("norms", "clients", "mode"):
            msg = f"scenario {text!r}: each change is norms=PATH, clients=+N% or mode=FROM:TO, got {part!r}"
            raise ValueError(msg)
        if key in (k for k, _ in changes):
            msg = f"scenario {text!r}: {key} is given twice"
            raise ValueError(msg)
        changes.append((key, value))
    return changes


def _percent(text: str, value: str) -> float:
    number = value.removesuffix("%").strip()
    try:
        percent = float(number) if value.endswith("%") else math.nan
    except ValueError:
        percent = math.nan
    if not (math.isfinite(percent) and -100.0 < percent <= MAX_PERCENT):
        msg = (
            f"scenario {text!r}: clients takes a per cent above -100 and at most {MAX_PERCENT:g}, "
            f"such as +10%, got {value!r}"
        )
        raise ValueError(msg)
    return 1.0 + percent / 100.0


def _mode(text: str, value: str) -> tuple[TravelMode, TravelMode]:
    before, sep, after = value.partition(":")
    modes = {m: m for m in TRAVEL_MODES}
    if not sep or before not in modes or after not in modes or before == after:
        msg = (
            f"scenario {text!r}: mode takes FROM:TO, two of {', '.join(TRAVEL_MODES)}, such as foot:bike, got {value!r}"
        )
        raise ValueError(msg)
    return modes[before], modes[after]


def check_scenario(text: str) -> str:
    """``text`` if it is a scenario ``read_scenario`` can read: known changes, a per cent, two modes, a
    norms file that exists. ValueError otherwise (the command line's usage error, before anything)."""
    for key, value in _changes(text):
        if key == "clients":
            _percent(text, value)
        elif key == "mode":
            _mode(text, value)
        elif not Path(value).is_file() and not _version_name(value):
            msg = f"scenario {text!r}: norms takes a version of norms.csv or a services.csv; no file at {value}"
            raise ValueError(msg)
    return text


def _version_name(value: str) -> bool:
    """Whether a scenario's ``norms=`` value reads as a version's name (checked against the data when it
    is read) rather than as a path to a file that is not there."""
    return not any(sep in value for sep in "/\\") and not value.lower().endswith(".csv")


def read_scenario(text: str, data_dir: Path, problem: Problem | None = None) -> Scenario:
    """The scenario ``text`` names: its ``norms=`` a version of ``problem``'s norms (``norms.csv``) or a
    ``services.csv`` read as ``data_dir``'s would be. ``check_scenario``'s ValueError for bad text,
    UnknownNormsError for a version the data lacks, InvalidInputError naming the norms file, row and
    column for a bad file."""
    check_scenario(text)
    services = None
    norms_from = ""
    factor = 1.0
    modes: tuple[tuple[TravelMode, TravelMode], ...] = ()
    for key, value in _changes(text):
        if key == "clients":
            factor = _percent(text, value)
        elif key == "mode":
            modes = (_mode(text, value),)
        elif Path(value).is_file():
            services, norms_from = _read_norms(Path(value), data_dir).services, value
        else:
            versions = (problem or read_folder(data_dir)).with_norms(value)
            services, norms_from = versions.services, versions.norms.name
    return Scenario(name=text, services=services, norms_from=norms_from, clients_factor=factor, modes=modes)


def _read_norms(services_csv: Path, data_dir: Path) -> Problem:
    """The data folder with ``services_csv`` in place of its own, read by the data folder's reader: the
    new norms are checked as the data's are, and against the programmes that name them. Problems in
    the file are named by its path; others say which norms they were read with."""
    with tempfile.TemporaryDirectory(prefix="lean-social-norms-") as tmp:
        folder = Path(tmp)
        for name in FILES:
            if (data_dir / name).is_file():
                shutil.copyfile(data_dir / name, folder / name)
        shutil.copyfile(services_csv, folder / "services.csv")
        try:
            return read_folder(folder)
        except InvalidInputError as exc:
            raise InvalidInputError(
                dataclasses.replace(
                    p, file=str(services_csv) if p.file == "services.csv" else f"{p.file} (with {services_csv})"
                )
                for p in exc.problems
            ) from None


def _starts(problem: Problem, department: str, places: Sequence[Location]) -> list[Location]:
    """Where each of the department's workers sets out from; without workers, the middle of its clients."""
    starts = [w.start for w in problem.workers if w.department == department]
    if starts or not places:
        return starts
    return [Location(lat=sum(p.lat for p in places) / len(places), lon=sum(p.lon for p in places) / len(places))]


def assess(
    problem: Problem,
    week_start: dt.date,
    scenarios: Sequence[Scenario] = (),
    *,
    travel: TravelModel | None = None,
) -> tuple[tuple[Staff, ...], tuple[Caseload, ...]]:
    """Staff per department and caseload per department and travel mode, for the current state and
    each scenario after it, in that order. The travel per visit is ``travel.expected``'s estimate for
    each mode, a department's the mean over its workers' modes by their hours (``mode_shares``)."""
    model = travel or GeodesicTravel()
    staff: list[Staff] = []
    caseloads: list[Caseload] = []
    for scenario in (CURRENT, *scenarios):
        changed = scenario.apply(problem)
        available = {c.department: c.available_h for c in week_capacity(changed, week_start)}
        for department, base in week_work(changed, week_start).items():
            work = base.scaled(scenario.clients_factor)
            worked, days = worker_days(changed, week_start, department)
            ids = list(work.visits_by_client)
            places = [changed.client(c).location for c in ids]

            starts = _starts(changed, department, places)
            visits = [work.visits_by_client[c] for c in ids]
            per_mode = {
                mode: expected_travel(
                    model,
                    mode,
                    starts=starts,
                    places=places,
                    visits_per_week=visits,
                    days=days or 5,
                    visits_per_day=work.visits / worked if worked else 1.0,
                ).per_visit_min
                for mode in TRAVEL_MODES
            }
            shares = mode_shares(changed, week_start, department) or {"foot": 1.0}
            workers = [w for w in changed.workers if w.department == department]
            staff.append(
                Staff.of(
                    work,
                    scenario=scenario.name,
                    workers=len(workers),
                    travel_min_per_visit=sum(share * per_mode[mode] for mode, share in shares.items()),
                    available_h=available.get(department, 0.0),
                )
            )
            caseloads.extend(
                Caseload.of(
                    base,
                    scenario=scenario.name,
                    mode=mode,
                    workers=sum(1 for w in workers if w.mode == mode),
                    travel_min_per_visit=per_mode[mode],
                )
                for mode in TRAVEL_MODES
            )
    return tuple(staff), tuple(caseloads)


def run_capacity(
    data_dir: str | Path,
    week_start: dt.date,
    out_dir: str | Path,
    *,
    scenarios: Sequence[str] | None = None,
    travel: TravelModel | None = None,
    lang: Lang = DEFAULT_LANG,
    csv_sep: str = ",",
    streets: str | Path | None = None,
) -> CapacityResult:
    """Staff and caseloads of ``data_dir`` for the week of ``week_start`` (a Monday) under the current
    state and ``scenarios`` (texts as on the command line; None: ``DEFAULT_SCENARIOS`` where they
    apply), written to ``out_dir`` as one whole folder. The walks are expected on ``travel``, else on the
    streets of the extract ``streets``, else in straight lines.

    A week not starting on a Monday or a bad scenario raises ValueError, bad data InvalidInputError,
    before anything is written."""
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    if week_start.weekday() != 0:
        msg = f"a week is given by its Monday; {week_start} is a {week_start.strftime('%A')}"
        raise ValueError(msg)
    texts = list(scenarios) if scenarios is not None else None
    for text in texts or ():
        check_scenario(text)
    with OutputFolder(out_dir, data_dir=data_dir) as folder:
        hashes = input_hashes(data_dir)
        problem = read_folder(data_dir)
        problem = problem.with_norms(problem.norms_in_effect(week_start).name)
        if travel is None:
            travel = travel_model(None if streets is None else Path(streets), problem)
            if isinstance(travel, StreetTravel):
                check_on_streets(travel, problem, None)
        if texts is None:
            walks = any(w.mode == "foot" for w in problem.workers)
            texts = [t for t in DEFAULT_SCENARIOS if walks or not t.startswith("mode=foot:")]
        chosen = tuple(read_scenario(t, data_dir, problem) for t in texts)
        staff, caseloads = assess(problem, week_start, chosen, travel=travel)
        stage = folder.stage()
        files = [
            write_csv(stage / "staff.csv", [s.as_dict() for s in staff], STAFF_COLUMNS, sep=csv_sep),
            write_csv(stage / "caseload.csv", [c.as_dict() for c in caseloads], CASELOAD_COLUMNS, sep=csv_sep),
            atomic_write_text(
                stage / "capacity.html", capacity_html(week_start, (CURRENT, *chosen), staff, caseloads, lang=lang)
            ),
        ]
        run_info = {
            **versions(),
            "data_dir": str(data_dir),
            "inputs_sha256": hashes,
            "week": week_start.isoformat(),
            "norms": problem.norms.as_dict(),
            "settings": {
                "scenarios": [s.name for s in chosen],
                "full_time_week_h": FULL_TIME_WEEK_H,
                "time_use_coefficient": TIME_USE_COEFFICIENT,
                "fte_week_h": fte_week_h(),
                "travel_model": travel_record(travel),
                "lang": lang,
            },
            "fte_needed": {
                s.name: round(sum(r.fte_needed for r in staff if r.scenario == s.name), 2) for s in (CURRENT, *chosen)
            },
            "fte_present": round(sum(r.fte_present for r in staff if r.scenario == CURRENT.name), 2),
        }
        files.append(write_json(stage / "run.json", run_info))
        final = folder.commit()
    return CapacityResult(
        scenarios=(CURRENT, *chosen),
        staff=staff,
        caseloads=caseloads,
        out_dir=final,
        files=tuple(final / f.relative_to(stage) for f in files),
    )

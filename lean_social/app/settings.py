"""The options of one planning run, checked in one place for the Python API, the CLI and the nightly job.

``run_day``, ``run_week`` and ``run_replan`` take the same keywords (``RunOptions``); each turns them
into ``Settings`` here, so a default, a check or a new export option is stated once, not three times.
Every value is checked before planning, so a bad one never costs a night's search.
"""

from __future__ import annotations

import math
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypedDict, get_args

from lean_social.domain.model import PreviousPlan
from lean_social.io.writers import CSV_SEPARATORS
from lean_social.outputs.labels import DEFAULT_LANG, Lang, check_lang

__all__ = [
    "DEFAULT_TIME_LIMITS",
    "MAX_SEED",
    "MAX_TIME_LIMIT_S",
    "OUTPUT_KINDS",
    "Exports",
    "OutputKind",
    "RunOptions",
    "Settings",
    "check_baseline",
    "check_csv_sep",
    "check_departments",
    "check_norms",
    "check_outputs",
    "check_path",
    "check_seed",
    "check_time_limit",
    "check_work",
]

#: a day: longer is a typing mistake (a budget in minutes given as seconds), not a wish
MAX_TIME_LIMIT_S = 86_400.0
#: the largest seed every engine takes (OR-Tools and PyVRP read it as a signed 32-bit integer)
MAX_SEED = 2**31 - 1

#: The search budget in seconds of each kind of run when none is given: a day, a week, a re-plan.
DEFAULT_TIME_LIMITS: dict[str, float] = {"day": 30.0, "week": 120.0, "replan": 60.0}

#: What a run writes besides the plan itself (schedule.csv/json, unassigned.csv, kpis.json, run.json,
#: which every run writes): maps, route sheets, the workbook, the workers' calendars, the figures' PNGs.
OutputKind = Literal["maps", "sheets", "workbook", "calendars", "figures"]
OUTPUT_KINDS: tuple[OutputKind, ...] = get_args(OutputKind)


class RunOptions(TypedDict, total=False):
    """The keywords of ``run_day``, ``run_week`` and ``run_replan``; any left out takes its default."""

    time_limit: float
    seed: int
    reproducible: bool
    started: float | None
    pseudonymise: bool
    pseudonym_key: str | None
    map_tiles: str | None
    lang: str
    csv_sep: str
    outputs: Collection[str]
    baseline: str | os.PathLike[str] | None
    departments: Sequence[str] | None
    previous_plan: str | os.PathLike[str] | PreviousPlan | None
    work_per_visit: int | None
    norms: str | None
    streets: str | os.PathLike[str] | None


def check_time_limit(value: float) -> float:
    """``value`` if it is a usable search budget in seconds: finite, positive, at most a day."""
    number = isinstance(value, int | float) and not isinstance(value, bool)  # `true` in a config is no budget
    if not (number and math.isfinite(value) and 0 < value <= MAX_TIME_LIMIT_S):
        msg = f"the time limit must be a number of seconds above 0 and at most {MAX_TIME_LIMIT_S:.0f}, not {value!r}"
        raise ValueError(msg)
    return float(value)


def check_seed(value: int) -> int:
    """``value`` if every engine takes it as a seed: an integer from 0 to 2**31-1."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_SEED:
        msg = f"the seed must be an integer from 0 to {MAX_SEED}, not {value!r}"
        raise ValueError(msg)
    return value


def check_baseline(value: str | os.PathLike[str] | None) -> Path | None:
    """The baseline's path; whether the file is there and reads as a plan is the run's check, made with
    the data (its ids are the data's), so that its problems come with the data's, file, row and column."""
    return check_path(value, "the baseline", "schedule.csv or schedule.json")


def check_csv_sep(value: str) -> str:
    """A CSV separator the writers take: ',' or ';' (Excel in a Russian locale)."""
    if value not in CSV_SEPARATORS:
        msg = f"the CSV separator must be one of {' '.join(CSV_SEPARATORS)}, not {value!r}"
        raise ValueError(msg)
    return value


def check_work(value: int | None) -> int | None:
    """A count of search work per visit: a whole number, 1 or more (it implies ``reproducible``)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"the work per visit must be a whole number, 1 or more, not {value!r}"
        raise ValueError(msg)
    return value


def check_departments(values: Sequence[str] | None) -> tuple[str, ...] | None:
    """Department codes as given, or None for every department; an empty list plans nothing and is a
    mistake, not a wish."""
    if values is None:
        return None
    if isinstance(values, str):
        values = [values]
    if not values or not all(isinstance(v, str) and v for v in values):
        msg = f"departments must be a list of department codes, not {values!r}"
        raise ValueError(msg)
    return tuple(values)


def check_norms(value: str | None) -> str | None:
    """A norms version's name (``domain.norms``), or None for the one in effect in the planned week;
    whether the data has it is the run's check, made once the data is read."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        msg = f"the norms version must be a version's name, as norms.csv names it, not {value!r}"
        raise ValueError(msg)
    return value.strip()


def check_path(value: str | os.PathLike[str] | None, what: str, example: str) -> Path | None:
    """A path option: None, or a path (whether the file is there is the run's check)."""
    if value is None:
        return None
    if not isinstance(value, str | os.PathLike) or not os.fspath(value):
        msg = f"{what} must be the path of a {example}, not {value!r}"
        raise ValueError(msg)
    return Path(value)


def _previous(value: str | os.PathLike[str] | PreviousPlan | None) -> Path | PreviousPlan | None:
    if isinstance(value, Mapping):
        return value
    return check_path(value, "the previous plan", "schedule.csv")


def check_outputs(values: Collection[str]) -> frozenset[OutputKind]:
    """The output kinds asked for; an unknown name is a ValueError naming the known ones."""
    if isinstance(values, str):  # "maps" would otherwise be read as the letters m, a, p, s
        values = [values]
    unknown = sorted(set(values) - set(OUTPUT_KINDS))
    if unknown:
        msg = f"unknown output {', '.join(map(repr, unknown))}; the outputs are {', '.join(OUTPUT_KINDS)}"
        raise ValueError(msg)
    return frozenset(kind for kind in OUTPUT_KINDS if kind in values)


@dataclass(frozen=True, slots=True, kw_only=True)
class Exports:
    """How the plan is shown: in which language, which files, with what privacy."""

    lang: Lang = DEFAULT_LANG
    csv_sep: str = ","
    pseudonymise: bool = False
    pseudonym_key: str | None = field(default=None, repr=False)  # a secret: never in a log line
    map_tiles: str | None = None
    kinds: frozenset[OutputKind] = frozenset(OUTPUT_KINDS)

    def record(self) -> dict[str, object]:
        """For run.json's settings: everything but the key."""
        return {
            "lang": self.lang,
            "csv_sep": self.csv_sep,
            "pseudonymised": self.pseudonymise,
            "map_tiles": self.map_tiles,
            "outputs": sorted(self.kinds),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """A run's options, checked: the search's and the exports'."""

    time_limit: float
    seed: int = 0
    reproducible: bool = False
    started: float | None = None
    exports: Exports = Exports()
    #: a plan to compare the new one with (``io.baseline.read_baseline``): read before planning
    baseline: Path | None = None
    #: units of search work per visit with ``reproducible`` (None: the planners' default)
    work_per_visit: int | None = None
    #: the departments to plan (None: every one in the data), as the nightly job plans one at a time
    departments: tuple[str, ...] | None = None
    #: last week's plan, kept where nothing forces a change: its ``schedule.csv``, or the plan itself as
    #: the plan store gives it (default: the data folder's ``previous_plan.csv``, if any)
    previous_plan: Path | PreviousPlan | None = None
    #: the version of the norms to plan with (None: the one in effect in the planned week, ``domain.norms``)
    norms: str | None = None
    #: an OpenStreetMap extract to travel on its streets (``travel.StreetTravel``); None: straight lines
    streets: Path | None = None

    @classmethod
    def of(cls, options: RunOptions, *, time_limit: float) -> Settings:
        """Check ``options`` (ValueError naming the bad one) and fill in the defaults; ``time_limit`` is the
        default budget of the kind of run (a day, a week, a re-plan)."""
        sep = check_csv_sep(options.get("csv_sep", ","))
        exports = Exports(
            lang=check_lang(options.get("lang", DEFAULT_LANG)),
            csv_sep=sep,
            pseudonymise=bool(options.get("pseudonymise", False)),
            pseudonym_key=options.get("pseudonym_key"),
            map_tiles=options.get("map_tiles"),
            kinds=check_outputs(options.get("outputs", OUTPUT_KINDS)),
        )
        return cls(
            time_limit=check_time_limit(options.get("time_limit", time_limit)),
            seed=check_seed(options.get("seed", 0)),
            reproducible=bool(options.get("reproducible", False)) or options.get("work_per_visit") is not None,
            started=options.get("started"),
            exports=exports,
            baseline=check_baseline(options.get("baseline")),
            work_per_visit=check_work(options.get("work_per_visit")),
            departments=check_departments(options.get("departments")),
            previous_plan=_previous(options.get("previous_plan")),
            norms=check_norms(options.get("norms")),
            streets=check_path(
                options.get("streets"), "the street map", "OpenStreetMap extract (.osm, .osm.gz, .osm.pbf)"
            ),
        )

"""The nightly job's configuration: a TOML file an administrator writes once for a region.

```toml
out = "/srv/lean_social/plans"       # every department's plans go below it
horizon = "tomorrow"                  # or "next-week", or a list of dates ["2026-12-07", ...]
time_limit = 60                       # seconds of search per department (or reproducible = true,
                                      # with work_per_visit = N units of search a visit)
outputs = ["maps", "sheets", "workbook"]
lang = "ru"
workers = 2                           # local processes; default: the cores available
# dask = "tcp://scheduler:8786"       # an existing Dask cluster instead of local processes
# streets = "maps/rostov.osm.pbf"     # travel on this OpenStreetMap extract's streets (default: straight lines)

[[centre]]
name = "volgodonsk"
data = "volgodonsk"                   # a data folder, relative to this file
departments = ["D1", "D2"]            # default: every department in the folder
# streets = "maps/volgodonsk.osm.pbf" # this centre's own extract, instead of the night's
```

Every mistake is reported at once, naming the file and the key (``centre[2].data``), before any plan
is made: a typo found at 3 a.m. after half the region was planned is a lost night.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lean_social.app.settings import (
    OUTPUT_KINDS,
    OutputKind,
    check_csv_sep,
    check_outputs,
    check_seed,
    check_time_limit,
    check_work,
)
from lean_social.errors import InputProblem, InvalidInputError
from lean_social.outputs.labels import DEFAULT_LANG, LANGS, Lang, check_lang

__all__ = ["HORIZONS", "RESERVED", "Centre", "NightlyConfig", "folder_name", "read_config"]

#: Named horizons; a list of ISO dates is the third way.
HORIZONS = ("tomorrow", "next-week")
#: A night's default search per department: a week of a department of ten workers plans well in it.
DEFAULT_TIME_LIMIT_S = 60.0
_KEYS = {
    "out",
    "horizon",
    "time_limit",
    "reproducible",
    "work_per_visit",
    "seed",
    "outputs",
    "lang",
    "csv_sep",
    "workers",
    "dask",
    "store",
    "streets",
    "centre",
}
_CENTRE_KEYS = {"name", "data", "departments", "streets"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Centre:
    """A social service centre: its data folder, and which of its departments the night plans (None:
    every department the folder has)."""

    name: str
    data: Path
    departments: tuple[str, ...] | None = None
    #: an OpenStreetMap extract to travel on its streets (the centre's, else the night's; None: straight lines)
    streets: Path | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NightlyConfig:
    """What a night plans, how, and where it writes; checked as a whole by ``read_config``."""

    out: Path
    centres: tuple[Centre, ...]
    horizon: str | tuple[dt.date, ...] = "tomorrow"
    time_limit: float = DEFAULT_TIME_LIMIT_S
    reproducible: bool = False
    work_per_visit: int | None = None  # with reproducible: units of search work per visit
    seed: int = 0
    outputs: frozenset[OutputKind] = frozenset(OUTPUT_KINDS)
    lang: Lang = DEFAULT_LANG
    csv_sep: str = ","
    workers: int = field(default_factory=lambda: len(os.sched_getaffinity(0)))
    dask: str | None = None
    store: str | None = None
    source: Path | None = None  # the file it was read from, for messages


#: Folder names below ``out`` that are the night's own, not a centre's.
RESERVED = frozenset({"logs", "summary"})


def folder_name(name: str) -> str:
    """A centre's or department's name as a folder name: no path separators, no leading dot; the
    configuration refuses two names that would share a folder."""
    cleaned = "".join(c if c.isalnum() or c in "-_ " else "_" for c in name).strip() or "_"
    return "_" + cleaned if cleaned.startswith(".") else cleaned


def read_config(path: str | Path) -> NightlyConfig:
    """The configuration in ``path``, or one InvalidInputError naming every mistake by its key."""
    path = Path(path).resolve()  # every path in it is relative to it, whatever folder runs the night
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError([_problem(path, None, str(path), "a nightly configuration file")]) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInputError([_problem(path, None, "", f"a TOML file ({exc})")]) from None
    return _Reader(path, data).config()


def _problem(path: Path, key: str | None, value: object, expected: str) -> InputProblem:
    return InputProblem(file=str(path), row=None, column=key, value=str(value), expected=expected)


class _Reader:
    """Reads keys, collecting every problem before raising them together."""

    def __init__(self, path: Path, data: Mapping[str, Any]) -> None:
        self.path, self.data, self.problems = path, data, list[InputProblem]()
        self.base = path.parent

    def bad(self, key: str, value: object, expected: str) -> None:
        self.problems.append(_problem(self.path, key, value, expected))

    def config(self) -> NightlyConfig:
        for key in sorted(set(self.data) - _KEYS):
            self.bad(key, key, f"a known key ({', '.join(sorted(_KEYS))})")
        out = self.data.get("out")
        if not isinstance(out, str) or not out:
            self.bad("out", out, "the folder the plans go to")
        defaults = NightlyConfig(out=Path(), centres=())
        config = NightlyConfig(
            out=self.base / str(out or "."),
            centres=self.centres(),
            horizon=self.horizon(),
            time_limit=self.number("time_limit", DEFAULT_TIME_LIMIT_S),
            reproducible=self.flag("reproducible"),
            work_per_visit=self.work(),
            seed=self.seed(),
            outputs=self.outputs(),
            lang=self.lang(),
            csv_sep=self.csv_sep(),
            workers=self.workers(defaults.workers),
            dask=self.text("dask"),
            store=self.store(),
            source=self.path,
        )
        if self.problems:
            raise InvalidInputError(self.problems)
        return config

    def centres(self) -> tuple[Centre, ...]:
        raw = self.data.get("centre")
        if not isinstance(raw, list) or not raw:
            self.bad("centre", raw, "one or more [[centre]] tables, each with a name and a data folder")
            return ()
        centres: list[Centre] = []
        default_streets = self.streets("streets", self.data.get("streets"))
        for i, table in enumerate(raw, start=1):
            key = f"centre[{i}]"
            if not isinstance(table, dict):
                self.bad(key, table, "a table with name, data and optionally departments")
                continue
            for extra in sorted(set(table) - _CENTRE_KEYS):
                self.bad(f"{key}.{extra}", extra, f"a known key ({', '.join(sorted(_CENTRE_KEYS))})")
            name, data, departments = table.get("name"), table.get("data"), table.get("departments")
            if not isinstance(name, str) or not name.strip():
                self.bad(f"{key}.name", name, "the centre's name")
            elif folder_name(name) in RESERVED or any(folder_name(c.name) == folder_name(name) for c in centres):
                # two centres in one folder would write each other's plans
                self.bad(f"{key}.name", name, "a name no other centre's folder has (nor logs, summary)")
            folder = self.base / str(data) if isinstance(data, str) and data else None
            if folder is None or not folder.is_dir():
                self.bad(f"{key}.data", data, "a data folder (relative to the configuration file)")
            if departments is not None and not (
                isinstance(departments, list)
                and departments
                and all(isinstance(d, str) and d for d in departments)
                and len({folder_name(d) for d in departments}) == len(departments)
            ):
                self.bad(f"{key}.departments", departments, "a list of different department codes")
                departments = None
            streets = self.streets(f"{key}.streets", table.get("streets")) or default_streets
            if isinstance(name, str) and folder is not None:
                centres.append(
                    Centre(
                        name=name,
                        data=folder,
                        departments=tuple(departments) if departments else None,
                        streets=streets,
                    )
                )
        return tuple(centres)

    def streets(self, key: str, raw: object) -> Path | None:
        """An extract's path, relative to the configuration; one that is not a file is refused now."""
        if raw is None:
            return None
        path = self.base / str(raw) if isinstance(raw, str) and raw else None
        if path is None or not path.is_file():
            self.bad(key, raw, "an OpenStreetMap extract (.osm, .osm.gz, .osm.pbf), relative to the configuration")
            return None
        return path

    def horizon(self) -> str | tuple[dt.date, ...]:
        raw = self.data.get("horizon", "tomorrow")
        if isinstance(raw, str) and raw in HORIZONS:
            return raw
        if isinstance(raw, list) and raw:
            days = []
            for value in raw:
                if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                    days.append(value)
                    continue
                try:
                    days.append(dt.date.fromisoformat(str(value)))
                except ValueError:
                    self.bad("horizon", value, "a date YYYY-MM-DD")
            return tuple(sorted(set(days)))
        self.bad("horizon", raw, f"{' or '.join(HORIZONS)}, or a list of dates")
        return "tomorrow"

    def number(self, key: str, default: float) -> float:
        raw = self.data.get(key, default)
        try:
            return check_time_limit(raw)
        except ValueError as exc:
            self.bad(key, raw, str(exc))
            return default

    def flag(self, key: str) -> bool:
        raw = self.data.get(key, False)
        if not isinstance(raw, bool):
            self.bad(key, raw, "true or false")
            return False
        return raw

    def work(self) -> int | None:
        raw = self.data.get("work_per_visit")
        try:
            return check_work(raw)
        except ValueError as exc:
            self.bad("work_per_visit", raw, str(exc))
            return None

    def seed(self) -> int:
        raw = self.data.get("seed", 0)
        try:
            return check_seed(raw)
        except ValueError as exc:
            self.bad("seed", raw, str(exc))
            return 0

    def outputs(self) -> frozenset[OutputKind]:
        raw = self.data.get("outputs", list(OUTPUT_KINDS))
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            self.bad("outputs", raw, f"a list of outputs from {', '.join(OUTPUT_KINDS)}")
            return frozenset(OUTPUT_KINDS)
        try:
            return check_outputs(raw)
        except ValueError as exc:
            self.bad("outputs", raw, str(exc))
            return frozenset(OUTPUT_KINDS)

    def lang(self) -> Lang:
        raw = self.data.get("lang", DEFAULT_LANG)
        try:
            return check_lang(str(raw))
        except ValueError:
            self.bad("lang", raw, f"one of {', '.join(LANGS)}")
            return DEFAULT_LANG

    def csv_sep(self) -> str:
        raw = self.data.get("csv_sep", ",")
        try:
            return check_csv_sep(raw)
        except ValueError as exc:
            self.bad("csv_sep", raw, str(exc))
            return ","

    def workers(self, default: int) -> int:
        raw = self.data.get("workers", default)
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
            self.bad("workers", raw, "a whole number of processes, 1 or more")
            return default
        return raw

    def store(self) -> str | None:
        """A SQLAlchemy URL as given; a plain path is a SQLite file, relative to the configuration."""
        raw = self.text("store")
        if raw is None or "://" in raw:
            return raw
        return str(self.base / raw)

    def text(self, key: str) -> str | None:
        raw = self.data.get(key)
        if raw is not None and (not isinstance(raw, str) or not raw):
            self.bad(key, raw, "a text")
            return None
        return raw

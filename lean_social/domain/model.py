"""The domain as planners speak of it: immutable values, each checked where it is made.

Times of day are integer seconds since midnight; dates are ``datetime.date``. Each constructor names the
entity, the field and the value it rejects, because these messages end up in front of planners.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeVar

from lean_social.domain import tables
from lean_social.domain.norms import BASE_NORMS, MAX_NORM_MIN, NormVersion, base_version, in_effect, norms_of
from lean_social.domain.timefmt import DAY_SECONDS, WEEKDAYS, format_hhmm
from lean_social.errors import InputProblem, InvalidInputError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EARTH_RADIUS_M",
    "MAX_NORM_MIN",
    "Absence",
    "Client",
    "Errand",
    "ErrandPlace",
    "Holiday",
    "Location",
    "Lunch",
    "Per",
    "PreviousPlan",
    "Problem",
    "ProgrammeItem",
    "Service",
    "TimeWindow",
    "TravelMode",
    "WeeklyPattern",
    "Worker",
]

#: Mean Earth radius (IUGG); the haversine error against the WGS-84 ellipsoid is under 0.5 %.
EARTH_RADIUS_M = 6_371_008.8

TravelMode = Literal["foot", "bike", "transit", "car"]
TRAVEL_MODES: tuple[TravelMode, ...] = ("foot", "bike", "transit", "car")
Errand = Literal["shop", "pharmacy", "post"]
ERRANDS: tuple[Errand, ...] = ("shop", "pharmacy", "post")
Per = Literal["week", "month"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeWindow:
    """A span of one day, ``[start, end)`` in seconds since midnight."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= DAY_SECONDS or not 0 <= self.end <= DAY_SECONDS:
            msg = f"time window {self.start}-{self.end} s lies outside one day"
            raise ValueError(msg)
        if self.end <= self.start:
            msg = f"time window ends ({format_hhmm(self.end)}) before it starts ({format_hhmm(self.start)})"
            raise ValueError(msg)

    @property
    def length(self) -> int:
        return self.end - self.start

    def __str__(self) -> str:
        return f"{format_hhmm(self.start)}-{format_hhmm(self.end)}"


@dataclass(frozen=True, slots=True)
class WeeklyPattern:
    """Windows per weekday (index 0 = Monday), sorted and non-overlapping within a day."""

    days: tuple[tuple[TimeWindow, ...], ...]

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            msg = f"a weekly pattern needs 7 days, got {len(self.days)}"
            raise ValueError(msg)
        for weekday, windows in zip(WEEKDAYS, self.days, strict=True):
            ordered = sorted(windows, key=lambda w: w.start)
            if list(windows) != ordered:
                msg = f"windows on {weekday} are not in time order"
                raise ValueError(msg)
            for before, after in itertools.pairwise(ordered):
                if after.start < before.end:
                    msg = f"windows {before} and {after} on {weekday} overlap"
                    raise ValueError(msg)

    @classmethod
    def from_mapping(cls, windows: Mapping[int, Iterable[TimeWindow]]) -> WeeklyPattern:
        """Windows that touch (09:00-11:00 and 11:00-13:00) become one: the client is home throughout."""
        days = []
        for d in range(7):
            merged: list[TimeWindow] = []
            for window in sorted(windows.get(d, ()), key=lambda w: w.start):
                if merged and window.start == merged[-1].end:
                    merged[-1] = TimeWindow(start=merged[-1].start, end=window.end)
                else:
                    merged.append(window)
            days.append(tuple(merged))
        return cls(tuple(days))

    @classmethod
    def every_weekday(cls, window: TimeWindow, *, days: Iterable[int] = range(5)) -> WeeklyPattern:
        return cls.from_mapping(dict.fromkeys(days, (window,)))

    def on(self, day: dt.date | int) -> tuple[TimeWindow, ...]:
        weekday = day if isinstance(day, int) else day.weekday()
        return self.days[weekday]

    @property
    def active_days(self) -> tuple[int, ...]:
        return tuple(d for d in range(7) if self.days[d])


@dataclass(frozen=True, slots=True, kw_only=True)
class Location:
    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not -90.0 <= self.lat <= 90.0:
            msg = f"latitude {self.lat} is outside -90..90"
            raise ValueError(msg)
        if not -180.0 <= self.lon <= 180.0:
            msg = f"longitude {self.lon} is outside -180..180"
            raise ValueError(msg)

    def km_to(self, other: Location) -> float:
        """Great-circle (haversine) kilometres: the one straight-line distance the planners' heuristics,
        the input checks and ``travel.haversine_m`` (the same formula over arrays) use."""
        lat_a, lat_b = math.radians(self.lat), math.radians(other.lat)
        h = (
            math.sin((lat_b - lat_a) / 2) ** 2
            + math.cos(lat_a) * math.cos(lat_b) * math.sin(math.radians(other.lon - self.lon) / 2) ** 2
        )
        return 2 * EARTH_RADIUS_M / 1000 * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True, slots=True, kw_only=True)
class Service:
    """A catalogue entry; ``norm_min`` is the regional time norm, the unit every duration is built from."""

    code: str
    name: str
    norm_min: int
    skill: str | None = None
    errand: Errand | None = None

    def __post_init__(self) -> None:
        if not self.code:
            msg = "service code must not be empty"
            raise ValueError(msg)
        if not 0 < self.norm_min <= MAX_NORM_MIN:
            msg = f"norm of service {self.code} must be 1..{MAX_NORM_MIN} minutes, got {self.norm_min}"
            raise ValueError(msg)
        if self.errand is not None and self.errand not in ERRANDS:
            msg = f"errand of service {self.code} must be one of {ERRANDS}, got {self.errand!r}"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class ErrandPlace:
    """A shop, pharmacy or post office a worker may pass by on the way to a client whose visit has an
    errand of that ``kind`` (``domain.errands``): from ``places.csv`` or an OpenStreetMap extract."""

    id: str
    name: str
    kind: Errand
    location: Location

    def __post_init__(self) -> None:
        if not self.id:
            msg = "place id must not be empty"
            raise ValueError(msg)
        if self.kind not in ERRANDS:
            msg = f"kind of place {self.id} must be one of {ERRANDS}, got {self.kind!r}"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class Client:
    id: str
    name: str
    address: str
    location: Location
    department: str
    available: WeeklyPattern
    worker_id: str | None = None
    notes: str = ""
    #: Weekdays (Monday = 0) the client would rather be visited on: the week planner keeps to them when
    #: spacing, fixed days and the workers' days allow; a wish, not a rule, so no plan fails on it.
    preferred_days: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not self.id:
            msg = "client id must not be empty"
            raise ValueError(msg)
        if any(not 0 <= d <= 6 for d in self.preferred_days):
            msg = f"preferred days of client {self.id} must be weekdays 0..6, got {self.preferred_days}"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class ProgrammeItem:
    """One line of an individual programme (ИППСУ): a service, how often, and on which weekdays if fixed.

    A weekly item with fixed days lists exactly ``times`` days. A monthly item with fixed days rides on
    the first ``times`` of those weekdays in each month.
    """

    client_id: str
    service_code: str
    times: int
    per: Per = "week"
    days: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.per not in ("week", "month"):
            msg = f"programme of client {self.client_id}: per must be 'week' or 'month', got {self.per!r}"
            raise ValueError(msg)
        limit = 7 if self.per == "week" else 31
        if not 0 < self.times <= limit:
            msg = (
                f"programme of client {self.client_id}, service {self.service_code}: "
                f"times must be 1..{limit} a {self.per}, got {self.times}"
            )
            raise ValueError(msg)
        if any(not 0 <= d < 7 for d in self.days) or len(set(self.days)) != len(self.days):
            msg = f"programme of client {self.client_id}: days {self.days} must be distinct weekdays 0..6"
            raise ValueError(msg)
        if self.per == "week" and self.days and len(self.days) != self.times:
            msg = (
                f"programme of client {self.client_id}, service {self.service_code}: "
                f"{self.times} a week but {len(self.days)} fixed days"
            )
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class Lunch:
    """A break of ``duration_min`` taken wholly inside ``window``."""

    window: TimeWindow
    duration_min: int

    def __post_init__(self) -> None:
        if self.duration_min <= 0:
            msg = f"lunch must last at least a minute, got {self.duration_min}"
            raise ValueError(msg)
        if self.duration_min * 60 > self.window.length:
            msg = f"a {self.duration_min}-minute lunch does not fit its window {self.window}"
            raise ValueError(msg)

    @property
    def latest_start(self) -> int:
        return self.window.end - self.duration_min * 60

    def fits_in(self, shift: TimeWindow) -> bool:
        """Whether the break can be taken inside both its window and ``shift``: a lunch that cannot is
        no lunch at all, which the planner would otherwise drop without a word."""
        return min(self.window.end, shift.end) - max(self.window.start, shift.start) >= self.duration_min * 60


@dataclass(frozen=True, slots=True, kw_only=True)
class Worker:
    id: str
    name: str
    department: str
    start: Location
    shift: WeeklyPattern
    lunch: Lunch | None = None
    skills: frozenset[str] = frozenset()
    mode: TravelMode = "foot"
    max_visits_per_day: int | None = None

    def __post_init__(self) -> None:
        if not self.id:
            msg = "worker id must not be empty"
            raise ValueError(msg)
        for weekday, windows in zip(WEEKDAYS, self.shift.days, strict=True):
            if len(windows) > 1:
                msg = f"worker {self.id} has {len(windows)} shifts on {weekday}; one a day is supported"
                raise ValueError(msg)
        if self.mode not in TRAVEL_MODES:
            msg = f"travel mode of worker {self.id} must be one of {TRAVEL_MODES}, got {self.mode!r}"
            raise ValueError(msg)
        if self.max_visits_per_day is not None and self.max_visits_per_day <= 0:
            msg = f"max visits a day of worker {self.id} must be positive, got {self.max_visits_per_day}"
            raise ValueError(msg)

    def shift_on(self, day: dt.date | int) -> TimeWindow | None:
        windows = self.shift.on(day)
        return windows[0] if windows else None

    def minutes_after_lunch(self, day: dt.date | int) -> float:
        """Minutes of the worker's shift that day less lunch (0 without a shift): the contracted time
        visits and walks may fill. The week's supply of hours (``capacity.visit_minutes``) takes the
        other work of the day off this too; fill factors and load bands are shares of it."""
        shift = self.shift_on(day)
        if shift is None:
            return 0.0
        return shift.length / 60 - (self.lunch.duration_min if self.lunch else 0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Absence:
    """Dates inclusive, as on a sick note."""

    worker_id: str
    start: dt.date
    end: dt.date
    reason: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            msg = f"absence of worker {self.worker_id} ends ({self.end}) before it starts ({self.start})"
            raise ValueError(msg)

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientAbsence:
    """A client away on dates (inclusive): in hospital, at a sanatorium, with family. Their visits on
    those dates are not made; a visit on a day of the planner's choosing moves to a day they are home."""

    client_id: str
    start: dt.date
    end: dt.date
    reason: str = ""

    def __post_init__(self) -> None:
        if self.end < self.start:
            msg = f"absence of client {self.client_id} ends ({self.end}) before it starts ({self.start})"
            raise ValueError(msg)

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True, kw_only=True)
class Holiday:
    date: dt.date
    name: str = ""


_T = TypeVar("_T")


def _index(items: Iterable[_T], key: str) -> dict[str, _T]:
    """A plain dict, not a mapping proxy: a Problem must pickle to reach a Dask worker."""
    return {getattr(item, key): item for item in items}


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """Everything a plan depends on; cross-references are checked here, once, for every way in."""

    services: tuple[Service, ...]
    clients: tuple[Client, ...]
    programmes: tuple[ProgrammeItem, ...]
    workers: tuple[Worker, ...]
    absences: tuple[Absence, ...] = ()
    holidays: tuple[Holiday, ...] = ()
    client_absences: tuple[ClientAbsence, ...] = ()
    #: Every version of the norms the data has (``domain.norms``), the base first: the base, made from
    #: ``services`` when it is not given, and the versions of ``norms.csv``.
    norm_versions: tuple[NormVersion, ...] = ()
    #: The version whose norms ``services`` carry: the base, unless ``with_norms`` chose another.
    norms_version: str = BASE_NORMS
    #: Shops, pharmacies and post offices for the visits' errands (``domain.errands``); with none of a
    #: kind, an errand of that kind is not routed (the data says nothing of where it would be run).
    places: tuple[ErrandPlace, ...] = ()
    _service_by_code: Mapping[str, Service] = field(init=False, repr=False, compare=False)
    _client_by_id: Mapping[str, Client] = field(init=False, repr=False, compare=False)
    _worker_by_id: Mapping[str, Worker] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems: list[InputProblem] = []
        entities: tuple[tuple[str, tuple[Service | Client | Worker | ErrandPlace, ...], str], ...] = (
            ("service", self.services, "code"),
            ("client", self.clients, "id"),
            ("worker", self.workers, "id"),
            ("place", self.places, "id"),
        )
        for kind, items, key in entities:
            seen: set[str] = set()
            for entity in items:
                ident = getattr(entity, key)
                if ident in seen:
                    problems.append(_problem(f"{kind} {ident}", key, ident, f"{kind} {key}s to be unique"))
                seen.add(ident)
        object.__setattr__(self, "_service_by_code", _index(self.services, "code"))
        object.__setattr__(self, "_client_by_id", _index(self.clients, "id"))
        object.__setattr__(self, "_worker_by_id", _index(self.workers, "id"))
        for client in self.clients:
            if client.worker_id is not None and client.worker_id not in self._worker_by_id:
                problems.append(_problem(f"client {client.id}", "worker_id", client.worker_id, "a known worker id"))
        for item in self.programmes:
            if item.client_id not in self._client_by_id:
                problems.append(_problem("programme", "client_id", item.client_id, "a known client id"))
            if item.service_code not in self._service_by_code:
                problems.append(
                    _problem(
                        f"programme of {item.client_id}",
                        "service_code",
                        item.service_code,
                        "a known service code",
                    )
                )
        for absence in self.absences:
            if absence.worker_id not in self._worker_by_id:
                problems.append(_problem("absence", "worker_id", absence.worker_id, "a known worker id"))
        for away in self.client_absences:
            if away.client_id not in self._client_by_id:
                problems.append(_problem("client absence", "client_id", away.client_id, "a known client id"))
        problems += self._norm_problems()
        if problems:
            raise InvalidInputError(problems)

    def _norm_problems(self) -> list[InputProblem]:
        """The versions of the norms: the base first (made from the services when not given), names and
        dates each used once (two versions on one date would leave open which one a week uses), every
        service named one of the catalogue's."""
        versions = self.norm_versions
        if not any(v.is_base for v in versions):
            versions = (base_version(self.services), *versions)
        versions = tuple(sorted(versions, key=lambda v: v.effective))
        object.__setattr__(self, "norm_versions", versions)
        problems: list[InputProblem] = []
        names: set[str] = set()
        dates: dict[dt.date, str] = {}
        for version in versions:
            where = f"norms version {version.name}"
            if version.name in names:
                problems.append(_problem(where, "version", version.name, "norms version names to be unique"))
            if version.effective in dates:
                expected = f"a date of its own (version {dates[version.effective]} takes effect on it too)"
                problems.append(_problem(where, "effective", str(version.effective), expected))
            names.add(version.name)
            dates[version.effective] = version.name
            problems += [
                _problem(where, "code", code, "a known service code")
                for code, _ in version.minutes
                if code not in self._service_by_code
            ]
        if self.norms_version not in names:
            problems.append(_problem("norms", "version", self.norms_version, "a norms version of the data"))
        return problems

    @property
    def norms(self) -> NormVersion:
        """The version of the norms the services carry, so the plan made from them records which it used."""
        return next(v for v in self.norm_versions if v.name == self.norms_version)

    def norms_in_effect(self, day: dt.date) -> NormVersion:
        """The version a plan of the week of ``day`` uses when none is asked for (``domain.norms``)."""
        return in_effect(self.norm_versions, day)

    def with_norms(self, version: str) -> Problem:
        """The same problem with every service's norm as version ``version`` has it: what a planner,
        the validator and every output then read, so none of them needs to know norms have versions.
        Raises ``UnknownNormsError`` for a version the data does not have."""
        norms = norms_of(self.norm_versions, version)
        services = tuple(dataclasses.replace(s, norm_min=norms[s.code]) for s in self.services)
        return dataclasses.replace(self, services=services, norms_version=version)

    def service(self, code: str) -> Service:
        return self._service_by_code[code]

    def skills_needed(self, service_codes: Iterable[str]) -> frozenset[str]:
        """The skills a worker needs to make these services (a visit's, or a whole programme's): each
        service's own skill; a visit needs every one of them in the same worker."""
        return frozenset(skill for code in service_codes if (skill := self.service(code).skill))

    def client(self, client_id: str) -> Client:
        return self._client_by_id[client_id]

    def worker(self, worker_id: str) -> Worker:
        return self._worker_by_id[worker_id]

    def holiday(self, day: dt.date) -> Holiday | None:
        return next((h for h in self.holidays if h.date == day), None)

    def absence(self, worker_id: str, day: dt.date) -> Absence | None:
        return next((a for a in self.absences if a.worker_id == worker_id and a.covers(day)), None)

    def client_away(self, client_id: str, day: dt.date) -> ClientAbsence | None:
        return next((a for a in self.client_absences if a.client_id == client_id and a.covers(day)), None)

    def at_home(self, client_id: str, day: dt.date) -> tuple[TimeWindow, ...]:
        """The client's hours at home on that date: their weekly hours, none on a date they are away."""
        if self.client_away(client_id, day) is not None:
            return ()
        return self.client(client_id).available.on(day)

    def open_day(self, client_id: str, day: dt.date) -> tuple[TimeWindow, ...]:
        """The hours on that date a visit to the client can be made: at home (``at_home``), and none on a
        public holiday, when the service does not visit. Every planner asks this one rule; ``at_home``
        alone is the client's side, for the texts that say which of the two closed the day."""
        if self.holiday(day) is not None:
            return ()
        return self.at_home(client_id, day)

    @property
    def departments(self) -> tuple[str, ...]:
        return tuple(sorted({w.department for w in self.workers} | {c.department for c in self.clients}))

    def __repr__(self) -> str:
        """The counts, not the contents: the full dataclass repr of the demo is 217,686 characters."""
        return tables.problem_repr(self)

    def _repr_html_(self) -> str:
        """A notebook's summary: a small table, a row per department, every name escaped."""
        return tables.problem_html(self)

    def frames(self) -> dict[str, pd.DataFrame]:
        """One DataFrame per input file (``services``, ``clients``, ...) with the files' columns and
        real types: for a planner to sort, filter and chart the inputs in a notebook."""
        return tables.problem_frames(self)


def _problem(where: str, column: str, value: str, expected: str) -> InputProblem:
    return InputProblem(file=where, row=None, column=column, value=value, expected=expected)


#: Last week's plan as the week planner reads it for stability: client id → (worker id, weekdays visited)
#: (``io.previous`` reads it from ``previous_plan.csv``).
PreviousPlan = dict[str, tuple[str, tuple[int, ...]]]

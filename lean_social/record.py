"""What a plan records about how it was made, for ``run.json`` (its ``solver`` part) and ``schedule.json``:
the settings it ran under, the seconds its stages took and, per department-day, what construction and
search found.

Typed so that a reader names a field and mypy checks the name (a misspelt string key would only fail at
run time, or quietly read nothing); ``as_dict`` writes the keys these files have always had, so the
machine files keep their names, and ``record_from_dict`` reads them back (a published plan, a scrubbed
copy). The record's class says what made the plan: ``plan_day``, ``plan_week`` or ``replan_week``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, TypeAlias

from lean_social.domain.capacity import Capacity

__all__ = [
    "CapacityRecord",
    "DayPlanRecord",
    "DayRecord",
    "DepartmentRecord",
    "PlanRecord",
    "PlanSettings",
    "ReplanRecord",
    "WeekPlanRecord",
    "record_from_dict",
    "record_to_dict",
    "with_norms",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanSettings:
    """What the planner was asked for: ``time_limit_s`` is the planner's own budget (what the run had
    left once the data was read), ``work_per_visit`` is set when the searches stopped on a count of work
    instead of the clock (``reproducible``)."""

    time_limit_s: float
    reproducible: bool
    work_per_visit: int | None
    seed: int

    def as_dict(self) -> dict[str, object]:
        return {
            "time_limit_s": self.time_limit_s,
            "reproducible": self.reproducible,
            "work_per_visit": self.work_per_visit,
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PlanSettings:
        return cls(
            time_limit_s=_number(data["time_limit_s"]),
            reproducible=_bool(data["reproducible"]),
            work_per_visit=_optional_int(data["work_per_visit"]),
            seed=_int(data["seed"]),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DayRecord:
    """One department-day as routed: its visits and workers on duty, the engine that made the plan kept
    (``status``), what it served, its objective, and the seconds construction and search took.
    ``search_share_s`` is the search's share of the clock, None when it ran on a count of ``work``;
    ``moved_in``/``moved_out`` count the visits a week plan's coverage moved to or from this day."""

    visits: int
    workers: int
    status: str
    served: int
    unassigned: int
    objective: int
    construct_s: float
    search_share_s: float | None
    work: int | None
    solve_s: float
    moved_in: int = 0
    moved_out: int = 0

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "visits": self.visits,
            "workers": self.workers,
            "status": self.status,
            "served": self.served,
            "unassigned": self.unassigned,
            "objective": self.objective,
            "construct_s": self.construct_s,
            "search_share_s": self.search_share_s,
            "work": self.work,
            "solve_s": self.solve_s,
        }
        if self.moved_in:  # written only for a day that moves happened on, as run.json always had it
            out["moved_in"] = self.moved_in
        if self.moved_out:
            out["moved_out"] = self.moved_out
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DayRecord:
        return cls(
            visits=_int(data["visits"]),
            workers=_int(data["workers"]),
            status=_str(data["status"]),
            served=_int(data["served"]),
            unassigned=_int(data["unassigned"]),
            objective=_int(data["objective"]),
            construct_s=_number(data["construct_s"]),
            search_share_s=None if data["search_share_s"] is None else _number(data["search_share_s"]),
            work=_optional_int(data["work"]),
            solve_s=_number(data["solve_s"]),
            moved_in=_int(data.get("moved_in", 0)),
            moved_out=_int(data.get("moved_out", 0)),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DepartmentRecord:
    """One department's week: its clients and visits asked for, how many worker-days a substitute
    stands in on, and each of its department-days as routed."""

    clients: int
    visits: int
    days: Mapping[dt.date, DayRecord]
    substitutes: int

    def as_dict(self) -> dict[str, object]:
        return {
            "clients": self.clients,
            "visits": self.visits,
            "days": {day.isoformat(): record.as_dict() for day, record in self.days.items()},
            "substitutes": self.substitutes,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DepartmentRecord:
        return cls(
            clients=_int(data["clients"]),
            visits=_int(data["visits"]),
            days={dt.date.fromisoformat(day): DayRecord.from_dict(record) for day, record in data["days"].items()},
            substitutes=_int(data["substitutes"]),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class CapacityRecord:
    """A department's week of demand against its hours (``domain.capacity.Capacity``) as reported:
    rounded, so that a plan read back reports the very figures it was written with."""

    department: str
    visits: int
    demand_h: float
    available_h: float
    shortfall_h: float
    utilisation: float | None

    @classmethod
    def of(cls, capacity: Capacity) -> CapacityRecord:
        return cls.from_dict(capacity.as_dict())

    def as_dict(self) -> dict[str, object]:
        return {
            "department": self.department,
            "visits": self.visits,
            "demand_h": self.demand_h,
            "available_h": self.available_h,
            "shortfall_h": self.shortfall_h,
            "utilisation": self.utilisation,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CapacityRecord:
        return cls(
            department=_str(data["department"]),
            visits=_int(data["visits"]),
            demand_h=_number(data["demand_h"]),
            available_h=_number(data["available_h"]),
            shortfall_h=_number(data["shortfall_h"]),
            utilisation=None if data["utilisation"] is None else _number(data["utilisation"]),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class DayPlanRecord:
    """A day's plan (``plan_day``), the day of its week's choice: ``week`` is that week's Monday, and
    ``choose_s`` and ``cover_s`` the seconds from the start to the end of the week's choice and of its
    construction. On a public holiday nothing is routed: ``holiday`` is its name ("" for a holiday
    without one), ``departments`` is empty and ``wall_s`` is None."""

    date: dt.date
    settings: PlanSettings
    visits: int
    departments: Mapping[str, DayRecord]
    week: dt.date | None = None
    choose_s: float | None = None
    cover_s: float | None = None
    holiday: str | None = None
    wall_s: float | None = None
    #: the version of the norms the plan used (``domain.norms``); None in a plan made before norms had versions
    norms: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "date": self.date.isoformat(),
            **self.settings.as_dict(),
            "visits": self.visits,
            "departments": {d: record.as_dict() for d, record in self.departments.items()},
        }
        if self.week is not None:
            out["week"] = self.week.isoformat()
        if self.choose_s is not None:
            out["choose_s"] = self.choose_s
        if self.cover_s is not None:
            out["cover_s"] = self.cover_s
        if self.holiday is not None:
            out["holiday"] = self.holiday
        if self.wall_s is not None:
            out["wall_s"] = self.wall_s
        if self.norms is not None:
            out["norms"] = self.norms
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DayPlanRecord:
        return cls(
            date=dt.date.fromisoformat(data["date"]),
            settings=PlanSettings.from_dict(data),
            visits=_int(data["visits"]),
            departments={_str(d): DayRecord.from_dict(record) for d, record in data["departments"].items()},
            week=None if data.get("week") is None else dt.date.fromisoformat(data["week"]),
            choose_s=None if data.get("choose_s") is None else _number(data["choose_s"]),
            cover_s=None if data.get("cover_s") is None else _number(data["cover_s"]),
            holiday=None if data.get("holiday") is None else _str(data["holiday"]),
            wall_s=None if data.get("wall_s") is None else _number(data["wall_s"]),
            norms=_optional_str(data.get("norms")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekPlanRecord:
    """A week's plan (``plan_week``): the seconds from the start of planning to the end of the choice of
    days (``choose_s``), of coverage (``cover_s``) and of the whole plan (``wall_s``)."""

    week: dt.date
    settings: PlanSettings
    visits: int
    departments: Mapping[str, DepartmentRecord]
    capacity: tuple[CapacityRecord, ...]
    choose_s: float
    cover_s: float
    wall_s: float
    #: the version of the norms the plan used (``domain.norms``); None in a plan made before norms had versions
    norms: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "week": self.week.isoformat(),
            **self.settings.as_dict(),
            "visits": self.visits,
            "departments": {d: record.as_dict() for d, record in self.departments.items()},
            "capacity": [c.as_dict() for c in self.capacity],
            "choose_s": self.choose_s,
            "cover_s": self.cover_s,
            "wall_s": self.wall_s,
        }
        if self.norms is not None:
            out["norms"] = self.norms
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WeekPlanRecord:
        return cls(
            week=dt.date.fromisoformat(data["week"]),
            settings=PlanSettings.from_dict(data),
            visits=_int(data["visits"]),
            departments={_str(d): DepartmentRecord.from_dict(record) for d, record in data["departments"].items()},
            capacity=tuple(CapacityRecord.from_dict(c) for c in data["capacity"]),
            choose_s=_number(data["choose_s"]),
            cover_s=_number(data["cover_s"]),
            wall_s=_number(data["wall_s"]),
            norms=_optional_str(data.get("norms")),
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplanRecord:
    """A week re-planned from ``from_date`` on (``replan_week``): how many changes to the published plan
    it lists and how many worker-days it routed again."""

    week: dt.date
    from_date: dt.date
    changes: int
    rerouted_worker_days: int
    #: the version of the norms the plan used (``domain.norms``); None in a plan made before norms had versions
    norms: str | None = None

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "week": self.week.isoformat(),
            "from": self.from_date.isoformat(),
            "changes": self.changes,
            "rerouted_worker_days": self.rerouted_worker_days,
        }
        if self.norms is not None:
            out["norms"] = self.norms
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ReplanRecord:
        return cls(
            week=dt.date.fromisoformat(data["week"]),
            from_date=dt.date.fromisoformat(data["from"]),
            changes=_int(data["changes"]),
            rerouted_worker_days=_int(data["rerouted_worker_days"]),
            norms=_optional_str(data.get("norms")),
        )


PlanRecord: TypeAlias = DayPlanRecord | WeekPlanRecord | ReplanRecord


def with_norms(record: PlanRecord | None, version: str) -> PlanRecord | None:
    """The record with the version of the norms its plan used: the run that chose the version writes it
    in, so the planners need not know that norms have versions."""
    return None if record is None else replace(record, norms=version)


def record_to_dict(record: PlanRecord | None) -> dict[str, object]:
    """The record under its JSON keys; a plan without one (a part of a plan) records nothing: ``{}``."""
    return {} if record is None else record.as_dict()


def record_from_dict(data: Mapping[str, Any]) -> PlanRecord | None:
    """The record ``record_to_dict`` wrote, told apart by the keys each kind has (a re-plan's ``from``, a
    day's ``date``, a week's ``week``). Raises ValueError, KeyError or TypeError on anything else."""
    if not data:
        return None
    if "from" in data:
        return ReplanRecord.from_dict(data)
    if "date" in data:
        return DayPlanRecord.from_dict(data)
    if "week" in data:
        return WeekPlanRecord.from_dict(data)
    msg = f"not a plan's record (keys {sorted(data)})"
    raise ValueError(msg)


# JSON read back is checked field by field: a published plan is input like any other.
def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        msg = f"expected a whole number, got {value!r}"
        raise TypeError(msg)
    return value


def _optional_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        msg = f"expected a number, got {value!r}"
        raise TypeError(msg)
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        msg = f"expected true or false, got {value!r}"
        raise TypeError(msg)
    return value


def _optional_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        msg = f"expected text, got {value!r}"
        raise TypeError(msg)
    return value

"""Lean figures of a plan: where the working day goes (service, travel, waiting, lunch, office time).

The share of the shift spent with clients is the figure the lean projects track (Bräysy et al. 2012
report up to 75.8 % after route optimisation in Finnish home care).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from lean_social.domain.calendar import working_day
from lean_social.domain.capacity import LOAD_BAND
from lean_social.domain.model import Problem
from lean_social.record import DayPlanRecord, ReplanRecord, WeekPlanRecord
from lean_social.schedule import Route, Schedule

__all__ = ["TimeUse", "route_time_use", "schedule_kpis"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeUse:
    """Minutes of a worker-day (or a sum of them); office time is the shift not spent on the road."""

    shift_min: float
    service_min: float
    travel_min: float
    waiting_min: float
    break_min: float
    office_min: float
    travel_km: float
    visits: int

    @property
    def service_share(self) -> float:
        return self.service_min / self.shift_min if self.shift_min else 0.0

    @property
    def travel_share(self) -> float:
        return self.travel_min / self.shift_min if self.shift_min else 0.0

    @property
    def travel_per_visit_min(self) -> float:
        return self.travel_min / self.visits if self.visits else 0.0

    def as_dict(self) -> dict[str, float]:
        out: dict[str, float] = {k: round(v, 2) for k, v in asdict(self).items()}
        out["service_share"] = round(self.service_share, 4)
        out["travel_share"] = round(self.travel_share, 4)
        out["travel_per_visit_min"] = round(self.travel_per_visit_min, 2)
        return out

    @staticmethod
    def total(parts: Iterable[TimeUse]) -> TimeUse:
        parts = list(parts)
        return TimeUse(
            shift_min=sum(p.shift_min for p in parts),
            service_min=sum(p.service_min for p in parts),
            travel_min=sum(p.travel_min for p in parts),
            waiting_min=sum(p.waiting_min for p in parts),
            break_min=sum(p.break_min for p in parts),
            office_min=sum(p.office_min for p in parts),
            travel_km=sum(p.travel_km for p in parts),
            visits=sum(p.visits for p in parts),
        )


def route_time_use(route: Route, problem: Problem) -> TimeUse:
    shift = problem.worker(route.worker_id).shift_on(route.date)
    shift_min = shift.length / 60 if shift else 0.0
    service, travel = route.service_s / 60, route.travel_s / 60
    waiting, lunch = route.wait_s / 60, route.break_s / 60
    return TimeUse(
        shift_min=shift_min,
        service_min=service,
        travel_min=travel,
        waiting_min=waiting,
        break_min=lunch,
        office_min=max(0.0, shift_min - service - travel - waiting - lunch),
        travel_km=route.travel_m / 1000,
        visits=len(route.stops),
    )


def balance(schedule: Schedule, problem: Problem, days: Iterable[dt.date]) -> dict[str, dict[str, object]]:
    """Per worker: load (service + travel) against contracted hours on the days they work, and how
    uneven their days are (largest minus smallest day load, working days only)."""
    days = sorted(set(days))
    out: dict[str, dict[str, object]] = {}
    for worker in problem.workers:
        contracted, loads = 0.0, []
        for day in days:
            if not working_day(problem, worker, day):
                continue
            contracted += worker.minutes_after_lunch(day)
            route = schedule.route(worker.id, day)
            loads.append((route.service_s + route.travel_s) / 60 if route else 0.0)
        if not contracted:
            continue
        share = sum(loads) / contracted
        out[worker.id] = {
            "load_h": round(sum(loads) / 60, 2),
            "contracted_h": round(contracted / 60, 2),
            "share": round(share, 3),
            "in_band": LOAD_BAND[0] <= share <= LOAD_BAND[1],
            "day_spread_min": round(max(loads) - min(loads), 1),
        }
    return out


def schedule_kpis(schedule: Schedule, problem: Problem) -> dict[str, object]:
    """``kpis.json``: per worker-day, per worker, for the whole plan, and the balance of load."""
    per_route = [(r, route_time_use(r, problem)) for r in schedule.routes]
    workers: dict[str, list[TimeUse]] = {}
    for route, use in per_route:
        workers.setdefault(route.worker_id, []).append(use)
    days = {r.date for r in schedule.routes} | {u.date for u in schedule.unassigned}
    record = schedule.info
    if isinstance(record, WeekPlanRecord | ReplanRecord):  # a week covers all its days, those without visits too
        days |= {record.week + dt.timedelta(days=d) for d in range(7)}
    elif isinstance(record, DayPlanRecord):
        days.add(record.date)
    return {
        "balance": {"band": list(LOAD_BAND), "workers": balance(schedule, problem, days)},
        "total": TimeUse.total(u for _, u in per_route).as_dict() | {"unassigned": len(schedule.unassigned)},
        "workers": {w: TimeUse.total(uses).as_dict() for w, uses in sorted(workers.items())},
        "routes": [{"worker_id": r.worker_id, "date": r.date.isoformat(), **u.as_dict()} for r, u in per_route],
    }

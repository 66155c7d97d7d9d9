"""Lean figures of a plan: where the working day goes (service, travel, waiting, lunch, other work), and
how a plan compares with another (the centre's own hand plan, last week's) on the figures a lean review
tracks.

The share of the shift spent with clients is the figure the lean projects track (Bräysy et al. 2012
report up to 75.8 % after route optimisation in Finnish home care).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from lean_social.domain.calendar import working_day
from lean_social.domain.capacity import LOAD_BAND
from lean_social.domain.model import Problem, Worker
from lean_social.outputs.labels import DEFAULT_LANG, Lang, Words, number_text, word
from lean_social.record import DayPlanRecord, ReplanRecord, WeekPlanRecord
from lean_social.schedule import Route, Schedule

__all__ = [
    "FIGURES",
    "KPI_WORDS",
    "TIME_PARTS",
    "Comparison",
    "ComparisonRow",
    "TimeUse",
    "TimeUseReport",
    "WorkerDayUse",
    "compare",
    "idle_day_use",
    "lean_figures",
    "plan_days",
    "plan_departments",
    "route_time_use",
    "schedule_kpis",
    "time_use",
]

#: The parts a shift splits into, in the order the bars stack them (``TimeUse`` field of each).
TIME_PARTS: Mapping[str, str] = {
    "service": "service_min",
    "travel": "travel_min",
    "waiting": "waiting_min",
    "lunch": "break_min",
    "other": "office_min",
    "overtime": "overtime_min",
}

#: The figures of a before/after table, in the order a lean review reads them.
FIGURES: tuple[str, ...] = (
    "visits",
    "unassigned",
    "travel_per_visit_min",
    "travel_km",
    "waiting_min",
    "client_share",
    "worker_days",
    "load_spread",
)

#: The figures that count things, written without decimals.
_COUNTS = frozenset({"visits", "unassigned", "worker_days"})

#: Words of the lean figures and their parts; ``plots`` reads the parts' names from here too.
KPI_WORDS: Words = {
    "service": ("Услуги", "Service"),
    "travel": ("Дорога", "Travel"),
    "waiting": ("Ожидание", "Waiting"),
    "lunch": ("Обед", "Lunch"),
    "other": ("Прочее (документы, офис)", "Other (paperwork, office)"),
    "overtime": ("Сверх смены", "Past the shift"),
    "visits": ("Посещений выполнено", "Visits made"),
    "unassigned": ("Посещений не назначено", "Visits unassigned"),
    "travel_per_visit_min": ("Дорога на одно посещение, мин", "Travel per visit, min"),
    "travel_km": ("Путь всего, км", "Distance in total, km"),
    "waiting_min": ("Ожидание всего, мин", "Waiting in total, min"),
    "client_share": ("Доля рабочего времени у получателей, %", "Share of working time with clients, %"),
    "worker_days": ("Рабочих дней с посещениями", "Worker-days used"),
    "load_spread": ("Разброс загрузки работников, п. п.", "Spread of workers' load, points"),
    "figure": ("Показатель", "Figure"),
    "before": ("До", "Before"),
    "after": ("После", "After"),
    "change": ("Изменение", "Change"),
    "ratio": ("После / до", "After / before"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeUse:
    """Minutes of a worker-day (or a sum of them). The parts add up to the shift: service + travel +
    waiting + lunch + other = shift + overtime, where other is the shift's time not on the road (paperwork,
    the office, idle) and overtime what the road takes past the shift's length (a hand plan may have it)."""

    shift_min: float
    service_min: float
    travel_min: float
    waiting_min: float
    break_min: float
    office_min: float
    overtime_min: float
    travel_km: float
    #: travel_km split by the worker's mode: on foot, or riding (bike, transit, car)
    walk_km: float
    ride_km: float
    visits: int
    #: worker-days summed, and those of them with at least one visit
    days: int
    days_used: int

    @property
    def work_min(self) -> float:
        """The shift less lunch: working time (lunch is not working time under the Labour Code, art. 108);
        for a planned day it is ``Worker.minutes_after_lunch``."""
        return self.shift_min - self.break_min

    @property
    def service_share(self) -> float:
        return self.service_min / self.shift_min if self.shift_min else 0.0

    @property
    def client_share(self) -> float:
        """Share of the working time spent with clients: the lean projects' value-added share."""
        return self.service_min / self.work_min if self.work_min > 0 else 0.0

    @property
    def travel_share(self) -> float:
        return self.travel_min / self.shift_min if self.shift_min else 0.0

    @property
    def travel_per_visit_min(self) -> float:
        return self.travel_min / self.visits if self.visits else 0.0

    @property
    def visits_per_day(self) -> float:
        """Visits per worker-day with visits: a day on duty without any is idle capacity, shown as other."""
        return self.visits / self.days_used if self.days_used else 0.0

    def part(self, key: str) -> float:
        """Minutes of one of ``TIME_PARTS`` (``"service"``, ``"lunch"``, ...)."""
        minutes: float = getattr(self, TIME_PARTS[key])
        return minutes

    def to_dict(self) -> dict[str, float]:
        """The figures as ``kpis.json`` has them: minutes and km to two decimals, shares to four."""
        out: dict[str, float] = {k: round(v, 2) for k, v in asdict(self).items()}
        out["work_min"] = round(self.work_min, 2)
        out["service_share"] = round(self.service_share, 4)
        out["client_share"] = round(self.client_share, 4)
        out["travel_share"] = round(self.travel_share, 4)
        out["travel_per_visit_min"] = round(self.travel_per_visit_min, 2)
        out["visits_per_day"] = round(self.visits_per_day, 2)
        return out

    def as_dict(self) -> dict[str, float]:
        """The earlier name of ``to_dict``, kept for callers written before it."""
        return self.to_dict()

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
            overtime_min=sum(p.overtime_min for p in parts),
            travel_km=sum(p.travel_km for p in parts),
            walk_km=sum(p.walk_km for p in parts),
            ride_km=sum(p.ride_km for p in parts),
            visits=sum(p.visits for p in parts),
            days=sum(p.days for p in parts),
            days_used=sum(p.days_used for p in parts),
        )


def _day_use(
    worker: Worker,
    *,
    shift_min: float,
    service_min: float,
    travel_min: float,
    waiting_min: float,
    break_min: float,
    travel_km: float,
    visits: int,
) -> TimeUse:
    rest = shift_min - service_min - travel_min - waiting_min - break_min
    on_foot = worker.mode == "foot"
    return TimeUse(
        shift_min=shift_min,
        service_min=service_min,
        travel_min=travel_min,
        waiting_min=waiting_min,
        break_min=break_min,
        office_min=max(0.0, rest),
        overtime_min=max(0.0, -rest),
        travel_km=travel_km,
        walk_km=travel_km if on_foot else 0.0,
        ride_km=0.0 if on_foot else travel_km,
        visits=visits,
        days=1,
        days_used=1 if visits else 0,
    )


def route_time_use(route: Route, problem: Problem) -> TimeUse:
    """One worker-day with a route: the parts from the route's own figures, the rest of the shift other."""
    worker = problem.worker(route.worker_id)
    shift = worker.shift_on(route.date)
    return _day_use(
        worker,
        shift_min=shift.length / 60 if shift else 0.0,
        # errands on the way (shopping, the pharmacy) are work for the client, not travel or idle time
        service_min=(route.service_s + sum(s.errand_s for s in route.stops)) / 60,
        travel_min=route.travel_s / 60,
        waiting_min=route.wait_s / 60,
        break_min=route.break_s / 60,
        travel_km=route.travel_m / 1000,
        visits=len(route.stops),
    )


def idle_day_use(worker: Worker, day: dt.date) -> TimeUse:
    """A working day without a route: lunch as the worker takes it, the rest of the shift other work."""
    shift = worker.shift_on(day)
    shift_min = shift.length / 60 if shift else 0.0
    return _day_use(
        worker,
        shift_min=shift_min,
        service_min=0.0,
        travel_min=0.0,
        waiting_min=0.0,
        break_min=shift_min - worker.minutes_after_lunch(day),
        travel_km=0.0,
        visits=0,
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkerDayUse:
    worker_id: str
    department: str
    date: dt.date
    use: TimeUse

    def to_dict(self) -> dict[str, object]:
        return {
            "worker_id": self.worker_id,
            "department": self.department,
            "date": self.date.isoformat(),
            **self.use.to_dict(),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class TimeUseReport:
    """Time use of every worker-day on duty (or with a route) of a plan's days, summed per worker, per
    department and in total; a day on duty without visits counts, its shift all other work."""

    days: tuple[WorkerDayUse, ...]
    workers: Mapping[str, TimeUse]
    departments: Mapping[str, TimeUse]
    total: TimeUse

    def on(self, day: dt.date) -> tuple[WorkerDayUse, ...]:
        return tuple(d for d in self.days if d.date == day)

    def to_dict(self) -> dict[str, object]:
        return {
            "total": self.total.to_dict(),
            "departments": {k: v.to_dict() for k, v in self.departments.items()},
            "workers": {k: v.to_dict() for k, v in self.workers.items()},
            "days": [d.to_dict() for d in self.days],
        }


def plan_days(schedule: Schedule) -> set[dt.date]:
    """The days a plan covers: those of its routes and unassigned visits, and every day of a planned week
    (those without visits too) or the planned day, as its record says."""
    days = {r.date for r in schedule.routes} | {u.date for u in schedule.unassigned}
    record = schedule.info
    if isinstance(record, WeekPlanRecord | ReplanRecord):
        days |= {record.week + dt.timedelta(days=d) for d in range(7)}
    elif isinstance(record, DayPlanRecord):
        days.add(record.date)
    return days


def plan_departments(schedule: Schedule, problem: Problem) -> frozenset[str]:
    """The departments a plan covers: those its record names, else those of its workers and of the clients
    it left, else all (a plan of one department must not count the others' workers as idle)."""
    record = schedule.info
    if isinstance(record, DayPlanRecord | WeekPlanRecord) and record.departments:
        return frozenset(record.departments)
    found = {problem.worker(r.worker_id).department for r in schedule.routes}
    found |= {problem.client(u.client_id).department for u in schedule.unassigned}
    return frozenset(found or problem.departments)


def time_use(
    schedule: Schedule,
    problem: Problem,
    *,
    days: Iterable[dt.date] | None = None,
    departments: Iterable[str] | None = None,
) -> TimeUseReport:
    """Where the working time of ``days`` goes, worker-day by worker-day, in ``departments`` (the plan's own
    days and departments by default): every worker on a working day (``calendar.working_day``), and any
    route on another day."""
    horizon = sorted(plan_days(schedule) if days is None else set(days))
    covered = plan_departments(schedule, problem) if departments is None else frozenset(departments)
    routes = {(r.worker_id, r.date): r for r in schedule.routes}
    out: list[WorkerDayUse] = []
    for worker in sorted((w for w in problem.workers if w.department in covered), key=lambda w: (w.department, w.id)):
        for day in horizon:
            route = routes.get((worker.id, day))
            if route is not None:
                use = route_time_use(route, problem)
            elif working_day(problem, worker, day):
                use = idle_day_use(worker, day)
            else:
                continue
            out.append(WorkerDayUse(worker_id=worker.id, department=worker.department, date=day, use=use))
    return TimeUseReport(
        days=tuple(out),
        workers={w: TimeUse.total(d.use for d in out if d.worker_id == w) for w in sorted({d.worker_id for d in out})},
        departments={
            dep: TimeUse.total(d.use for d in out if d.department == dep) for dep in sorted({d.department for d in out})
        },
        total=TimeUse.total(d.use for d in out),
    )


def _loads(
    schedule: Schedule, problem: Problem, days: Iterable[dt.date], departments: Iterable[str] | None = None
) -> dict[str, tuple[float, list[float]]]:
    """Per worker (of ``departments``, all by default) with contracted hours in ``days``: those minutes,
    and the load (service + travel) of each of their working days."""
    days = sorted(set(days))
    covered = None if departments is None else frozenset(departments)
    out: dict[str, tuple[float, list[float]]] = {}
    for worker in problem.workers:
        if covered is not None and worker.department not in covered:
            continue
        contracted, loads = 0.0, []
        for day in days:
            if not working_day(problem, worker, day):
                continue
            contracted += worker.minutes_after_lunch(day)
            route = schedule.route(worker.id, day)
            loads.append((route.service_s + route.travel_s) / 60 if route else 0.0)
        if contracted:
            out[worker.id] = (contracted, loads)
    return out


def balance(schedule: Schedule, problem: Problem, days: Iterable[dt.date]) -> dict[str, dict[str, object]]:
    """Per worker: load (service + travel) against contracted hours on the days they work, and how
    uneven their days are (largest minus smallest day load, working days only)."""
    out: dict[str, dict[str, object]] = {}
    for worker_id, (contracted, loads) in _loads(schedule, problem, days).items():
        share = sum(loads) / contracted
        out[worker_id] = {
            "load_h": round(sum(loads) / 60, 2),
            "contracted_h": round(contracted / 60, 2),
            "share": round(share, 3),
            "in_band": LOAD_BAND[0] <= share <= LOAD_BAND[1],
            "day_spread_min": round(max(loads) - min(loads), 1),
        }
    return out


def lean_figures(
    schedule: Schedule,
    problem: Problem,
    *,
    days: Iterable[dt.date] | None = None,
    departments: Iterable[str] | None = None,
) -> dict[str, float]:
    """The plan's ``FIGURES`` over ``days`` and ``departments`` (its own by default): shares in per cent,
    the load spread in percentage points between the most and the least loaded worker (``balance``'s
    shares of contracted time)."""
    horizon = plan_days(schedule) if days is None else set(days)
    covered = plan_departments(schedule, problem) if departments is None else frozenset(departments)
    total = time_use(schedule, problem, days=horizon, departments=covered).total
    loads = _loads(schedule, problem, horizon, covered).values()
    shares = [sum(day_loads) / contracted for contracted, day_loads in loads]
    return {
        "visits": float(total.visits),
        "unassigned": float(
            sum(
                1
                for u in schedule.unassigned
                if u.date in horizon and problem.client(u.client_id).department in covered
            )
        ),
        "travel_per_visit_min": total.travel_per_visit_min,
        "travel_km": total.travel_km,
        "waiting_min": total.waiting_min,
        "client_share": 100 * total.client_share,
        "worker_days": float(total.days_used),
        "load_spread": 100 * (max(shares) - min(shares)) if shares else 0.0,
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class ComparisonRow:
    """One figure before and after; ``ratio`` is after / before (None when before is 0), as the lean
    results put it: travel per visit 158 → 30 min is a ratio of 0.19."""

    figure: str
    label: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before

    @property
    def ratio(self) -> float | None:
        return self.after / self.before if self.before else None

    @property
    def digits(self) -> int:
        """Decimals a person reads the figure with: none for a count, one for minutes, km and shares."""
        return 0 if self.figure in _COUNTS else 1

    def to_dict(self) -> dict[str, object]:
        ratio = self.ratio
        return {
            "figure": self.figure,
            "label": self.label,
            "before": round(self.before, 2),
            "after": round(self.after, 2),
            "change": round(self.change, 2),
            "ratio": None if ratio is None else round(ratio, 3),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    rows: tuple[ComparisonRow, ...]
    lang: Lang

    def row(self, figure: str) -> ComparisonRow:
        return next(r for r in self.rows if r.figure == figure)

    def header(self) -> tuple[str, ...]:
        """Column titles of the table in the comparison's language."""
        return tuple(word(k, self.lang, KPI_WORDS) for k in ("figure", "before", "after", "change", "ratio"))

    def to_dict(self) -> dict[str, object]:
        return {"lang": self.lang, "rows": [r.to_dict() for r in self.rows]}

    def table(self) -> list[tuple[str, ...]]:
        """The table as people read it: the header, then a line per figure with numbers written the
        language's way (``43,3``), the change signed, and "—" for a ratio to nothing."""
        lines = [self.header()]
        for r in self.rows:
            digits = r.digits
            ratio = "—" if r.ratio is None else number_text(r.ratio, self.lang, 2)
            change = number_text(r.change, self.lang, digits)
            lines.append(
                (
                    r.label,
                    number_text(r.before, self.lang, digits),
                    number_text(r.after, self.lang, digits),
                    change if change.startswith("-") else f"+{change}",
                    ratio,
                )
            )
        return lines


def compare(baseline: Schedule, plan: Schedule, problem: Problem, *, lang: Lang = DEFAULT_LANG) -> Comparison:
    """``plan`` against ``baseline`` on the ``FIGURES`` a lean review reads, both over the plan's days (a
    day planned against last week's whole plan counts that day alone, or "before" would hold a week's
    visits) and over the departments either covers, so that a worker idle in one plan counts in the other
    too."""
    days = plan_days(plan)
    departments = plan_departments(baseline, problem) | plan_departments(plan, problem)
    before = lean_figures(baseline, problem, days=days, departments=departments)
    after = lean_figures(plan, problem, days=days, departments=departments)
    return Comparison(
        rows=tuple(
            ComparisonRow(figure=f, label=word(f, lang, KPI_WORDS), before=before[f], after=after[f]) for f in FIGURES
        ),
        lang=lang,
    )


def schedule_kpis(schedule: Schedule, problem: Problem) -> dict[str, object]:
    """``kpis.json``: per route, per worker and in total over the routes (the first figures, kept as they
    were), the balance of load, the lean figures, and the time use of every worker-day on duty."""
    per_route = [(r, route_time_use(r, problem)) for r in schedule.routes]
    workers: dict[str, list[TimeUse]] = {}
    for route, use in per_route:
        workers.setdefault(route.worker_id, []).append(use)
    days = plan_days(schedule)
    return {
        "balance": {"band": list(LOAD_BAND), "workers": balance(schedule, problem, days)},
        "total": TimeUse.total(u for _, u in per_route).to_dict() | {"unassigned": len(schedule.unassigned)},
        "workers": {w: TimeUse.total(uses).to_dict() for w, uses in sorted(workers.items())},
        "routes": [{"worker_id": r.worker_id, "date": r.date.isoformat(), **u.to_dict()} for r, u in per_route],
        "figures": {f: round(v, 2) for f, v in lean_figures(schedule, problem, days=days).items()},
        "time_use": time_use(schedule, problem, days=days).to_dict(),
    }

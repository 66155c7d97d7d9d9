"""Plan a week: who serves each client (continuity), on which days (frequency and spacing), then the
routes of each department-day through the routing engine.

Decisions in the objective's order: serve every visit a worker can reach; keep each client with one
worker (the assigned one when the data names one; a substitute only on days that worker is away, the
same substitute throughout); spread each worker's week evenly and group nearby clients on the same day,
which is what shortens the walks the router then orders. A greedy pass places every client, then a local
search over tours (``week_search``) moves clients between days, substitutes and, for clients on no list,
workers; the time it takes comes off the routing budget.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from lean_social.domain import reasons
from lean_social.domain.calendar import workers_on_duty
from lean_social.domain.capacity import estimated_minutes, week_capacity
from lean_social.domain.demand import ClientWeek, Visit, cyclic_gaps, make_visit, week_demand
from lean_social.domain.model import Location, PreviousPlan, Problem, Worker
from lean_social.planning.day import (
    DepartmentDay,
    SearchBudget,
    build_department_days,
    route_department_days,
)
from lean_social.planning.objective import (
    GREEDY_EVEN_DAY_WEIGHT,
    GREEDY_PREFERENCE_WEIGHT,
    GREEDY_PRIMARY_FILL,
    GREEDY_STABILITY_BONUS,
    GREEDY_UNEVEN_WEIGHT,
    GREEDY_UNSERVED_COST,
    OVERLOAD_WEIGHT,
    SUBSTITUTE_COST,
)
from lean_social.planning.substitutes import choose_substitute, substitute_options
from lean_social.planning.week_repair import move_dropped
from lean_social.planning.week_search import improve_week
from lean_social.record import CapacityRecord, DayRecord, DepartmentRecord, WeekPlanRecord
from lean_social.schedule import Schedule, Unassigned, unassigned_visit
from lean_social.travel import GeodesicTravel, TravelModel

__all__ = ["CoveredWeek", "WeekChoices", "choose_week", "cover_week", "plan_week"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class WeekChoices:
    """What the week planner decided before routing: ``worker[(client, date)]`` and each client's days."""

    days: dict[str, tuple[dt.date, ...]]
    worker: dict[tuple[str, dt.date], str]
    primary: dict[str, str]
    unplaced: dict[str, str]  # client id → reason no days could be chosen
    #: The services of each visit (``ClientWeek.slot_orders``) where they are not ``ClientWeek.slots``.
    carried: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)

    def week_of(self, cw: ClientWeek) -> ClientWeek:
        """``cw`` with its services dealt to its visits as chosen: slot k is made on ``days[k]``."""
        order = self.carried.get(cw.client_id)
        return cw if order is None or order == cw.slots else replace(cw, slots=order)

    def start(self) -> dict[str, tuple[str, tuple[dt.date, ...], dict[dt.date, str]]]:
        """Per placed client: primary, days and the worker of each day, where the week search starts."""
        by_client: dict[str, dict[dt.date, str]] = {}
        for (client_id, day), worker_id in self.worker.items():
            by_client.setdefault(client_id, {})[day] = worker_id
        return {c: (self.primary[c], days, by_client.get(c, {})) for c, days in self.days.items()}


def choose_week(
    problem: Problem,
    demand: Sequence[ClientWeek],
    dates: Sequence[dt.date],
    previous: PreviousPlan | None = None,
) -> WeekChoices:
    """Primary workers, days and substitutes for one department's clients (greedy, deterministic).

    ``previous`` (last week's worker and weekdays per client) is kept where nothing forces a change: the
    same worker for a client without an assigned one, and the same weekdays when they cost no more than
    ``GREEDY_STABILITY_BONUS`` of balance and grouping."""
    greedy = _Greedy(problem, demand, dates, previous or {})
    greedy.choose_primaries(demand)
    days: dict[str, tuple[dt.date, ...]] = {}
    worker_on: dict[tuple[str, dt.date], str] = {}
    unplaced: dict[str, str] = {}
    carried: dict[str, tuple[tuple[str, ...], ...]] = {}
    # Fixed days first (no choice), then the clients with the fewest patterns, longest visits first.
    for cw in sorted(demand, key=lambda c: (not c.fixed, len(c.patterns), -c.visits_per_week, c.client_id)):
        if not cw.slots:  # every visit of the week falls on a closed fixed day
            continue
        why = greedy.why_unplaced(cw)
        if why is not None:
            unplaced[cw.client_id] = why
            continue
        pattern, dealt, chosen = greedy.best_pattern(cw)
        days[cw.client_id] = pattern
        if dealt != cw.slots:
            carried[cw.client_id] = dealt
        for day, services, worker_id in zip(pattern, dealt, chosen, strict=True):
            if worker_id:
                worker_on[(cw.client_id, day)] = worker_id
                greedy.place(cw.client_id, worker_id, day, services)
    return WeekChoices(days=days, worker=worker_on, primary=greedy.primary, unplaced=unplaced, carried=carried)


class _Greedy:
    """The state of the greedy choice: each worker-day's load, visits and places so far, the primaries,
    and each client's one substitute."""

    def __init__(
        self, problem: Problem, demand: Sequence[ClientWeek], dates: Sequence[dt.date], previous: PreviousPlan
    ) -> None:
        self.problem, self.dates, self.previous = problem, dates, previous
        self.duty = {day: workers_on_duty(problem, day) for day in dates}
        department = {w.department for w in demand_workers(problem, demand)}
        self.workers = [w for w in problem.workers if w.department in department]
        self.load: dict[tuple[str, dt.date], float] = {}
        self.places: dict[tuple[str, dt.date], list[Location]] = {}
        self.count: dict[tuple[str, dt.date], int] = {}
        self.capacity = {
            (w.id, d): w.minutes_after_lunch(d) if self.duty[d][w.id] is None else 0.0
            for w in self.workers
            for d in dates
        }
        self.limit = {w.id: w.max_visits_per_day for w in self.workers}
        self.primary: dict[str, str] = {}
        self.substitutes: dict[str, str] = {}

    def asks(self, services: tuple[str, ...]) -> float:
        return estimated_minutes(self.problem, services)

    def week_minutes(self, cw: ClientWeek) -> float:
        return sum(self.asks(s) for s in cw.slots)

    def skills(self, cw: ClientWeek) -> frozenset[str]:
        return self.problem.skills_needed(c for s in cw.slots for c in s)

    def choose_primaries(self, demand: Sequence[ClientWeek]) -> None:
        """The assigned worker where the data names one; else last week's worker if able, else the able
        worker nearest the clients already theirs and not over ``GREEDY_PRIMARY_FILL`` of their week."""
        week_load: dict[str, float] = {w.id: 0.0 for w in self.workers}
        for cw in demand:
            if cw.worker_id is not None:
                self.primary[cw.client_id] = cw.worker_id
        for cw in sorted(
            (c for c in demand if c.worker_id is None), key=lambda c: (-self.week_minutes(c), c.client_id)
        ):
            need = self.skills(cw)
            able = [w for w in self.workers if need <= w.skills]
            last = self.previous.get(cw.client_id)
            extra = self.week_minutes(cw)
            if last is not None and last[0] in {w.id for w in able}:
                self.primary[cw.client_id] = last[0]
                week_load[last[0]] += extra
                continue
            home = self.problem.client(cw.client_id).location
            scores = []
            for w in able or self.workers:
                # Near the worker's other clients (or start place), and not over GREEDY_PRIMARY_FILL of the week.
                own = [self.problem.client(c).location for c, p in self.primary.items() if p == w.id] or [w.start]
                centre = Location(lat=sum(p.lat for p in own) / len(own), lon=sum(p.lon for p in own) / len(own))
                week_capacity = sum(self.capacity[(w.id, d)] for d in self.dates)
                over = max(0.0, week_load[w.id] + extra - GREEDY_PRIMARY_FILL * week_capacity)
                scores.append((home.km_to(centre) + OVERLOAD_WEIGHT * over / 60, w.id))
            if not scores:  # a department with clients and no workers: nobody to plan them for
                continue
            _, picked = min(scores)
            self.primary[cw.client_id] = picked
            week_load[picked] += extra

    def why_unplaced(self, cw: ClientWeek) -> str | None:
        """Why no days can be chosen for the client at all, or None."""
        if cw.client_id not in self.primary or self.primary[cw.client_id] not in self.duty[self.dates[0]]:
            return reasons.no_primary(cw.department)
        if not cw.patterns:
            return reasons.no_pattern(len(cw.slots), fixed=cw.fixed)
        return None

    def who(self, cw: ClientWeek, day: dt.date) -> str | None:
        """The primary when on duty, else the client's substitute (``substitutes``: chosen once, kept for
        the week)."""
        main = self.primary[cw.client_id]
        if self.duty[day].get(main) is None:
            return main
        if cw.client_id in self.substitutes:
            sub = self.substitutes[cw.client_id]
            return sub if self.duty[day][sub] is None else None
        options = substitute_options(
            self.problem, cw.client_id, self.skills(cw), lambda w: self.duty[day].get(w) is None, (main,)
        )
        if not options:
            return None
        away = [d for d in self.dates if self.duty[d].get(main) is not None and self.problem.open_day(cw.client_id, d)]
        extra = max(self.asks(s) for s in cw.slots)
        best = choose_substitute(
            self.problem, cw.client_id, options, away, extra, self.load, lambda w, d: self.capacity[(w, d)]
        )
        self.substitutes[cw.client_id] = best.id
        return best.id

    def best_pattern(self, cw: ClientWeek) -> tuple[tuple[dt.date, ...], tuple[tuple[str, ...], ...], list[str]]:
        """The cheapest (days, services dealt to them, worker of each day; "" where nobody can go)."""
        best: tuple[float, tuple[dt.date, ...], tuple[tuple[str, ...], ...], list[str]] | None = None
        for pattern in cw.patterns:
            base = self.pattern_cost(cw, pattern)
            for dealt in cw.slot_orders():  # which visit carries the long ride-alongs
                cost, chosen = base, []
                for day, services in zip(pattern, dealt, strict=True):
                    worker_id = self.who(cw, day)
                    chosen.append(worker_id or "")
                    if worker_id is None:
                        cost += GREEDY_UNSERVED_COST
                    else:
                        cost = self.add_visit_cost(cost, cw, worker_id, day, services)
                if best is None or cost < best[0]:
                    best = (cost, pattern, dealt, chosen)
        assert best is not None
        return best[1], best[2], best[3]

    def pattern_cost(self, cw: ClientWeek, pattern: tuple[dt.date, ...]) -> float:
        """The days' own cost: unevenness, last week's weekdays kept, the client's wishes."""
        weekdays = tuple(d.weekday() for d in pattern)
        gaps = cyclic_gaps(weekdays)
        base = GREEDY_UNEVEN_WEIGHT * (max(gaps) - min(gaps))
        if cw.client_id in self.previous and self.previous[cw.client_id][1] == weekdays:
            base -= GREEDY_STABILITY_BONUS
        if wish := self.problem.client(cw.client_id).preferred_days:
            base += GREEDY_PREFERENCE_WEIGHT * sum(d.weekday() not in wish for d in pattern)
        return base

    def add_visit_cost(
        self, cost: float, cw: ClientWeek, worker_id: str, day: dt.date, services: tuple[str, ...]
    ) -> float:
        """``cost`` plus a visit's on a worker-day: overload, fullness, the visit limit, spread, a
        substitute (added term by term, as the pattern's running sum)."""
        key = (worker_id, day)
        extra = self.asks(services)
        after = self.load.get(key, 0.0) + extra
        cost += OVERLOAD_WEIGHT * max(0.0, after - self.capacity.get(key, 0.0))
        cost += after / max(1.0, self.capacity.get(key, 0.0)) * GREEDY_EVEN_DAY_WEIGHT
        if (most := self.limit.get(worker_id)) is not None and self.count.get(key, 0) >= most:
            cost += OVERLOAD_WEIGHT * extra  # the router would have to drop a visit of the day
        here = self.places.get(key, [])
        if here:
            home = self.problem.client(cw.client_id).location
            cost += min(home.km_to(p) for p in here)
        if worker_id != self.primary[cw.client_id]:
            cost += SUBSTITUTE_COST
        return cost

    def place(self, client_id: str, worker_id: str, day: dt.date, services: tuple[str, ...]) -> None:
        key = (worker_id, day)
        self.load[key] = self.load.get(key, 0.0) + self.asks(services)
        self.count[key] = self.count.get(key, 0) + 1
        self.places.setdefault(key, []).append(self.problem.client(client_id).location)


def search_week(
    problem: Problem,
    demand: Sequence[ClientWeek],
    dates: Sequence[dt.date],
    choices: WeekChoices,
    travel: TravelModel,
    *,
    previous: PreviousPlan | None = None,
    seed: int = 0,
) -> WeekChoices:
    """The greedy choices improved by local search over tours (``week_search``); the primary of a client
    without an assigned worker may change, an assigned one may not."""
    previous = previous or {}
    start = choices.start()
    found = improve_week(
        problem,
        demand,
        dates,
        start,
        travel,
        free_primary={cw.client_id for cw in demand if cw.worker_id is None},
        listed={c: w for c, (w, _) in previous.items()},
        previous=previous,
        carried=choices.carried,
        seed=seed,
    )
    carried = {c: order for c, order in choices.carried.items() if c not in found.days}
    return WeekChoices(
        days={**choices.days, **found.days},
        worker={**{k: w for k, w in choices.worker.items() if k[0] not in found.days}, **found.worker},
        primary={**choices.primary, **found.primary},
        unplaced=choices.unplaced,
        carried={**carried, **found.carried},
    )


def demand_workers(problem: Problem, demand: Sequence[ClientWeek]) -> list[Worker]:
    departments = {cw.department for cw in demand}
    return [w for w in problem.workers if w.department in departments]


def plan_week(
    problem: Problem,
    week_start: dt.date,
    *,
    time_limit: float = 60.0,
    seed: int = 0,
    travel: TravelModel | None = None,
    departments: Sequence[str] | None = None,
    previous: PreviousPlan | None = None,
    reproducible: bool = False,
    work_per_visit: int | None = None,
) -> Schedule:
    """Plan the week starting on Monday ``week_start``: every visit a client's programme asks for is
    planned on a day or listed as unassigned with the reason. ``time_limit`` is the whole budget of wall
    time, the choice of days included; every department-day gets a complete plan by construction first,
    so a short budget costs walking, never visits. ``reproducible`` (or ``work_per_visit``) stops the
    searches on a count of work instead of the clock. ``previous`` is last week's plan
    (``read_previous_plan``), kept where nothing forces a change."""
    budget = SearchBudget.of(time_limit, reproducible=reproducible, work_per_visit=work_per_visit)
    travel = travel or GeodesicTravel()
    started = budget.started
    capacities = [c for c in week_capacity(problem, week_start) if departments is None or c.department in departments]
    for c in capacities:
        if c.shortfall_h > 0:
            log.warning(
                "department %s is short of %.1f h this week: %d visits ask for %.1f h, workers have %.1f h",
                c.department,
                c.shortfall_h,
                c.visits,
                c.demand_h,
                c.available_h,
            )
    covered = cover_week(problem, week_start, travel=travel, departments=departments, previous=previous, seed=seed)
    routed = route_department_days(problem, covered.tasks, travel=travel, budget=budget, seed=seed)
    parts = list(covered.unassigned)
    day_records: dict[str, dict[dt.date, DayRecord]] = {department: {} for department in covered.departments}
    for k, (task, (part, summary)) in enumerate(zip(covered.tasks, routed, strict=True)):
        before = {v.id for v in covered.chosen[k].visits} if k < len(covered.chosen) else set()
        after = {v.id for v in task.visits}
        parts.append(part)
        day_records[task.department][task.day] = replace(
            summary, moved_in=len(after - before), moved_out=len(before - after)
        )
    info = WeekPlanRecord(
        week=week_start,
        settings=budget.settings(seed),
        visits=covered.visits,
        departments={d: replace(r, days=day_records[d]) for d, r in covered.departments.items()},
        capacity=tuple(CapacityRecord.of(c) for c in capacities),
        choose_s=covered.choose_s,
        cover_s=covered.cover_s,
        wall_s=round(time.perf_counter() - started, 3),
    )
    return Schedule.merge(parts, info=info)


@dataclass(frozen=True, slots=True, kw_only=True)
class CoveredWeek:
    """A week chosen and covered, before any search (``cover_week``): what ``plan_week`` routes whole
    and ``plan_day`` routes one date of, so that a day plan is the day of the week plan."""

    #: The department-days as the choice of days made them, before any visit was moved.
    chosen: tuple[DepartmentDay, ...]
    #: The department-days to route: ``chosen`` after the moves that cover the visits their
    #: constructions dropped, with the days a move opened for a department appended.
    tasks: tuple[DepartmentDay, ...]
    #: Per department, the visits of the week that no department-day holds, each with its reason.
    unassigned: tuple[Schedule, ...]
    #: Per department, what ``run.json`` says of its week (its days are filled in once routed).
    departments: dict[str, DepartmentRecord]
    #: Visits the week owes, those that cannot be made included.
    visits: int
    #: Seconds the choice of days took, and the choice and the cover together.
    choose_s: float
    cover_s: float


def cover_week(
    problem: Problem,
    week_start: dt.date,
    *,
    travel: TravelModel,
    departments: Sequence[str] | None = None,
    previous: PreviousPlan | None = None,
    seed: int = 0,
) -> CoveredWeek:
    """Choose the week (``choose_week`` improved by ``search_week``) and cover it: every department-day
    built, then the visits the builds leave out moved where there is room, checked by building again.
    No clock: the same problem, ``previous`` and ``seed`` give the same week on any machine."""
    started = time.perf_counter()
    dates = [week_start + dt.timedelta(days=d) for d in range(7)]
    demand = [cw for cw in week_demand(problem, week_start) if departments is None or cw.department in departments]
    chosen: dict[str, WeekChoices] = {}
    for department in sorted({cw.department for cw in demand}):
        dept_demand = [cw for cw in demand if cw.department == department]
        choices = choose_week(problem, dept_demand, dates, previous)
        chosen[department] = search_week(problem, dept_demand, dates, choices, travel, previous=previous, seed=seed)
    choose_s = round(time.perf_counter() - started, 3)
    duty = {day: workers_on_duty(problem, day) for day in dates}
    tasks: list[DepartmentDay] = []
    weeks: list[ClientWeek] = []
    parts: list[Schedule] = []
    records: dict[str, DepartmentRecord] = {}
    for department, choices in chosen.items():
        dept_demand = [choices.week_of(cw) for cw in demand if cw.department == department]
        weeks += dept_demand
        unassigned: list[Unassigned] = []
        per_day: dict[dt.date, list[Visit]] = {}
        for cw in dept_demand:
            unassigned += _client_visits(problem, cw, choices, week_start, per_day, duty)
        tasks += [DepartmentDay(day=day, department=department, visits=tuple(per_day[day])) for day in sorted(per_day)]
        parts.append(Schedule(routes=(), unassigned=tuple(unassigned)))
        records[department] = DepartmentRecord(
            clients=len(dept_demand),
            visits=sum(cw.visits_per_week for cw in dept_demand),
            days={},  # each department-day's record once it is routed
            substitutes=sum(1 for (c, _), w in choices.worker.items() if w != choices.primary[c]),
        )
    # Coverage first, all of it before any search: every department-day built, then the visits the
    # builds leave out moved where there is room, checked by building again (no clock, no seed).
    # The quick build serves exactly what the thorough one that routing starts from will (``construct``).
    built = build_department_days(problem, tasks, travel=travel, thorough=False)
    checked: dict[DepartmentDay, tuple[frozenset[str], int]] = {}

    def fits(days: Sequence[DepartmentDay]) -> list[tuple[frozenset[str], int]]:
        new = [d for d in dict.fromkeys(days) if d not in checked]
        builds = build_department_days(problem, new, travel=travel, thorough=False)
        checked.update(zip(new, ((b.served, b.cost) for b in builds), strict=True))
        return [checked[d] for d in days]

    repaired, _ = move_dropped(problem, weeks, chosen, tasks, [b.served for b in built], fits)
    return CoveredWeek(
        chosen=tuple(tasks),
        tasks=tuple(repaired),
        unassigned=tuple(parts),
        departments=records,
        visits=sum(cw.visits_per_week for cw in demand),
        choose_s=choose_s,
        cover_s=round(time.perf_counter() - started, 3),
    )


def _client_visits(
    problem: Problem,
    cw: ClientWeek,
    choices: WeekChoices,
    week_start: dt.date,
    per_day: dict[dt.date, list[Visit]],
    duty: dict[dt.date, dict[str, str | None]],
) -> list[Unassigned]:
    """The client's visits of the week as chosen, added to ``per_day``; those that cannot be made come
    back unassigned with the reason."""
    unassigned = [  # numbered after the slots: ids stay unique
        unassigned_visit(problem, cw.client_id, day, services, reason, slot=len(cw.slots) + k)
        for k, (day, services, reason) in enumerate(cw.closed)
    ]
    if not cw.slots:
        return unassigned
    if cw.client_id in choices.unplaced:
        # Listed on the days the programme would have them (a day plan of each date lists its own), on
        # the week's Monday when no day is open at all.
        reason = choices.unplaced[cw.client_id]
        days = cw.patterns[0] if cw.patterns else (week_start,) * len(cw.slots)
        return unassigned + [_unassigned(cw, slot, day, reason, problem) for slot, day in enumerate(days)]
    main = choices.primary[cw.client_id]
    for slot, day in enumerate(choices.days[cw.client_id]):
        worker_id = choices.worker.get((cw.client_id, day))
        if worker_id is None and duty[day].get(main, "unknown") is None:
            # The client's worker is on duty, but the week search found no tour the visit fits (hours
            # at home too short for the shift, say): the router says why, or makes it.
            worker_id = main
        if worker_id is None:
            unassigned.append(_unassigned(cw, slot, day, _no_worker(problem, cw, main, day, duty[day]), problem))
            continue
        per_day.setdefault(day, []).append(
            make_visit(
                problem,
                cw.client_id,
                day,
                cw.slots[slot],
                worker_id=worker_id,
                substitute_for=main if worker_id != main else None,
            )
        )
    return unassigned


def _no_worker(problem: Problem, cw: ClientWeek, main: str, day: dt.date, duty: dict[str, str | None]) -> str:
    """Why a visit has nobody: its worker is off duty and no substitute with the skills is on duty, or
    nobody of the department is on duty at all."""
    if not any(duty.get(w.id) is None for w in problem.workers if w.department == cw.department):
        return f"no worker of department {cw.department} is on duty"
    return reasons.no_substitute(main, day, duty.get(main))


def _unassigned(cw: ClientWeek, slot: int, day: dt.date, reason: str, problem: Problem) -> Unassigned:
    return unassigned_visit(problem, cw.client_id, day, cw.slots[slot], reason, slot=slot)

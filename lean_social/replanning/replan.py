"""Re-plan the rest of a published week after something changed (a worker away from Wednesday, a new
client, a client in hospital) with as few changes as possible.

Days before ``from_date`` stay exactly as published. After it, every published visit that is still
possible keeps its day and worker; a visit whose worker is now away keeps its day and goes to one
substitute for the whole absence; a visit whose client is away moves to another open day or is
cancelled; new clients are fitted in. A worker-day whose visits did not change keeps its order (so an
untouched worker's route is the published one); only changed worker-days are routed again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from functools import partial

from lean_social.domain import reasons
from lean_social.domain.calendar import workers_on_duty
from lean_social.domain.demand import (
    MIN_GAP_DAYS,
    ClientWeek,
    Visit,
    cyclic_gaps,
    make_visit,
    spaced_patterns,
    week_demand,
)
from lean_social.domain.model import Problem
from lean_social.planning.compile import compile_day
from lean_social.planning.day import DepartmentDay, SearchBudget, route_department_days, to_schedule
from lean_social.planning.week import choose_week
from lean_social.record import ReplanRecord
from lean_social.replanning.changes import Change, list_changes
from lean_social.replanning.published import (
    Entry,
    Owed,
    match,
    owed_visits,
    published_entries,
    split_departments,
)
from lean_social.replanning.staffing import Services, Staffing
from lean_social.routing.engine import place_breaks
from lean_social.routing.instance import RoutingSolution
from lean_social.routing.timing import time_route
from lean_social.schedule import Route, Schedule, Unassigned, unassigned_visit
from lean_social.travel import GeodesicTravel, TravelModel

__all__ = ["Change", "replan_week"]


def replan_week(
    problem: Problem,
    published: Schedule,
    week_start: dt.date,
    from_date: dt.date,
    *,
    time_limit: float = 60.0,
    seed: int = 0,
    travel: TravelModel | None = None,
    departments: Sequence[str] | None = None,
    reproducible: bool = False,
    work_per_visit: int | None = None,
) -> tuple[Schedule, list[Change]]:
    """The re-planned week and the list of changes against ``published`` (from ``from_date`` on).

    With ``departments`` only those are re-planned; the other departments' routes and unassigned visits
    come back exactly as published, so the result is still the whole week's plan. ``time_limit`` is the
    wall time of the whole call; ``reproducible`` (or ``work_per_visit``) stops the searches on a count
    of work instead, as in ``plan_week``."""
    budget = SearchBudget.of(time_limit, reproducible=reproducible, work_per_visit=work_per_visit)
    _check_dates(published, week_start, from_date)
    travel = travel or GeodesicTravel()
    dates = [week_start + dt.timedelta(days=d) for d in range(7)]
    duty = {d: workers_on_duty(problem, d) for d in dates}
    published, elsewhere = split_departments(problem, published, departments)
    entries = published_entries(published)
    plan = _Replan(
        problem, from_date, [d for d in dates if d >= from_date], Staffing.from_published(problem, duty, entries)
    )
    for cw in week_demand(problem, week_start):
        if departments is not None and cw.department not in departments:
            continue
        listed = entries.get(cw.client_id, [])
        if listed:
            plan.keep_client(cw, listed)
        else:  # new in the programme: fitted in below, on its fixed days if it has them
            plan.add_client(cw)
    plan.fit_new_clients()
    parts, changed = plan.route(published, travel, budget, seed)
    replanned = Schedule.merge(parts)
    changes = list_changes(
        published,
        replanned,
        from_date,
        moved=plan.moved,
        cancelled=plan.cancelled,
        why_not=plan.staff.why_not,
        newcomers=set(plan.new_clients),
        assigned={c.id: c.worker_id for c in problem.clients},
    )
    info = ReplanRecord(
        week=week_start,
        from_date=from_date,
        changes=len(changes),
        rerouted_worker_days=changed,
    )
    return Schedule.merge([elsewhere, replanned], info=info), changes


def _check_dates(published: Schedule, week_start: dt.date, from_date: dt.date) -> None:
    """``from_date`` and every day of ``published`` lie in the week of ``week_start``."""
    if not 0 <= (from_date - week_start).days < 7:
        msg = f"re-planning from {from_date}, which is not in the week of {week_start}"
        raise ValueError(msg)
    mentioned = {r.date for r in published.routes} | {u.date for u in published.unassigned}
    outside = sorted(mentioned - {week_start + dt.timedelta(days=d) for d in range(7)})
    if outside:
        msg = f"the published plan has days outside the week of {week_start}: {', '.join(map(str, outside[:3]))}"
        raise ValueError(msg)


class _Replan:
    """What re-planning decides, client by client, before the changed worker-days are routed."""

    def __init__(self, problem: Problem, from_date: dt.date, future: list[dt.date], staff: Staffing) -> None:
        self.problem, self.from_date, self.future, self.staff = problem, from_date, future, staff
        self.assignment: dict[tuple[str, dt.date], str] = {}  # (client, date) → worker, future only
        self.moved: dict[tuple[str, dt.date], dt.date] = {}  # (client, published day) → the day it moved to
        self.cancelled: dict[tuple[str, dt.date], str] = {}  # (client, published day) → why, where no entry says
        self.slot_of: dict[tuple[str, dt.date], tuple[str, ...]] = {}
        self.unassigned: list[Unassigned] = []
        self.to_fit: list[ClientWeek] = []
        self.new_clients: list[str] = []

    def _left(self, client_id: str, day: dt.date, services: tuple[str, ...], why: str) -> None:
        self.unassigned.append(unassigned_visit(self.problem, client_id, day, services, why))

    def _assign(self, client_id: str, day: dt.date, worker_id: str, services: tuple[str, ...]) -> None:
        self.assignment[(client_id, day)] = worker_id
        self.slot_of[(client_id, day)] = services

    def add_client(self, cw: ClientWeek) -> None:
        """A client the published plan does not have: fitted in by ``fit_new_clients``."""
        self.new_clients.append(cw.client_id)
        fitted, left = _restricted(self.problem, cw, self.from_date, self.future)
        if fitted.slots:
            self.to_fit.append(fitted)
        for day, services, why in left:
            self._left(cw.client_id, day, services, why)

    def keep_client(self, cw: ClientWeek, listed: list[Entry]) -> None:
        """A published client: each published visit from ``from_date`` on kept, staffed, moved or listed."""
        problem, from_date, client_id = self.problem, self.from_date, cw.client_id
        pairs, left_over = match(
            owed_visits(cw), listed, holds=partial(_settled_or_open, problem, from_date, client_id)
        )
        closed_days = {day: reason for day, _, reason in cw.closed if cw.fixed}
        for extra in left_over:  # published, but no longer owed
            if extra.worker_id is not None and extra.date >= from_date:
                why = closed_days.get(extra.date) or (
                    "no longer in the programme"
                    if problem.open_day(client_id, extra.date)
                    else _closed_reason(problem, client_id, extra.date)
                )
                self.cancelled[(client_id, extra.date)] = why
        kept = sorted(e.date for _, e in pairs if e is not None and e.worker_id is not None and e.date >= from_date)
        for owed, entry in pairs:
            if entry is not None and entry.date < from_date:
                continue  # made or listed in the published past, which is not re-planned
            if entry is None or owed.closed is not None or entry.worker_id is None:
                day, why = _not_made(owed, entry, from_date)
                self._left(client_id, day, owed.services, why)
            elif not problem.open_day(client_id, entry.date):
                self._move(cw, entry.date, entry.worker_id, owed.services, pairs, kept)
            else:
                self._staff(client_id, entry.date, entry.worker_id, owed.services)

    def _staff(self, client_id: str, day: dt.date, published: str, services: Services) -> None:
        new_worker = self.staff.who(client_id, day, published, services)
        if new_worker is None:
            self._left(client_id, day, services, self.staff.why_nobody(client_id, day, published, services))
        else:
            self._assign(client_id, day, new_worker, services)

    def _move(
        self,
        cw: ClientWeek,
        day: dt.date,
        worker_id: str,
        services: Services,
        pairs: list[tuple[Owed, Entry | None]],
        kept: list[dt.date],
    ) -> None:
        """The visit on a day the client is no longer open: to the nearest open day that keeps the
        spacing and has someone on duty, or listed with the reason."""
        problem, client_id = self.problem, cw.client_id
        past = [e.date for _, e in pairs if e is not None and e.worker_id is not None and e.date < self.from_date]
        others = past + [d for d in kept if d != day] + [d for c, d in self.assignment if c == client_id]
        open_days = [
            d
            for d in self.future
            if d not in kept and problem.open_day(client_id, d) and (client_id, d) not in self.assignment
        ]
        # a day with nobody on duty is no day to move to: the visit would be neither made nor listed
        staffed = [d for d in open_days if self.staff.who(client_id, d, worker_id, services, choose=False) is not None]
        target = _spaced_day(cw, day, others, staffed)
        new_worker = None if target is None else self.staff.who(client_id, target, worker_id, services)
        if target is None or new_worker is None:
            why = (
                "client is away and no other day of the week is open"
                if _spaced_day(cw, day, others, open_days) is None
                else "client is away, and no worker is on duty on the other days that keep the spacing"
            )
            self._left(client_id, day, services, why)
            return
        self.moved[(client_id, day)] = target
        self._assign(client_id, target, new_worker, services)

    def fit_new_clients(self) -> None:
        """The new clients' visits placed by the week planner's greedy choice, on the days still to come."""
        for department in sorted({cw.department for cw in self.to_fit}):
            fits = [cw for cw in self.to_fit if cw.department == department]
            choices = choose_week(self.problem, fits, self.future)
            self.staff.own.update(choices.primary)
            for cw in fits:
                if cw.client_id in choices.unplaced:
                    for services in cw.slots:
                        self._left(cw.client_id, self.from_date, services, choices.unplaced[cw.client_id])
                    continue
                for services, day in zip(choices.week_of(cw).slots, choices.days[cw.client_id], strict=True):
                    planned = choices.worker.get((cw.client_id, day))
                    if planned is None:
                        self._left(cw.client_id, day, services, "no worker on duty that day")
                    else:
                        self._assign(cw.client_id, day, planned, services)

    def route(
        self, published: Schedule, travel: TravelModel, budget: SearchBudget, seed: int
    ) -> tuple[list[Schedule], int]:
        """The re-planned week in parts (the published past, untouched worker-days in their published
        order, changed ones routed again, the unassigned) and how many worker-days were routed again."""
        problem, from_date = self.problem, self.from_date
        past = Schedule(
            routes=tuple(r for r in published.routes if r.date < from_date),
            unassigned=tuple(u for u in published.unassigned if u.date < from_date),
        )
        old_order = {
            (r.worker_id, r.date): [s.client_id for s in r.stops] for r in published.routes if r.date >= from_date
        }
        by_worker_day: dict[tuple[str, dt.date], list[str]] = {}
        for (client_id, day), worker_id in self.assignment.items():
            by_worker_day.setdefault((worker_id, day), []).append(client_id)
        changed = [k for k, clients in by_worker_day.items() if sorted(clients) != sorted(old_order.get(k, []))]
        # A visit stands in for the client's own worker only if that worker is still someone: one of the
        # data, or one whose published past stays in this plan. A worker who left before any of the kept
        # days has no one to stand in for: whoever makes the visits is the client's worker now.
        someone = {w.id for w in problem.workers} | {r.worker_id for r in past.routes}

        def stands_in_for(client_id: str, worker_id: str) -> str | None:
            own = self.staff.stands_in_for(client_id, worker_id)
            return own if own in someone else None

        parts = [past]
        reroute: dict[tuple[str, dt.date], list[Visit]] = {}  # (department, day) → visits of changed worker-days
        for (worker_id, day), clients in sorted(by_worker_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
            visits = [
                make_visit(
                    problem,
                    c,
                    day,
                    self.slot_of[(c, day)],
                    worker_id=worker_id,
                    substitute_for=stands_in_for(c, worker_id),
                )
                for c in clients
            ]
            if sorted(clients) == sorted(old_order.get((worker_id, day), [])):
                published_route = published.route(worker_id, day)
                assert published_route is not None  # a published order comes from a published route
                kept_part = _keep_order(problem, visits, published_route, travel)
                if kept_part is not None:
                    parts.append(kept_part)
                    continue
                changed.append((worker_id, day))
            reroute.setdefault((problem.worker(worker_id).department, day), []).extend(visits)
        tasks = [
            DepartmentDay(day=day, department=department, visits=tuple(visits))
            for (department, day), visits in sorted(reroute.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        ]
        parts += [part for part, _ in route_department_days(problem, tasks, travel=travel, budget=budget, seed=seed)]
        parts.append(Schedule(routes=(), unassigned=tuple(self.unassigned)))
        return parts, len(changed)


def _not_made(owed: Owed, entry: Entry | None, from_date: dt.date) -> tuple[dt.date, str]:
    """The day and reason of an owed visit that is not made: closed, never placed, or listed unassigned."""
    if owed.closed is not None:
        return owed.date or from_date, owed.closed
    if entry is None:  # owed, but not placed in the published plan
        why = (
            f"due on {owed.date}, before the re-planned days, and not in the published plan"
            if owed.date is not None and owed.date < from_date
            else "not placed in the published plan; re-plan the week to place it"
        )
        return owed.date or from_date, why
    return entry.date, entry.reason  # the published plan said why: keep its day and reason


def _closed_reason(problem: Problem, client_id: str, day: dt.date) -> str:
    return reasons.closed_day(problem, client_id, day)


def _settled_or_open(problem: Problem, from_date: dt.date, client_id: str, day: dt.date) -> bool:
    """A published entry that can stand: already past, or on a day open for the client's visits."""
    return day < from_date or bool(problem.open_day(client_id, day))


def _restricted(
    problem: Problem, cw: ClientWeek, from_date: dt.date, future: Sequence[dt.date]
) -> tuple[ClientWeek, list[tuple[dt.date, tuple[str, ...], str]]]:
    """A new client's demand cut down to the days still to come, and the visits that cannot be made
    (date, services, reason).

    A fixed programme keeps its days: those still to come are the one pattern, those already past are
    listed. A flexible one gets the spaced patterns of the days left, with the spacing of the whole
    week's count; if they hold fewer visits, the ones carrying most services are kept. Closed visits
    are listed as the week's demand gives them."""
    left = list(cw.closed)
    if cw.fixed:
        slots, days = [], []
        for services, day in zip(cw.slots, cw.patterns[0] if cw.patterns else (), strict=True):
            if day >= from_date:
                slots.append(services)
                days.append(day)
            else:
                kind = "its fixed day" if day in cw.fixed_dates else "its day this week"
                left.append((day, services, f"due on {kind} {day}, before the re-planned days (from {from_date})"))
        return replace(cw, slots=tuple(slots), patterns=(tuple(days),) if days else ()), left
    client = problem.client(cw.client_id)
    open_days = {d.weekday(): d for d in future if problem.open_day(client.id, d)}
    spaced = spaced_patterns(len(cw.slots), tuple(sorted(open_days)), min_gap=MIN_GAP_DAYS.get(cw.visits_per_week, 1))
    made = len(spaced[0]) if spaced else 0
    keep = sorted(sorted(range(len(cw.slots)), key=lambda k: (-len(cw.slots[k]), k))[:made])
    gap = MIN_GAP_DAYS.get(cw.visits_per_week, 1)
    why = reasons.fewer_visits(made, len(cw.slots), f"from {from_date}", gap)
    left += [(from_date, cw.slots[k], why) for k in range(len(cw.slots)) if k not in keep]
    patterns = tuple(tuple(open_days[w] for w in pattern) for pattern in spaced)
    return replace(cw, slots=tuple(cw.slots[k] for k in keep), patterns=patterns), left


def _spaced_day(cw: ClientWeek, day: dt.date, others: list[dt.date], options: list[dt.date]) -> dt.date | None:
    """The open day nearest to ``day`` that keeps the programme's spacing with the client's other visits."""
    need = MIN_GAP_DAYS.get(cw.visits_per_week, 1)
    for option in sorted(options, key=lambda d: (abs((d - day).days), d)):
        week = tuple(sorted({d.weekday() for d in [*others, option]}))
        if len(week) < 2 or cw.fixed or min(cyclic_gaps(week)) >= need:
            return option
    return None


def _keep_order(problem: Problem, visits: list[Visit], route: Route, travel: TravelModel) -> Schedule | None:
    """The published ``route`` of an untouched worker-day, re-timed with its order and its lunch where
    they were; None if they no longer fit.

    The same order and lunch gap time to the published times unless the data changed (a client's hours,
    a shift); placing the lunch afresh could pick another gap and shift every visit after it."""
    worker = problem.worker(route.worker_id)
    compiled = compile_day(problem, route.date, visits, [worker], travel)
    if compiled.rejected:
        return None
    index = {v.client_id: i for i, v in enumerate(compiled.visits)}
    jobs = tuple(index[s.client_id] for s in route.stops)
    gaps: tuple[int, ...] | None = None
    if route.lunch is not None and len(compiled.instance.vehicles[0].breaks) == 1:
        gaps = (route.lunch.after,)
        if not time_route(compiled.instance, 0, jobs, gaps).feasible:
            gaps = None
    if gaps is None:
        gaps = place_breaks(compiled.instance, 0, jobs)
    if gaps is None:
        return None
    solution = RoutingSolution(routes=(jobs,), break_after=(gaps,), dropped=(), cost=0, status="KEPT", wall_time_s=0.0)
    return to_schedule(compiled, solution, route.date)

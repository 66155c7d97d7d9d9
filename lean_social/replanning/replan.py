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

from lean_social.domain.calendar import workers_on_duty
from lean_social.domain.demand import (
    MIN_GAP_DAYS,
    ClientWeek,
    Visit,
    away_text,
    cyclic_gaps,
    make_visit,
    spaced_patterns,
    week_demand,
)
from lean_social.domain.model import Problem
from lean_social.planning.compile import compile_day
from lean_social.planning.day import DepartmentDay, SearchBudget, route_department_days, to_schedule
from lean_social.planning.week import choose_week
from lean_social.replanning.changes import Change, list_changes
from lean_social.replanning.published import match, owed_visits, published_entries, split_departments
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
    if not 0 <= (from_date - week_start).days < 7:
        msg = f"re-planning from {from_date}, which is not in the week of {week_start}"
        raise ValueError(msg)
    mentioned = {r.date for r in published.routes} | {u.date for u in published.unassigned}
    outside = sorted(mentioned - {week_start + dt.timedelta(days=d) for d in range(7)})
    if outside:
        msg = f"the published plan has days outside the week of {week_start}: {', '.join(map(str, outside[:3]))}"
        raise ValueError(msg)
    travel = travel or GeodesicTravel()
    dates = [week_start + dt.timedelta(days=d) for d in range(7)]
    future = [d for d in dates if d >= from_date]
    duty = {d: workers_on_duty(problem, d) for d in dates}
    published, elsewhere = split_departments(problem, published, departments)
    past_routes = [r for r in published.routes if r.date < from_date]
    past_unassigned = [u for u in published.unassigned if u.date < from_date]
    entries = published_entries(published)
    old_order: dict[tuple[str, dt.date], list[str]] = {}
    for route in published.routes:
        if route.date >= from_date:
            old_order[(route.worker_id, route.date)] = [s.client_id for s in route.stops]

    demand = {
        cw.client_id: cw
        for cw in week_demand(problem, week_start)
        if departments is None or cw.department in departments
    }
    assignment: dict[tuple[str, dt.date], str] = {}  # (client, date) → worker, future only
    moved: dict[tuple[str, dt.date], dt.date] = {}  # (client, published day) → the day it moved to
    cancelled: dict[tuple[str, dt.date], str] = {}  # (client, published day) → why, where no entry says it
    slot_of: dict[tuple[str, dt.date], tuple[str, ...]] = {}
    unassigned: list[Unassigned] = []
    to_fit: list[ClientWeek] = []
    new_clients: list[str] = []
    staff = Staffing.from_published(problem, duty, entries)

    for client_id, cw in demand.items():
        listed = entries.get(client_id, [])
        if not listed:  # new in the programme: fitted in below, on its fixed days if it has them
            new_clients.append(client_id)
            fitted, left = _restricted(problem, cw, from_date, future)
            if fitted.slots:
                to_fit.append(fitted)
            unassigned += [_unassigned(client_id, day, services, problem, why) for day, services, why in left]
            continue
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
                cancelled[(client_id, extra.date)] = why
        kept = sorted(e.date for _, e in pairs if e is not None and e.worker_id is not None and e.date >= from_date)
        for owed, entry in pairs:
            if entry is not None and entry.date < from_date:
                continue  # made or listed in the published past, which is not re-planned
            if owed.closed is not None:
                unassigned.append(_unassigned(client_id, owed.date or from_date, owed.services, problem, owed.closed))
                continue
            if entry is None:  # owed, but not placed in the published plan
                why = (
                    f"due on {owed.date}, before the re-planned days, and not in the published plan"
                    if owed.date is not None and owed.date < from_date
                    else "not placed in the published plan; re-plan the week to place it"
                )
                unassigned.append(_unassigned(client_id, owed.date or from_date, owed.services, problem, why))
                continue
            day, services = entry.date, owed.services
            if entry.worker_id is None:  # the published plan said why: keep its day and reason
                unassigned.append(_unassigned(client_id, day, services, problem, entry.reason))
                continue
            worker_id = entry.worker_id
            if not problem.open_day(client_id, day):
                others = [e.date for _, e in pairs if e is not None and e.worker_id is not None and e.date < from_date]
                others += [d for d in kept if d != day] + [d for c, d in assignment if c == client_id]
                open_days = [
                    d
                    for d in future
                    if d not in kept and problem.open_day(client_id, d) and (client_id, d) not in assignment
                ]

                def staffed(
                    d: dt.date, worker_id: str = worker_id, client_id: str = client_id, services: Services = services
                ) -> bool:
                    """Someone can make the visit that day (only asked: nobody is chosen yet)."""
                    return staff.who(client_id, d, worker_id, services, choose=False) is not None

                # a day with nobody on duty is no day to move to: the visit would be neither made nor listed
                target = _spaced_day(cw, day, others, [d for d in open_days if staffed(d)])
                new_worker = None if target is None else staff.who(client_id, target, worker_id, services)
                if target is None or new_worker is None:
                    why = (
                        "client is away and no other day of the week is open"
                        if _spaced_day(cw, day, others, open_days) is None
                        else "client is away, and no worker is on duty on the other days that keep the spacing"
                    )
                    unassigned.append(_unassigned(client_id, day, services, problem, why))
                    continue
                moved[(client_id, day)] = target
                assignment[(client_id, target)] = new_worker
                slot_of[(client_id, target)] = services
                continue
            new_worker = staff.who(client_id, day, worker_id, services)
            if new_worker is None:
                why = staff.why_nobody(client_id, day, worker_id, services)
                unassigned.append(_unassigned(client_id, day, services, problem, why))
                continue
            assignment[(client_id, day)] = new_worker
            slot_of[(client_id, day)] = services

    for department in sorted({cw.department for cw in to_fit}):
        fits = [cw for cw in to_fit if cw.department == department]
        choices = choose_week(problem, fits, future)
        staff.own.update(choices.primary)
        for cw in fits:
            if cw.client_id in choices.unplaced:
                for services in cw.slots:
                    unassigned.append(
                        _unassigned(cw.client_id, from_date, services, problem, choices.unplaced[cw.client_id])
                    )
                continue
            for services, day in zip(choices.week_of(cw).slots, choices.days[cw.client_id], strict=True):
                planned = choices.worker.get((cw.client_id, day))
                if planned is None:
                    unassigned.append(_unassigned(cw.client_id, day, services, problem, "no worker on duty that day"))
                    continue
                assignment[(cw.client_id, day)] = planned
                slot_of[(cw.client_id, day)] = services

    parts = [Schedule(routes=tuple(past_routes), unassigned=tuple(past_unassigned))]
    by_worker_day: dict[tuple[str, dt.date], list[str]] = {}
    for (client_id, day), worker_id in assignment.items():
        by_worker_day.setdefault((worker_id, day), []).append(client_id)
    changed = [k for k, clients in by_worker_day.items() if sorted(clients) != sorted(old_order.get(k, []))]
    reroute: dict[tuple[str, dt.date], list[Visit]] = {}  # (department, day) → visits of changed worker-days
    for (worker_id, day), clients in sorted(by_worker_day.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        visits = [
            make_visit(
                problem,
                c,
                day,
                slot_of[(c, day)],
                worker_id=worker_id,
                substitute_for=staff.stands_in_for(c, worker_id),
            )
            for c in clients
        ]
        published_order = old_order.get((worker_id, day), [])
        if sorted(clients) == sorted(published_order):
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
    parts.append(Schedule(routes=(), unassigned=tuple(unassigned)))
    replanned = Schedule.merge(parts)
    changes = list_changes(
        published,
        replanned,
        from_date,
        moved=moved,
        cancelled=cancelled,
        why_not=staff.why_not,
        newcomers=set(new_clients),
    )
    info = {
        "week": week_start.isoformat(),
        "from": from_date.isoformat(),
        "changes": len(changes),
        "rerouted_worker_days": len(changed),
    }
    return Schedule.merge([elsewhere, replanned], info=info), changes


def _closed_reason(problem: Problem, client_id: str, day: dt.date) -> str:
    holiday = problem.holiday(day)
    if holiday is not None:
        return f"public holiday{f' ({holiday.name})' if holiday.name else ''}"
    away = problem.client_away(client_id, day)
    return away_text(away) if away is not None else f"client is not at home on {day.strftime('%A')}s"


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
    why = f"only {made} of the {len(cw.slots)} visits fit the client's days at home from {from_date}" + (
        f" with at least {gap} days between visits" if gap > 1 else ""
    )
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


def _unassigned(client_id: str, day: dt.date, services: tuple[str, ...], problem: Problem, reason: str) -> Unassigned:
    return unassigned_visit(problem, client_id, day, services, reason)


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

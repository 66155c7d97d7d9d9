"""Move before listing: a visit the router could not fit on its day goes to another day of one of the
client's allowed patterns (the spacing kept), or to the client's one permitted substitute, before it is
listed as unassigned.

This runs after the department-days are routed. The router's word on what fits is final for the day it
routed, so a visit it dropped is offered to the days with most room left within the client's hours
(``room.Room`` over the routes as made), and only the department-day that receives it is routed again.
A move is kept only when that day, routed again, serves more visits than before: it never costs a visit,
and it is as deterministic as the routing it calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from lean_social.capacity import TRAVEL_ALLOWANCE_MIN
from lean_social.demand import ClientWeek, Visit, make_visit
from lean_social.model import Problem
from lean_social.optimise.compile import workers_on_duty
from lean_social.optimise.day import DepartmentDay
from lean_social.optimise.room import Room
from lean_social.schedule import Schedule

if TYPE_CHECKING:  # week.py calls this module: importing it at run time would go round in a circle
    from lean_social.optimise.week import WeekChoices

__all__ = ["MOVES_TRIED", "RouteDays", "move_dropped"]

#: Routes a list of department-days, as ``day.route_department_days`` with the travel, budget and seed
#: bound: one (part of the plan, summary) per department-day, in order.
RouteDays = Callable[[Sequence[DepartmentDay]], list[tuple[Schedule, dict[str, object]]]]
#: Places tried per dropped visit, most room first; each try routes one department-day again, so this
#: bounds the extra routing at this many department-days per visit left over.
MOVES_TRIED = 3

_Key = tuple[str, dt.date]


def move_dropped(
    problem: Problem,
    demand: Sequence[ClientWeek],
    choices: Mapping[str, WeekChoices],
    tasks: Sequence[DepartmentDay],
    routed: Sequence[tuple[Schedule, dict[str, object]]],
    route: RouteDays,
) -> tuple[list[DepartmentDay], list[tuple[Schedule, dict[str, object]]]]:
    """The department-days and their routed parts after moving the visits the router dropped.

    ``demand`` are the clients' weeks with their services dealt as chosen (``WeekChoices.week_of``),
    ``choices`` the week's choices per department, ``tasks`` and ``routed`` the department-days as routed
    (same order). Returns both lists, same order, a department-day appended where a visit moved to a day
    that had none of its department. For each visit dropped, in order: the visit itself to another of
    its places; failing that, a visit of the same worker-day that competes for the same hours to one of
    its own places, which frees the hours for the dropped one; failing that, the client or one of those
    rivals, if on no list, to another worker for the whole week (``_Week.rehome``). A summary of a
    department-day routed again counts the visits it took in (``moved_in``) and gave away (``moved_out``)."""
    week = _Week(problem, demand, choices, tasks, routed, route)
    tried: set[str] = set()
    for i in range(len(routed)):  # department-days appended on the way are new: nothing dropped there yet
        for left in list(week.routed[i][0].unassigned):
            if left.visit_id in tried:
                continue
            tried.add(left.visit_id)
            visit = next((v for v in week.tasks[i].visits if v.id == left.visit_id), None)
            if visit is None or visit.worker_id is None or left.client_id not in week.clients:
                continue
            if any(week.move(i, visit, day, w) for day, w in week.places(visit)[:MOVES_TRIED]):
                continue
            rivals = week.rivals(i, visit)[:MOVES_TRIED]
            if any((places := week.places(rival)) and week.move(i, rival, *places[0]) for rival in rivals):
                continue
            any(week.rehome(c) for c in dict.fromkeys([visit.client_id, *(r.client_id for r in rivals)]))
    return week.tasks, week.routed


class _Week:
    """The department-days as routed so far, the clients' days and workers, and the room left."""

    def __init__(
        self,
        problem: Problem,
        demand: Sequence[ClientWeek],
        choices: Mapping[str, WeekChoices],
        tasks: Sequence[DepartmentDay],
        routed: Sequence[tuple[Schedule, dict[str, object]]],
        route: RouteDays,
    ) -> None:
        self.problem = problem
        self.clients = {cw.client_id: cw for cw in demand}
        self.primary = {c: w for ch in choices.values() for c, w in ch.primary.items()}
        self.days = {c: set(d) for ch in choices.values() for c, d in ch.days.items()}
        self.worker = {k: w for ch in choices.values() for k, w in ch.worker.items()}
        self.tasks, self.routed = list(tasks), list(routed)
        self.route = route
        self._duty: dict[dt.date, dict[str, str | None]] = {}
        self.room: Room[_Key] = Room(
            {(w.id, d): (w.shift_on(d), w.lunch) for w in problem.workers for d in {t.day for t in tasks}},
            (problem.at_home(c, d) for c, days in self.days.items() for d in days),
            walk_min=TRAVEL_ALLOWANCE_MIN,
        )
        for part, _ in self.routed:
            self._count(part, 1)

    def on_duty(self, worker_id: str, day: dt.date) -> bool:
        return self._duty.setdefault(day, workers_on_duty(self.problem, day)).get(worker_id, "unknown") is None

    def places(self, visit: Visit) -> list[tuple[dt.date, str]]:
        return _places(self, visit)

    def rivals(self, i: int, visit: Visit) -> list[Visit]:
        """Visits made the same day by the same worker that compete for the dropped one's hours, the
        most competing first: their clients' hours overlapping the dropped visit's, times their length."""
        served = {s.visit_id for r in self.routed[i][0].routes for s in r.stops}

        def overlap(other: Visit) -> int:
            return sum(max(0, min(a.end, b.end) - max(a.start, b.start)) for a in other.windows for b in visit.windows)

        found = [
            v
            for v in self.tasks[i].visits
            if v.id in served and v.worker_id == visit.worker_id and v.client_id in self.clients and overlap(v)
        ]
        return sorted(found, key=lambda v: (-overlap(v) * v.duration_s, v.id))

    def move(self, i: int, visit: Visit, day: dt.date, worker_id: str) -> bool:
        """Move ``visit`` of department-day ``i`` to ``worker_id`` on ``day`` (``apply``)."""
        return self.apply([(i, visit, day, worker_id)])

    def rehome(self, client_id: str) -> bool:
        """Give every visit of a client on no list (the data names no worker for it) to another worker
        of the department who is on duty on all its days, the roomiest first (``apply``): the client
        keeps one worker, only another one."""
        client = self.problem.client(client_id)
        mine = [(k, v) for k, t in enumerate(self.tasks) for v in t.visits if v.client_id == client_id]
        primary = self.primary[client_id]
        if client.worker_id is not None or not mine or any(v.worker_id != primary for _, v in mine):
            return False
        need = frozenset(s for _, v in mine for s in v.skills)
        options = []
        for w in self.problem.workers:
            if w.id == primary or w.department != client.department or not need <= w.skills:
                continue
            if not all(self.on_duty(w.id, v.date) for _, v in mine):
                continue
            short = sum(self.room.shortfall((w.id, v.date), [(v.windows, v.duration_s / 60)]) for _, v in mine)
            tightest = max(self.room.tightest((w.id, v.date), v.windows, v.duration_s / 60) for _, v in mine)
            options.append((short, tightest, w.id))
        for _, _, worker_id in sorted(options)[:MOVES_TRIED]:
            if self.apply([(k, v, v.date, worker_id) for k, v in mine], primary=worker_id):
                return True
        return False

    def apply(self, moves: Sequence[tuple[int, Visit, dt.date, str]], *, primary: str | None = None) -> bool:
        """Move each (department-day, visit) to (day, worker); kept when the worker-days the visits leave
        and join, routed again, serve more visits than before, else nothing changes. ``primary`` is the
        client's worker from now on, if it changes.

        Every visit of a week plan goes to a named worker, so a worker-day is routed on its own: only the
        worker-days the visits leave and join are routed again, the rest of the plan stays as it is."""
        units: dict[tuple[int, str], list[Visit]] = {}  # (department-day, worker) → its visits afterwards
        gone: dict[int, set[str]] = {}  # department-day → ids of the visits that leave it
        joins: list[tuple[int, Visit]] = []
        for i, visit, day, worker_id in moves:
            task = self.tasks[i]
            own = primary or self.primary[visit.client_id]
            moved = make_visit(
                self.problem,
                visit.client_id,
                day,
                visit.services,
                worker_id=worker_id,
                substitute_for=own if worker_id != own else None,
            )
            j = self._day(task.department, day)
            gone.setdefault(i, set()).add(visit.id)
            joins.append((j, moved))
            served = {s.visit_id for r in self.routed[i][0].routes for s in r.stops}
            if visit.id in served and visit.worker_id is not None:  # a dropped one leaves its route as it is
                units.setdefault((i, visit.worker_id), [])
            units.setdefault((j, worker_id), [])
        for k, w in units:
            units[(k, w)] = [v for v in self.tasks[k].visits if v.worker_id == w and v.id not in gone.get(k, set())]
        for j, moved in joins:
            units[(j, moved.worker_id or "")].append(moved)
        keys = sorted(units)
        trials = [replace(self.tasks[k], visits=tuple(units[key])) for key in keys for k in (key[0],)]
        results = dict(zip(keys, (part for part, _ in self.route(trials)), strict=True))
        before = sum(_served(self.routed[k][0], w) for k, w in keys)
        if sum(_served(part) for part in results.values()) <= before:
            return False
        touched = {k for k, _ in keys} | set(gone)
        for k in sorted(touched):
            old_part, old_summary = self.routed[k]
            mine = {w for kk, w in keys if kk == k}
            leaving = {v.id for v in self.tasks[k].visits if v.worker_id in mine} | gone.get(k, set())
            visits = [v for v in self.tasks[k].visits if v.id not in leaving]
            visits += [v for w in sorted(mine) for v in units[(k, w)]]
            part = Schedule(
                routes=tuple(
                    sorted(
                        [r for r in old_part.routes if r.worker_id not in mine]
                        + [r for w in sorted(mine) for r in results[(k, w)].routes],
                        key=lambda r: r.worker_id,
                    )
                ),
                unassigned=tuple(u for u in old_part.unassigned if u.visit_id not in leaving)
                + tuple(u for w in sorted(mine) for u in results[(k, w)].unassigned),
            )
            summary = {
                **old_summary,
                "visits": len(visits),
                "served": _served(part),
                "unassigned": len(part.unassigned),
            }
            came = sum(1 for j, _ in joins if j == k) - len(gone.get(k, set()))
            if came:
                field = "moved_in" if came > 0 else "moved_out"
                summary[field] = int(str(old_summary.get(field, 0))) + abs(came)
            self._count(old_part, -1)
            self._count(part, 1)
            self.tasks[k] = replace(self.tasks[k], visits=tuple(visits))
            self.routed[k] = (part, summary)
        for _, visit, day, _ in moves:
            self.days[visit.client_id] = (self.days[visit.client_id] - {visit.date}) | {day}
            self.worker.pop((visit.client_id, visit.date), None)
        for _, visit, day, worker_id in moves:
            self.worker[(visit.client_id, day)] = worker_id
            if primary is not None:
                self.primary[visit.client_id] = primary
        return True

    def _day(self, department: str, day: dt.date) -> int:
        """The index of the department-day, appended empty if the department had no visit that day."""
        j = next((k for k, t in enumerate(self.tasks) if t.department == department and t.day == day), None)
        if j is None:
            self.tasks.append(DepartmentDay(day=day, department=department, visits=()))
            self.routed.append((Schedule(routes=()), {"visits": 0, "served": 0, "unassigned": 0}))
            j = len(self.tasks) - 1
        return j

    def _count(self, part: Schedule, sign: int) -> None:
        for route in part.routes:
            for stop in route.stops:
                minutes = (stop.end - stop.start) / 60
                hours = self.problem.at_home(stop.client_id, route.date)
                self.room.add((route.worker_id, route.date), hours, sign * minutes)


def _places(week: _Week, visit: Visit) -> list[tuple[dt.date, str]]:
    """Where the visit may go, most room first: another day that, with the client's other days, makes
    one of its allowed patterns, by its own worker, or on a day that worker is away by the client's one
    substitute (the one already used this week, else any worker of the department with the skills); on
    its own day, a visit made by a substitute may go to another one if that substitute makes no other
    visit of the client this week."""
    problem, client = week.problem, visit.client_id
    primary = week.primary[client]
    others = week.days.get(client, set()) - {visit.date}
    used = {w for (c, d), w in week.worker.items() if c == client and w != primary and d != visit.date}
    staff = [
        w.id
        for w in problem.workers
        if w.department == visit.department and visit.skills <= w.skills and w.id != primary
    ]
    found: list[tuple[float, float, int, dt.date, str]] = []

    def offer(day: dt.date, worker_id: str) -> None:
        hours = problem.at_home(client, day)
        short = week.room.shortfall((worker_id, day), [(hours, visit.duration_s / 60)])
        tightest = week.room.tightest((worker_id, day), hours, visit.duration_s / 60)
        found.append((short, tightest, abs((day - visit.date).days), day, worker_id))

    for pattern in week.clients[client].patterns:
        new = set(pattern) - others
        if len(new) != 1 or visit.date in new or not others <= set(pattern):
            continue
        (day,) = new
        if week.on_duty(primary, day):
            offer(day, primary)
            continue
        for sub in sorted(used) or staff:
            if week.on_duty(sub, day):
                offer(day, sub)
    if visit.worker_id != primary and not used:  # the client's only stand-in visit: another stand-in may go
        for sub in staff:
            if sub != visit.worker_id and week.on_duty(sub, visit.date):
                offer(visit.date, sub)
    found.sort(key=lambda f: (f[0], f[1], f[2], f[3], f[4]))
    return [(day, worker_id) for _, _, _, day, worker_id in found]


def _served(part: Schedule, worker_id: str | None = None) -> int:
    """Visits served in ``part``, by ``worker_id`` only if given."""
    return sum(len(r.stops) for r in part.routes if worker_id is None or r.worker_id == worker_id)

"""Move before listing: a visit the construction could not fit on its day goes to another day of one of
the client's allowed patterns (the spacing kept), or to the client's one permitted substitute, or a rival
of its worker-day moves to make room, or the client changes worker, before it is listed as unassigned.

This runs on the department-days as *constructed*, before any search, so that what the week serves never
depends on the clock: the construction (``construct.construct``) builds each worker-day of a week plan on
its own, deterministically, so asking it whether a worker-day holds a set of visits is a cheap and exact
check of what the final plan will serve there (the search that follows never serves fewer). Candidate
moves are ordered by the room left within the clients' hours (``room.Room``), ones that room already
rules out are skipped unchecked, and a move is kept only when the worker-days it touches, built again,
serve more visits than before: it never costs a visit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from lean_social.domain.calendar import workers_on_duty
from lean_social.domain.capacity import TRAVEL_ALLOWANCE_MIN
from lean_social.domain.demand import ClientWeek, Visit, make_visit
from lean_social.domain.model import Problem, TimeWindow, Worker
from lean_social.planning.day import DepartmentDay
from lean_social.planning.room import Room

if TYPE_CHECKING:  # week.py calls this module: importing it at run time would go round in a circle
    from lean_social.planning.week import WeekChoices

__all__ = ["MOVES_TRIED", "Fits", "move_dropped"]

#: What each department-day's construction serves, by visit id, and what its routes cost (the engine's
#: objective without the dropped visits' penalties: walks and day lengths), one per department-day in
#: order (``day.Built``); deterministic, no clock.
Fits = Callable[[Sequence[DepartmentDay]], list[tuple[frozenset[str], int]]]
#: Places tried per visit moved (the dropped one, or a rival making room), most room first, and workers
#: tried per client given another worker. Each try builds one or two worker-days (milliseconds each).
MOVES_TRIED = 6
#: Rivals of a dropped visit (visits of its worker-day competing for its hours) tried, most competing first.
RIVALS_TRIED = 4
#: Exchanges of workers between the dropped visit's client and another client tried, most room first.
SWAPS_TRIED = 8
#: Passes over the visits still dropped: a move made for one visit can open a place for another.
ROUNDS = 3

_Key = tuple[str, dt.date]


def move_dropped(
    problem: Problem,
    demand: Sequence[ClientWeek],
    choices: Mapping[str, WeekChoices],
    tasks: Sequence[DepartmentDay],
    served: Sequence[frozenset[str]],
    fits: Fits,
) -> tuple[list[DepartmentDay], list[frozenset[str]]]:
    """The department-days after moving the visits their construction dropped, and the visits each serves.

    ``demand`` are the clients' weeks with their services dealt as chosen (``WeekChoices.week_of``),
    ``choices`` the week's choices per department, ``tasks`` the department-days and ``served`` the
    visit ids each one's construction serves (same order). A department-day is appended where a visit
    moved to a day that had none of its department. For each visit dropped, in order: the visit itself
    to another of its places; failing that, a visit of the same worker-day that competes for the same
    hours to one of its own places, which frees the hours for the dropped one; failing that, the client
    or one of those rivals, if on no list, to another worker for the whole week (``_Week.rehome``)."""
    week = _Week(problem, demand, choices, tasks, served, fits)
    for _ in range(ROUNDS):
        moved = False
        for i in range(len(week.tasks)):
            for visit in week.dropped(i):
                # A move made for an earlier visit may have moved this one or changed its worker.
                if visit in week.tasks[i].visits and visit.id not in week.served[i]:
                    moved |= week.rescue(i, visit)
        if not moved:
            break
    return week.tasks, week.served


@dataclass(frozen=True, slots=True)
class _Move:
    """Visits to move, each (department-day, visit, day, worker); the clients whose worker changes with
    their new worker; the visits whose services change, by id, with their new services."""

    visits: list[tuple[int, Visit, dt.date, str]]
    primary: dict[str, str] = field(default_factory=dict)
    services: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Trial:
    """A move built: each worker-day touched with its visits afterwards and the ids it then serves, the
    visits leaving each department-day, visits served gained and the cost it adds (may be negative)."""

    move: _Move
    units: dict[tuple[int, str], tuple[list[Visit], frozenset[str]]]
    gone: dict[int, set[str]]
    fresh: list[DepartmentDay]
    gain: int
    cost: int


class _Week:
    """The department-days as built so far, what each serves, the clients' days and workers, the room left."""

    def __init__(
        self,
        problem: Problem,
        demand: Sequence[ClientWeek],
        choices: Mapping[str, WeekChoices],
        tasks: Sequence[DepartmentDay],
        served: Sequence[frozenset[str]],
        fits: Fits,
    ) -> None:
        self.problem = problem
        self.clients = {cw.client_id: cw for cw in demand}
        self.primary = {c: w for ch in choices.values() for c, w in ch.primary.items()}
        self.days = {c: set(d) for ch in choices.values() for c, d in ch.days.items()}
        self.worker = {k: w for ch in choices.values() for k, w in ch.worker.items()}
        self.tasks, self.served = list(tasks), list(served)
        self.fits = fits
        self._duty: dict[dt.date, dict[str, str | None]] = {}
        shifts = {(w.id, d): (w.shift_on(d), w.lunch) for w in problem.workers for d in {t.day for t in tasks}}
        hours = [problem.open_day(c, d) for c, days in self.days.items() for d in days]
        #: Room with the usual walk to each visit: which places to try first.
        self.room: Room[_Key] = Room(shifts, hours, walk_min=TRAVEL_ALLOWANCE_MIN)
        #: Room with no walk at all: a worker-day short even so cannot hold its visits, whatever the order.
        self.bound: Room[_Key] = Room(shifts, hours, walk_min=0)
        for k in range(len(self.tasks)):
            self._count(k, 1)

    def on_duty(self, worker_id: str, day: dt.date) -> bool:
        return self._duty.setdefault(day, workers_on_duty(self.problem, day)).get(worker_id, "unknown") is None

    def dropped(self, i: int) -> list[Visit]:
        """Visits of department-day ``i`` its construction leaves out that a move may help: named to a
        worker, of a client whose week this planner chose."""
        return [
            v
            for v in self.tasks[i].visits
            if v.id not in self.served[i] and v.worker_id is not None and v.client_id in self.clients
        ]

    def rescue(self, i: int, visit: Visit) -> bool:
        """Find the dropped ``visit`` of department-day ``i`` a place (see ``move_dropped``). The kinds of
        move are tried in turn, the least disruptive first; of the moves of one kind that serve more, the
        one that serves most and then costs least (walks and day lengths, ``Fits``) is made."""
        rivals = self.rivals(i, visit)[:RIVALS_TRIED]
        kinds: list[Callable[[], list[_Move]]] = [
            lambda: [_Move([(i, visit, day, w)]) for day, w in self.places(visit)[:MOVES_TRIED]],
            lambda: self.redeals(visit),
            lambda: [_Move([(i, rival, day, w)]) for rival in rivals for day, w in self.places(rival)[:MOVES_TRIED]],
            lambda: [
                m for c in dict.fromkeys([visit.client_id, *(r.client_id for r in rivals)]) for m in self.rehomes(c)
            ],
            lambda: [m for v in [visit, *rivals] for m in self.swaps(v)],
        ]
        for kind in kinds:
            best: _Trial | None = None
            for move in kind():
                found = self.trial(move)
                if found is not None and (best is None or (found.gain, -found.cost) > (best.gain, -best.cost)):
                    best = found
            if best is not None:
                self.commit(best)
                return True
        return False

    def places(self, visit: Visit) -> list[tuple[dt.date, str]]:
        return _places(self, visit)

    def rivals(self, i: int, visit: Visit) -> list[Visit]:
        """Visits made the same day by the same worker that compete for the dropped one's hours, the
        most competing first: their clients' hours overlapping the dropped visit's, times their length."""

        def overlap(other: Visit) -> int:
            return sum(max(0, min(a.end, b.end) - max(a.start, b.start)) for a in other.windows for b in visit.windows)

        found = [
            v
            for v in self.tasks[i].visits
            if v.id in self.served[i] and v.worker_id == visit.worker_id and v.client_id in self.clients and overlap(v)
        ]
        return sorted(found, key=lambda v: (-overlap(v) * v.duration_s, v.id))

    def redeals(self, visit: Visit) -> list[_Move]:
        """The client's services dealt to its visits another way (``ClientWeek.slot_orders``: the long
        ride-along on another visit of the week), each visit on its day with its worker."""
        cw = self.clients[visit.client_id]
        mine = sorted(
            ((k, v) for k, t in enumerate(self.tasks) for v in t.visits if v.client_id == visit.client_id),
            key=lambda kv: kv[1].date,
        )
        if len(mine) != len(cw.slots):
            return []
        now = tuple(v.services for _, v in mine)
        return [
            _Move(
                [(k, v, v.date, v.worker_id or "") for k, v in mine],
                services={v.id: services for (_, v), services in zip(mine, order, strict=True)},
            )
            for order in cw.slot_orders()
            if order != now
        ]

    def rehomes(self, client_id: str) -> list[_Move]:
        """Every visit of a client on no list (the data names no worker for it) to another worker of the
        department who is on duty on all its days, the roomiest first: the client keeps one worker, only
        another one."""
        mine = self._free(client_id)
        if mine is None:
            return []
        client = self.problem.client(client_id)
        primary = self.primary[client_id]
        options = []
        for w in self.problem.workers:
            if w.id == primary or w.department != client.department or not _may_make(self, mine, w):
                continue
            short = sum(self.room.shortfall((w.id, v.date), [(v.windows, v.duration_s / 60)]) for _, v in mine)
            tightest = max(self.room.tightest((w.id, v.date), v.windows, v.duration_s / 60) for _, v in mine)
            options.append((short, tightest, w.id))
        return [
            _Move([(k, v, v.date, worker_id) for k, v in mine], primary={client_id: worker_id})
            for _, _, worker_id in sorted(options)[:MOVES_TRIED]
        ]

    def _free(self, client_id: str) -> list[tuple[int, Visit]] | None:
        """The visits of a client on no list whose visits are all made by its own worker, or None."""
        if self.problem.client(client_id).worker_id is not None:
            return None
        mine = [(k, v) for k, t in enumerate(self.tasks) for v in t.visits if v.client_id == client_id]
        primary = self.primary[client_id]
        return mine if mine and all(v.worker_id == primary for _, v in mine) else None

    def swaps(self, visit: Visit) -> list[_Move]:
        """The visit's client and a client of another worker exchange workers for the week, both on no
        list: where every worker-day is full, one client's hours may suit the other worker better. Pairs
        the room without walks rules out are left; the others most room first, ``SWAPS_TRIED`` at most."""
        client_id = visit.client_id
        mine = self._free(client_id)
        if mine is None:
            return []
        own = self.primary[client_id]
        workers = {w.id: w for w in self.problem.workers if w.department == visit.department}
        options = []
        for other_id in sorted(self.clients):
            theirs = self._free(other_id) if other_id != client_id else None
            other = self.primary.get(other_id)
            if theirs is None or other is None or other == own or other not in workers:
                continue
            if not _may_make(self, mine, workers[other]) or not _may_make(self, theirs, workers[own]):
                continue
            change: dict[_Key, list[tuple[Sequence[TimeWindow], float]]] = {}
            for visits, leaves, joins in ((mine, own, other), (theirs, other, own)):
                for _, v in visits:
                    change.setdefault((leaves, v.date), []).append((v.windows, -v.duration_s / 60))
                    change.setdefault((joins, v.date), []).append((v.windows, v.duration_s / 60))
            if any(self.bound.shortfall(key, moves) > 0 for key, moves in change.items()):
                continue
            short = sum(self.room.shortfall(key, moves) for key, moves in change.items())
            options.append((short, other_id, other, theirs))
        return [
            _Move(
                [(k, v, v.date, other) for k, v in mine] + [(k, v, v.date, own) for k, v in theirs],
                primary={client_id: other, other_id: own},
            )
            for _, other_id, other, theirs in sorted(options, key=lambda o: (o[0], o[1]))[:SWAPS_TRIED]
        ]

    def trial(self, move: _Move) -> _Trial | None:
        """Build again the worker-days ``move`` touches (visits leave and join them); the trial if they
        serve more visits than now, else None. Every visit of a week plan goes to a named worker and the
        construction builds each worker-day on its own, so only those worker-days are built again."""
        units: dict[tuple[int, str], list[Visit]] = {}  # (department-day, worker) → its visits afterwards
        gone: dict[int, set[str]] = {}  # department-day → ids of the visits that leave it
        joins: list[tuple[int, Visit]] = []
        fresh: list[DepartmentDay] = []  # department-days the move opens, numbered after the others
        for i, visit, day, worker_id in move.visits:
            own = move.primary.get(visit.client_id) or self.primary[visit.client_id]
            moved = make_visit(
                self.problem,
                visit.client_id,
                day,
                move.services.get(visit.id, visit.services),
                worker_id=worker_id,
                substitute_for=own if worker_id != own else None,
            )
            j = self._day(self.tasks[i].department, day, fresh)
            gone.setdefault(i, set()).add(visit.id)
            joins.append((j, moved))
            if visit.id in self.served[i] and visit.worker_id is not None:  # a dropped one frees nothing
                units.setdefault((i, visit.worker_id), [])
            units.setdefault((j, worker_id), [])
        tasks = [*self.tasks, *fresh]
        for k, w in units:
            units[(k, w)] = [v for v in tasks[k].visits if v.worker_id == w and v.id not in gone.get(k, set())]
        for j, moved in joins:
            units[(j, moved.worker_id or "")].append(moved)
        keys = sorted(units)
        for k, w in keys:  # a worker-day that its room already says cannot hold its visits is not built
            if any(v.worker_id == w for j, v in joins if j == k) and self._short(tasks[k], k, w, units[(k, w)]):
                return None
        now = self.fits([self._unit(tasks[k], w) for k, w in keys])
        after = self.fits([replace(tasks[k], visits=tuple(units[(k, w)])) for k, w in keys])
        gain = sum(len(ids) for ids, _ in after) - sum(len(ids) for ids, _ in now)
        if gain <= 0:
            return None
        return _Trial(
            move=move,
            units={key: (units[key], ids) for key, (ids, _) in zip(keys, after, strict=True)},
            gone=gone,
            fresh=fresh,
            gain=gain,
            cost=sum(cost for _, cost in after) - sum(cost for _, cost in now),
        )

    def commit(self, trial: _Trial) -> None:
        """Make the trial's move: the worker-days it touched take their new visits and what they serve."""
        for task in trial.fresh:
            self.tasks.append(task)
            self.served.append(frozenset())
        keys = sorted(trial.units)
        touched = sorted({k for k, _ in keys} | set(trial.gone))
        for k in touched:
            self._count(k, -1)
        for k in touched:
            mine = {w for kk, w in keys if kk == k}
            leaving = {v.id for v in self.tasks[k].visits if v.worker_id in mine} | trial.gone.get(k, set())
            visits = [v for v in self.tasks[k].visits if v.id not in leaving]
            visits += [v for w in sorted(mine) for v in trial.units[(k, w)][0]]
            self.tasks[k] = replace(self.tasks[k], visits=tuple(visits))
            self.served[k] = frozenset(self.served[k] - leaving).union(*(trial.units[(k, w)][1] for w in mine))
        for k in touched:
            self._count(k, 1)
        for _, visit, day, _ in trial.move.visits:
            self.days[visit.client_id] = (self.days[visit.client_id] - {visit.date}) | {day}
            self.worker.pop((visit.client_id, visit.date), None)
        for _, visit, day, worker_id in trial.move.visits:
            self.worker[(visit.client_id, day)] = worker_id
        self.primary.update(trial.move.primary)

    @staticmethod
    def _unit(task: DepartmentDay, worker_id: str) -> DepartmentDay:
        """Worker ``worker_id``'s visits of the department-day as they are now."""
        return replace(task, visits=tuple(v for v in task.visits if v.worker_id == worker_id))

    def _short(self, task: DepartmentDay, k: int, worker_id: str, visits: Sequence[Visit]) -> bool:
        """Whether the room of ``worker_id``'s day in department-day ``task`` (number ``k``), walks not even
        counted, rules these visits out: then building it would only say no, slower."""
        key = (worker_id, task.day)
        served = self.served[k] if k < len(self.served) else frozenset()
        now = [v for v in task.visits if v.worker_id == worker_id and v.id in served]
        change = [(v.windows, -v.duration_s / 60) for v in now] + [(v.windows, v.duration_s / 60) for v in visits]
        return self.bound.shortfall(key, change) > 0

    def _day(self, department: str, day: dt.date, fresh: list[DepartmentDay]) -> int:
        """The index of the department-day; one the department has no visit on yet is added to ``fresh``,
        numbered after the others, and made only if the move is."""
        for k, task in enumerate([*self.tasks, *fresh]):
            if task.department == department and task.day == day:
                return k
        fresh.append(DepartmentDay(day=day, department=department, visits=()))
        return len(self.tasks) + len(fresh) - 1

    def _count(self, k: int, sign: int) -> None:
        """Add (or with -1 take out) the visits department-day ``k`` serves to the room."""
        for visit in self.tasks[k].visits:
            if visit.id in self.served[k] and visit.worker_id is not None:
                for room in (self.room, self.bound):
                    room.add((visit.worker_id, visit.date), visit.windows, sign * visit.duration_s / 60)


def _may_make(week: _Week, visits: Sequence[tuple[int, Visit]], worker: Worker) -> bool:
    """Whether ``worker`` has the skills for these visits and is on duty on each of their days."""
    return all(v.skills <= worker.skills and week.on_duty(worker.id, v.date) for _, v in visits)


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
        hours = problem.open_day(client, day)
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
    if visit.worker_id != primary and not used and not week.on_duty(primary, visit.date):
        # the client's only stand-in visit, on a day its own worker is away: another stand-in may go
        for sub in staff:
            if sub != visit.worker_id and week.on_duty(sub, visit.date):
                offer(visit.date, sub)
    found.sort(key=lambda f: (f[0], f[1], f[2], f[3], f[4]))
    return [(day, worker_id) for _, _, _, day, worker_id in found]

"""Local search over the week's choices (primary worker, days, substitute per client) with the walks
costed as tours, not as distances to a centre.

The greedy choice in ``week.py`` places each client once, in a fixed order, against a proxy of the walk.
Periodic routing is won or lost on which clients share a worker-day, so this search moves one client at a
time to the (worker, day pattern, visit carrying the ride-along services, substitute) that lowers the
week's cost most, where every worker-day is
a tour from the start place and back, kept short by 2-opt and or-opt. The router then orders each day for
real, with windows and lunch; tours here only rank the choices.

Cost, in minutes of a worker's time so that the terms trade off readably (the weights in ``objective``):

* the tours' travel;
* ``OVERLOAD_WEIGHT`` per minute a worker-day's service and travel exceed ``FILL`` of its hours after
  lunch (windows and lunch need the slack), and a day over the worker's visit limit is never chosen;
* ``BAND_WEIGHT`` per minute a worker's week is over the fair band of contracted hours (``kpi``);
* ``BALANCE_WEIGHT`` times load squared over capacity per worker-day: convex, so of two days with the
  same travel the evener wins, across a worker's days and across workers;
* per client: ``UNEVEN_WEIGHT`` per day of unevenness of its days, ``PREFERENCE_COST`` per visit off
  the days the client prefers, ``SUBSTITUTE_COST`` per visit by a
  substitute, ``MOVE_COST`` for leaving the listed worker when the lists may be redrawn, and
  ``STABILITY_BONUS`` off for keeping last week's worker and weekdays;
* ``UNSERVED_COST`` per visit nobody can make.

Deterministic: clients are visited in an order drawn from ``seed``, and the search stops after
``MAX_PASSES`` passes or the first pass that improves nothing, never on the clock.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from lean_social.domain.calendar import workers_on_duty, working_day
from lean_social.domain.capacity import LOAD_BAND
from lean_social.domain.demand import ClientWeek, cyclic_gaps
from lean_social.domain.model import Location, Problem, TimeWindow, Worker
from lean_social.domain.norms import visit_duration_s
from lean_social.planning.objective import (
    BALANCE_WEIGHT,
    BAND_WEIGHT,
    FILL,
    MOVE_COST,
    OVERLOAD_WEIGHT,
    PREFERENCE_COST,
    STABILITY_BONUS,
    SUBSTITUTE_COST,
    UNEVEN_WEIGHT,
    UNSERVED_COST,
    WEEK_BALANCE_WEIGHT,
)
from lean_social.travel import TravelModel

__all__ = ["SearchResult", "improve_week"]

#: The search stops after this many passes (or the first that improves nothing).
MAX_PASSES = 30


@dataclass(frozen=True, slots=True, kw_only=True)
class SearchResult:
    """Per client: the chosen pattern (dates), the worker of each of those dates (``None``: nobody can
    go), and the primary worker."""

    days: dict[str, tuple[dt.date, ...]]
    worker: dict[tuple[str, dt.date], str]
    primary: dict[str, str]
    #: The services of each visit (``ClientWeek.slot_orders``) where they are not ``ClientWeek.slots``.
    carried: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)


@dataclass(slots=True)
class _Client:
    id: str
    place: int
    orders: tuple[tuple[tuple[str, ...], ...], ...]  # services per slot, the ways ``slot_orders`` allows
    service_min: tuple[tuple[float, ...], ...]  # per order, per slot
    patterns: tuple[tuple[int, ...], ...]  # date indices per slot
    hours: tuple[tuple[TimeWindow, ...], ...]  # at home, per date index
    workers: tuple[int, ...]  # who may be primary
    subs: tuple[int, ...]  # who may substitute
    listed: int | None  # the primary of the lists, for MOVE_COST
    previous: tuple[int, tuple[int, ...]] | None  # last week's worker and weekdays
    preferred: frozenset[int]  # weekdays the client would rather have, empty: no wish
    overlap: list[list[float]]  # [worker][date]: minutes the client is at home during the shift


@dataclass(slots=True)
class _State:
    primary: int
    pattern: int
    order: int
    sub: int | None
    cells: list[tuple[int, int] | None]  # (worker, date index) per slot, None: unserved


#: Candidate choices for one client: (primary, pattern, order, substitute), see ``_WeekSearch.candidates``.
_Choice = tuple[int, int, int, int | None]
#: Who makes each of a client's visits: (worker, date index), ``None`` where nobody can.
_Cells = list[tuple[int, int] | None]


def improve_week(
    problem: Problem,
    demand: Sequence[ClientWeek],
    dates: Sequence[dt.date],
    start: Mapping[str, tuple[str, tuple[dt.date, ...], Mapping[dt.date, str]]],
    travel: TravelModel,
    *,
    free_primary: Collection[str] = (),
    listed: Mapping[str, str] | None = None,
    previous: Mapping[str, tuple[str, tuple[int, ...]]] | None = None,
    skills: Mapping[str, frozenset[str]] | None = None,
    carried: Mapping[str, tuple[tuple[str, ...], ...]] | None = None,
    seed: int = 0,
) -> SearchResult:
    """Improve a department's week from ``start`` (client → primary, dates, worker per date).

    Clients in ``free_primary`` may change primary worker (at ``MOVE_COST`` when it differs from their
    worker in ``listed``, if they have one there); the others keep theirs and may only change days and
    substitute. ``skills`` are the skills a client's worker needs when more than this week's visits
    ask for (a monthly nurse visit due another week, when the lists are redrawn). A client whose worker
    is not of the department is left as it was: the router lists its visits with the reason. ``carried``
    are the services of each visit in ``start`` where they are not ``ClientWeek.slots``."""
    department = {cw.department for cw in demand}
    workers: list[Worker] = sorted((w for w in problem.workers if w.department in department), key=lambda w: w.id)
    staff = _Staff.of(problem, workers, dates)
    clients, places = _search_clients(
        problem,
        demand,
        dates,
        start,
        workers,
        free_primary=free_primary,
        listed=listed or {},
        previous=previous or {},
        skills=skills or {},
    )
    minutes: dict[str, list[list[float]]] = {}
    for mode in sorted({w.mode for w in workers}):
        seconds = travel.matrices(places, mode).duration_s
        minutes[mode] = (seconds / 60.0).tolist()
    search = _WeekSearch(dates, staff, [minutes[w.mode] for w in workers], clients)
    search.start_from(start, carried or {})
    search.run(seed)
    return search.result()


@dataclass(frozen=True, slots=True)
class _Staff:
    """The department's workers (sorted by id: a worker's index is their number everywhere in the
    search) and what their days can hold, per worker and date index."""

    workers: list[Worker]
    on: list[list[bool]]  # on duty: no absence, a shift
    cap: list[list[float]]  # minutes tours may fill, ``FILL`` of the hours after lunch; 0 off duty
    limit: list[int]  # visits a day
    contracted: list[float]  # minutes of the week after lunch, working days only (no holiday)

    @classmethod
    def of(cls, problem: Problem, workers: list[Worker], dates: Sequence[dt.date]) -> _Staff:
        """Read once per search: every move asks who is on duty and how full a day may get."""
        duty = [workers_on_duty(problem, d) for d in dates]
        on = [[duty[t].get(w.id, "unknown") is None for t in range(len(dates))] for w in workers]
        return cls(
            workers=workers,
            on=on,
            cap=[
                [w.minutes_after_lunch(d) * FILL if on[k][t] else 0.0 for t, d in enumerate(dates)]
                for k, w in enumerate(workers)
            ],
            limit=[w.max_visits_per_day or 10_000 for w in workers],
            contracted=[sum(w.minutes_after_lunch(d) for d in dates if working_day(problem, w, d)) for w in workers],
        )


def _search_clients(
    problem: Problem,
    demand: Sequence[ClientWeek],
    dates: Sequence[dt.date],
    start: Mapping[str, tuple[str, tuple[dt.date, ...], Mapping[dt.date, str]]],
    workers: list[Worker],
    *,
    free_primary: Collection[str],
    listed: Mapping[str, str],
    previous: Mapping[str, tuple[str, tuple[int, ...]]],
    skills: Mapping[str, frozenset[str]],
) -> tuple[list[_Client], list[Location]]:
    """The clients the search may move, with everything a move is judged by precomputed, and the places
    of the tours (the workers' start places first, then one per client, ``_Client.place``).

    Left out, as they were: clients not in ``start``, with no pattern, or whose worker is not of the
    department (the router lists their visits with the reason)."""
    index = {w.id: k for k, w in enumerate(workers)}
    day_of = {d: t for t, d in enumerate(dates)}
    clients: list[_Client] = []
    places: list[Location] = [w.start for w in workers]
    for cw in demand:
        if cw.client_id not in start or not cw.patterns or start[cw.client_id][0] not in index:
            continue
        need = problem.skills_needed(c for s in cw.slots for c in s)
        need |= skills.get(cw.client_id, frozenset())
        able = tuple(k for k, w in enumerate(workers) if need <= w.skills)
        primary_id = start[cw.client_id][0]
        own = able if cw.client_id in free_primary else (index[primary_id],)
        # Minutes the client's hours at home overlap each worker's shift, per day: a worker who is on
        # duty only while the client is out cannot make the visit, whatever the tour.
        overlap = [[_overlap_min(problem.open_day(cw.client_id, d), w.shift_on(d)) for d in dates] for w in workers]
        last = previous.get(cw.client_id)
        orders = cw.slot_orders()
        clients.append(
            _Client(
                id=cw.client_id,
                place=len(places),
                orders=orders,
                service_min=tuple(
                    tuple(visit_duration_s(problem.service(c) for c in s) / 60 for s in order) for order in orders
                ),
                patterns=tuple(tuple(day_of[d] for d in p) for p in cw.patterns),
                hours=tuple(problem.open_day(cw.client_id, d) for d in dates),
                workers=own,
                subs=able,
                listed=index.get(listed[cw.client_id]) if cw.client_id in listed else None,
                previous=(index[last[0]], last[1]) if last is not None and last[0] in index else None,
                preferred=frozenset(problem.client(cw.client_id).preferred_days),
                overlap=overlap,
            )
        )
        places.append(problem.client(cw.client_id).location)
    return clients, places


@dataclass(frozen=True, slots=True)
class _Move:
    """A client's best choice in a pass: its cost change (negative: better) and the new state's parts."""

    gain: float
    primary: int
    pattern: int
    order: int
    sub: int | None
    cells: _Cells


class _WeekSearch:
    """The week under search: every worker-day's tour and service load, each client's state, and each
    worker's busy minutes of the week, kept in step as clients move so a move is costed by what it
    changes (``delta``), not by costing the whole week again."""

    def __init__(
        self, dates: Sequence[dt.date], staff: _Staff, matrix: list[list[list[float]]], clients: list[_Client]
    ) -> None:
        self.dates = dates
        self.staff = staff
        self.matrix = matrix  # per worker: minutes between places by the worker's mode
        self.clients = clients
        self.tours: dict[tuple[int, int], list[int]] = {}  # (worker, date) → client places in order
        self.load: dict[tuple[int, int], float] = {}  # service minutes
        self.states: list[_State] = []
        self.week_busy: list[float] = []

    def start_from(
        self,
        start: Mapping[str, tuple[str, tuple[dt.date, ...], Mapping[dt.date, str]]],
        carried: Mapping[str, tuple[tuple[str, ...], ...]],
    ) -> None:
        """Set the state to ``start`` (the greedy choice): each client's pattern, dealing of services and
        worker per visit, the tours polished, and the week's busy minutes per worker from them."""
        index = {w.id: k for k, w in enumerate(self.staff.workers)}
        day_of = {d: t for t, d in enumerate(self.dates)}
        for c in self.clients:
            primary_id, chosen, who = start[c.id]
            pattern = c.patterns.index(tuple(day_of[d] for d in chosen))
            order = c.orders.index(carried[c.id]) if c.id in carried else 0  # ``slot_orders`` gives ``slots`` first
            service_min = c.service_min[order]
            cells: _Cells = []
            sub = None
            for slot, d in enumerate(chosen):
                if d not in who:
                    cells.append(None)
                    continue
                k = index[who[d]]
                if k != index[primary_id]:
                    sub = k
                cells.append((k, day_of[d]))
                self.tours.setdefault((k, day_of[d]), []).append(c.place)
                self.load[(k, day_of[d])] = self.load.get((k, day_of[d]), 0.0) + service_min[slot]
            self.states.append(_State(primary=index[primary_id], pattern=pattern, order=order, sub=sub, cells=cells))
        for key, tour in self.tours.items():
            self.tours[key] = _polish(tour, self.matrix[key[0]], key[0])
        n_dates = len(self.dates)
        self.week_busy = [sum(self.busy_of((k, t)) for t in range(n_dates)) for k in range(len(self.staff.workers))]

    def run(self, seed: int) -> None:
        """Passes over the clients in an order drawn from ``seed``, each moved to its best choice when
        that lowers the cost, until a pass improves nothing or ``MAX_PASSES``: deterministic, no clock."""
        rng = random.Random(seed)
        turn = list(range(len(self.clients)))
        for _ in range(MAX_PASSES):
            rng.shuffle(turn)
            improved = False
            for i in turn:
                move = self.best_move(i)
                if move is None:
                    continue
                self.apply(i, move)
                improved = True
            if not improved:
                break

    def result(self) -> SearchResult:
        """The states in the planner's terms: dates, worker ids, the dealing of services where it moved."""
        workers, dates = self.staff.workers, self.dates
        result = SearchResult(days={}, worker={}, primary={})
        for c, state in zip(self.clients, self.states, strict=True):
            chosen = tuple(dates[t] for t in c.patterns[state.pattern])
            result.days[c.id] = chosen
            result.primary[c.id] = workers[state.primary].id
            if state.order:
                result.carried[c.id] = c.orders[state.order]
            for cell in state.cells:
                if cell is not None:
                    result.worker[(c.id, dates[cell[1]])] = workers[cell[0]].id
        return result

    def candidates(self, c: _Client) -> Iterator[_Choice]:
        """Every (primary, pattern, order, substitute) the client may take. A substitute is tried only
        when the primary is off duty on one of the pattern's days, and only one on duty on all of those:
        one stand-in a week, never a second face for the client."""
        on = self.staff.on
        for primary in c.workers:
            for pattern, days in enumerate(c.patterns):
                away = [t for t in days if not on[primary][t]]
                subs: list[int | None] = [None]
                if away:
                    subs = [s for s in c.subs if s != primary and all(on[s][t] for t in away)] or [None]
                for sub in subs:
                    for order in range(len(c.orders)):
                        yield primary, pattern, order, sub

    def best_move(self, i: int) -> _Move | None:
        """The client's choice that lowers the week's cost most; ``None`` when none lowers it by more than
        a rounding error. A choice must beat the best so far by more than 1e-9, so of equal ones the first
        in ``candidates``' order wins and the search stays deterministic."""
        c, state = self.clients[i], self.states[i]
        here = self.client_cost(c, state.primary, state.pattern, state.order, state.cells)
        best: _Move | None = None
        for primary, pattern, order, sub in self.candidates(c):
            cells = self.cells_for(c, primary, pattern, order, sub)
            gain = self.client_cost(c, primary, pattern, order, cells) - here + self.delta(c, state, order, cells)
            if best is None or gain < best.gain - 1e-9:
                best = _Move(gain=gain, primary=primary, pattern=pattern, order=order, sub=sub, cells=cells)
        if best is None or best.gain > -1e-6:
            return None
        return best

    def apply(self, i: int, move: _Move) -> None:
        """Move client ``i``: out of its old worker-days' tours, into the new ones at the cheapest place,
        the touched tours polished again and the week's busy minutes of their workers brought up to date."""
        c, state = self.clients[i], self.states[i]
        tours, load, week_busy = self.tours, self.load, self.week_busy
        cells = move.cells
        touched = {cell for cell in state.cells if cell is not None} | {cell for cell in cells if cell is not None}
        for key in touched:
            week_busy[key[0]] -= self.busy_of(key)
        for slot, cell in enumerate(state.cells):
            if cell is not None:
                tours[cell] = [p for p in tours[cell] if p != c.place]
                load[cell] -= c.service_min[state.order][slot]
        for slot, cell in enumerate(cells):
            if cell is not None:
                tours[cell] = _insert(tours.get(cell, []), c.place, self.matrix[cell[0]], cell[0])
                load[cell] = load.get(cell, 0.0) + c.service_min[move.order][slot]
        for key in touched:
            tours[key] = _polish(tours[key], self.matrix[key[0]], key[0])
            week_busy[key[0]] += self.busy_of(key)
        self.states[i] = _State(
            primary=move.primary,
            pattern=move.pattern,
            order=move.order,
            sub=move.sub if any(cell is not None and cell[0] != move.primary for cell in cells) else None,
            cells=cells,
        )

    def day_cost(self, key: tuple[int, int], tour: list[int], service: float) -> tuple[float, float]:
        """(cost, busy minutes) of a worker-day with this tour."""
        k, t = key
        if not tour:
            return 0.0, 0.0
        if len(tour) > self.staff.limit[k] or not self.staff.on[k][t]:
            return UNSERVED_COST * len(tour), 0.0
        cap = self.staff.cap
        walk = _length(tour, self.matrix[k], k)
        busy = service + walk
        over = max(0.0, busy - cap[k][t])
        return walk + OVERLOAD_WEIGHT * over + BALANCE_WEIGHT * busy * busy / max(1.0, cap[k][t]), busy

    def band_cost(self, k: int, busy: float) -> float:
        """Cost of a worker's week of ``busy`` minutes: over the fair band, and its share of the balance."""
        contracted = self.staff.contracted
        over = max(0.0, busy - LOAD_BAND[1] * contracted[k])
        return BAND_WEIGHT * over + WEEK_BALANCE_WEIGHT * busy * busy / max(1.0, contracted[k])

    def client_cost(
        self, c: _Client, primary: int, pattern: int, order: int, cells: Sequence[tuple[int, int] | None]
    ) -> float:
        """The client's own terms of the cost (unevenness, preference, substitutes, unserved visits, a
        moved list, stability), apart from the tours it shares with others."""
        dates = self.dates
        days = c.patterns[pattern]
        gaps = cyclic_gaps(tuple(dates[t].weekday() for t in days))
        cost = UNEVEN_WEIGHT * (max(gaps) - min(gaps))
        if c.preferred:
            cost += PREFERENCE_COST * sum(dates[t].weekday() not in c.preferred for t in days)
        for slot, cell in enumerate(cells):
            if cell is None or not self.can(c, cell[0], cell[1], c.service_min[order][slot]):  # the greedy start may
                cost += UNSERVED_COST
            elif cell[0] != primary:
                cost += SUBSTITUTE_COST
        if c.listed is not None and primary != c.listed:
            cost += MOVE_COST
        if c.previous is not None:
            kept = c.previous[0] == primary and c.previous[1] == tuple(dates[t].weekday() for t in days)
            cost -= STABILITY_BONUS * kept
        return cost

    def can(self, c: _Client, k: int, t: int, minutes: float) -> bool:
        """Whether worker ``k`` on date ``t`` can make a visit of ``minutes`` inside the client's hours."""
        return self.staff.on[k][t] and c.overlap[k][t] >= minutes

    def cells_for(self, c: _Client, primary: int, pattern: int, order: int, sub: int | None) -> _Cells:
        """Who goes on each day: the primary when on duty, else the substitute (a primary on duty who
        cannot meet the client's hours leaves the visit unmade rather than send a substitute)."""
        out: _Cells = []
        for t, minutes in zip(c.patterns[pattern], c.service_min[order], strict=True):
            if self.staff.on[primary][t]:
                out.append((primary, t) if self.can(c, primary, t, minutes) else None)
            elif sub is not None and self.can(c, sub, t, minutes):
                out.append((sub, t))
            else:
                out.append(None)
        return out

    def delta(self, c: _Client, state: _State, order: int, cells: Sequence[tuple[int, int] | None]) -> float:
        """Cost change of moving the client from ``state``'s cells to ``cells`` (services dealt by
        ``order``), tours by cheapest insertion."""
        old = {cell: c.service_min[state.order][slot] for slot, cell in enumerate(state.cells) if cell is not None}
        new = {cell: c.service_min[order][slot] for slot, cell in enumerate(cells) if cell is not None}
        change = 0.0
        shift: dict[int, float] = {}
        for key in old.keys() | new.keys():
            tour = self.tours.get(key, [])
            service = self.load.get(key, 0.0)
            before, busy_before = self.day_cost(key, tour, service)
            if key in old:
                tour = [p for p in tour if p != c.place]
                service -= old[key]
            if key in new:
                tour = _insert(tour, c.place, self.matrix[key[0]], key[0])
                service += new[key]
            after, busy_after = self.day_cost(key, tour, service)
            change += after - before
            shift[key[0]] = shift.get(key[0], 0.0) + busy_after - busy_before
        week_busy = self.week_busy
        for k, moved in shift.items():
            change += self.band_cost(k, week_busy[k] + moved) - self.band_cost(k, week_busy[k])
        return change

    def busy_of(self, key: tuple[int, int]) -> float:
        """Busy minutes (service and walk) of a worker-day as it stands."""
        return self.day_cost(key, self.tours.get(key, []), self.load.get(key, 0.0))[1]


def _overlap_min(windows: Sequence[TimeWindow], shift: TimeWindow | None) -> float:
    """The longest stretch, in minutes, of the client's hours at home inside the shift."""
    if shift is None:
        return 0.0
    best = 0
    for w in windows:
        best = max(best, min(w.end, shift.end) - max(w.start, shift.start))
    return best / 60


def _length(tour: Sequence[int], m: list[list[float]], home: int) -> float:
    total, previous = 0.0, home
    for p in tour:
        total += m[previous][p]
        previous = p
    return total + m[previous][home]


def _insert(tour: list[int], place: int, m: list[list[float]], home: int) -> list[int]:
    """The tour with ``place`` at its cheapest position."""
    best, at = float("inf"), 0
    route = [home, *tour, home]
    for pos in range(len(route) - 1):
        a, b = route[pos], route[pos + 1]
        extra = m[a][place] + m[place][b] - m[a][b]
        if extra < best - 1e-9:
            best, at = extra, pos
    return [*tour[:at], place, *tour[at:]]


def _polish(tour: list[int], m: list[list[float]], home: int) -> list[int]:
    """2-opt and or-opt (move one stop) until neither shortens the tour; tours are a handful of stops."""
    best = list(tour)
    length = _length(best, m, home)
    improved = True
    while improved and len(best) > 2:
        improved = False
        for i in range(len(best) - 1):
            for j in range(i + 1, len(best)):
                trial = best[:i] + best[i : j + 1][::-1] + best[j + 1 :]
                trial_length = _length(trial, m, home)
                if trial_length < length - 1e-9:
                    best, length, improved = trial, trial_length, True
        for i in range(len(best)):
            rest = best[:i] + best[i + 1 :]
            for j in range(len(rest) + 1):
                trial = [*rest[:j], best[i], *rest[j:]]
                trial_length = _length(trial, m, home)
                if trial_length < length - 1e-9:
                    best, length, improved = trial, trial_length, True
                    break
            if improved:
                break
    return best

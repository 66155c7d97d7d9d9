"""A worker's day of their own visits at its proved optimum, waiting between visits included.

Why: a department-day whose visits are each tied to their worker (the week planner keeps each client with
their worker) falls apart into one day a worker, and ``exact`` proves such a day by listing every order
(up to about seven visits at home all day) or by the bound of the cheapest tour (``tour``: eight to
eleven visits, where nothing waits). A worker whose clients are at home at set hours (a morning, an
afternoon, two hours each) has more visits than the listing takes and waits between them, so the tour's
bound is below every order: such a day was searched for the whole budget, with no proof.

This is the programme over sets of visits that exact solvers of routes with time windows use (labels, as
in Desrosiers, Dumas and Soumis' dynamic programming): a label is a way to have made a set of visits
ending at one of them, held as what its times are as a function of when the worker leaves, so the cost
of leaving later is known exactly without fixing the departure. Windows cut the sets a worker can make
in order far more than they cut orders: a worker of thirteen visits, a morning's and an afternoon's,
takes about 9,000 extensions of a label (0.07 s), where 13! orders exist.

A label of a route leaving at ``t`` (from its earliest departure ``T`` to its latest ``L``) has finished
its last visit at ``max(E, t + D)``: ``D`` the time walking, in service and at lunch, ``E`` the earliest
it can be done (waiting included). A visit in window ``[a, b]`` reached after travel ``τ`` gives ``E' =
max(E + τ, a) + service``, ``D' = D + τ + service`` and ``L' = min(L, b - D - τ)``; a lunch in the gap
is taken as ``timing`` takes it (it starts as soon as the previous visit ends or its window opens, the
walk goes round it; back at the office after the last visit, off the road). The day out, from leaving
to being back, is then at least ``max(D, E - L)`` with the way home, which a departure reaches: the span
the objective pays for. A label no cheaper in arcs, no shorter in ``D`` or ``E`` and holding for no
wider a range of departures than another of the same set, last visit and lunch cannot end a cheaper day
and is dropped; one that must cost more than a day known to exist (the construction's) is not extended.
A client with several windows is tried in each, for the departures that reach it after the window before
has closed (``T`` raised), as ``timing.start_in_windows`` takes them. The programme's least cost over
every departure is a lower bound on every order's (``objective.route_cost`` with the lunch in its best
gap), and where the order it ends on costs exactly that, the worker's day is proved. The canonical
timing leaves as late as it can without finishing later, which with a second window is not always the
departure of the shortest day: the order then costs more than the bound, and nothing is claimed. Visits
may be left out at their penalties.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from lean_social.routing.instance import RoutingInstance
from lean_social.routing.objective import route_cost
from lean_social.routing.timing import place_breaks

__all__ = ["MAX_VISITS", "proved_day"]

#: Most visits a worker's day is tried for: sets of more visits than this are too many to count even
#: where windows cut most of them (the labels are bounded by a count all the same, ``spend``).
MAX_VISITS = 16

# A label: (arc cost, D, E, the earliest and the latest departure it holds for, the label it extends,
# the visit it ends at). Tuples, not objects: a day makes up to a few hundred thousand of them.
_Label = tuple[int, int, int, int, int, "_Label | None", int]


def proved_day(
    instance: RoutingInstance,
    vehicle: int,
    visits: Sequence[int],
    spend: Callable[[int], None],
    ceiling: int | None = None,
) -> tuple[tuple[int, ...], tuple[int, ...], int] | None:
    """(visits in order, lunch gaps, route cost by ``objective.route_cost``) of the cheapest day of
    ``vehicle`` among ``visits`` (those left out paying their penalties), which no other choice and order
    of them can beat; ``((), (), 0)`` where leaving them all out is cheapest. None where the programme
    cannot prove it: more than ``MAX_VISITS`` visits, more than one break, or the order it ends on costs
    more than its bound. ``spend`` is told each extension of a label (the caller's allowance, which may
    stop the programme by raising); ``ceiling`` is the cost of a day of these visits known to exist
    (route and penalties: the construction's), which no label that must cost more is extended past."""
    spec = instance.vehicles[vehicle]
    if len(visits) > MAX_VISITS or len(spec.breaks) > 1:
        return None
    bound, last = _programme(instance, vehicle, visits, spend, ceiling)
    if last is None:
        return ((), (), 0)
    order = tuple(visits[k] for k in _order(last))
    gaps = place_breaks(instance, vehicle, order) if spec.breaks else ()
    if gaps is None:
        return None
    feasible, cost = route_cost(instance, vehicle, order, gaps)
    left_out = sum(instance.jobs[j].penalty for j in visits if j not in order)
    if not feasible or cost + left_out > bound:
        return None
    return order, gaps, cost


def _order(label: _Label) -> tuple[int, ...]:
    """The visits (indices into the programme's ``visits``) of the route ``label`` ends."""
    jobs: list[int] = []
    at: _Label | None = label
    while at is not None:
        jobs.append(at[6])
        at = at[5]
    return tuple(reversed(jobs))


def _programme(
    instance: RoutingInstance, vehicle: int, visits: Sequence[int], spend: Callable[[int], None], ceiling: int | None
) -> tuple[int, _Label | None]:
    """The least cost of the worker's day over every set and order of ``visits`` and every gap of the
    lunch, penalties of the visits left out included (a lower bound: see the module docstring), and the
    label it ends on (None: leaving every visit out is cheapest). Labels hold indices into ``visits``."""
    return _Programme(instance, vehicle, visits, spend, ceiling).run()


class _Programme:
    """The labels of one worker's day, set by set (see the module docstring)."""

    def __init__(
        self,
        instance: RoutingInstance,
        vehicle: int,
        visits: Sequence[int],
        spend: Callable[[int], None],
        ceiling: int | None,
    ) -> None:
        spec = instance.vehicles[vehicle]
        jobs = instance.jobs
        self.n = n = len(visits)
        self.spend, self.ceiling = spend, ceiling
        travel, arc = instance.duration[spec.profile], instance.cost[spec.profile]
        places = [jobs[j].place for j in visits]
        self.duration = [[int(travel[a, b]) for b in places] for a in places]
        self.costs = [[int(arc[a, b]) for b in places] for a in places]
        self.out = [int(travel[spec.start_place, p]) for p in places]
        self.out_cost = [int(arc[spec.start_place, p]) for p in places]
        self.back = [int(travel[p, spec.end_place]) for p in places]
        self.back_cost = [int(arc[p, spec.end_place]) for p in places]
        self.service = [jobs[j].service for j in visits]
        self.windows = [jobs[j].windows for j in visits]
        self.penalty = [jobs[j].penalty for j in visits]
        self.demand = [jobs[j].demand for j in visits]
        self.capacity = spec.capacity if instance.has_loads else None
        self.longest = n if spec.max_jobs is None else min(n, spec.max_jobs)
        self.start, self.end, self.span_cost = spec.shift_start, spec.shift_end, spec.span_cost
        self.lunch = spec.breaks[0] if spec.breaks else None
        span = self.span_cost
        # The least a visit adds to any day that makes it (its cheapest way in from home or any visit, arc
        # and span cost, and the span cost of its service), and the least way home from any visit.
        ways_in = [
            [self.out_cost[k] + span * self.out[k]]
            + [self.costs[i][k] + span * self.duration[i][k] for i in range(n) if i != k]
            for k in range(n)
        ]
        self.reach = [min(ways_in[k]) + span * self.service[k] for k in range(n)]
        self.back_least = min(self.back_cost[k] + span * self.back[k] for k in range(n)) if n else 0
        # labels[(set, last visit, lunch taken)]: the labels no other of the key dominates
        self.labels: dict[tuple[int, int, bool], list[_Label]] = {}

    def run(self) -> tuple[int, _Label | None]:
        bound = sum(self.penalty)  # every visit left out
        best: _Label | None = None
        self.extend(0, None, False)
        for size in range(1, self.longest + 1):
            layer = [(key, kept) for key, kept in self.labels.items() if key[0].bit_count() == size]
            for (mask, _, lunch_taken), kept in layer:
                left_out = sum(self.penalty[k] for k in range(self.n) if not mask >> k & 1)
                for label in kept:
                    home = self.closing(label, lunch_taken)
                    if home is not None and label[0] + home + left_out < bound:
                        bound, best = label[0] + home + left_out, label
                    if size < self.longest:
                        self.extend(mask, label, lunch_taken)
            for key, _ in layer:
                del self.labels[key]
        return bound, best

    def add(self, key: tuple[int, int, bool], label: _Label) -> None:
        kept = self.labels.get(key)
        if kept is None:
            self.labels[key] = [label]
            return
        a, d, e, lo, hi = label[:5]
        for o in kept:
            if o[0] <= a and o[1] <= d and o[2] <= e and o[3] <= lo and o[4] >= hi:
                return
        kept[:] = [o for o in kept if not (a <= o[0] and d <= o[1] and e <= o[2] and lo <= o[3] and hi >= o[4])]
        kept.append(label)

    def hopeless(self, mask: int, a: int, d: int, e: int, last: int) -> bool:
        """Whether every day that goes on from a label must cost more than the ceiling: its arcs so far,
        the span cost of its time out so far, each visit still to make at its least (``reach``, or its
        penalty where that is less) or at its penalty where its windows close before the worker can be
        there (a lunch only delays it), and the least way home."""
        if self.ceiling is None:
            return False
        least = a + self.span_cost * d + self.back_least
        for k in range(self.n):
            if mask >> k & 1:
                continue
            if e + (self.out[k] if last < 0 else self.duration[last][k]) <= self.windows[k][-1][1]:
                least += min(self.reach[k], self.penalty[k])
            else:
                least += self.penalty[k]
        return least > self.ceiling

    def extend(self, mask: int, label: _Label | None, lunch_taken: bool) -> None:
        """Every visit not in ``mask`` after ``label`` (None: from home), straight or after the lunch, in
        each of its windows for the departures that reach it there and not in a window before (as
        ``timing.start_in_windows`` takes them): reached at ``max(arrive, t + busy)`` leaving at ``t``."""
        if label is None:
            a, d, e, lo, hi, last = 0, 0, self.start, self.start, self.end, -1
        else:
            a, d, e, lo, hi, _, last = label
        if self.hopeless(mask, a, d, e, last):
            return
        capacity, demand, lunch, add, end = self.capacity, self.demand, self.lunch, self.add, self.end
        load = sum(demand[i] for i in range(self.n) if mask >> i & 1) if capacity is not None else 0
        steps = 0
        for k in range(self.n):
            if mask >> k & 1 or (capacity is not None and load + demand[k] > capacity):
                continue
            tau = self.out[k] if last < 0 else self.duration[last][k]
            step = a + (self.out_cost[k] if last < 0 else self.costs[last][k])
            service, back = self.service[k], self.back[k]
            ways = [(e + tau, d + tau, hi, lunch_taken)]
            if lunch is not None and not lunch_taken and e <= lunch.latest:
                # the lunch in this gap: it starts when the last visit ends (or its window opens)
                arrive = max(e + tau, lunch.earliest) + lunch.duration
                ways.append((arrive, d + tau + lunch.duration, min(hi, lunch.latest - d), True))
            for arrive, busy, leave_by, taken in ways:
                closed = None  # when the window before closed
                for early, late in self.windows[k]:
                    steps += 1
                    if arrive <= late:
                        first = lo if closed is None or arrive > closed else max(lo, closed - busy + 1)
                        latest = min(leave_by, late - busy)
                        done = max(arrive, early, first + busy) + service
                        if first <= latest and done + back <= end:
                            add((mask | 1 << k, k, taken), (step, busy + service, done, first, latest, label, k))
                    closed = late
        self.spend(steps)

    def closing(self, label: _Label, lunch_taken: bool) -> int | None:
        """The least the way home and the day's span add to ``label``'s arcs (None: it cannot get home)."""
        _, d, e, lo, hi, _, k = label
        tau, end, lunch = self.back[k], self.end, self.lunch
        ways: list[tuple[int, int, int]] = []  # (earliest back, D with the way home, latest departure)
        if lunch is None or lunch_taken:
            ways.append((e + tau, d + tau, min(hi, end - d - tau)))
        else:
            if e + tau <= min(lunch.latest, end - lunch.duration) and lunch.earliest + lunch.duration <= end:
                # back in time for the lunch at the office, which is not on the road
                ways.append(
                    (e + tau, d + tau, min(hi, lunch.latest - d - tau, end - lunch.duration - d - tau))
                )  # fmt: skip
            if e <= lunch.latest:  # the lunch on the way home
                busy = d + tau + lunch.duration
                back_at = max(e + tau, lunch.earliest) + lunch.duration
                ways.append((back_at, busy, min(hi, lunch.latest - d, end - busy)))
        spans = [max(busy, at - leave) for at, busy, leave in ways if leave >= lo and at <= end]
        return self.back_cost[k] + self.span_cost * min(spans) if spans else None

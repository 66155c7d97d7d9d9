"""The optimum of a small day: every route each worker could walk, then the cheapest set of them.

Why: on a day of a few visits the searches have almost nothing to search and can still miss the best
plan. A reproducible run polishes in laps counted in OR-Tools solutions (``engine.ORTOOLS_SOLUTION_WORK``
units each), and below about seven visits every lap's polish is one solution, its start: the demo's
Saturday of one worker and four visits (``demo:D2-sat``) came back at 17700 where 15240 exists, at 25
and at 100 units a visit. A floor of two solutions is no way out: OR-Tools' guided local search with a
solution limit and no clock never stops where no second solution exists (``demo:D1-sat``, one visit).

On such a day every order of every set of visits a worker may make is listed, each kept only if it
keeps the windows, the visit limit, the load and the lunch (in its best gap, ``timing.place_breaks``);
the cheapest order of each set is a column, and set partitioning (``recombine.partition``) picks the
cheapest plan. The plan is the optimum of ``objective.evaluate`` once SCIP proves its choice, whatever
the budget, so more work cannot make it worse. The listing stops on a count (``MAX_ORDERS``), the same
on any machine: a day with more orders than that is left to the searches.

A worker whose visits are all theirs alone (the week planner ties each client to their worker) has a
day of their own, whatever the others do, and it is proved without listing: from ``TOUR_FROM_VISITS``
visits first by the bound of the cheapest tour through them (``tour.proved_day``: clients at home all
day, nothing waits), then by the programme over sets of their visits (``worker_day.proved_day``: clients
at home at set hours, the worker waiting between them, up to sixteen visits). Either gives that worker's
one column. A day with too many orders to list or labels to extend is left to the searches.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from lean_social.routing import worker_day
from lean_social.routing.instance import RoutingInstance, RoutingSolution
from lean_social.routing.objective import may_take, route_cost
from lean_social.routing.recombine import Column, partition, plan_of, worker_classes
from lean_social.routing.timing import first_break_gap, place_breaks, start_in_windows
from lean_social.routing.tour import proved_day

__all__ = ["EXACT", "MAX_ORDERS", "Day", "Proof", "optimum", "prove"]

#: Status of a plan proved the cheapest (the engine then names its search "exact").
EXACT = "EXACT"

#: Most orders of visits the listing looks at for one class of workers, and for a whole day, before it
#: gives up: every order of up to seven visits a worker may make (13,699) fits, and with windows far more
#: visits do. Listing takes 5-12 microseconds an order (one 2-core machine), so a day that does not fit
#: (a Solomon day: one class of trucks for 100 customers) costs at most about 0.2 s of its budget; the
#: generated department of 200 visits and 46 workers lists 16,381 orders in all.
MAX_ORDERS = 20_000
MAX_DAY_ORDERS = 200_000
#: Most timings of a route with its lunch in a gap (``timing.place_breaks`` times each gap of an order)
#: a day may take: the demo's days take about 55, the generated department of 200 visits 249; one takes
#: about 0.5 ms (it looks for the latest start that ends no later), so the bound is about 2 s.
MAX_TIMINGS = 4_000
#: Most steps of the tours (``tour.proved_day``) a day may take: a worker of eleven visits and a lunch
#: takes two tours of 247,808 (about 0.16 s), so this is four such workers, well under a second.
MAX_TOUR_STEPS = 2_000_000
#: Most extensions of a label the programme over one worker's own visits (``worker_day.proved_day``) may
#: make, and all of a day's workers together: each takes 4-8 microseconds (one 2-core machine), so a
#: worker that does not fit costs at most about a fifth of a second and a day about half a second. The
#: demo's days take up to 6,000 in all, the generated department of 200 visits 29,000, a worker of 13
#: visits in a morning and an afternoon about 9,000, one of 10 at home all day (where the tour's bound
#: proves nothing) 47,000.
MAX_LABEL_STEPS = 30_000
MAX_DAY_LABEL_STEPS = 100_000
#: From this many visits of a worker's own, their day is first tried by the tour's bound
#: (``tour.proved_day``), which needs no listing: every order of seven visits (13,699) is still listed.
TOUR_FROM_VISITS = 8


class _OverAllowanceError(Exception):
    """The day has more orders or timings than its ``_Allowance``."""


class _Allowance:
    """What the listing and the timing of one day may still spend (``MAX_ORDERS`` and the rest): counts,
    not the clock, so that a day is solved exactly or not the same way on any machine."""

    __slots__ = ("class_orders", "day_label_steps", "day_orders", "label_steps", "timings", "tour_steps")

    def __init__(self) -> None:
        self.day_orders = MAX_DAY_ORDERS
        self.class_orders = MAX_ORDERS
        self.timings = MAX_TIMINGS
        self.tour_steps = MAX_TOUR_STEPS
        self.label_steps = MAX_LABEL_STEPS
        self.day_label_steps = MAX_DAY_LABEL_STEPS

    def order(self) -> None:
        self.day_orders -= 1
        self.class_orders -= 1
        if self.day_orders < 0 or self.class_orders < 0:
            raise _OverAllowanceError

    def timing(self, gaps: int) -> None:
        self.timings -= gaps
        if self.timings < 0:
            raise _OverAllowanceError

    def label(self, steps: int) -> None:
        self.label_steps -= steps
        self.day_label_steps -= steps
        if self.label_steps < 0 or self.day_label_steps < 0:
            raise _OverAllowanceError

    def tour(self, steps: int) -> None:
        self.tour_steps -= steps
        if self.tour_steps < 0:
            raise _OverAllowanceError


#: A worker's day of their own, proved: (visits in order, lunch gaps, route cost).
Day = tuple[tuple[int, ...], tuple[int, ...], int]


@dataclass(frozen=True, slots=True)
class Proof:
    """What could be proved of a day: the whole plan (``None`` where not), and the days of the workers
    whose visits are all theirs alone, each proved at its optimum whatever the rest of the plan."""

    plan: RoutingSolution | None
    apart: dict[int, Day]


def optimum(instance: RoutingInstance, hint: RoutingSolution) -> RoutingSolution | None:
    """The cheapest plan of the day, proved so (``prove``), or None."""
    return prove(instance, hint).plan


def prove(instance: RoutingInstance, hint: RoutingSolution) -> Proof:
    """The cheapest plan of the day by ``objective.evaluate``, proved so, with the status ``EXACT`` (None
    where listing or timing its routes would take more than its allowance, ``MAX_ORDERS`` and the rest, a
    worker has more than one break, or SCIP stops short of the proof); and the days of the workers whose
    days are their own that could be proved (``_own_day``), whether the whole plan was or not. ``hint`` is
    a feasible plan of the day (the construction's)."""
    if not instance.jobs or not instance.vehicles or any(len(v.breaks) > 1 for v in instance.vehicles):
        return Proof(None, {})
    allowance = _Allowance()
    apart: dict[int, Day] = {}
    for vehicle in range(len(instance.vehicles)):
        own = _own_visits(instance, vehicle)
        if own is None:
            continue
        allowance.label_steps = MAX_LABEL_STEPS
        try:
            day = _own_day(instance, vehicle, own, hint, allowance)
        except _OverAllowanceError:
            if allowance.day_label_steps < 0:
                return Proof(None, apart)
            continue
        if day is not None:
            apart[vehicle] = day
    classes = worker_classes(instance)
    columns: list[Column] = []
    try:
        for c, members in enumerate(classes):
            if members[0] in apart:  # a class of one: a worker with visits of their own
                jobs, gaps, cost = apart[members[0]]
                columns += [Column(c, jobs, gaps, cost)] if jobs else []
                continue
            allowance.class_orders = MAX_ORDERS
            cheapest = _cheapest_orders(instance, members, allowance)
            columns += [Column(c, jobs, gaps, cost) for jobs, gaps, cost in cheapest]
    except _OverAllowanceError:
        return Proof(None, apart)
    chosen = partition(instance, classes, columns, hint)
    if chosen is None or not chosen[1]:
        return Proof(None, apart)
    return Proof(replace(plan_of(instance, classes, chosen[0]), status=EXACT), apart)


def _cheapest_orders(
    instance: RoutingInstance, members: tuple[int, ...], allowance: _Allowance
) -> list[tuple[tuple[int, ...], tuple[int, ...], int]]:
    """(visits, lunch gaps, cost) of the cheapest feasible order of each set of visits the workers of one
    class (``members``) can make, by ``objective.route_cost`` with the lunch in its best gap, but for the
    sets no optimum needs.

    A set is not needed where a larger one costs no more than it plus the penalties of the visits only
    the larger one makes, those visits being this worker's alone (the worker alone in the class): a plan
    with the smaller set leaves those visits out, and the larger set in its place is no dearer. With
    every visit of a department-day tied to its worker and each worth far more than any route, that
    leaves about one set a worker to time (the demo's days: from seconds to a fraction of one)."""
    vehicle = members[0]
    alone = frozenset({vehicle})
    own = [j for j, job in enumerate(instance.jobs) if len(members) == 1 and job.allowed == alone]
    by_set: dict[frozenset[int], list[tuple[int, tuple[int, ...]]]] = {}
    for bound, jobs in _orders(instance, vehicle, allowance):
        by_set.setdefault(frozenset(jobs), []).append((bound, jobs))
    # value[S]: the least, over the sets T of S and more of this worker's own visits found so far, of T's
    # cost less the penalties of T's visits beyond S; S is not needed where it is no more than S's bound.
    value: dict[frozenset[int], int] = {}
    cheapest = []
    for visits in sorted(by_set, key=len, reverse=True):
        orders = sorted(by_set[visits])  # cheapest bound first
        above = [value[larger] - instance.jobs[j].penalty for j in own if (larger := visits | {j}) in value]
        dominated = min(above, default=None)
        if dominated is not None and dominated <= orders[0][0]:
            value[visits] = dominated
            continue
        best = _cheapest_order(instance, vehicle, orders, allowance)
        if best is not None:
            cheapest.append((best[1], best[2], best[0]))
        costs = [c for c in (dominated, None if best is None else best[0]) if c is not None]
        if costs:
            value[visits] = min(costs)
    return sorted(cheapest)


def _own_visits(instance: RoutingInstance, vehicle: int) -> list[int] | None:
    """The visits of ``vehicle`` where each visit it may make is tied to it alone (None where not, or
    where it may make none)."""
    mine = _may_make(instance, vehicle)
    alone = frozenset({vehicle})
    return mine if mine and all(instance.jobs[j].allowed == alone for j in mine) else None


def _own_day(
    instance: RoutingInstance, vehicle: int, own: list[int], hint: RoutingSolution, allowance: _Allowance
) -> Day | None:
    """(visits in order, lunch gaps, route cost) of the cheapest day of a worker whose visits are ``own``
    alone, over every choice of them (those left out at their penalties), where it is proved: first by
    the tour's bound (``tour.proved_day``, from ``TOUR_FROM_VISITS`` visits: where it serves them all for
    less than leaving out any one, no smaller set is needed), then by the programme over sets of them
    (``worker_day.proved_day``, bounded by the construction's day of them). None where neither proves it."""
    if len(own) >= TOUR_FROM_VISITS:
        day = proved_day(instance, vehicle, own, allowance.tour)
        if day is not None and day[2] <= min(instance.jobs[j].penalty for j in own):
            return day
    route = hint.routes[vehicle]
    ok, cost = route_cost(instance, vehicle, route, hint.break_after[vehicle])
    ceiling = cost + sum(instance.jobs[j].penalty for j in own if j not in route) if ok else None
    return worker_day.proved_day(instance, vehicle, own, allowance.label, ceiling)


def _cheapest_order(
    instance: RoutingInstance, vehicle: int, orders: list[tuple[int, tuple[int, ...]]], allowance: _Allowance
) -> tuple[int, tuple[int, ...], tuple[int, ...]] | None:
    """(cost, visits, lunch gaps) of the cheapest feasible of ``orders`` (one set's, cheapest bound first,
    ``_orders``); once the bound reaches the cheapest order timed, no later order can be cheaper."""
    best: tuple[int, tuple[int, ...], tuple[int, ...]] | None = None
    breaks = instance.vehicles[vehicle].breaks
    for bound, jobs in orders:
        if best is not None and bound >= best[0]:
            break
        allowance.timing(len(jobs) + 1 if breaks else 1)
        if breaks and first_break_gap(instance, vehicle, jobs) is None:
            continue  # the lunch fits no gap (one quick pass; the best gap takes a timing of every gap)
        gaps = place_breaks(instance, vehicle, jobs) if breaks else ()
        if gaps is None:
            continue
        ok, cost = route_cost(instance, vehicle, jobs, gaps)
        if ok and (best is None or cost < best[0]):
            best = (cost, jobs, gaps)
    return best


def _orders(instance: RoutingInstance, vehicle: int, allowance: _Allowance) -> list[tuple[int, tuple[int, ...]]]:
    """(bound, visits) of every order of visits ``vehicle`` may make that keeps every window when it leaves
    at the start of its shift with no lunch: a lunch only delays what follows it and leaving later starts
    nothing earlier, so an order that misses a window so, or is still out at the shift's end, misses with
    any extension too. Each order looked at is counted against the ``allowance``.

    The bound is the order's arc cost plus the span cost of the least time it can be out: at least its
    travel and service, and its lunch too where it cannot be back before the lunch must start (the lunch
    is then on the road, and the day pays for it); and at least from the latest it may leave (in time for
    its first visit's last window) to the earliest it can be back (leaving at the shift's start, no
    lunch). With the lunch on the road the bound of the demo's worker-days came to their cost."""
    spec = instance.vehicles[vehicle]
    travel, cost = instance.duration[spec.profile], instance.cost[spec.profile]
    jobs = instance.jobs
    mine = _may_make(instance, vehicle)
    longest = len(mine) if spec.max_jobs is None else min(len(mine), spec.max_jobs)
    capacity = spec.capacity if instance.has_loads and all(job.demand >= 0 for job in jobs) else None
    # A lunch is out of the day paid for only when the worker is back before it must start.
    lunch = spec.breaks[0].duration if len(spec.breaks) == 1 else 0
    found: list[tuple[int, tuple[int, ...]]] = []
    route: list[int] = []
    taken = [False] * len(jobs)

    def extend(place: int, clock: int, arcs: int, busy: int, load: int) -> None:
        if len(route) == longest:
            return
        for j in mine:
            if taken[j]:
                continue
            allowance.order()
            job = jobs[j]
            arrival = clock + int(travel[place, job.place])
            start = start_in_windows(arrival, job.windows)
            if start is None or start + job.service > spec.shift_end:
                continue
            if capacity is not None and load + job.demand > capacity:
                continue
            to_here = arcs + int(cost[place, job.place])
            working = busy + int(travel[place, job.place]) + job.service
            back = int(travel[job.place, spec.end_place])
            route.append(j)
            taken[j] = True
            first = jobs[route[0]]
            latest_leave = first.windows[-1][1] - int(travel[spec.start_place, first.place])
            back_by = start + job.service + back  # the earliest it can be back
            on_road = lunch if lunch and back_by > spec.breaks[0].latest else 0
            out = max(working + back + on_road, back_by - max(spec.shift_start, latest_leave))
            found.append((to_here + int(cost[job.place, spec.end_place]) + spec.span_cost * out, tuple(route)))
            extend(job.place, start + job.service, to_here, working, load + job.demand)
            route.pop()
            taken[j] = False

    extend(spec.start_place, spec.shift_start, 0, 0, 0)
    return found


def _may_make(instance: RoutingInstance, vehicle: int) -> list[int]:
    """The visits ``vehicle`` may make (any worker's, or those it is among the allowed workers of)."""
    return [j for j in range(len(instance.jobs)) if may_take(instance, vehicle, j)]

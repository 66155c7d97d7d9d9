"""A lone worker's day too long to list, proved at its optimum by the tour that bounds it from below.

Why: ``exact`` lists every order of a worker's visits, which stops at about seven visits when the
clients are at home all day (eight visits have 109,600 orders), while the demo lets a worker make up to
eight a day. Such a day is often easy all the same: where nothing waits, a route costs its arcs plus its
span cost times its travel, its services and, where the worker cannot be back before the lunch must
start, its lunch. The cheapest tour through all the visits by arc cost plus span cost times travel
(Held and Karp's programme over sets of visits: exact, and 2^n n^2 steps) is then a lower bound on every
order's cost; where that tour's own order keeps every rule (windows, the lunch in its best gap, the
visit limit, the load) and costs no more than the bound, no order is cheaper, and the worker's day is
proved. Where it waits, or misses a window, nothing is claimed and the day is left to the searches.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from lean_social.routing.instance import RoutingInstance
from lean_social.routing.objective import route_cost
from lean_social.routing.timing import place_breaks

__all__ = ["MAX_VISITS", "bound", "proved_day"]

#: Most visits a tour is run for: 2^11 * 11^2 = 247,808 steps, about 0.08 s in Python (a worker with a
#: lunch takes a second tour, of the walk alone).
MAX_VISITS = 11


def proved_day(
    instance: RoutingInstance, vehicle: int, visits: Sequence[int], spend: Callable[[int], None]
) -> tuple[tuple[int, ...], tuple[int, ...], int] | None:
    """(visits in order, lunch gaps, cost by ``objective.route_cost``) of the cheapest route of
    ``vehicle`` through every one of ``visits``, where the tour's bound proves it (``bound``); None where
    it does not (or the visits are more than ``MAX_VISITS``, or the worker has more than one break).
    ``spend`` is told the steps each tour takes (the caller's allowance)."""
    spec = instance.vehicles[vehicle]
    if not visits or len(visits) > MAX_VISITS or len(spec.breaks) > 1:
        return None
    order, least = bound(instance, vehicle, visits, spend)
    gaps = place_breaks(instance, vehicle, order) if spec.breaks else ()
    if gaps is None:
        return None
    feasible, cost = route_cost(instance, vehicle, order, gaps)
    return (order, gaps, cost) if feasible and cost <= least else None


def bound(
    instance: RoutingInstance, vehicle: int, visits: Sequence[int], spend: Callable[[int], None]
) -> tuple[tuple[int, ...], int]:
    """The tour's order of ``visits`` and a cost no order of them can go below: the tour's arc cost plus
    span cost times travel, plus the span cost of the services, and of the lunch where even the shortest
    walk through the visits, with no waiting, brings the worker back after the lunch must start (each
    order then takes it on the road)."""
    spec = instance.vehicles[vehicle]
    travel = instance.duration[spec.profile]
    weight = instance.cost[spec.profile] + spec.span_cost * travel
    places = [instance.jobs[j].place for j in visits]
    services = sum(instance.jobs[j].service for j in visits)
    spend(len(visits) ** 2 << len(visits))
    order, arcs = _tour(weight, spec.start_place, places, spec.end_place)
    least = arcs + spec.span_cost * services
    if len(spec.breaks) == 1 and spec.span_cost:
        spend(len(visits) ** 2 << len(visits))
        _, walk = _tour(travel, spec.start_place, places, spec.end_place)
        if spec.shift_start + walk + services > spec.breaks[0].latest:
            least += spec.span_cost * spec.breaks[0].duration
    return tuple(visits[i] for i in order), least


def _tour(weight: npt.NDArray[np.int64], start: int, places: Sequence[int], end: int) -> tuple[tuple[int, ...], int]:
    """The cheapest path from ``start`` through every one of ``places`` to ``end`` by ``weight`` (Held
    and Karp): the order (indices into ``places``) and its weight; the first of equal ones in a fixed
    order of the sets, so the same input gives the same order."""
    n = len(places)
    w = [[int(weight[a, b]) for b in places] for a in places]
    first = [int(weight[start, p]) for p in places]
    last = [int(weight[p, end]) for p in places]
    inf = float("inf")
    best: list[list[float]] = [[inf] * n for _ in range(1 << n)]
    came: list[list[int]] = [[-1] * n for _ in range(1 << n)]
    for j in range(n):
        best[1 << j][j] = first[j]
    for mask in range(1, 1 << n):
        row = best[mask]
        for j in range(n):
            here = row[j]
            if here == inf:
                continue
            wj = w[j]
            for k in range(n):
                if mask >> k & 1:
                    continue
                step = here + wj[k]
                nxt = mask | 1 << k
                if step < best[nxt][k]:
                    best[nxt][k] = step
                    came[nxt][k] = j
    full = (1 << n) - 1
    end_at = min(range(n), key=lambda j: best[full][j] + last[j])
    total = int(best[full][end_at] + last[end_at])
    order = [end_at]
    mask = full
    while (previous := came[mask][order[-1]]) != -1:
        mask ^= 1 << order[-1]
        order.append(previous)
    return tuple(reversed(order)), total

"""Travel a worker is expected to spend per visit before any route is planned: the estimate staffing
and caseloads are built on, in place of a flat allowance, from where the clients live, how often they
are visited and how the worker travels (any ``TravelModel``, so a street graph serves as well).

The estimator decomposes a worker's day of ``m`` visits into ``m - 1`` legs between clients and the two
legs from the start and back (route decomposition):

    travel per visit = ((m - 1) * inner + 2 * out) / m

- ``out`` is a leg from a worker's start to a client (there and back, halved); each worker's start
  makes an equal share of the visits, nearest first, so one worker setting out from home does not
  serve every client around it;
- ``inner`` is the expected way from a client to the nearest other client visited the same day. Each
  other client j is visited on a given day with probability ``p_j = visits_j / days`` (at most 1); the
  nearest one visited is the k-th nearest with probability ``p_k * prod(1 - p_i, i < k)``, which gives
  the expectation exactly, taken given that any other is visited that day at all (else the visit's
  only legs are ``out``).

It takes the department as worked in compact territories, each worker's clients near each other (what
``lean-social lists`` proposes): the nearest client visited that day is then the worker's own. Measured
against planned weeks (2026-12-07, ``plan_week(work_per_visit=10)``, lists as given) it runs short:
Volgodonsk 7.1 / 7.8 / 8.3 minutes a visit by department against 10.4 / 11.6 / 11.4 planned (with
redrawn lists the plans reach 9.0, docs/benchmarks.md), Zimovniki 22.6 / 36.5 against 27.9 / 39.9. What
it leaves out lengthens real routes: stops at shops and pharmacies on the way, the clients' hours, lists
that are not compact. So it is a floor to plan staff from, better than a flat allowance that is the
same in a town and a rural district, not a route.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lean_social.domain.model import Location, TravelMode
from lean_social.travel.base import TravelModel

__all__ = ["TravelEstimate", "expected_travel"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TravelEstimate:
    """Minutes: ``inner`` a leg between clients, ``out`` a leg from or to the start, ``per_visit`` the
    day's travel shared over its visits; ``visits_per_day`` the ``m`` it was shared over."""

    inner_min: float
    out_min: float
    visits_per_day: float

    @property
    def per_visit_min(self) -> float:
        m = self.visits_per_day
        return ((m - 1) * self.inner_min + 2 * self.out_min) / m


def expected_travel(
    model: TravelModel,
    mode: TravelMode,
    *,
    starts: Sequence[Location],
    places: Sequence[Location],
    visits_per_week: Sequence[float],
    days: int,
    visits_per_day: float,
) -> TravelEstimate:
    """The expected travel of a worker travelling by ``mode`` among clients at ``places``, each visited
    ``visits_per_week[i]`` times in a week of ``days`` working days, the workers setting out from
    ``starts`` (one per worker, repeats allowed), making ``visits_per_day`` visits a day (at least 1).

    Means over clients are weighted by their visits: a client seen three times a week is three legs."""
    if len(places) != len(visits_per_week):
        msg = f"{len(places)} places but {len(visits_per_week)} visit counts"
        raise ValueError(msg)
    if days < 1:
        msg = f"a week needs at least one working day, got {days}"
        raise ValueError(msg)
    weights = np.asarray(visits_per_week, dtype=np.float64)
    if not places or not starts or weights.sum() <= 0:
        return TravelEstimate(inner_min=0.0, out_min=0.0, visits_per_day=max(1.0, visits_per_day))
    n_starts = len(starts)
    minutes = model.matrices([*starts, *places], mode).duration_s.astype(np.float64) / 60.0
    out = _shared_out(((minutes[:n_starts, n_starts:] + minutes[n_starts:, :n_starts].T) / 2), weights)
    inner = _nearest_same_day(minutes[n_starts:, n_starts:], np.minimum(1.0, weights / days))
    return TravelEstimate(
        inner_min=float(np.average(inner, weights=weights)),
        out_min=float(np.average(out, weights=weights)),
        visits_per_day=max(1.0, visits_per_day),
    )


def _shared_out(legs: npt.NDArray[np.float64], visits: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Per client, the leg from its start: each start (a row of ``legs``, one per worker) makes an equal
    share of the visits, taken nearest first over all starts (a greedy transport), so that one worker
    who sets out from home is not taken to serve every client around it."""
    n_starts, n = legs.shape
    share = np.full(n_starts, visits.sum() / n_starts)
    left = visits.copy()
    total = np.zeros(n)
    for flat in np.argsort(legs, axis=None, kind="stable"):
        s, i = divmod(int(flat), n)
        take = min(left[i], share[s])
        if take > 0:
            total[i] += take * legs[s, i]
            left[i] -= take
            share[s] -= take
    out: npt.NDArray[np.float64] = np.divide(total, visits, out=np.zeros(n), where=visits > 0)
    return out


def _nearest_same_day(minutes: npt.NDArray[np.float64], p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Per client, the expected minutes to the nearest other client visited the same day, given that
    one is (0 where no other ever is)."""
    n = len(p)
    out: npt.NDArray[np.float64] = np.zeros(n)
    for i in range(n):
        others = np.delete(np.arange(n), i)
        order = others[np.argsort(minutes[i, others], kind="stable")]
        chance = p[order]
        none_nearer = np.concatenate(([1.0], np.cumprod(1.0 - chance)[:-1]))
        first = chance * none_nearer  # the k-th nearest is the nearest visited that day
        any_visited = first.sum()
        if any_visited > 0:
            out[i] = float((first * minutes[i, order]).sum() / any_visited)
    return out

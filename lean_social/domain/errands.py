"""Errands on the way: a visit whose services include an errand (``Service.errand``: shop, pharmacy,
post) passes by a place of that kind (``Problem.places``) before the client. The rules are stated here
once, for the planner (``planning.compile``) and the validator alike.

Stop times per kind, the time at the place itself (the walk there and on is travel):

* shop 15 min: picking a basket of groceries for one client (a list of 5-10 items, DOMAIN.md) and the
  queue at a till of a small supermarket;
* pharmacy 10 min: one counter, prescriptions prepared by the client's doctor, usually a short queue;
* post 15 min: bills and pensions at the post office, whose queues are the longest of the three.

An errand is routed only when the data has at least one place of its kind: without one, nothing says
where it would be run, and the visit is planned as before (``unplaced_errands`` names those kinds so a
run can say so).
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType
from typing import Final

from lean_social.domain.model import ERRANDS, Errand, ErrandPlace, Problem

__all__ = ["CANDIDATES", "ERRAND_STOP_S", "errands_of", "places_of", "unplaced_errands"]

#: Seconds at the place, per kind (the reasons are in the module's docstring).
ERRAND_STOP_S: Final = MappingProxyType({"shop": 15 * 60, "pharmacy": 10 * 60, "post": 15 * 60})

#: Places of each kind tried per errand visit: the nearest to the client by the travel model. The one
#: that adds least travel from the worker's previous place is nearly always among the few nearest the
#: client (the detour ends there), and four keep the arcs' table small (a visit with two errands tries
#: 2 x 4 x 4 ways).
CANDIDATES: Final = 4


def places_of(problem: Problem, kind: Errand) -> tuple[ErrandPlace, ...]:
    return tuple(p for p in problem.places if p.kind == kind)


def errands_of(problem: Problem, services: Iterable[str]) -> tuple[Errand, ...]:
    """The errands a visit of ``services`` runs on its way, in ``ERRANDS`` order, each once: the kinds its
    services ask for that the data has a place of."""
    wanted = {problem.service(code).errand for code in services}
    kinds = {p.kind for p in problem.places}
    return tuple(k for k in ERRANDS if k in wanted and k in kinds)


def unplaced_errands(problem: Problem) -> tuple[Errand, ...]:
    """Kinds of errand some service asks for but the data has no place of: run as before, off the route."""
    wanted = {s.errand for s in problem.services if s.errand is not None}
    kinds = {p.kind for p in problem.places}
    return tuple(k for k in ERRANDS if k in wanted and k not in kinds)

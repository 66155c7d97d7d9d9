"""The routing engine every planner calls: a complete plan first, then a small portfolio of searches.

1. **Construction** (``construct``): insertion under the full model, deterministic and independent of any
   budget. Coverage is decided here; no search can lose a job it served, because a candidate is only
   taken when it costs less, and a dropped job costs far more than any route.
2. **The optimum of a small day** (``exact``): where every route each worker could walk can be listed
   within a count (a department-day whose visits are each tied to a worker, a Saturday of four visits),
   the cheapest set of them is the plan, proved so, and nothing is searched. On the benchmark's demo and
   generated days (18 and 3) that took 0.01-0.45 s and found each day's best plan known from every
   configuration at 20 times the budget, which the engine missed at 25 units of work a visit on 6 days
   (``demo:D2-sat`` 16 % above it) and at 5 s on ``gen:200``; a day that does not fit (a Solomon day)
   costs it about 0.03 s. A worker whose visits are all theirs alone has a day of their own: proved by
   the bound of the cheapest tour through them where nothing waits (``tour``), or by the programme over
   sets of their visits where they wait between clients at home at set hours (``worker_day``, up to
   sixteen visits). Where the day is not proved whole, the workers whose own days are keep them and the
   rest of the department is searched as a day of its own (``_with_days_apart``).
3. **Search**, on both cores. PyVRP's model is the whole model (``pyvrp_engine``: a lunch and several
   windows are rewritten into copies of the visits, so its feasible routes are feasible here) unless a
   worker has more than one break. Which searches run follows the real-days benchmark
   (``benchmarks/real_days.py``, docs/benchmarks.md): on plain VRPTW (Solomon) two PyVRP searches from
   PyVRP's own start with different seeds; on real days whose visits may move between workers, two
   PyVRP searches with the breaks lifted (different seeds), whose plans are repaired to keep them (each
   route first given to a worker whose lunch it has room for, where workers' lunches differ; each
   lunch in its best gap; a route with none losing visits from its end, taking the same visits in an
   order where it fits, or losing the one or two visits that make room, the cheapest kept; visits left
   out put back in the cheapest gap that fits, ``_repaired``). With a lunch lifted the search is PyVRP's
   plain VRPTW, and where the days have room for a lunch (waiting, a route that ends early) the repair
   costs nothing, but on a day packed to the shift's end (Solomon's C1 and C2), or with tight windows
   (R1, RC1), it moves visits or makes routes longer, by an amount that varies far more between the
   plans than their costs do: each search repairs several (``FITTEST``) and polishes the cheapest first.
   PyVRP keeps a lunch exactly too (``pyvrp_engine``), but moves it only through a plan that breaks a
   rule, so with it kept exactly the search is stuck where the construction or its first plan put it:
   beside the lifted one its plan stood in 11 of 168 runs on the 56 Solomon days with a lunch (5 s, 3
   seeds, one 2-core machine, docs/benchmarks.md), and a second lifted search in its place took the
   mean gap to the 100 s reference runs from 1.87 % to 0.97 % (1.01 % run again), every family better
   (R1 3.12 % to 1.99 %, RC1 3.34 % to 1.95 %, C2 1.11 % to 0.14 %). On one core (a nightly job's
   process given a core of its own, a one-core machine) the lifted search runs alone: so alone, on
   those days (seed 0), it stood 1.48 % above the references and the exact one 6.89 %, the lifted one
   worse on 2 days of 56. Where most visits are pinned to their worker (continuity of care: each
   worker's day is then a route of its own), or PyVRP's model is relaxed, PyVRP from its own start
   beside OR-Tools' guided local search from the construction.
4. **Polish**: OR-Tools under the full model, from plans each PyVRP search held on its way, in the same
   process. On plain VRPTW a tenth of the time polishes the search's last plan; on real days half of it
   (at most ``POLISH_S``) polishes up to ``POLISHES`` of the plans it held at ``CHECKPOINTS`` points: on
   the benchmark's days with a lunch the polish won nearly always, and from which plan it ends best is
   close to chance. On the clock the first of them is a recombination (below) of the search's last plan
   with the plans it met near its best (``pyvrp_engine.MET``): each iteration of PyVRP's search ends in
   a local optimum and its late acceptance wanders among hundreds of them, each with routes the best
   lacks. On the Solomon days with a lunch (5 s, 3 seeds, one 2-core machine, docs/benchmarks.md) that
   took the mean gap to the best plan known from 2.16 % to 1.25 % (63ef71e), and the met plans' routes
   offered to the final recombination too to 1.06 %; more of them (500 within 5 %) and a longer share
   gave 1.26 %. With the lunch lifted most routes met on a day of tight windows have no room for it;
   the routes of the latest ``WITH_ROOM_PLANS`` plans are offered one visit off
   (``construct.routes_with_room``), with up to ``LANE_RECOMBINE_SHARE`` of the time left. The
   polishes are taken in turn, each to ``POLISH_SOLUTIONS`` solutions, a plan searched with the lunch
   lifted repaired when its turn comes (``_polish_each``), so that a slow machine
   polishes fewer plans further: on one about twice as slow the 5 s plans went from 5.25 % above one
   run of the engine at 100 s (20 times the budget) to 2.00 % at 50 solutions and 1.76 % at 100
   (docs/benchmarks.md). Reproducible runs (on a count) polish as before: SCIP with no clock took up to
   9 s on such a pool.
5. **Recombination** (``recombine``), on real days: every plan the searches handed over on their way (the
   repaired checkpoints, each polish, every solution OR-Tools improved on while polishing, the plans
   PyVRP met near its best, the construction) is a set of routes, each checked for its worker, and the
   cheapest set of them that serves each visit once is found by set partitioning. Each search ends in a
   local optimum that depends on where it started, with some routes better than the other's: on the 56
   Solomon days with a lunch (5 s, 3 seeds, docs/benchmarks.md) the recombined plan stood in 103 runs of
   168 and the mean gap to the best plan known then went from 2.23 % to 1.31 % (C1 4.19 % to 1.29 %, RC1
   2.88 % to 1.53 %; R2 1.10 % to 1.20 %). It takes ``RECOMBINE_SHARE`` of the time. On plain VRPTW the
   searches hand over two or three plans and the Solomon figures stand as measured without it, so it is
   not run there.
6. **Final insertion**: every job still left out is tried once more in every gap of every route.

A search stops on the clock (``time_limit_s``) or, with ``work`` set, on a count of iterations only, so
that the same instance and seed give the same routes on any machine under any load. On a count each
search is polished in laps set by the instance alone (``_laps``), so that more work never gives a worse
plan. Candidates are compared on one objective computed from the instance (``objective.evaluate``), not
on what each engine reports.
"""

from __future__ import annotations

import ctypes
import logging
import math
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from lean_social.errors import SolverError
from lean_social.routing.construct import (
    construct,
    eject_for_breaks,
    reassign_for_breaks,
    reorder_for_breaks,
    repair,
    routes_with_room,
)
from lean_social.routing.exact import Day, prove
from lean_social.routing.instance import RoutingInstance, RoutingSolution
from lean_social.routing.objective import arc_cost, evaluate
from lean_social.routing.ortools_engine import IMPROVEMENT, FirstSolution, SearchSettings, solve_ortools
from lean_social.routing.pyvrp_engine import MET, is_exact_for_pyvrp, is_plain_vrptw, search_pyvrp
from lean_social.routing.recombine import recombine
from lean_social.routing.timing import first_break_gap, place_breaks

__all__ = ["ORTOOLS_SOLUTION_WORK", "EngineSettings", "evaluate", "place_breaks", "solve"]

log = logging.getLogger(__name__)

Strategy = Literal["portfolio", "ortools"]

#: Statuses of a search that ended without any solution.
NO_SOLUTION = frozenset({"NOT_SOLVED", "FAIL", "FAIL_TIMEOUT", "INFEASIBLE", "INVALID"})

#: Units of work (PyVRP iterations) one OR-Tools solution counts for: on a demo department-day of 44
#: visits PyVRP makes about 1,000 iterations a second and OR-Tools' guided local search about 4 solutions,
#: so both searches of a reproducible run end at about the same moment.
ORTOOLS_SOLUTION_WORK = 250

#: A share of search shorter than this is not worth starting child processes for: the construction stands.
MIN_SEARCH_S = 0.15

#: Part of a search's share kept for starting its process and sending its result back; the process is
#: killed at the end of the share, so a search that overran would be lost, not waited for.
_HANDOVER_SHARE = 0.1
_HANDOVER_MIN_S = 0.05

_SEED_MODULUS = 2**31


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineSettings:
    """``time_limit_s`` bounds the searches' wall time; with ``work`` set (units: PyVRP iterations) the
    searches stop on that count instead and the clock is ignored. ``workers`` processes search at once
    (default: the machine's cores, at most 2); ``polish_share`` of each PyVRP search's budget goes to
    OR-Tools' polish of its plans (default: by the day, ``PLAIN_POLISH_SHARE`` or ``POLISH_SHARE``)."""

    time_limit_s: float = 5.0
    work: int | None = None
    seed: int = 0
    strategy: Strategy = "portfolio"
    workers: int = 0
    polish_share: float | None = None
    first_solution: FirstSolution = "LOCAL_CHEAPEST_INSERTION"

    def __post_init__(self) -> None:
        if not (0 <= self.time_limit_s < math.inf):
            msg = f"time limit must be finite and not negative, got {self.time_limit_s} s"
            raise ValueError(msg)
        if self.work is not None and self.work < 0:
            msg = f"work must not be negative, got {self.work}"
            raise ValueError(msg)
        if self.polish_share is not None and not 0 <= self.polish_share < 1:
            msg = f"polish_share must be in [0, 1), got {self.polish_share}"
            raise ValueError(msg)

    @property
    def reproducible(self) -> bool:
        return self.work is not None


@dataclass(frozen=True, slots=True, kw_only=True)
class _Budget:
    """How long one search may run: seconds of wall time, or units of work with the clock ignored."""

    seconds: float | None
    work: int | None
    #: Share of each PyVRP search polished by OR-Tools (``_laps`` and ``_timed_laps``).
    polish: float = 0.0
    #: On the clock, how many of the plans a search held on its way are polished (``_timed_laps``).
    plans: int = 1
    #: A ``time.perf_counter()`` reading (the same clock in every process of the machine) by which the
    #: search must have ended, the building of its model included; None in work mode.
    deadline: float | None = None

    def pyvrp(self) -> dict[str, Any]:
        if self.work is not None:
            return {"iterations": max(1, self.work)}
        seconds = self.seconds or 0.0
        if self.deadline is not None:
            seconds = min(seconds, self.deadline - time.perf_counter())
        return {"time_limit_s": max(0.01, seconds)}

    def ortools(self, seed: int, first: FirstSolution) -> SearchSettings:
        if self.work is None:
            return SearchSettings(time_limit_s=self.seconds, deadline=self.deadline, seed=seed, first_solution=first)
        solutions = max(1, math.ceil(self.work / ORTOOLS_SOLUTION_WORK))
        return SearchSettings(time_limit_s=None, solution_limit=solutions, seed=seed, first_solution=first)


#: Share of a PyVRP search's budget spent polishing its plans with OR-Tools on plain VRPTW, where PyVRP's
#: model is the whole model and its plan seldom gains from a polish.
PLAIN_POLISH_SHARE = 0.1
#: The same on real days (a lunch, several windows, rules as loads): PyVRP keeps a lunch with the copy of
#: the visit it falls before, and moving it is two moves through a plan that breaks a rule, which its local
#: search never takes; OR-Tools' polish moves it in one. On the Solomon days with a lunch PyVRP's own plan
#: stood 21 % above the reference after 4 s (C201-100) and its polish 3-9 %; half the time spent on
#: polishing six of its plans (``_timed_laps``) took the group from 1.75 % to 1.22 % at 5 s (3 seeds), and
#: in laps on a count from 6.10 % to 4.62 % at 100 units a visit.
POLISH_SHARE = 0.5


#: On the clock, at most this many seconds of a real day's search go to the polish: each polish ends in
#: its local optimum within a second, so past the default budget the time is worth more to PyVRP (Solomon
#: with a lunch at 10 s, 2 seeds: 1.01 % above the reference with 2.5 s of polish, 1.24 % with 5 s).
POLISH_S = 2.5


def _polish(instance: RoutingInstance, settings: EngineSettings, search_s: float | None) -> tuple[float, int]:
    """The share of each PyVRP search spent polishing, and how many of its plans are polished on the
    clock: on plain VRPTW its last, on real days ``POLISHES``."""
    if settings.strategy != "portfolio":
        return 0.0, 1
    if is_plain_vrptw(instance):
        return (PLAIN_POLISH_SHARE if settings.polish_share is None else settings.polish_share), 1
    share = settings.polish_share
    if share is None:
        share = POLISH_SHARE if search_s is None else min(POLISH_SHARE, POLISH_S / max(search_s, 1e-9))
    return share, POLISHES


#: Share of visits tied to a single worker above which a day counts as pinned (see the module docstring).
PINNED_SHARE = 0.5


def _mostly_pinned(instance: RoutingInstance) -> bool:
    """Whether most jobs may go to one vehicle only: then routing is a route per worker, where OR-Tools'
    search from the construction beat a second PyVRP seed on the benchmark's demo and generated days."""
    pinned = sum(1 for job in instance.jobs if job.allowed is not None and len(job.allowed) == 1)
    return pinned > PINNED_SHARE * len(instance.jobs)


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


#: A search: ``pyvrp`` from PyVRP's own first solution under the whole model, ``pyvrp-relaxed`` the same with
#: the breaks lifted and each plan repaired to keep them (``_repaired``), ``ortools`` (guided local search
#: from the construction's plan); and its seed.
Task = tuple[Literal["pyvrp", "pyvrp-relaxed", "ortools"], int]


#: Where a search hands over each plan it makes as it goes (its repaired checkpoints, each polish and every
#: solution the polish improved on, status ``IMPROVEMENT``): the engine keeps them all, for its pick of the
#: best and for the recombination, and a search killed at the deadline loses only the plans it had not
#: handed over yet (see ``_child``).
Report = Callable[[RoutingSolution], None]


def _ignore(plan: RoutingSolution) -> None:
    """The report of a search whose plans no one collects."""


def _watching(report: Report) -> Report | None:
    """What OR-Tools hands each improvement on its way to (``IMPROVEMENT``): the report, where someone
    collects the plans; the recombination chooses from their routes too."""
    return None if report is _ignore else report


def _run(
    task: Task,
    instance: RoutingInstance,
    budget: _Budget,
    start: RoutingSolution,
    first: FirstSolution,
    report: Report = _ignore,
) -> Any:
    engine, seed = task
    if engine != "ortools" and budget.polish > 0:
        # OR-Tools' own search polishes as it goes: it takes the whole budget, below.
        if budget.work is not None:
            return _laps(task, instance, budget.work, budget.polish, start, first, report)
        return _timed_laps(task, instance, budget, start, first, report)
    if engine in ("pyvrp", "pyvrp-relaxed"):
        relax = engine == "pyvrp-relaxed"
        found = search_pyvrp(instance, seed=seed, relax_breaks=relax, **budget.pyvrp())[-1]
        return _repaired(instance, found) if relax else found
    return solve_ortools(
        instance, budget.ortools(seed, first), initial_routes=start.routes, on_improvement=_watching(report)
    )


#: Units of work a job in the first lap of a reproducible search (``_laps``): the default of 100 a visit is
#: two laps.
LAP_WORK_PER_JOB = 25
#: Each lap ends at this many times the work at which the one before ended: 25, 100, 400 ... a job. A lap
#: ending at twice the one before polished the search's best with too little work each time (on the
#: Solomon days with a lunch, 100 units a visit came to 6.8 % above the reference against 6.1 % here and
#: 6.05 % for one search then one polish).
LAP_GROWTH = 4

#: Status of a plan from a lap's polish (the engine's status then says ``+polish``).
_POLISHED = "POLISHED"


def lap_plan(work: int, jobs: int, polish: float) -> tuple[int, list[tuple[int, int]]]:
    """How ``work`` units are spent in laps: PyVRP's iterations in all, and (iterations, polish units) for
    each lap whose polish the work reaches: the search's best after that many iterations is polished with
    that many units of OR-Tools' work. Lap ``k`` ends at ``LAP_WORK_PER_JOB * jobs * LAP_GROWTH**k`` units,
    the first ``1 - polish`` of each lap searching and the rest polishing; the laps depend on the instance
    alone."""
    iterations, polishes, end = 0, [], 0
    size = LAP_WORK_PER_JOB * max(1, jobs)
    while end < work:
        used = min(size, work - end)
        searched = max(1, round(size * (1 - polish)))
        iterations += min(used, searched)
        if used > searched:
            polishes.append((iterations, used - searched))
        end += size
        size = (LAP_GROWTH - 1) * end  # the next lap ends at LAP_GROWTH times this one's end
    return iterations, polishes


def _laps(
    task: Task,
    instance: RoutingInstance,
    work: int,
    polish: float,
    start: RoutingSolution,
    first: FirstSolution,
    report: Report = _ignore,
) -> RoutingSolution | None:
    """A search on a count of work, in laps: PyVRP searches on, and its best at the end of each lap's share
    of search is polished by OR-Tools with the lap's share of polish (``lap_plan``); the best plan met is
    returned.

    The laps depend on the instance alone, and each search stops on a count (PyVRP's iterations, OR-Tools'
    solutions) whose run with a larger count passes through the run with a smaller one. So a run given
    more work passes through every plan of the run given less, and returns one no worse: more work never
    makes a reproducible plan worse, by construction. PyVRP keeps its best plan by its own measure, which
    places a lunch as its model does (or lifts it), so every plan that was its best is weighed by the
    engine's measure (``search_pyvrp``'s ``bests``): the run given less stopped at one of them. The
    recombination keeps to it: a polish given fewer units passes through the same improvements as a
    longer one, so the larger run's pool holds the smaller's, and on a count the pool is not cut short
    and SCIP stops on a count of nodes, not the clock (``recombine``). One long search, not a
    restart a lap: PyVRP's penalties take thousands of iterations to settle, and a restart every lap lost
    most of what 100 units a visit found."""
    engine, seed = task
    iterations, polishes = lap_plan(work, len(instance.jobs), polish)
    relax = engine == "pyvrp-relaxed"
    bests: list[RoutingSolution] = []
    *seen, final = search_pyvrp(
        instance,
        iterations=iterations,
        seed=seed,
        checkpoints=[i for i, _ in polishes],
        relax_breaks=relax,
        bests=bests,
    )
    if relax:
        repaired: dict[tuple[tuple[int, ...], ...], RoutingSolution] = {}

        def kept(plan: RoutingSolution) -> RoutingSolution:
            if plan.routes not in repaired:
                repaired[plan.routes] = _repaired(instance, plan)
            return repaired[plan.routes]

        seen, final, bests = [kept(plan) for plan in seen], kept(final), [kept(plan) for plan in bests]
    for plan in [*seen, *bests, final]:
        report(plan)
    # Every plan that was PyVRP's best, not its last alone: PyVRP ranks them by its own measure, the
    # engine by its own (the lunch in its best gap, a plan searched with the lunch lifted repaired), and
    # a run given fewer iterations stopped at one of them, which the longer run must not pass over.
    outcomes = [_cheapest(instance, [*bests, final]) or final]
    for i, (_, units) in enumerate(polishes):
        plan = seen[i] if i < len(seen) else final  # every checkpoint is reached on a count of iterations
        origin = plan if evaluate(instance, plan)[0] else start
        polished = solve_ortools(
            instance,
            _Budget(seconds=None, work=units).ortools(seed, first),
            initial_routes=origin.routes,
            on_improvement=_watching(report),
        )
        outcomes.append(polished if polished.status in NO_SOLUTION else replace(polished, status=_POLISHED))
        report(outcomes[-1])
    return _cheapest(instance, outcomes)


#: Of the time a search on the clock has left for its polish, the share spent first recombining the plans
#: its PyVRP search met near its best (``pyvrp_engine.MET``) with its last; the recombined plan is then the
#: first polished. The recombination stops as soon as SCIP has its optimum, so the share is a bound; on a
#: day with tight windows, where the routes of ``WITH_ROOM_PLANS`` plans are offered one visit off, it is
#: spent. On the 56 Solomon days with a lunch (5 s, 3 seeds, one 2-core machine, docs/benchmarks.md) the
#: routes offered with 0.4 in place of 0.2 took the mean gap to the 100 s reference runs from 0.97 %
#: (1.01 % run again) to 0.86 % (R1 1.99 % to 1.62 %, RC1 1.95 % to 1.40 %; C2 0.14 % to 0.82 %); the
#: routes offered with 0.2: 1.04 %. (At seeds 0-1, alternating in one run: 0.4 alone 0.67 %, with a first
#: version of the routes offered 0.57 %; this code at those seeds, run on its own later, 0.81 %.)
LANE_RECOMBINE_SHARE = 0.4
#: With the lunch lifted, the plans (the search's checkpoints, then those met, the latest first) whose
#: routes without room for the lunch are offered to its recombination one visit off
#: (``construct.routes_with_room``): on R1 and RC1 most routes PyVRP meets have no room for it, and
#: without them the recombination had little to choose from. Thirty kept the pool within what SCIP
#: solves in the share: all 300 plans of one R110 search gave 2,900 more routes and took SCIP 8 s.
WITH_ROOM_PLANS = 30

#: Checkpoints of a search on the clock (``_timed_laps``): its best is kept at each of this many equal
#: parts of its time.
CHECKPOINTS = 8
#: Most of those plans polished, the latest first. On the Solomon days with a lunch each polish ends in
#: its local optimum within about 0.2-0.4 s (100 visits), and which plan it ends best from is close to
#: chance: PyVRP's 21 % above the reference polished to 8.9 %, its 26 % of earlier in the same search to
#: 2.7 %. Six polishes of the last eight checkpoints (1.21 % mean over 3 seeds at 5 s) beat one polish
#: of each search's last plan (1.75 %), four of six (1.30 %) and eight of ten (1.36 %). (That machine's
#: polishes ended within their 0.4 s; on one twice as slow they went on improving, hence
#: ``POLISH_SOLUTIONS``: there fewer of them are reached.)
POLISHES = 6


def _timed_laps(
    task: Task,
    instance: RoutingInstance,
    budget: _Budget,
    start: RoutingSolution,
    first: FirstSolution,
    report: Report = _ignore,
) -> RoutingSolution | None:
    """A PyVRP search on the clock, then OR-Tools' polish of the plans it held on its way: its best at
    ``CHECKPOINTS`` points of the search, up to ``budget.plans`` distinct ones from the last, each polished in
    an equal share of the time left (``budget.polish`` of the whole); the best plan met is returned, and
    each plan is handed to ``report`` as it is made (a polish that overruns the deadline then loses only
    itself)."""
    engine, seed = task
    began = time.perf_counter()
    end = began + (budget.seconds or 0.0)
    if budget.deadline is not None:
        end = min(end, budget.deadline)
    search_s = max(0.01, (end - began) * (1 - budget.polish))
    relax = engine == "pyvrp-relaxed"
    met: list[RoutingSolution] | None = [] if budget.plans > 1 and LANE_RECOMBINE_SHARE > 0 else None
    seen = search_pyvrp(
        instance,
        time_limit_s=search_s,
        seed=seed,
        checkpoints_s=[search_s * k / CHECKPOINTS for k in range(1, CHECKPOINTS)] if budget.plans > 1 else [],
        relax_breaks=relax,
        met=met,
    )
    # The search's last plan is always an outcome, handed over before any other plan is repaired or
    # polished (a search killed at the deadline keeps it); repaired once, it is also polished first.
    last = _repaired(instance, seen[-1]) if relax else seen[-1]
    outcomes = [last]
    report(last)
    chosen: list[RoutingSolution] = []
    fitted: list[RoutingSolution] = []
    if relax and budget.plans > 1:
        # With the lunch lifted, the plans with the fewest routes short of room for it, repaired: the
        # cheapest of them, not the last, is the one to polish (``FITTEST``).
        by = time.perf_counter() + FITTEST_SHARE * max(0.0, end - time.perf_counter())
        for plan in _fittest(instance, [*reversed(seen[:-1]), *reversed(met or [])], seen[-1])[:FITTEST]:
            if time.perf_counter() > by:
                break
            chosen.append(plan)
            fitted.append(replace(_repaired(instance, plan), status=FITTED))  # a plan met is now a whole plan
            report(fitted[-1])
        outcomes += fitted
    froms: list[RoutingSolution] = []
    if met:
        # The plans the search met near its best, recombined with its last: the first plan to polish.
        ranked = _ranked(instance, [("", last), ("", start), *(("", plan) for plan in fitted)])
        by = time.perf_counter() + LANE_RECOMBINE_SHARE * max(0.0, end - time.perf_counter())
        mixed = None
        if ranked:
            cost, _, plan = ranked[0]
            held = [*reversed(seen[:-1]), *reversed(met)]
            # With the lunch lifted, the latest plans' routes without room for it, one visit off, first.
            with_room = routes_with_room(instance, held[:WITH_ROOM_PLANS]) if relax else []
            pool = [*fitted, *with_room, *held]
            mixed = recombine(instance, (cost, plan), pool, deadline=by)
        if mixed is not None:
            froms.append(mixed)
            outcomes.append(mixed)
            report(mixed)
        for plan in reversed(met):
            report(plan)
    # The plans to polish: the recombined, the last and those repaired above (the cheapest first), then the
    # other checkpoints, the latest first, each once: a search often holds the same plan at several
    # checkpoints, and with the breaks lifted each is repaired only when its turn comes, in its own share.
    queue = [(plan, False) for plan in froms]
    queue += [(plan, False) for _, _, plan in _ranked(instance, [("", last), *(("", plan) for plan in fitted)])]
    raw = {seen[-1].routes, *(plan.routes for plan in chosen)}
    for plan in reversed(seen[:-1]):
        if plan.status not in NO_SOLUTION and plan.routes not in raw:
            raw.add(plan.routes)
            queue.append((plan, relax))
    polishing = len(outcomes)
    outcomes += _polish_each(instance, queue, min(budget.plans, len(queue)), end, (seed, first), report)
    if len(outcomes) == polishing and end - time.perf_counter() > _HANDOVER_MIN_S:
        outcomes += _polish_each(instance, [(start, False)], 1, end, (seed, first), report)  # no plan kept the rules
    return _cheapest(instance, outcomes)


#: With the lunch lifted, how many of the plans a search held and met are repaired besides its last, those
#: with the fewest routes where the lunch fits no gap first (``_fittest``), in at most ``FITTEST_SHARE`` of
#: the time left; the cheapest repaired is polished first. The repair's cost varies more between such plans
#: than their own costs do: of one search of RC106 with a lunch (2.2 s), the checkpoints stood within 1 %
#: of each other and their repairs 3.3 % to 21 % above the reference, and a polish (2 s) from the cheapest
#: repaired of them and of the last 30 met ended at 1.4 % where one from the last plan's repair ended at
#: 9.8 % (RC103 4.7 % against 6.4 %, R105 2.1 % against 4.2 %, RC102 4.0 % against 9.0 %; R102 5.3 %
#: against 3.0 %). Fewer routes without room went with cheaper repairs on those days.
FITTEST = 4
FITTEST_SHARE = 0.25
#: The status of such a plan once repaired: ranked as a whole plan, where one met (``MET``) only lends its
#: routes to the recombination.
FITTED = "FITTED"


def _fittest(
    instance: RoutingInstance, plans: Sequence[RoutingSolution], last: RoutingSolution
) -> list[RoutingSolution]:
    """The distinct plans other than ``last``, those with the fewest routes whose break fits no gap first
    (``first_break_gap``), then the fewest visits left out, the cheaper (arc costs), the earlier."""
    fits: dict[tuple[int, tuple[int, ...]], bool] = {}

    def short(plan: RoutingSolution) -> int:
        count = 0
        for v, jobs in enumerate(plan.routes):
            if not jobs or len(instance.vehicles[v].breaks) != 1:
                continue
            if (v, jobs) not in fits:
                fits[(v, jobs)] = first_break_gap(instance, v, jobs) is not None
            count += not fits[(v, jobs)]
        return count

    seen = {last.routes}
    keyed = []
    for i, plan in enumerate(plans):
        if plan.status in NO_SOLUTION or plan.routes in seen:
            continue
        seen.add(plan.routes)
        arcs = sum(arc_cost(instance, v, jobs) for v, jobs in enumerate(plan.routes))
        keyed.append((short(plan), len(plan.dropped), arcs, i, plan))
    return [plan for *_, plan in sorted(keyed, key=lambda k: k[:4])]


#: Solutions a polish on the clock runs to before the next plan's turn (the time left bounds it too): a
#: count, not a share of the time, so that a slow machine gives each polish the work it needs rather than
#: more polishes that each stop short. OR-Tools' guided local search from a PyVRP plan of a Solomon day
#: with a lunch (2 s of search, on a 2-core machine about twice as slow as the one POLISHES was tuned on)
#: went on improving far past the 0.2-0.4 s a polish had: RC108 15775 -> 14582 at 25 solutions (0.2 s),
#: 13927 at 50 (0.4 s), 12999 at 100 (1.9 s); C205 9908 -> 8730, 7489, 6615 (2.9 s). Swept on that machine
#: (56 Solomon days with a lunch, 5 s, 3 seeds, docs/benchmarks.md): 100 solutions 1.76 % above the 100 s
#: reference runs, 50 solutions 2.00 % (C1 0.01 % against 0.53 %, C2 0.50 % against 0.97 %; R1 and RC1
#: within 0.1 point either way).
POLISH_SOLUTIONS = 100


def _polish_each(
    instance: RoutingInstance,
    queue: Sequence[tuple[RoutingSolution, bool]],
    polishes: int,
    end: float,
    search: tuple[int, FirstSolution],
    report: Report,
) -> list[RoutingSolution]:
    """OR-Tools' polish of the first ``polishes`` distinct plans of ``queue`` that keep the rules, one after
    the other, each until ``POLISH_SOLUTIONS`` solutions (one plan alone: no count) or ``end``, and the best
    of them on to ``end`` if time is left; a plan marked True is first repaired (``_repaired``) when its
    turn comes. Each result is handed to ``report`` as it is made.

    Why in turn, the repair included: on a slow machine the repairs of a C2 Solomon day's plans once took
    all the time before any polish began (0.55 s each, 5 s budget), and the day stood 20 % above the
    plan its polish finds."""
    seed, first = search
    polished: set[tuple[tuple[int, ...], ...]] = set()
    outcomes: list[RoutingSolution] = []

    def polish(origin: RoutingSolution, left: float, limit: int | None) -> None:
        settings = SearchSettings(
            time_limit_s=left, solution_limit=limit, deadline=end, seed=seed, first_solution=first
        )
        result = solve_ortools(instance, settings, initial_routes=origin.routes, on_improvement=_watching(report))
        outcomes.append(result if result.status in NO_SOLUTION else replace(result, status=_POLISHED))
        report(outcomes[-1])

    for origin, lifted in queue:
        if len(polished) == polishes:
            break
        if end - time.perf_counter() <= _HANDOVER_MIN_S:
            break
        if lifted:
            origin = _repaired(instance, origin)
            report(origin)
        if origin.routes in polished or not evaluate(instance, origin)[0]:
            continue
        polished.add(origin.routes)
        left = end - time.perf_counter()
        if left <= _HANDOVER_MIN_S:
            continue
        polish(origin, left, POLISH_SOLUTIONS if polishes > 1 else None)  # one plan to polish has all the time
    best = _cheapest(instance, outcomes) if polishes > 1 else None  # one plan alone had all the time
    left = end - time.perf_counter()
    if best is not None and left > _HANDOVER_MIN_S:
        polish(best, left, None)  # every plan polished before the end (a fast machine): the best goes on
    return outcomes


def _repaired(instance: RoutingInstance, plan: RoutingSolution) -> RoutingSolution:
    """A plan of the search with breaks lifted, made to keep them: its routes first given to the workers
    whose lunch they have room for (``reassign_for_breaks``: the search saw workers whose lunches differ
    as one), then the cheapest of three repairs: each route's lunch placed in its best gap, a route it
    fits in none of losing visits from its end; or such a route first taken in another order of the same
    visits where the lunch fits (``reorder_for_breaks``); or first losing the one or two visits that make
    room (``eject_for_breaks``); then every visit left out put back in the cheapest gap where it fits
    (``construct``'s repair). On 14 Solomon days with a lunch packed to the shift's end (5 s, 4 seeds)
    the second way took the mean gap to the best plan known from 3.46 % to 2.59 %: the first moves a
    quarter of a C1 day's visits. The third, measured on the repair alone, helped on C2 and R2
    (``eject_for_breaks``)."""
    if plan.status in NO_SOLUTION:
        return plan
    plan = reassign_for_breaks(instance, plan)
    kept = repair(instance, plan)
    ways = [("kept", kept)]
    reordered = reorder_for_breaks(instance, plan)
    if reordered is not plan:
        ways.append(("reordered", repair(instance, reordered)))
    ejected = eject_for_breaks(instance, plan)
    if ejected is not plan:
        ways.append(("ejected", repair(instance, ejected)))
    ranked = _ranked(instance, ways)
    return ranked[0][2] if ranked else kept


def solve(
    instance: RoutingInstance,
    settings: EngineSettings | None = None,
    *,
    start: RoutingSolution | None = None,
    proofs: bool = True,
) -> RoutingSolution:
    """A feasible solution serving every job the construction can place, improved by search within
    ``settings.time_limit_s`` of wall time (or ``settings.work`` iterations). ``start``, a feasible
    solution (``construct``'s, made earlier), saves building it again; ``proofs`` False skips the proofs
    of step 2 (the caller has tried them)."""
    settings = settings or EngineSettings()
    started = time.perf_counter()
    base = construct(instance) if start is None else start
    if not instance.jobs or not instance.vehicles:
        return replace(base, status="construction", wall_time_s=time.perf_counter() - started)
    best, engine = base, "construction"  # engine: the search whose plan stands, for the status
    best_cost = _checked_cost(instance, base, "construction")
    # The final insertion after the search costs at most about what the construction's insertion did.
    reserve = base.wall_time_s if base.dropped else 0.0

    def search_left() -> float | None:
        if settings.work is not None:
            return None
        return max(0.0, settings.time_limit_s - (time.perf_counter() - started) - reserve)

    # No work, or too little time to start a search, asks for the construction alone: the listing of a
    # small day takes up to a few tenths of a second, which such a budget does not have.
    if settings.work == 0 or ((search_s := search_left()) is not None and search_s < MIN_SEARCH_S):
        return _finish(instance, best, engine, started)
    if settings.strategy == "portfolio" and proofs:
        proof = prove(instance, base)
        if proof.plan is not None and _checked_cost(instance, proof.plan, "exact solution") <= best_cost:
            return _finish(instance, proof.plan, "exact", started)  # no search can do better
        if proof.apart:
            return _with_days_apart(instance, settings, (best_cost, base), proof.apart, started)
    search_s = search_left()
    if search_s is not None and search_s < MIN_SEARCH_S:
        return _finish(instance, best, engine, started)

    workers = settings.workers or min(2, _cores())
    if multiprocessing.current_process().daemon:
        workers = 1  # a daemonic process (a pool worker, say) may not start processes of its own
    exact = is_exact_for_pyvrp(instance)
    seed = settings.seed % _SEED_MODULUS
    tasks: list[Task]
    # In work mode the searches are the same whatever the cores (one after the other on one core), so the
    # plan is the same on any machine; on the clock, one core gets the search that keeps the full model.
    portfolio = 2 if settings.work is not None else workers
    if settings.strategy == "ortools":
        tasks = [("ortools", seed)]
    elif is_plain_vrptw(instance):  # Solomon's benchmark: PyVRP's own start is the stronger one
        two: list[Task] = [("pyvrp", seed), ("pyvrp", (seed + 1) % _SEED_MODULUS)]
        tasks = two[: max(1, portfolio)]
    elif exact and not _mostly_pinned(instance):
        # PyVRP with the lunch lifted, its plans repaired to keep it, from two seeds (see the module
        # docstring: beside it the search that keeps the lunch exactly seldom won, and alone it lost).
        lanes: list[Task] = [("pyvrp-relaxed", seed), ("pyvrp-relaxed", (seed + 1) % _SEED_MODULUS)]
        tasks = lanes[: max(1, portfolio)]
    else:
        # OR-Tools already starts from the construction; PyVRP from its own start gives the other basin
        # (from the construction it found the reference of one demo day of 15 fewer times).
        tasks = [("ortools", seed)] if portfolio == 1 else [("pyvrp", seed), ("ortools", seed)]
    polish, plans = _polish(instance, settings, search_s)
    # Each PyVRP search polishes plans of its own: on the clock those it held on its way (``_timed_laps``),
    # on a count in laps (``_laps``), so that more work never gives a worse plan.
    # On real days the last part of the time recombines the routes of every plan the searches handed over.
    mixes = not is_plain_vrptw(instance)
    mixing_s = min(RECOMBINE_S, RECOMBINE_SHARE * search_s) if search_s is not None and mixes else 0.0
    seconds = None if search_s is None else search_s - mixing_s
    budget = _Budget(seconds=seconds, work=settings.work, polish=polish, plans=plans)
    pools = _run_all(tasks, instance, budget, [base] * len(tasks), settings.first_solution, workers)

    # The plans each search ended its steps with are ranked; those OR-Tools met on its way only lend their
    # routes to the recombination (there are hundreds, and the last of each polish is ranked anyway).
    found = _ranked(
        instance,
        [
            (f"{name}+polish" if plan.status == _POLISHED else name, plan)
            for (name, _), pool in zip(tasks, pools, strict=True)
            for plan in _distinct([plan for plan in pool if plan.status not in (IMPROVEMENT, MET)])
        ],
    )
    if found and found[0][0] < best_cost:
        best_cost, engine, best = found[0]
    by = None if search_s is None else started + settings.time_limit_s - reserve
    # The ranked plans first, cheapest first, then what OR-Tools improved on, the latest (the cheapest)
    # first, then the plans PyVRP met near its best.
    improved = [plan for pool in pools for plan in reversed(pool) if plan.status == IMPROVEMENT]
    met = [plan for pool in pools for plan in pool if plan.status == MET]
    pooled = [*(plan for _, _, plan in found if plan is not best), base, *improved, *met]
    mixed = recombine(instance, (best_cost, best), pooled, deadline=by) if mixes else None
    if mixed is not None:
        best, engine = mixed, "recombined"
    return _finish(instance, best, engine, started)


def _with_days_apart(
    instance: RoutingInstance,
    settings: EngineSettings,
    construction: tuple[int, RoutingSolution],
    apart: dict[int, Day],
    started: float,
) -> RoutingSolution:
    """The plan of a day whose workers in ``apart`` have days of their own, proved at their optimum
    (``exact.prove``): those days as they are, and the rest of the department (its other workers
    and the visits only they may make) searched as a day of its own, from the construction's plan of it,
    in the time left. Before, a day was proved whole or searched whole: one worker the proofs could not
    take (more visits than they list, clients with a second window) put the others' proved routes back
    into a search that might not find them again. ``construction`` is the construction's plan and its
    cost."""
    base_cost, base = construction
    theirs = {j for j, job in enumerate(instance.jobs) if job.allowed is not None and job.allowed <= apart.keys()}
    vehicles = [k for k in range(len(instance.vehicles)) if k not in apart]
    jobs = [j for j in range(len(instance.jobs)) if j not in theirs]
    if not vehicles or not jobs:
        rest = RoutingSolution.empty(instance, status="exact")
        vehicles, jobs = [], []
    else:
        new_vehicle = {k: i for i, k in enumerate(vehicles)}
        new_job = {j: i for i, j in enumerate(jobs)}
        day = replace(
            instance,
            jobs=tuple(
                replace(job, allowed=None if job.allowed is None else frozenset(new_vehicle[k] for k in job.allowed))
                for job in (instance.jobs[j] for j in jobs)
            ),
            vehicles=tuple(instance.vehicles[k] for k in vehicles),
        )
        start = RoutingSolution(
            routes=tuple(tuple(new_job[j] for j in base.routes[k]) for k in vehicles),
            break_after=tuple(base.break_after[k] for k in vehicles),
            dropped=tuple(new_job[j] for j in base.dropped if j in new_job),
            cost=0,
            status=base.status,
            wall_time_s=base.wall_time_s,
        )
        left = replace(settings, time_limit_s=max(0.0, settings.time_limit_s - (time.perf_counter() - started)))
        rest = solve(day, left, start=start, proofs=False)
    routes = [list(route) for route in base.routes]
    breaks = list(base.break_after)
    for k, (route, gaps, _) in apart.items():
        routes[k] = list(route)
        breaks[k] = gaps if route else tuple(0 for _ in instance.vehicles[k].breaks)
    for i, k in enumerate(vehicles):
        routes[k] = [jobs[j] for j in rest.routes[i]]
        breaks[k] = rest.break_after[i]
    plan = RoutingSolution.of_routes(instance, [tuple(route) for route in routes], breaks, status=rest.status)
    cost = _checked_cost(instance, plan, "plan of the days apart and the rest")
    if cost > base_cost:
        return _finish(instance, base, "construction", started)
    return _finish(instance, replace(plan, cost=cost), f"exact+{rest.status}" if vehicles else "exact", started)


#: Share of a timed search's budget kept for the recombination of its plans (``recombine``), at most
#: ``RECOMBINE_S`` seconds, and what is left of the handover: SCIP solves the pools of the benchmark's days
#: (250-800 routes) in 0.05-0.3 s, and stops on the clock, with the best it has, where it takes longer.
RECOMBINE_SHARE = 0.05
RECOMBINE_S = 0.3


def _distinct(plans: Sequence[RoutingSolution]) -> list[RoutingSolution]:
    """The plans without repeats (the same routes and breaks), the first of each kept."""
    seen: set[tuple[tuple[tuple[int, ...], ...], tuple[tuple[int, ...], ...]]] = set()
    out = []
    for plan in plans:
        key = (plan.routes, plan.break_after)
        if key not in seen:
            seen.add(key)
            out.append(plan)
    return out


def _cheapest(instance: RoutingInstance, plans: Sequence[RoutingSolution]) -> RoutingSolution | None:
    """The cheapest feasible plan, the earlier on a tie (``_ranked``'s sort is stable); None if none is."""
    ranked = _ranked(instance, [("", plan) for plan in plans])
    return ranked[0][2] if ranked else None


def _ranked(
    instance: RoutingInstance, plans: Sequence[tuple[str, RoutingSolution | None]]
) -> list[tuple[int, str, RoutingSolution]]:
    """(cost, search, plan) of the feasible plans, cheapest first (a tie by the search's name, so that the
    same run gives the same answer)."""
    found = []
    for name, plan in plans:
        if plan is None or plan.status in NO_SOLUTION:
            continue
        feasible, cost = evaluate(instance, plan)
        log.debug("%s: feasible=%s cost=%d", name, feasible, cost)
        if feasible:
            found.append((cost, name, plan))
    return sorted(found, key=lambda f: (f[0], f[1]))


def _checked_cost(instance: RoutingInstance, solution: RoutingSolution, engine: str) -> int:
    feasible, cost = evaluate(instance, solution)
    if not feasible:
        msg = f"the {engine} returned routes that break the model (status {solution.status})"
        raise SolverError(msg)
    return cost


def _finish(instance: RoutingInstance, best: RoutingSolution, engine: str, started: float) -> RoutingSolution:
    """The last insertion of jobs still left out (the construction's plan has had it), then the final
    check of every rule."""
    final = best if engine == "construction" else repair(instance, best)
    _checked_cost(instance, final, engine)
    return replace(final, status=engine, wall_time_s=time.perf_counter() - started)


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (a ``kill -9`` of the planner leaves no
    search running on, holding a core and memory); exit at once if the parent is already gone."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def _child(
    conn: multiprocessing.connection.Connection,
    parent: int,
    task: Task,
    instance: RoutingInstance,
    budget: _Budget,
    start: RoutingSolution,
    first: FirstSolution,
) -> None:
    _die_with_parent(parent)
    try:
        # A search hands over each plan as it makes it: OR-Tools now and then overruns its own time limit
        # by seconds when it starts from a given plan (a 400-customer instance given 0.6 s took 3 s), and
        # the child is killed at the deadline, so without it the search's plans would be lost.
        def report(plan: RoutingSolution) -> None:
            if plan.status not in NO_SOLUTION:
                conn.send(("plan", plan))

        conn.send(("ok", _run(task, instance, budget, start, first, report)))
    except BaseException as exc:  # the parent logs it; one engine failing must not lose the other's plan
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def _run_here(
    task: Task, instance: RoutingInstance, budget: _Budget, start: RoutingSolution, first: FirstSolution
) -> list[RoutingSolution]:
    """One search in this process: the plans it handed over, its result last."""
    pool: list[RoutingSolution] = []
    result = _run(task, instance, budget, start, first, pool.append)
    return [*pool, result] if result is not None else pool


def _run_all(
    tasks: Sequence[Task],
    instance: RoutingInstance,
    budget: _Budget,
    starts: Sequence[RoutingSolution],
    first: FirstSolution,
    workers: int,
) -> list[list[RoutingSolution]]:
    """Each task, from its own start, in a child process: the plans each handed over (``Report``), its
    result last; in timed mode a child still running at the end of the budget is killed, and only the
    plans it handed over before count."""
    # One search on a count of work needs no clock to stop it: it runs here. On the clock every search
    # runs in a child that is killed at the deadline, so none can overrun the budget.
    # Several searches on one core share it one after the other; a daemonic process may not fork.
    alone = budget.seconds is None and len(tasks) == 1
    shared = workers <= 1 and len(tasks) > 1
    if (
        alone
        or shared
        or multiprocessing.current_process().daemon
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        seconds = None if budget.seconds is None else budget.seconds / len(tasks)
        share = replace(budget, seconds=seconds)
        return [_run_here(task, instance, share, start, first) for task, start in zip(tasks, starts, strict=True)]
    # fork: the children share the instance instead of receiving a pickled copy.
    context = multiprocessing.get_context("fork")
    deadline = None if budget.seconds is None else time.perf_counter() + budget.seconds
    inner = budget
    if budget.seconds is not None and deadline is not None:
        handover = max(_HANDOVER_MIN_S, _HANDOVER_SHARE * budget.seconds)
        inner = _Budget(
            seconds=max(_HANDOVER_MIN_S, budget.seconds - handover),
            work=None,
            polish=budget.polish,
            plans=budget.plans,
            deadline=deadline - handover,
        )
    results: list[list[RoutingSolution]] = [[] for _ in tasks]
    children: list[Any] = []
    pending: dict[multiprocessing.connection.Connection, int] = {}
    try:
        for i, (task, start) in enumerate(zip(tasks, starts, strict=True)):
            receive, send = context.Pipe(duplex=False)
            process = context.Process(
                target=_child, args=(send, os.getpid(), task, instance, inner, start, first), daemon=True
            )
            try:
                with warnings.catch_warnings():
                    # Python 3.12+ warns of forking a process with threads (numpy's BLAS pool); the child
                    # only runs a solver and sends its result, which is what fork is safe for.
                    warnings.filterwarnings("ignore", message=".*multi-threaded.*", category=DeprecationWarning)
                    process.start()
            except OSError as exc:  # no process to spare: this search runs here, in the time it had
                log.warning("could not start a search process (%s); searching in this process", exc)
                receive.close()
                send.close()
                results[i] = _run_here(task, instance, inner, start, first)
                continue
            send.close()
            children.append(process)
            pending[receive] = i
        while pending:
            timeout = None if deadline is None else max(0.0, deadline - time.perf_counter())
            ready = multiprocessing.connection.wait(list(pending), timeout=timeout)
            if not ready:
                log.info("searches %s overran their share and were stopped", [tasks[i] for i in pending.values()])
                break
            for ready_conn in ready:
                conn = next(c for c in pending if c is ready_conn)
                i = pending[conn]
                try:
                    kind, value = conn.recv()
                except (EOFError, OSError):
                    kind, value = "error", "the search process ended without a result"
                if kind == "plan":  # a plan on its way; the search goes on (``_child``)
                    results[i].append(value)
                    continue
                del pending[conn]
                conn.close()
                if kind == "ok" and value is not None:
                    results[i].append(value)
                elif kind != "ok":  # the plans it handed over before failing still stand
                    log.warning("search %s failed: %s", tasks[i], value)
    finally:
        for process in children:  # killed before their pipes close, so none writes into a closed pipe
            if process.is_alive():
                process.kill()
            process.join()
        for conn in pending:
            conn.close()
    return results

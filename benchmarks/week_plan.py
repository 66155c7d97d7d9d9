"""The week planner on the demo centre and on larger synthetic centres (issue 4).

    python -m benchmarks.week_plan              # writes the "week-plan" section of docs/benchmarks.md

1. A department week of the demo centre: wall time against the 30 s target.
2. Growth: the demo centre copied k times (k departments x 3, other ids, the same streets), planned
   with a budget proportional to its visits; wall time and peak memory up to about 4,000 visits.
3. Lean effect against a hand-made baseline: each worker keeps a fixed client list (the data's
   assigned worker; a client without one goes to the nearest worker), visits on the programme's days,
   in list order. Then lean_social with more and more freedom: the order only; the days too; the lists
   redrawn (``redraw_lists``); both.
4. Stability: one worker away from Wednesday; the share of visits that keep their worker and day.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import math
import resource
import time
from pathlib import Path

from benchmarks.hand_plan import hand_plan
from benchmarks.report import machine, versions, write_section
from lean_social import Absence, Problem, read_folder, validate
from lean_social.domain.calendar import workers_on_duty
from lean_social.domain.capacity import LOAD_BAND
from lean_social.domain.demand import week_demand
from lean_social.outputs.kpi import balance
from lean_social.planning.client_lists import redraw_lists
from lean_social.planning.week import plan_week
from lean_social.replanning.replan import replan_week
from lean_social.schedule import Schedule

DATA = Path(__file__).resolve().parent.parent / "data" / "volgodonsk"
MONDAY = dt.date(2026, 12, 7)
SECONDS_PER_VISIT = 0.08


def copies(problem: Problem, k: int) -> Problem:
    """The centre k times over: copy c's ids and departments get a suffix; places are the same."""

    def tag(text: str, c: int) -> str:
        return text if c == 0 else f"{text}x{c}"

    clients, workers, programmes, absences = [], [], [], []
    for c in range(k):
        clients += [
            dataclasses.replace(
                x,
                id=tag(x.id, c),
                worker_id=None if x.worker_id is None else tag(x.worker_id, c),
                department=tag(x.department, c),
            )
            for x in problem.clients
        ]
        workers += [dataclasses.replace(w, id=tag(w.id, c), department=tag(w.department, c)) for w in problem.workers]
        programmes += [dataclasses.replace(p, client_id=tag(p.client_id, c)) for p in problem.programmes]
        absences += [dataclasses.replace(a, worker_id=tag(a.worker_id, c)) for a in problem.absences]
    return dataclasses.replace(
        problem,
        clients=tuple(clients),
        workers=tuple(workers),
        programmes=tuple(programmes),
        absences=tuple(absences),
    )


def flexible(problem: Problem) -> Problem:
    """The same programmes with their fixed days freed, so the planner picks the days."""
    return dataclasses.replace(problem, programmes=tuple(dataclasses.replace(p, days=()) for p in problem.programmes))


def travel_per_visit(schedule: Schedule) -> tuple[float, float, int]:
    """(travel minutes per visit, share of route time spent with clients, visits)."""
    visits = sum(len(r.stops) for r in schedule.routes)
    travel = sum(r.travel_s for r in schedule.routes) / 60
    service = sum(r.service_s for r in schedule.routes) / 60
    span = sum(r.service_s + r.travel_s + r.wait_s for r in schedule.routes) / 60
    return travel / max(1, visits), service / max(1.0, span), visits


def baseline(problem: Problem) -> tuple[float, float, int, int, str]:
    """The hand plan (``benchmarks.hand_plan``, also bundled as ``data/hand_plan``): (travel/visit,
    service share, visits, worker-days whose list order breaks a window, the lunch or the shift, workers
    in the load band). Visits it leaves out (a worker away, a list past the shift) are not counted."""
    plan = hand_plan(problem, MONDAY)
    busy: dict[str, float] = {}
    for route in plan.schedule.routes:
        busy[route.worker_id] = busy.get(route.worker_id, 0.0) + (route.travel_s + route.service_s) / 60
    in_band = 0
    for worker in problem.workers:
        contracted = sum(
            shift.length / 60 - (worker.lunch.duration_min if worker.lunch else 0)
            for day in (MONDAY + dt.timedelta(days=d) for d in range(7))
            if (shift := worker.shift_on(day)) is not None and workers_on_duty(problem, day)[worker.id] is None
        )
        in_band += contracted > 0 and LOAD_BAND[0] <= busy.get(worker.id, 0.0) / contracted <= LOAD_BAND[1]
    counted = sum(1 for w in problem.workers if any(k == w.id for k in busy))
    travel, share, visits = travel_per_visit(plan.schedule)
    return travel, share, visits, len(plan.broken), f"{in_band} of {counted}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 2, 4, 6])
    parser.add_argument("--department-limit", type=float, default=25.0)
    parser.add_argument(
        "--skip",
        nargs="+",
        default=[],
        choices=["department", "growth", "lean", "stability"],
        help="parts to leave out (the docs are then not written)",
    )
    args = parser.parse_args()
    demo = read_folder(DATA)
    lines = [
        "## Planning a week (issue 4)",
        "",
        "Command: `python -m benchmarks.week_plan`.",
        f"Machine: {machine()}. Versions: {versions('lean_social', 'ortools', 'pyvrp', 'numpy')}.",
    ]
    if "department" not in args.skip:
        lines += [
            "",
            "### A department week of the demo centre (target: under 30 s)",
            "",
            "| department | clients | visits | served | unassigned | time limit s | wall s | validator |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for department in demo.departments:
            started = time.perf_counter()
            plan = plan_week(demo, MONDAY, time_limit=args.department_limit, departments=[department])
            wall = time.perf_counter() - started
            ok = validate(plan, demo, week_start=MONDAY, departments=[department]) == []
            served = sum(len(r.stops) for r in plan.routes)
            clients = sum(1 for c in demo.clients if c.department == department)
            lines.append(
                f"| {department} | {clients} | {served + len(plan.unassigned)} | {served} | "
                f"{len(plan.unassigned)} | {args.department_limit:g} | {wall:.1f} | "
                f"{'no violation' if ok else 'VIOLATIONS'} |"
            )
            print(lines[-1], flush=True)

    if "growth" not in args.skip:
        lines += [
            "",
            f"### Growth with the size of the centre (budget {SECONDS_PER_VISIT} s a visit)",
            "",
            "| copies | departments | workers | clients | visits | served | time limit s | wall s | peak memory MB |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for k in args.copies:
            centre = copies(demo, k)
            visits = sum(w.visits_per_week for w in week_demand(centre, MONDAY))
            limit = math.ceil(SECONDS_PER_VISIT * visits)
            started = time.perf_counter()
            plan = plan_week(centre, MONDAY, time_limit=limit)
            wall = time.perf_counter() - started
            peak = (
                max(
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                    resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                )
                / 1024
            )
            served = sum(len(r.stops) for r in plan.routes)
            lines.append(
                f"| {k} | {len(centre.departments)} | {len(centre.workers)} | {len(centre.clients)} | {visits} | "
                f"{served} | {limit} | {wall:.0f} | {peak:.0f} |"
            )
            print(lines[-1], flush=True)

    if "lean" not in args.skip:
        lines += [
            "",
            "### Lean effect on the demo week (target: at least 30 % less travel per visit)",
            "",
            "| plan | what the planner may change | visits | travel min per visit | share of route time with clients "
            "| workers in the load band | clients who change worker |",
            "|---|---|---|---|---|---|---|",
        ]
        base_travel, base_share, base_visits, broken, base_band = baseline(demo)
        lines.append(
            f"| hand baseline | nothing: fixed lists, programme days, list order | {base_visits} | {base_travel:.1f} | "
            f"{base_share:.1%} | {base_band} | 0 |"
        )
        print(lines[-1], flush=True)
        dates = [MONDAY + dt.timedelta(days=d) for d in range(7)]
        scenarios = (
            ("lean_social", "the order; the worker of clients on no list (15 %)", demo, False),
            ("lean_social, days chosen", "also the days (programme days freed)", flexible(demo), False),
            ("lean_social, lists redrawn", "the order and the lists (`lean-social lists`)", demo, True),
            ("lean_social, lists redrawn, days chosen", "the order, the lists and the days", flexible(demo), True),
        )
        for label, freedom, problem, redraw in scenarios:
            moved = 0
            if redraw:
                proposal = redraw_lists(problem, MONDAY)
                problem, moved = proposal.problem, len(proposal.moves)
            plan = plan_week(problem, MONDAY, time_limit=3 * args.department_limit)
            assert validate(plan, problem, week_start=MONDAY) == []
            tpv, share, n = travel_per_visit(plan)
            band = balance(plan, problem, dates)
            in_band = f"{sum(1 for b in band.values() if b['in_band'])} of {len(band)}"
            lines.append(
                f"| {label} | {freedom} | {n} | {tpv:.1f} ({(tpv - base_travel) / base_travel:+.0%}) | {share:.1%} | "
                f"{in_band} | {moved} |"
            )
            print(lines[-1], flush=True)
        lines.append("")
        lines.append(
            f"The baseline's list order misses a client's window or the shift end on {broken} worker-days; "
            "its visits on days a worker is away are left out (a hand plan has no answer for them either). "
            "Share of route time = service / (service + travel + waiting) between leaving and coming back. "
            f"Load band: service + travel between {LOAD_BAND[0]:.0%} and {LOAD_BAND[1]:.1%} of contracted hours "
            "(shift less lunch) on the days worked; the demo centre's demand fills about 61 % on average, so a "
            "worker a little under the band is a worker with room, not an overloaded one. "
            "Redrawn lists are proposed from a normal week (no absences) and then kept as hard as the old ones."
        )

    if "stability" not in args.skip:
        lines += ["", "### Stability of re-planning", ""]
        plan = plan_week(demo, MONDAY, time_limit=3 * args.department_limit)
        wednesday = MONDAY + dt.timedelta(days=2)
        sick = dataclasses.replace(
            demo,
            absences=(*demo.absences, Absence(worker_id="W12", start=wednesday, end=MONDAY + dt.timedelta(days=6))),
        )
        started = time.perf_counter()
        new, changes = replan_week(sick, plan, MONDAY, wednesday, time_limit=args.department_limit)
        wall = time.perf_counter() - started
        before = {(s.client_id, r.date): r.worker_id for r, s in plan.stops}
        after = {(s.client_id, r.date): r.worker_id for r, s in new.stops}
        kept = sum(1 for key, worker in before.items() if after.get(key) == worker)
        w12 = sum(1 for (c, d), w in before.items() if w == "W12" and d >= wednesday)
        ok = validate(new, sick, week_start=MONDAY) == []
        lines.append(
            f"W12 away from Wednesday {wednesday}: {len(changes)} changes ({w12} visits of W12 from Wednesday on "
            f"needed a substitute); {kept} of {len(before)} visits ({kept / len(before):.1%}) keep their worker "
            f"and day; re-planning took {wall:.1f} s; validator: {'no violation' if ok else 'VIOLATIONS'}."
        )
        print(lines[-1], flush=True)
    if args.skip:
        print("parts skipped: docs/benchmarks.md left as it is")
        return
    write_section("week-plan", "\n".join(lines))


if __name__ == "__main__":
    main()

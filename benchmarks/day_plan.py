"""Time to plan one department-day of the demo centre, and what more search time buys.

    python -m benchmarks.day_plan            # writes the "day-plan" section of docs/benchmarks.md

For each department-day of the demo week's first two days: the wall time of ``plan_day`` for that one
department at several time limits, visits left unserved, travel and waiting minutes; and, at a fixed
budget, how each first-solution strategy of OR-Tools fares (why the default is what it is).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import statistics
import time
from pathlib import Path

from benchmarks.report import machine, versions, write_section
from lean_social import plan_day, read_folder, validate
from lean_social.domain.calendar import workers_on_duty
from lean_social.domain.demand import visits_for_day
from lean_social.planning.compile import compile_day
from lean_social.record import DayPlanRecord
from lean_social.routing.ortools_engine import FirstSolution, SearchSettings, solve_ortools
from lean_social.travel import GeodesicTravel

DATA = Path(__file__).resolve().parent.parent / "data" / "volgodonsk"
DAYS = (dt.date(2026, 12, 7), dt.date(2026, 12, 8))
LIMITS = (1.0, 2.0, 5.0, 10.0)
STRATEGIES: tuple[FirstSolution, ...] = (
    "LOCAL_CHEAPEST_INSERTION",
    "PARALLEL_CHEAPEST_INSERTION",
    "PATH_CHEAPEST_ARC",
    "SAVINGS",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limits", type=float, nargs="+", default=list(LIMITS))
    parser.add_argument("--strategy-limit", type=float, default=1.0)
    args = parser.parse_args()
    problem = read_folder(DATA)
    rows = []
    for day in DAYS:
        for department in problem.departments:
            for limit in args.limits:
                started = time.perf_counter()
                schedule = plan_day(problem, day, time_limit=limit, departments=[department])
                wall = time.perf_counter() - started
                assert validate(schedule, problem, departments=[department]) == []
                routes = schedule.routes
                assert isinstance(schedule.info, DayPlanRecord)
                rows.append(
                    {
                        "day": day,
                        "dept": department,
                        "limit": limit,
                        "wall": wall,
                        "visits": schedule.info.visits,
                        "workers": len(routes),
                        "unserved": len(schedule.unassigned),
                        "travel": sum(r.travel_s for r in routes) / 60,
                        "wait": sum(r.wait_s for r in routes) / 60,
                    }
                )
                print(rows[-1], flush=True)
    strategy_rows = []
    travel = GeodesicTravel()
    for day in DAYS:
        duty = workers_on_duty(problem, day)
        for department in problem.departments:
            visits = [v for v in visits_for_day(problem, day) if v.department == department]
            workers = [w for w in problem.workers if w.department == department and duty[w.id] is None]
            started = time.perf_counter()
            instance = compile_day(problem, day, visits, workers, travel).instance
            compile_s = time.perf_counter() - started
            for strategy in STRATEGIES:
                solution = solve_ortools(
                    instance, SearchSettings(time_limit_s=args.strategy_limit, first_solution=strategy)
                )
                strategy_rows.append(
                    {
                        "day": day,
                        "dept": department,
                        "strategy": strategy,
                        "dropped": len(solution.dropped),
                        "cost": solution.cost,
                        "compile": compile_s,
                    }
                )
                print(strategy_rows[-1], flush=True)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    write_section("day-plan", render(rows, strategy_rows, args.strategy_limit, peak_mb))


def render(
    rows: list[dict[str, object]], strategy_rows: list[dict[str, object]], strategy_limit: float, peak_mb: float
) -> str:
    lines = [
        "## Planning one department-day (issue 2)",
        "",
        "Command: `python -m benchmarks.day_plan` (from the repository root, after `pip install -e '.[dev]'`).",
        f"Machine: {machine()}. Versions: {versions('lean_social', 'ortools', 'numpy')}.",
        "",
        "Demo centre (`data/volgodonsk`), one department at a time, `plan_day(..., departments=[D])`.",
        "Wall time includes building the travel matrices and the model, the search (which runs for its",
        "whole time limit: guided local search has no natural end), timing and extracting the routes.",
        "Every plan passed the validator. Target: under 10 s for about 10 workers and 40 visits.",
        "",
        "| day | dept | visits | workers used | time limit s | wall s | unserved | travel min | waiting min |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['day']} | {r['dept']} | {r['visits']} | {r['workers']} | {r['limit']:g} | {r['wall']:.2f} | "
            f"{r['unserved']} | {r['travel']:.0f} | {r['wait']:.0f} |"
        )
    by_limit: dict[float, list[float]] = {}
    for r in rows:
        by_limit.setdefault(float(r["limit"]), []).append(float(r["wall"]))  # type: ignore[arg-type]
    lines += [
        "",
        "Mean wall time by time limit: "
        + ", ".join(f"{limit:g} s → {statistics.mean(walls):.2f} s" for limit, walls in sorted(by_limit.items()))
        + ".",
    ]
    lines += [
        "",
        f"First-solution strategies at {strategy_limit:g} s (guided local search after each); "
        "cost = travel seconds + route span seconds + 1,000,000 per unserved visit:",
        "",
        "| day | dept | strategy | unserved | cost |",
        "|---|---|---|---|---|",
    ]
    for r in strategy_rows:
        lines.append(f"| {r['day']} | {r['dept']} | {r['strategy']} | {r['dropped']} | {r['cost']} |")
    compile_times = [float(r["compile"]) for r in strategy_rows]  # type: ignore[arg-type]
    lines += [
        "",
        f"Building one department-day instance (matrices + arrays): mean "
        f"{statistics.mean(compile_times) * 1000:.0f} ms. Peak memory of the run: {peak_mb:.0f} MB.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

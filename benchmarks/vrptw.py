"""lean_social's routing core against PyVRP, VROOM and plain OR-Tools on Solomon's 56 VRPTW instances.

    python -m benchmarks.vrptw                       # all 56 instances, 5 s and 30 s: about 70 minutes
    python -m benchmarks.vrptw --instances C101 R101 --budgets 2

Convention: distances truncated to one decimal, fleet size free, total distance minimised; best-known
values from ../shared/benchmarks/solomon/bks.csv (``distance_only_trunc1``). lean_social's core uses
both cores (its portfolio runs two searches at once) and runs alone; the single-core peers run two at a
time, one per core, so every solver gets the same wall-clock budget on this machine. Every solution is
re-checked by benchmarks/vrptw_check.py, which shares no code with any solver. Results are appended to a
JSON-lines file as they come (``--resume`` continues a run) and rendered into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import csv
import json
import multiprocessing
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.report import machine, versions, write_section
from benchmarks.vrptw_check import check, parse
from benchmarks.vrptw_peers import PEERS, Routes
from lean_social.routing.engine import EngineSettings, solve
from lean_social.routing.solomon import read_solomon

SOLOMON = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "solomon"
RESULTS = Path(__file__).resolve().parent / "results" / "vrptw.jsonl"
FAMILIES = ("C1", "C2", "R1", "R2", "RC1", "RC2")
SOLVERS = ("lean_social", "pyvrp", "vroom", "ortools")


def run_lean(path: str, budget: float) -> tuple[Routes, float]:
    instance = read_solomon(path).instance
    started = time.perf_counter()
    solution = solve(instance, EngineSettings(time_limit_s=budget))
    return [[j + 1 for j in route] for route in solution.routes], time.perf_counter() - started


def bks(solomon_dir: Path) -> dict[str, float]:
    with (solomon_dir / "bks.csv").open(encoding="utf-8") as handle:
        return {
            row["instance"]: float(row["distance"])
            for row in csv.DictReader(handle)
            if row["convention"].startswith("distance-only")
        }


def record(
    path: Path, solver: str, budget: float, routes: Routes, wall: float, best: dict[str, float]
) -> dict[str, Any]:
    instance = parse(path)
    distance, problems = check(instance, routes)
    known = best[instance.name]
    return {
        "instance": instance.name,
        "solver": solver,
        "budget": budget,
        "wall": round(wall, 3),
        "distance": distance,
        "feasible": not problems,
        "problems": problems[:3],
        "gap": round(100 * (distance - known) / known, 3) if not problems else None,
        "routes": sum(1 for r in routes if r),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--solomon", type=Path, default=SOLOMON)
    parser.add_argument("--instances", nargs="*", help="names like C101 (default: all 56)")
    parser.add_argument("--budgets", type=float, nargs="+", default=[5.0, 30.0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--resume", action="store_true", help="skip runs already in the results file")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args()
    best = bks(args.solomon)
    files = sorted((args.solomon / "instances").glob("*.txt"))
    if args.instances:
        wanted = {n.upper() for n in args.instances}
        files = [f for f in files if f.stem.upper() in wanted]
    args.results.parent.mkdir(parents=True, exist_ok=True)
    done: set[tuple[str, str, float]] = set()
    if args.resume and args.results.exists():
        for line in args.results.read_text().splitlines():
            r = json.loads(line)
            done.add((r["instance"], r["solver"], r["budget"]))
    elif args.results.exists():
        args.results.unlink()
    context = multiprocessing.get_context("fork")

    def save(row: dict[str, Any]) -> None:
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(row) + "\n")
        print(
            f"{row['instance']:6} {row['solver']:11} {row['budget']:>4g}s  {row['distance']:8.1f}  "
            f"gap {row['gap']}%  {'' if row['feasible'] else 'INFEASIBLE ' + '; '.join(row['problems'])}",
            flush=True,
        )

    for path in files:
        name = path.stem.upper()
        for budget in args.budgets:
            if (name, "lean_social", budget) not in done:
                routes, wall = run_lean(str(path), budget)
                save(record(path, "lean_social", budget, routes, wall, best))
            pending: list[tuple[str, Callable[[str, float], tuple[Routes, float]]]] = [
                (peer, fn) for peer, fn in PEERS.items() if (name, peer, budget) not in done
            ]
            with cf.ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
                futures = {pool.submit(fn, str(path), budget): peer for peer, fn in pending}
                for future in cf.as_completed(futures):
                    routes, wall = future.result()
                    save(record(path, futures[future], budget, routes, wall, best))
    rows = [json.loads(line) for line in args.results.read_text().splitlines()]
    if not args.no_write:
        write_section("vrptw", render(rows, args))


def render(rows: list[dict[str, Any]], args: argparse.Namespace) -> str:
    budgets = sorted({r["budget"] for r in rows})
    by: dict[tuple[str, str, float], dict[str, Any]] = {(r["instance"], r["solver"], r["budget"]): r for r in rows}
    names = sorted({r["instance"] for r in rows}, key=lambda n: (FAMILIES.index(_family(n)), n))
    columns = [(s, b) for b in budgets for s in SOLVERS]

    def cell(r: dict[str, Any] | None) -> str:
        if r is None:
            return "–"
        return f"{r['gap']:.2f}" if r["feasible"] else "infeasible"

    def mean_gap(solver: str, budget: float, subset: list[str]) -> str:
        gaps = [by[(n, solver, budget)]["gap"] for n in subset if (n, solver, budget) in by]
        if not gaps:
            return "–"
        bad = sum(1 for g in gaps if g is None)
        values = [g for g in gaps if g is not None]
        text = f"{statistics.mean(values):.2f}" if values else "–"
        return text + (f" ({bad} infeasible)" if bad else "")

    lines = [
        "## Solomon VRPTW: routing core against PyVRP, VROOM and plain OR-Tools (issue 3)",
        "",
        "Command: `python -m benchmarks.vrptw"
        + (f" --budgets {' '.join(f'{b:g}' for b in budgets)}" if budgets != [5.0, 30.0] else "")
        + "` (after `pip install -e '.[dev,bench]'`; about 70 minutes for all 56 instances at 5 s and 30 s).",
        f"Machine: {machine()}. Versions: {versions('lean_social', 'ortools', 'pyvrp', 'pyvroom', 'numpy')}.",
        "",
        "Gap to best-known distance in %, distance-only convention (Euclidean truncated to one decimal, fleet",
        "size free; `bks.csv`, `distance_only_trunc1`). lean_social's core is the engine that plans home",
        "visits (`lean_social.routing.engine.solve`, default settings): two searches on the two cores,",
        "OR-Tools polishing the best. It runs alone; PyVRP (seed 0), VROOM (exploration level 5, one thread,",
        "timeout = budget) and plain OR-Tools (PATH_CHEAPEST_ARC + guided local search, droppable customers)",
        "run two at a time, one per core. Every solution was re-checked by `benchmarks/vrptw_check.py`.",
        "",
        "### Mean gap by family",
        "",
        "| family | n | " + " | ".join(f"{s} {b:g}s" for s, b in columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    for fam in FAMILIES:
        subset = [n for n in names if _family(n) == fam]
        if subset:
            lines.append(f"| {fam} | {len(subset)} | " + " | ".join(mean_gap(s, b, subset) for s, b in columns) + " |")
    lines.append(f"| **all** | {len(names)} | " + " | ".join(f"**{mean_gap(s, b, names)}**" for s, b in columns) + " |")
    lines += ["", "### Ratios", ""]
    for budget in budgets:
        for peer in SOLVERS[1:]:
            ratios = [
                by[(n, "lean_social", budget)]["distance"] / by[(n, peer, budget)]["distance"]
                for n in names
                if (n, "lean_social", budget) in by
                and (n, peer, budget) in by
                and by[(n, "lean_social", budget)]["feasible"]
                and by[(n, peer, budget)]["feasible"]
            ]
            worse = [
                n
                for n in names
                if (n, "lean_social", budget) in by
                and (n, peer, budget) in by
                and by[(n, peer, budget)]["feasible"]
                and (
                    not by[(n, "lean_social", budget)]["feasible"]
                    or by[(n, "lean_social", budget)]["distance"] > by[(n, peer, budget)]["distance"] + 1e-9
                )
            ]
            if ratios:
                lines.append(
                    f"- {budget:g} s, lean_social / {peer} distance: mean {statistics.mean(ratios):.4f}, "
                    f"worst {max(ratios):.4f}; lean_social worse on {len(worse)} of {len(ratios)}"
                    + (f" ({', '.join(worse[:12])}{'…' if len(worse) > 12 else ''})" if worse else "")
                )
    lines += [
        "",
        "### Per instance (gap %)",
        "",
        "| instance | BKS | " + " | ".join(f"{s} {b:g}s" for s, b in columns) + " |",
        "|---|---|" + "---|" * len(columns),
    ]
    best = bks(args.solomon)
    for n in names:
        lines.append(f"| {n} | {best[n]:.1f} | " + " | ".join(cell(by.get((n, s, b))) for s, b in columns) + " |")
    return "\n".join(lines)


def _family(name: str) -> str:
    return name[: len(name) - 2]


if __name__ == "__main__":
    main()

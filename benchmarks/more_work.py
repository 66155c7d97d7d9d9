"""More work never makes a reproducible plan worse: each instance planned on a rising count of work (issue 15).

    git worktree add --detach /tmp/earlier 9de9f97         # optional: an earlier engine beside this one
    python -m benchmarks.more_work --earlier /tmp/earlier --write

``--reproducible`` runs stop on a count of work (``EngineSettings.work``), so that the same day gives the
same plan on any machine under any load; the issue asks that a larger count never give a worse plan. A
count is not a time, so this is a property of the engine, not of the machine: each instance is planned
at every count of a grid of work a visit, and a step is a failure where its plan costs more than the
cheapest of the smaller counts (``routing.engine.evaluate``). The grid ends inside the laps of search
and polish as well as on their ends (``engine.lap_plan``): a lap's first quarter, its polish, the next
lap. Each engine plans in a process of its own (``--worker``), as in ``benchmarks.real_days_against``.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.real_days_against import commit
from benchmarks.report import (
    NOT_A_CHECKOUT,
    is_checkout,
    machine,
    results_rows,
    run_arguments,
    run_instances,
    write_section,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "more_work.jsonl"

#: Solomon days with a lunch (``real_days_data``) at 50 and 100 visits, of every family, and a generated
#: department: the days whose plans a reproducible run searches (the demo's days are proved, ``exact``).
INSTANCES = [
    "solomon:C101-50",
    "solomon:C105-50",
    "solomon:C201-50",
    "solomon:R101-50",
    "solomon:R103-50",
    "solomon:R105-50",
    "solomon:R201-50",
    "solomon:RC101-50",
    "solomon:RC102-50",
    "solomon:RC103-50",
    "solomon:RC105-50",
    "solomon:RC201-50",
    "solomon:C101",
    "solomon:C201",
    "solomon:C202",
    "solomon:C206",
    "solomon:R101",
    "solomon:R105",
    "solomon:R201",
    "solomon:R209",
    "solomon:RC101",
    "solomon:RC105",
    "solomon:RC201",
    "solomon:RC206",
]
#: Work a visit: inside the first lap's search (25 a visit, half of it search on a day with a lunch), in
#: its polish, on its end, inside the second lap (to 100), on its end.
GRID = [8, 12, 16, 20, 25, 40, 60, 100]


def worker(tree: Path, names: list[str], grid: list[int], seed: int) -> None:
    """Plan each instance at each count by the engine of ``tree``; one JSON line a plan on stdout."""
    sys.path.insert(0, str(tree))  # lean_social from the tree asked for, imported only now
    import lean_social
    from benchmarks.real_days_data import instance
    from lean_social.routing.engine import EngineSettings, evaluate, solve

    if not Path(lean_social.__file__).resolve().is_relative_to(tree.resolve()):
        msg = f"lean_social came from {lean_social.__file__}, not from {tree}"
        raise SystemExit(msg)
    short = _ShortCounter()
    recombination = logging.getLogger("lean_social.routing.recombine")
    recombination.addHandler(short)
    recombination.setLevel(logging.INFO)
    for name in names:
        day = instance(name).instance
        for per_visit in grid:
            began, short.count = time.perf_counter(), 0
            solution = solve(day, EngineSettings(work=per_visit * len(day.jobs), seed=seed))
            feasible, cost = evaluate(day, solution)
            row = {"instance": name, "per_visit": per_visit, "cost": cost, "feasible": feasible}
            row |= {"winner": solution.status, "s": round(time.perf_counter() - began, 2), "unproved": short.count}
            print(json.dumps(row), flush=True)


class _ShortCounter(logging.Handler):
    """Counts the recombinations that stopped at SCIP's node limit before proving their choice the
    cheapest: there a larger pool may choose no better, the one way left for more work to give a worse
    plan (``engine._laps``)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += "stopped short" in record.getMessage()


def measure(tree: Path, name: str, grid: list[int], seed: int) -> list[dict[str, Any]]:
    command = [sys.executable, "-m", "benchmarks.more_work", "--worker", str(tree), "--instances", name]
    command += ["--grid", *map(str, grid), "--seed", str(seed)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        msg = f"the engine of {tree} failed on {name}:\n{done.stderr[-2000:]}"
        raise SystemExit(msg)
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def steps_worse(costs: Sequence[float]) -> list[int]:
    """The indices of the counts whose plan costs more than the cheapest of the smaller counts."""
    worse: list[int] = []
    least: float | None = None
    for i, cost in enumerate(costs):
        if least is not None and cost > least:
            worse.append(i)
        least = cost if least is None else min(least, cost)
    return worse


def render(rows: list[dict[str, Any]], args: argparse.Namespace, engines: list[tuple[str, str]]) -> list[str]:
    grid = args.grid
    names = list(dict.fromkeys(r["instance"] for r in rows))
    earlier = f"--earlier <checkout of {engines[0][1]}> " if len(engines) > 1 else ""
    lines = [
        "## Reproducible runs: more work never makes a plan worse (issue 15)",
        "",
        f"`python -m benchmarks.more_work {earlier}--grid {' '.join(map(str, grid))} --seed {args.seed} --write`",
        "",
        f"Machine: {machine()} (a count of work, not a time: the costs are the same on any machine). Each "
        f"instance planned at {', '.join(map(str, grid))} units of work a visit (`EngineSettings.work`, "
        "`--reproducible`), cost by `routing.engine.evaluate`; a step is worse where its plan costs more "
        "than the cheapest plan of a smaller count, marked with *.",
        "",
        "| instance | engine | " + " | ".join(f"{g} a visit" for g in grid) + " | steps worse |",
        "|---|---|" + "---:|" * len(grid) + "---:|",
    ]
    totals = {label: [0, 0] for label, _ in engines}
    for name in names:
        for label, rev in engines:
            mine = {r["per_visit"]: r for r in rows if r["instance"] == name and r["engine"] == label}
            if len(mine) != len(grid):
                continue
            costs = [mine[g]["cost"] if mine[g]["feasible"] else math.inf for g in grid]  # no plan: the dearest
            worse = steps_worse(costs)
            cells = [f"{'no plan' if c == math.inf else c}{' *' if i in worse else ''}" for i, c in enumerate(costs)]
            lines.append(f"| {name} | {rev} | " + " | ".join(cells) + f" | {len(worse)} |")
            totals[label][0] += len(worse)
            totals[label][1] += len(grid) - 1
    lines.append("")
    for label, rev in engines:
        count, steps = totals[label]
        line = f"- {rev}: {count} of {steps} steps to more work gave a worse plan"
        if label == "now":  # an earlier engine may not say where SCIP stopped short
            unproved = sum(r.get("unproved", 0) for r in rows if r["engine"] == label)
            runs = sum(1 for r in rows if r["engine"] == label)
            line += f"; in {unproved} of its {runs} runs a recombination stopped short of proving its choice"
        lines.append(line + ".")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--earlier", type=Path, help="a checkout of an earlier engine, run beside this one")
    parser.add_argument("--instances", nargs="*", default=INSTANCES, help="names, as benchmarks.real_days takes")
    parser.add_argument("--grid", type=int, nargs="+", default=GRID, help="units of work a visit, rising")
    parser.add_argument("--seed", type=int, default=0)
    run_arguments(parser, RESULTS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker, args.instances, args.grid, args.seed)
        return
    if args.grid != sorted(set(args.grid)):
        parser.error("--grid must rise")
    if args.earlier is not None and not is_checkout(args.earlier):
        parser.error(NOT_A_CHECKOUT)
    engines = [("now", commit(ROOT))]
    trees = [ROOT]
    if args.earlier is not None:
        engines.insert(0, ("earlier", commit(args.earlier)))
        trees.insert(0, args.earlier)
    rows = results_rows(args.results, resume=args.resume)
    labelled = [({"engine": label, "rev": rev}, tree) for (label, rev), tree in zip(engines, trees, strict=True)]
    run_instances(
        args.results, rows, args.instances, labelled, lambda tree, name: measure(tree, name, args.grid, args.seed)
    )
    # The commits that planned the rows (a run resumed after a commit keeps the engine that ran).
    engines = [
        (label, next((r["rev"] for r in rows if r["engine"] == label and "rev" in r), rev)) for label, rev in engines
    ]
    lines = render(rows, args, engines)
    print("\n".join(lines))
    if args.write:
        write_section("more-work", "\n".join(lines))


if __name__ == "__main__":
    main()

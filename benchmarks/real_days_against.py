"""The engine against an earlier engine on the real-shaped days, seed by seed at one budget (issue 15).

    git worktree add --detach /tmp/earlier 64defb4         # the engine as it was when issue 15 was filed
    python -m benchmarks.real_days_against --earlier /tmp/earlier --seeds 0 1 2 --write

``benchmarks/real_days.py`` measures this engine against a 20x reference; "never worse than the engine
it replaces on any instance" needs the earlier one on the same instances, on the same machine, at the
same budget. Each engine plans in a process of its own (``--worker``), the earlier one importing
``lean_social`` from its checkout and this one from here; the instances, their references and the costing
(``routing.engine.evaluate``, which both have) come from here. Runs alternate between the engines
instance by instance, so that a machine busier at one moment does not favour either. On the clock, a
seed's gap moves by a percent or two from run to run: an instance counts as worse only where the mean
over the seeds is.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

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
RESULTS = HERE / "results" / "real_days_against.jsonl"


def worker(tree: Path, names: list[str], budget: float, seeds: list[int]) -> None:
    """Plan each instance with each seed by the engine of ``tree``; one JSON line a plan on stdout."""
    sys.path.insert(0, str(tree))  # lean_social from the tree asked for, imported only now
    import lean_social
    from benchmarks.real_days_data import instance
    from lean_social.routing.engine import EngineSettings, evaluate, solve

    if not Path(lean_social.__file__).resolve().is_relative_to(tree.resolve()):
        msg = f"lean_social came from {lean_social.__file__}, not from {tree}"
        raise SystemExit(msg)
    for name in names:
        named = instance(name)
        for seed in seeds:
            solution = solve(named.instance, EngineSettings(time_limit_s=budget, seed=seed))
            feasible, cost = evaluate(named.instance, solution)
            row = {"instance": name, "kind": named.kind, "seed": seed, "cost": cost, "feasible": feasible}
            print(json.dumps(row | {"dropped": len(solution.dropped), "winner": solution.status}), flush=True)


def commit(tree: Path) -> str:
    out = subprocess.run(["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return out.stdout.strip() or str(tree)


def measure(tree: Path, name: str, budget: float, seeds: list[int]) -> list[dict[str, Any]]:
    command = [sys.executable, "-m", "benchmarks.real_days_against", "--worker", str(tree), "--instances", name]
    command += ["--budget", f"{budget:g}", "--seeds", *map(str, seeds)]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        msg = f"the engine of {tree} failed on {name}:\n{done.stderr[-2000:]}"
        raise SystemExit(msg)
    return [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]


def render(rows: list[dict[str, Any]], refs: dict[str, dict[str, Any]], args: argparse.Namespace) -> list[str]:
    def gaps(engine: str, name: str) -> list[float]:
        ref = refs[name]["cost"]
        return [
            100 * (r["cost"] - ref) / ref
            for r in rows
            if r["engine"] == engine
            and r["instance"] == name
            and r["feasible"]
            and r["dropped"] <= refs[name]["dropped"]
        ]

    names = list(dict.fromkeys(r["instance"] for r in rows))
    earlier = commit(args.earlier)
    seeds = " ".join(map(str, args.seeds))
    instances = f" --instances {' '.join(args.instances)}" if getattr(args, "instances", None) else ""
    lines = [
        "## Real-shaped days: this engine against the one it replaces (issue 15)",
        "",
        f"`python -m benchmarks.real_days_against --earlier <checkout of {earlier}>{instances} "
        f"--budget {args.budget:g} --seeds {seeds} --write`",
        "",
        f"Machine: {machine()}. Both engines at {args.budget:g} s a plan on the clock, seeds {seeds}, one after "
        "the other instance by instance; gap to the instance's reference in `benchmarks/real_days_references.json` "
        "(mean over the seeds; a plan that serves fewer jobs than the reference counts as no plan).",
        "",
        f"| instance | earlier ({earlier}) % | now % | now worse on seeds |",
        "|---|---:|---:|---:|",
    ]
    by_kind: dict[str, list[tuple[float, float]]] = {}
    worse: list[str] = []
    for name in names:
        then, now = gaps("earlier", name), gaps("now", name)
        kind = next(r["kind"] for r in rows if r["instance"] == name)
        if len(then) != len(args.seeds) or len(now) != len(args.seeds):
            lines.append(f"| {name} | {len(then)} plans | {len(now)} plans | - |")
            continue
        a, b = statistics.fmean(then), statistics.fmean(now)
        by_kind.setdefault(kind, []).append((a, b))
        seeds_worse = sum(1 for x, y in zip(then, now, strict=True) if y > x + 1e-9)
        lines.append(f"| {name} | {a:.2f} | {b:.2f} | {seeds_worse} of {len(now)} |")
        if b > a + 1e-9:
            worse.append(name)
    lines += [
        "",
        "| kind | instances | earlier mean % | now mean % | earlier worst % | now worst % |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, pairs in by_kind.items():
        then_all, now_all = [a for a, _ in pairs], [b for _, b in pairs]
        lines.append(
            f"| {kind} | {len(pairs)} | {statistics.fmean(then_all):.2f} | {statistics.fmean(now_all):.2f} | "
            f"{max(then_all):.2f} | {max(now_all):.2f} |"
        )
    lines += ["", f"Instances where the mean over the seeds is worse now: {', '.join(worse) or 'none'}."]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--earlier", type=Path, help="a checkout of the earlier engine")
    parser.add_argument("--instances", nargs="*", help="names or groups, as benchmarks.real_days takes them")
    parser.add_argument("--budget", type=float, default=5.0, help="seconds a plan")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    run_arguments(parser, RESULTS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker, args.instances, args.budget, args.seeds)
        return
    if args.earlier is None or not is_checkout(args.earlier):
        parser.error(NOT_A_CHECKOUT)

    # Not at the top: they import lean_social, which a worker must take from its own tree.
    from benchmarks.real_days import load_references
    from benchmarks.real_days_data import names

    refs = load_references(HERE / "real_days_references.json")
    wanted = [n for n in names(args.instances) if n in refs]
    rows = results_rows(args.results, resume=args.resume)
    engines = [({"engine": "earlier"}, args.earlier), ({"engine": "now"}, ROOT)]
    run_instances(args.results, rows, wanted, engines, lambda tree, name: measure(tree, name, args.budget, args.seeds))
    lines = render(rows, refs, args)
    print("\n".join(lines))
    if args.write:
        write_section("real-days-against", "\n".join(lines))


if __name__ == "__main__":
    main()

"""The routing engine on real-shaped days: lunch breaks and second windows, against a 20x reference (issue 15).

    python -m benchmarks.real_days --write                       # every instance, 5, 10 and 30 s: hours
    python -m benchmarks.real_days --instances solomon:C101-25 demo --budgets 5 --write
    python -m benchmarks.real_days --instances demo --budgets --work-per-visit 100 400   # no clock

Solomon's benchmark (benchmarks/vrptw.py) measures the path where PyVRP's model is plain VRPTW; a real
department-day has lunches and second windows, which the engine rewrites into PyVRP's model as copies
of the visits (``routing.pyvrp_engine``) and searches beside OR-Tools where most visits are pinned to
their worker. The instances (``benchmarks/real_days_data.py``):
Solomon instances made real-shaped, the demo's department-days as the planner compiles them, and
generated departments of 40, 100 and 200 visits.

For each instance and budget the engine (``routing.engine.solve``, default settings but the budget and
seed) plans on the clock; its plan is checked and costed by the routing core's own ``evaluate`` (the
objective the engine compares candidates on: arc costs, the length of each worker's day where it costs,
the penalty of every job left out), and ``status`` says which search won (``construction``, ``pyvrp``,
``ortools``, ``...+polish`` when OR-Tools' polish then improved it). The gap is to the instance's
**reference**: the best plan found by any reference configuration (the portfolio, and OR-Tools alone:
``--reference-configs``) given ``--reference-factor`` (20) times the engine's default budget of 5 s.
References are cached in ``benchmarks/real_days_references.json`` (one entry per instance: the digest of
the instance it was found for, its cost, the configuration that found it, the budget and the seed), so
a rerun at other budgets reuses them; an instance whose digest changed is referenced again. A measured
run that beats its reference shows a negative gap: the reference was not the best plan after all.

Time budgets are wall-clock, so on a shared machine the figures move from run to run; results are
appended to ``--results`` (JSON lines) as they come, ``--resume`` continues a run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.real_days_data import Named, digest, instance, names
from benchmarks.report import machine, versions, write_section
from lean_social.routing.engine import EngineSettings, evaluate, solve
from lean_social.routing.instance import RoutingInstance

HERE = Path(__file__).resolve().parent
REFERENCES = HERE / "real_days_references.json"
RESULTS = HERE / "results" / "real_days.jsonl"
DEFAULT_BUDGET_S = EngineSettings().time_limit_s
CONFIGS = ("portfolio", "ortools")
KINDS = ("solomon", "demo", "generated", "hours")


def run(
    named: Named, seconds: float | None, *, seed: int, config: str = "portfolio", work_per_visit: int | None = None
) -> dict[str, Any]:
    """One plan of the engine, on the clock (``seconds``) or, with ``work_per_visit``, on a count of work
    (reproducible): its cost by the core's own check, and the search that won."""
    problem: RoutingInstance = named.instance
    settings = EngineSettings(
        time_limit_s=seconds or 0.0,
        work=None if work_per_visit is None else work_per_visit * len(problem.jobs),
        seed=seed,
        strategy="ortools" if config == "ortools" else "portfolio",
    )
    started = time.perf_counter()
    solution = solve(problem, settings)
    wall = time.perf_counter() - started
    feasible, cost = evaluate(problem, solution)
    return {
        "instance": named.name,
        "kind": named.kind,
        "config": config,
        "budget": None if work_per_visit is not None else seconds,
        "work_per_visit": work_per_visit,
        "seed": seed,
        "cost": cost,
        "feasible": feasible,
        "dropped": len(solution.dropped),
        "routes": sum(1 for r in solution.routes if r),
        "winner": solution.status,
        "travel": travel(problem, solution.routes),
        "wall": round(wall, 2),
    }


def travel(problem: RoutingInstance, routes: tuple[tuple[int, ...], ...]) -> int:
    """Time on the road of a plan (what a worker walks), apart from the objective: on a department-day the
    objective also counts each worker's day from leaving to coming back, which dilutes a gap in walking."""
    total = 0
    for v, jobs in enumerate(routes):
        if jobs:
            spec = problem.vehicles[v]
            places = [spec.start_place, *(problem.jobs[j].place for j in jobs), spec.end_place]
            total += sum(problem.travel(v, a, b) for a, b in itertools.pairwise(places))
    return total


def load_references(path: Path) -> dict[str, dict[str, Any]]:
    if not path.exists():
        return {}
    refs: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["references"]
    return refs


def save_references(path: Path, refs: dict[str, dict[str, Any]]) -> None:
    body = {
        "about": "Reference plans of benchmarks/real_days.py: per instance, the least cost (routing.engine.evaluate) "
        "found by any reference configuration at the reference budget; digest identifies the instance "
        "(benchmarks/real_days_data.digest), so a changed instance is referenced again.",
        "references": dict(sorted(refs.items())),
    }
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(body, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def reference(
    named: Named,
    refs: dict[str, dict[str, Any]],
    *,
    seconds: float,
    configs: list[str],
    path: Path,
    again: bool = False,
) -> dict[str, Any]:
    """The cached reference of this very instance at this budget, or a new one (saved at once). With
    ``again`` the reference configurations run once more (the engine has changed, say) and the better
    of the cached and the new plan stands: a reference is the best plan found, by whichever engine."""
    key = digest(named.instance)
    cached = refs.get(named.name)
    fresh = cached if cached is not None and cached["digest"] == key and cached["budget_s"] == seconds else None
    if fresh is not None and not again:
        return fresh
    runs = [run(named, seconds, seed=0, config=config) for config in configs]
    best = min((r for r in runs if r["feasible"]), key=lambda r: (r["dropped"], r["cost"]))
    if fresh is not None and (fresh["dropped"], fresh["cost"]) <= (best["dropped"], best["cost"]):
        fresh["tried"] = {**fresh["tried"], **{f"{r['config']} (again)": r["cost"] for r in runs}}
        save_references(path, refs)
        print(f"{named.name:22} reference {fresh['cost']} stands (again: {best['cost']})", flush=True)
        return fresh
    earlier = {"earlier": fresh["cost"]} if fresh is not None else {}
    refs[named.name] = {
        "digest": key,
        "cost": best["cost"],
        "dropped": best["dropped"],
        "config": best["config"],
        "winner": best["winner"],
        "budget_s": seconds,
        "seed": 0,
        "tried": {**earlier, **{r["config"]: r["cost"] for r in runs}},
        "jobs": len(named.instance.jobs),
        "travel": best.get("travel"),
    }
    save_references(path, refs)
    print(f"{named.name:22} reference {best['cost']} ({best['config']}, {seconds:g} s)", flush=True)
    return refs[named.name]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    groups = "solomon, solomon-25, solomon-50, demo, gen, hours"
    parser.add_argument("--instances", nargs="*", help=f"names or groups: {groups}")
    parser.add_argument("--budgets", type=float, nargs="*", default=[5.0, 10.0, 30.0], help="seconds")
    parser.add_argument(
        "--work-per-visit",
        type=int,
        nargs="*",
        default=[],
        help="also plan reproducibly on these units of work a visit (no clock: the same plan on any machine)",
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--reference-factor", type=float, default=20.0)
    parser.add_argument("--reference-configs", nargs="+", choices=CONFIGS, default=list(CONFIGS))
    parser.add_argument("--references", type=Path, default=REFERENCES)
    parser.add_argument(
        "--rereference", action="store_true", help="run the references again, keep the better of old and new"
    )
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--resume", action="store_true", help="skip runs already in the results file")
    parser.add_argument("--note", default="", help="a line said above the tables (a partial run, say)")
    parser.add_argument("--write", action="store_true", help="rewrite the section of docs/benchmarks.md")
    args = parser.parse_args()
    wanted = names(args.instances)
    refs = load_references(args.references)
    ref_s = args.reference_factor * DEFAULT_BUDGET_S
    args.results.parent.mkdir(parents=True, exist_ok=True)
    done: set[tuple[str, str, int]] = set()
    if args.resume and args.results.exists():
        done = {(r["instance"], label(r), r["seed"]) for r in _rows(args.results)}
    elif args.results.exists():
        args.results.unlink()
    for name in wanted:
        named = instance(name)
        reference(
            named, refs, seconds=ref_s, configs=args.reference_configs, path=args.references, again=args.rereference
        )
        plans = [(b, None) for b in args.budgets] + [(None, w) for w in args.work_per_visit]
        for budget, work in plans:
            for seed in args.seeds:
                if (name, label({"budget": budget, "work_per_visit": work}), seed) in done:
                    continue
                row = run(named, budget, seed=seed, work_per_visit=work)
                with args.results.open("a", encoding="utf-8") as handle:
                    handle.write(json.dumps(row) + "\n")
                print(f"{name:22} {label(row):>14} seed {seed}: {row['cost']} {row['winner']}", flush=True)
    lines = render([r for r in _rows(args.results) if r["instance"] in wanted], refs, args, ref_s)
    print("\n".join(lines))
    if args.write:
        write_section("real-days", "\n".join(lines))


def _rows(path: Path) -> list[dict[str, Any]]:
    if not path.exists():  # only references were asked for (``--budgets`` with no budget)
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def label(row: dict[str, Any]) -> str:
    """A run's budget as the tables say it: seconds, or units of work a visit (reproducible)."""
    work = row.get("work_per_visit")
    return f"{row['budget']:g} s" if work is None else f"{work} work/visit"


def _order(text: str) -> tuple[bool, float]:
    number, unit = text.split(" ", 1)
    return unit != "s", float(number)


def gap(row: dict[str, Any], ref: dict[str, Any]) -> float | None:
    """Percent above the reference; None where the run was infeasible or served fewer jobs."""
    if not row["feasible"] or row["dropped"] > ref["dropped"]:
        return None
    return 100.0 * (int(row["cost"]) - int(ref["cost"])) / int(ref["cost"])


def _command(args: argparse.Namespace) -> str:
    parts = ["python -m benchmarks.real_days"]
    if args.instances:
        parts.append("--instances " + " ".join(args.instances))
    parts.append("--budgets " + " ".join(f"{b:g}" for b in args.budgets))
    if args.work_per_visit:
        parts.append("--work-per-visit " + " ".join(map(str, args.work_per_visit)))
    if args.seeds != [0]:
        parts.append("--seeds " + " ".join(map(str, args.seeds)))
    if args.reference_factor != 20:
        parts.append(f"--reference-factor {args.reference_factor:g}")
    if args.reference_configs != list(CONFIGS):
        parts.append("--reference-configs " + " ".join(args.reference_configs))
    if args.note:
        parts.append(f'--note "{args.note}"')
    return " ".join([*parts, "--write"])


def render(
    rows: list[dict[str, Any]], refs: dict[str, dict[str, Any]], args: argparse.Namespace, ref_s: float
) -> list[str]:
    budgets = sorted({label(r) for r in rows}, key=_order)
    lines = [
        "## Real-shaped days: lunch breaks and second windows against a 20x reference (issue 15)",
        "",
        f"Command: `{_command(args)}`.",
        f"Machine: {machine()}. Versions: {versions('lean_social', 'ortools', 'pyvrp', 'numpy')}.",
        "",
    ]
    if args.note:
        lines += [f"**{args.note}**", ""]
    full = not args.instances and args.budgets == [5.0, 10.0, 30.0] and args.reference_configs == list(CONFIGS)
    if not full:
        lines += [
            "The full run: `python -m benchmarks.real_days --write` (the 56 Solomon instances, the demo's 18",
            "department-days, the generated departments of 40, 100 and 200 visits, the four days of clients at",
            "set hours; 5, 10 and 30 s; references by both configurations at 100 s each): 81 instances of about",
            "245 s each, some 5 h 30 min on 2 cores.",
            "",
        ]
    lines += [
        "Instances (`benchmarks/real_days_data.py`): Solomon instances with a lunch for every vehicle (30-60 min",
        "in a 2-3 h window around 13:00 of a 08:00-17:00 day scaled onto the instance's horizon) and a second",
        "window, 3 h apart on the other side of midday, for up to 30 % of the clients; the demo's department-days",
        "(data/volgodonsk, week of 2026-12-07) as `plan_week` compiles them; generated town departments of about",
        "40, 100 and 200 visits a day; days of three workers of fourteen visits of their own, each client at home",
        "two set hours (`hours`). Cost: the routing core's objective (`routing.engine.evaluate`). Reference:",
        f"the least cost found by {' or '.join(args.reference_configs)} at {ref_s:g} s "
        f"({args.reference_factor:g} x the default {DEFAULT_BUDGET_S:g} s), cached in",
        "`benchmarks/real_days_references.json`. Gap = (cost - reference) / reference; negative where the",
        "measured run beat its reference; in brackets, the difference in the objective's units: seconds of worker",
        "time for the demo, generated and hours days (travel, plus each worker's day from leaving to coming back, so a",
        "second walked counts twice), tenths of a distance unit for Solomon (distance only). Winner: the",
        "engine's `status`, the search whose plan was returned (`+polish`: OR-Tools' polish improved it).",
        "Budgets in seconds are wall-clock, on a shared machine: expect noise; budgets in work a visit are",
        "reproducible (`EngineSettings.work`, `--reproducible`).",
        "",
        "### Mean gap by kind (%)",
        "",
        "| kind | n | " + " | ".join(f"mean {b} | worst {b}" for b in budgets) + " | winners |",
        "|---|---|" + "---|---|" * len(budgets) + "---|",
    ]
    for kind in KINDS:
        subset = [r for r in rows if r["kind"] == kind]
        if not subset:
            continue
        cells = []
        for b in budgets:
            gaps = [gap(r, refs[r["instance"]]) for r in subset if label(r) == b]
            values = [g for g in gaps if g is not None]
            bad = len(gaps) - len(values)
            suffix = f" ({bad} worse coverage or infeasible)" if bad else ""
            cells += [
                f"{statistics.mean(values):.2f}{suffix}" if values else "–",
                f"{max(values):.2f}" if values else "–",
            ]
        winners = Counter(r["winner"] for r in subset)
        told = ", ".join(f"{w} {n}" for w, n in sorted(winners.items(), key=lambda p: (-p[1], p[0])))
        n = len({r["instance"] for r in subset})
        lines.append(f"| {kind} | {n} | " + " | ".join(cells) + f" | {told} |")
    lines += [
        "",
        "### Per instance",
        "",
        "| instance | jobs | vehicles | two windows | reference (by) | "
        + " | ".join(f"gap {b} | winner {b}" for b in budgets)
        + " |",
        "|---|---|---|---|---|" + "---|---|" * len(budgets),
    ]
    for name in dict.fromkeys(r["instance"] for r in rows):
        ref = refs[name]
        named = instance(name)
        cells = []
        for b in budgets:
            runs = [r for r in rows if r["instance"] == name and label(r) == b]
            gaps = [gap(r, ref) for r in runs]
            cells.append(
                " / ".join(
                    "–" if g is None else f"{g:.2f} ({r['cost'] - ref['cost']:+d})"
                    for r, g in zip(runs, gaps, strict=True)
                )
                or "–"
            )
            cells.append(" / ".join(r["winner"] for r in runs) or "–")
        two = sum(1 for j in named.instance.jobs if len(j.windows) > 1)
        lines.append(
            f"| {name} | {len(named.instance.jobs)} | {len(named.instance.vehicles)} | {two} | "
            f"{ref['cost']} ({ref['config']}: {ref['winner']}) | " + " | ".join(cells) + " |"
        )
    return lines


if __name__ == "__main__":
    main()

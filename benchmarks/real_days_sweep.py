"""All of one kind of real-shaped days, engines side by side, on a machine with many cores (issue 15).

    python -m benchmarks.real_days_sweep prepare --instances solomon --pickle /tmp/days.pkl.gz
    git worktree add --detach /tmp/earlier 64defb4
    python -m benchmarks.real_days_sweep run --pickle /tmp/days.pkl.gz --engine now=. \\
        --engine 64defb4=/tmp/earlier --seeds 0 1 2 --reference-s 50 --slots 8 --out runs.jsonl
    python -m benchmarks.real_days_sweep summarize runs.jsonl --write

``benchmarks/real_days.py`` and ``real_days_against.py`` run one plan at a time on two cores: the 56
Solomon days with a lunch at three seeds and two engines take hours there. Here each plan runs in a
process of its own pinned to two cores (``--slots`` of them at once), so a 16-core machine does the same
in minutes. A child imports only ``lean_social.routing`` of its engine's tree (the package's ``__init__``
is skipped), so a machine that has numpy, OR-Tools and PyVRP and nothing else of the project's needs can
run it; the instances travel as a pickle made where the whole project is installed (``prepare``). Each
child hands back routes, not a cost: every plan is costed here by this tree's ``routing.engine.evaluate``.

The gap of a plan is to the best plan known for its instance: the least cost any run of the sweep found,
the longer reference runs included (``--reference-s``, this tree's engine).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
import types
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results" / "real_days_sweep.jsonl"
#: The section of docs/benchmarks.md ``summarize --write`` rewrites, and its heading, unless told another:
#: runs of other machines or days have a section of their own, for gaps of one machine compare.
SECTION = "real-days-sweep"
TITLE = "Real-shaped days: every Solomon day with a lunch, engines side by side (issue 15)"
#: Seconds kept at the end of ``--stop-s`` for a started plan to end and hand back its routes.
_MARGIN_S = 8.0


def routing_only(tree: Path) -> None:
    """Make ``import lean_social.routing...`` load from ``tree`` without the package's ``__init__`` (which
    imports the whole product: maps, workbooks, Dask). For a child process alone: it replaces the package
    for the whole process."""
    package = types.ModuleType("lean_social")
    package.__path__ = [str(tree / "lean_social")]
    sys.modules["lean_social"] = package


def child(tree: Path, days: Path, name: str, budget: float, seed: int, cores: str) -> None:
    """One plan of ``name`` by the engine of ``tree``: one JSON line with its routes on stdout."""
    with contextlib.suppress(OSError):  # a machine that does not pin: the engine counts the cores it has
        os.sched_setaffinity(0, {int(c) for c in cores.split(",")})
    routing_only(tree)
    from lean_social.routing.engine import EngineSettings, solve

    with gzip.open(days, "rb") as handle:
        instance = pickle.load(handle)[name]  # a pickle this module made
    began = time.perf_counter()
    plan = solve(instance, EngineSettings(time_limit_s=budget, seed=seed))
    row = {"routes": plan.routes, "break_after": plan.break_after, "dropped": plan.dropped, "status": plan.status}
    print(json.dumps(row | {"wall": round(time.perf_counter() - began, 2)}), flush=True)


def prepare(groups: list[str], days: Path) -> None:
    """Build the instances (``benchmarks.real_days_data``) and pickle them for the children."""
    from benchmarks.real_days_data import instance, names

    wanted = names(groups)
    with gzip.open(days, "wb") as handle:
        pickle.dump({name: instance(name).instance for name in wanted}, handle)
    print(f"{len(wanted)} instances in {days}")


def run(args: argparse.Namespace) -> None:
    """Every (engine, instance, seed) at ``--budget``, then this tree's reference runs, ``--slots`` at a
    time; each finished plan appended to ``--out`` at once, so a run cut short keeps what it finished."""
    if "lean_social" not in sys.modules:
        try:
            import lean_social  # noqa: F401  (the whole package, where its needs are installed)
        except ImportError:  # a machine with the routing core's needs alone
            routing_only(ROOT)
    from lean_social.routing.engine import evaluate
    from lean_social.routing.instance import RoutingSolution

    with gzip.open(args.pickle, "rb") as handle:
        instances = pickle.load(handle)  # a pickle this module made
    engines = dict(spec.split("=", 1) for spec in args.engine)
    todo = [(e, n, args.budget, s) for s in args.seeds for n in instances for e in engines]
    if args.reference_s > 0:
        engines["reference"] = str(ROOT)
        todo += [("reference", n, args.reference_s, 0) for n in instances]
    cores = sorted(os.sched_getaffinity(0))
    free = [",".join(map(str, cores[2 * i : 2 * i + 2])) for i in range(min(args.slots, len(cores) // 2))]
    began = time.perf_counter()
    running: dict[subprocess.Popen[str], tuple[tuple[str, str, float, int], str, IO[str]]] = {}
    with args.out.open("a", encoding="utf-8") as out:
        while todo or running:
            while todo and free and time.perf_counter() - began + todo[0][2] + _MARGIN_S < args.stop_s:
                job = todo.pop(0)
                engine, name, budget, seed = job
                command = [sys.executable, "-m", "benchmarks.real_days_sweep", "child", engines[engine]]
                command += [str(args.pickle), name, str(budget), str(seed), free[-1]]
                # Files, not pipes: a child that writes much (warnings) never waits on a full pipe.
                output = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 (closed when the child ends)
                process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True)
                running[process] = (job, free.pop(), output)
            if todo and not running:
                break  # nothing more fits before --stop-s
            time.sleep(0.1)
            for process in [p for p in running if p.poll() is not None]:
                (engine, name, budget, seed), slot, ended = running.pop(process)
                free.append(slot)
                ended.seek(0)
                printed = ended.read()
                ended.close()
                row: dict[str, Any] = {"engine": engine, "instance": name, "budget": budget, "seed": seed}
                try:
                    got = json.loads([line for line in printed.splitlines() if line.startswith("{")][-1])
                    plan = RoutingSolution(
                        routes=tuple(map(tuple, got["routes"])),
                        break_after=tuple(map(tuple, got["break_after"])),
                        dropped=tuple(got["dropped"]),
                        cost=0,
                        status=got["status"],
                        wall_time_s=got["wall"],
                    )
                    feasible, cost = evaluate(instances[name], plan)
                    row |= {"cost": cost, "feasible": feasible, "dropped": len(plan.dropped)}
                    row |= {"winner": plan.status, "wall": got["wall"]}
                except (IndexError, KeyError, ValueError) as error:
                    row |= {"error": f"{type(error).__name__}: {error}", "output": printed[-800:]}
                out.write(json.dumps(row) + "\n")
                out.flush()
                print(json.dumps(row), flush=True)
    print(f"{len(todo)} runs left out by --stop-s after {time.perf_counter() - began:.0f} s")


def family(name: str) -> str:
    """Solomon's family of an instance (C1, C2, R1, R2, RC1, RC2: letters and the first digit), or its name."""
    if not name.startswith("solomon:"):
        return name
    stem = name.removeprefix("solomon:")
    letters = stem.rstrip("0123456789-")
    return letters + stem[len(letters) : len(letters) + 1]


def summarize(rows: list[dict[str, Any]], command: str, note: str, order: Sequence[str] | None = None) -> list[str]:
    """The section of docs/benchmarks.md: mean gap to the best plan known, per family and per instance.
    ``order``: the engines' columns, in that order (default: as they first come in ``rows``); the days
    where the last is worse than the first are named."""
    ok = [r for r in rows if "error" not in r and r["feasible"]]
    fewest: dict[str, int] = {}  # the fewest visits left out of an instance by any run
    for r in ok:
        fewest[r["instance"]] = min(fewest.get(r["instance"], r["dropped"]), r["dropped"])
    best: dict[str, int] = {}
    for r in ok:
        if r["dropped"] == fewest[r["instance"]]:
            best[r["instance"]] = min(best.get(r["instance"], r["cost"]), r["cost"])
    engines = list(dict.fromkeys(r["engine"] for r in ok if r["engine"] != "reference"))
    if order:
        missing = [e for e in order if e not in engines]
        if missing:
            msg = f"no runs of {', '.join(missing)} (the runs have {', '.join(engines)})"
            raise SystemExit(msg)
        engines = list(order)
    gaps: dict[tuple[str, str], list[float]] = defaultdict(list)
    for r in ok:
        if r["engine"] != "reference":
            ref = best[r["instance"]]
            served = r["dropped"] == fewest[r["instance"]]  # a plan that leaves more out counts as none
            gaps[(r["engine"], r["instance"])].append(100 * (r["cost"] - ref) / ref if served else float("inf"))
    # The days every engine ran (a run of some families alone leaves the references' other days out).
    names = sorted(set(best).intersection(*({r["instance"] for r in ok if r["engine"] == e} for e in engines)))
    mean = {(e, n): statistics.fmean(gaps[(e, n)]) for e in engines for n in names if gaps[(e, n)]}
    lines = [f"Command: {command}", "", f"**{note}**", ""]
    lines += ["| family | n | " + " | ".join(f"{e} mean %" for e in engines) + " |"]
    lines += ["|---|---:|" + "---:|" * len(engines)]
    families = sorted({family(n) for n in names})
    for fam in [*families, "all"]:
        members = [n for n in names if fam in ("all", family(n))]
        cells = [f"{statistics.fmean(mean[(e, n)] for n in members):.2f}" for e in engines]
        lines.append(f"| {fam} | {len(members)} | " + " | ".join(cells) + " |")
    worst = [f"{max(mean[(e, n)] for n in names):.2f}" for e in engines]
    lines.append("| worst instance | | " + " | ".join(worst) + " |")
    # The measure: the gap to a longer run's plan alone (the reference runs, where there are any),
    # not to the best of everything, which the runs compared here move themselves; one yardstick for each
    # length of reference run (10x and 20x the budget were run on different machines and days).
    # Each day's least reference cost for each length of reference run (a day may lack a length).
    references: dict[tuple[float, str], int] = {}
    for r in ok:
        key = (r.get("budget", 0.0), r["instance"])
        if r["engine"] == "reference" and r["dropped"] == fewest[r["instance"]]:
            references[key] = min(references.get(key, r["cost"]), r["cost"])
    lengths = sorted({seconds for seconds, _ in references})
    for seconds in lengths:
        referenced = {n: cost for (s, n), cost in references.items() if s == seconds and n in names}
        lines += _to_references(ok, fewest, engines, seconds, referenced)
    if not engines:  # a run of the reference runs alone: nothing to compare yet
        return lines
    last, first = engines[-1], engines[0]
    behind = [n for n in names if mean[(last, n)] > mean[(first, n)] + 1e-9]
    lines += [
        "",
        f"Days where {last} is worse than {first} on the mean over the seeds: "
        + (", ".join(f"{n} ({mean[(last, n)]:.2f} against {mean[(first, n)]:.2f})" for n in behind) or "none")
        + ".",
        "",
        "| instance | best known | "
        + "".join(f"{seconds:g} s reference | " for seconds in lengths)
        + " | ".join(f"{e} %" for e in engines)
        + " | winners of "
        + last
        + " |",
        "|---|---:|" + "---:|" * (len(lengths) + len(engines)) + "---|",
    ]
    for n in names:
        won = sorted(r["winner"] for r in ok if r["engine"] == last and r["instance"] == n)
        row = " | ".join(f"{mean[(e, n)]:.2f}" for e in engines)
        refs = "".join(f"{references.get((seconds, n), '')} | " for seconds in lengths)
        lines.append(f"| {n} | {best[n]} | {refs}{row} | {', '.join(won)} |")
    return lines


def _to_references(
    ok: list[dict[str, Any]], fewest: dict[str, int], engines: list[str], seconds: float, referenced: dict[str, int]
) -> list[str]:
    """The rows of the mean and the worst day's gap of each engine to ``referenced``, each day's least cost
    of the reference runs of ``seconds``."""
    to_reference: dict[tuple[str, str], list[float]] = defaultdict(list)
    for r in ok:
        n = r["instance"]
        if r["engine"] != "reference" and n in referenced:
            served = r["dropped"] == fewest[n]
            to_reference[(r["engine"], n)].append(
                100 * (r["cost"] - referenced[n]) / referenced[n] if served else float("inf")
            )
    means, worst = [], []
    for e in engines:
        per_day = [statistics.fmean(to_reference[(e, n)]) for n in sorted(referenced) if to_reference[(e, n)]]
        means.append(f"{statistics.fmean(per_day):.2f}" if per_day else "")
        worst.append(f"{max(per_day):.2f}" if per_day else "")
    label = f"{seconds:g} s reference runs ({len(referenced)})"
    return [
        f"| all, to the {label} | | " + " | ".join(means) + " |",
        f"| worst instance, to the {label} | | " + " | ".join(worst) + " |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    p = verbs.add_parser("prepare", help="pickle the instances for the children")
    p.add_argument("--instances", nargs="+", default=["solomon"])
    p.add_argument("--pickle", type=Path, required=True)
    r = verbs.add_parser("run", help="every engine, instance and seed, --slots at a time")
    r.add_argument("--pickle", type=Path, required=True)
    r.add_argument(
        "--engine", action="append", default=[], help="LABEL=TREE, a checkout of lean_social (none: references alone)"
    )
    r.add_argument("--budget", type=float, default=5.0, help="seconds a plan")
    r.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    r.add_argument("--reference-s", type=float, default=0.0, help="seconds of this tree's reference runs")
    r.add_argument("--slots", type=int, default=max(1, len(os.sched_getaffinity(0)) // 2))
    r.add_argument("--stop-s", type=float, default=float("inf"), help="start no plan that would end later")
    r.add_argument("--out", type=Path, default=RESULTS)
    s = verbs.add_parser("summarize", help="the section of docs/benchmarks.md from runs")
    s.add_argument("runs", type=Path, nargs="+")
    s.add_argument("--command", default="`python -m benchmarks.real_days_sweep summarize ...`")
    s.add_argument("--note", default="")
    s.add_argument("--write", action="store_true", help="rewrite the section of docs/benchmarks.md")
    s.add_argument("--engines", nargs="+", help="the engines' columns, in this order (default: all, as they come)")
    s.add_argument("--section", default=SECTION, help="the section's marker in docs/benchmarks.md")
    s.add_argument("--title", default=TITLE, help="the section's heading")
    c = verbs.add_parser("child", help=argparse.SUPPRESS)
    c.add_argument("tree", type=Path)
    c.add_argument("pickle", type=Path)
    c.add_argument("name")
    c.add_argument("budget", type=float)
    c.add_argument("seed", type=int)
    c.add_argument("cores")
    args = parser.parse_args()
    if args.verb == "child":
        child(args.tree.resolve(), args.pickle, args.name, args.budget, args.seed, args.cores)
    elif args.verb == "prepare":
        prepare(args.instances, args.pickle)
    elif args.verb == "run":
        run(args)
    else:
        rows = [json.loads(line) for path in args.runs for line in path.read_text().splitlines() if line.strip()]
        lines = summarize(rows, args.command, args.note, args.engines)
        print("\n".join(lines))
        if args.write:
            from benchmarks.report import write_section

            write_section(args.section, "\n".join([f"## {args.title}", "", *lines]))


if __name__ == "__main__":
    main()

"""The budget is a promise: wall time of whole runs against their time limit, on a quiet and a loaded
machine, and what they served.

Runs the installed ``lean-social`` command (process start, reading, planning, checking and writing all
counted) for a day, a week and a re-planning of the demo centre, and the routing engine on Solomon
instances and on larger generated VRPTW instances (200 and 400 customers) with 5 s and 30 s. The promise
is ``limit * 1.05 + 1 s``. "Loaded" keeps every core busy with a spinning process, as a shared server at
night is. ``python -m benchmarks.budget`` rewrites its section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import dataclasses
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.report import machine, versions, write_section
from lean_social.routing.engine import EngineSettings, solve
from lean_social.routing.instance import REQUIRED_PENALTY, Job, RoutingInstance, Vehicle
from lean_social.routing.solomon import read_solomon

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "volgodonsk"
SOLOMON = ROOT.parent / "shared" / "benchmarks" / "solomon" / "instances"
MONDAY = dt.date(2026, 12, 7)
CLI = Path(sys.executable).parent / "lean-social"


@dataclass(frozen=True, slots=True, kw_only=True)
class Row:
    what: str
    load: str
    limit: float
    wall: float
    served: int | None
    unassigned: int | None
    exit_code: int

    @property
    def promise(self) -> float:
        return self.limit * 1.05 + 1.0

    @property
    def kept(self) -> bool:
        return self.wall <= self.promise


@contextlib.contextmanager
def busy(loaded: bool) -> Iterator[None]:
    """One spinning process per core while the block runs, when ``loaded``."""
    spinners = (
        [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(os.cpu_count() or 1)]
        if loaded
        else []
    )
    try:
        yield
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def _counts(out: Path) -> tuple[int | None, int | None]:
    try:
        with (out / "schedule.csv").open(encoding="utf-8-sig") as handle:
            served = sum(1 for row in csv.DictReader(handle) if row.get("client_id"))
        with (out / "unassigned.csv").open(encoding="utf-8-sig") as handle:
            unassigned = sum(1 for _ in csv.DictReader(handle))
    except OSError:
        return None, None
    return served, unassigned


def run_cli(what: str, args: list[str], limit: float, out: Path, loaded: bool) -> Row:
    with busy(loaded):
        started = time.perf_counter()
        done = subprocess.run([str(CLI), "-q", *args, "--time-limit", str(limit), "--out", str(out)], check=False)
        wall = time.perf_counter() - started
    served, unassigned = _counts(out)
    return Row(
        what=what,
        load="loaded" if loaded else "quiet",
        limit=limit,
        wall=wall,
        served=served,
        unassigned=unassigned,
        exit_code=done.returncode,
    )


def random_vrptw(n: int, seed: int) -> RoutingInstance:
    """Solomon-like: customers uniform in a 100 x 100 square (distances x10, as read_solomon scales them),
    depot in the middle, service 10, windows of 30-120 around a reachable time, capacity 200, demand
    1-30; enough vehicles that every customer can be served."""
    rng = np.random.default_rng(seed)
    coords = np.vstack([[50.0, 50.0], rng.uniform(0, 100, size=(n, 2))])
    dist = np.floor(np.hypot(*(coords[:, None, :] - coords[None, :, :]).transpose(2, 0, 1)) * 10).astype(np.int64)
    horizon = 10_000
    jobs = []
    for i in range(1, n + 1):
        out = int(dist[0, i])
        width = int(rng.integers(300, 1200))
        early = int(rng.integers(out, horizon - out - 100 - width))
        jobs.append(
            Job(
                place=i,
                service=100,
                windows=((early, early + width),),
                penalty=REQUIRED_PENALTY,
                demand=int(rng.integers(1, 31)),
            )
        )
    vehicle = Vehicle(start_place=0, end_place=0, profile=0, shift_start=0, shift_end=horizon, capacity=200)
    return RoutingInstance(
        duration=dist[None].copy(),
        cost=dist[None].copy(),
        distance=dist[None].copy(),
        jobs=tuple(jobs),
        vehicles=(vehicle,) * (n // 4),
        horizon=horizon + 1,
    )


def run_engine(name: str, instance: RoutingInstance, limit: float, loaded: bool) -> Row:
    with busy(loaded):
        started = time.perf_counter()
        solution = solve(instance, EngineSettings(time_limit_s=limit))
        wall = time.perf_counter() - started
    return Row(
        what=name,
        load="loaded" if loaded else "quiet",
        limit=limit,
        wall=wall,
        served=len(instance.jobs) - len(solution.dropped),
        unassigned=len(solution.dropped),
        exit_code=0,
    )


def reproducible_pair(base: Path) -> list[str]:
    """The demo week with ``--reproducible`` on a quiet and on a loaded machine: the same schedule.csv?"""
    hashes, walls = [], []
    for loaded in (False, True):
        out = base / f"reproducible-{'loaded' if loaded else 'quiet'}"
        with busy(loaded):
            started = time.perf_counter()
            subprocess.run(
                [str(CLI), "-q", "plan", str(DEMO), "--week", str(MONDAY), "--reproducible", "--out", str(out)],
                check=True,
            )
            walls.append(time.perf_counter() - started)
        hashes.append(hashlib.sha256((out / "schedule.csv").read_bytes()).hexdigest())
    same = "identical" if hashes[0] == hashes[1] else "DIFFERENT"
    return [
        "",
        f"`plan --week 2026-12-07 --reproducible` (default work count) on the demo centre: {walls[0]:.0f} s quiet, "
        f"{walls[1]:.0f} s with every core kept busy; schedule.csv {same} (sha256 {hashes[0][:16]}...).",
    ]


def render(rows: list[Row], command: str, extra: list[str]) -> str:
    lines = [
        "## The budget is a promise (issue 8)",
        "",
        f"Command: `{command}`.",
        f"Machine: {machine()}. Versions: {versions('lean_social', 'ortools', 'pyvrp', 'numpy')}.",
        "",
        "Wall time of whole runs against the time limit: CLI rows time the installed `lean-social` command",
        "(process start, reading, construction, search, check and writing); engine rows time",
        "`engine.solve` alone. The promise is limit x 1.05 + 1 s. Loaded: one spinning process per core",
        "for the whole run. Served / unassigned: visits (CLI) or customers (engine).",
        "",
        "| run | load | limit s | wall s | promise s | kept | served | unassigned | exit |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.what} | {r.load} | {r.limit:g} | {r.wall:.2f} | {r.promise:.2f} | {'yes' if r.kept else 'NO'} | "
            f"{'' if r.served is None else r.served} | {'' if r.unassigned is None else r.unassigned} | {r.exit_code} |"
        )
    worst = max(rows, key=lambda r: r.wall / r.promise)
    lines += [
        "",
        f"Kept {sum(r.kept for r in rows)} of {len(rows)}; the closest: {worst.what} ({worst.load}, "
        f"{worst.limit:g} s) at {worst.wall:.2f} s of {worst.promise:.2f} s.",
        *extra,
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short limits only (a smoke run)")
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument("--no-reproducible", action="store_true", help="skip the two reproducible week runs")
    args = parser.parse_args()
    rows: list[Row] = []
    extra: list[str] = []

    def keep(row: Row) -> None:
        rows.append(row)
        print(json.dumps(dataclasses.asdict(row) | {"promise": row.promise, "kept": row.kept}), flush=True)

    day_limits = [3.0] if args.quick else [3.0, 30.0]
    week_limits = [6.0] if args.quick else [6.0, 60.0]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for loaded in (False, True):
            tag = "loaded" if loaded else "quiet"
            for limit in day_limits:
                out = base / f"day-{tag}-{limit:g}"
                keep(run_cli("plan --date (demo day)", ["plan", str(DEMO), "--date", str(MONDAY)], limit, out, loaded))
            for limit in week_limits:
                out = base / f"week-{tag}-{limit:g}"
                keep(run_cli("plan --week (demo week)", ["plan", str(DEMO), "--week", str(MONDAY)], limit, out, loaded))
            published = base / f"week-{tag}-{week_limits[0]:g}" / "schedule.json"
            wednesday = MONDAY + dt.timedelta(days=2)
            replan = ["replan", str(DEMO), "--week", str(MONDAY), "--plan", str(published), "--from", str(wednesday)]
            keep(run_cli("replan from Wednesday", replan, 10.0, base / f"replan-{tag}", loaded))
        solomon = ["c101", "r101", "rc201"]
        budgets = [5.0] if args.quick else [5.0, 30.0]
        for limit in budgets:
            for name in solomon:
                keep(
                    run_engine(
                        f"engine: Solomon {name.upper()}", read_solomon(SOLOMON / f"{name}.txt").instance, limit, False
                    )
                )
            for n in (200, 400):
                keep(run_engine(f"engine: random VRPTW {n}", random_vrptw(n, seed=n), limit, False))
        keep(run_engine("engine: random VRPTW 400", random_vrptw(400, seed=400), 5.0, True))
        if not args.no_reproducible:
            extra = reproducible_pair(base)
            print(extra[-1], flush=True)
    if not args.no_write:
        command = "python -m benchmarks.budget" + (" --quick" if args.quick else "")
        write_section("budget", render(rows, command, extra))


if __name__ == "__main__":
    main()

"""A region's night: 50 centres and about 20,000 clients planned for a week by the nightly job, on 1, 2, ...
local processes and on a Dask LocalCluster; time, memory per worker, speed-up, and how time grows with
the region.

Every department plans its week on a count of work (``--work`` units a visit, ``reproducible``), not the
clock: the night's wall time is then the work a region needs divided among the workers, and every
setting makes the same plans (checked: the served and unassigned counts and every department's
schedule.csv agree). The region is generated once per seed and size (``benchmarks/region_data.py``, the
centres written by parallel processes) and kept in ``--cache``.

Each setting runs in a fresh child process (``--one``), so its memory is its own: peak RSS of the
largest worker process (local: the pool's children, or the child itself with one worker; Dask: each
worker's peak as the worker reports it).

``python -m benchmarks.region --centres 50 --workers 1 2 --dask 2 --write`` rewrites its section of
docs/benchmarks.md; ``--growth 5 10 25`` adds the growth rows (those centres, the largest worker count).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from benchmarks.region_data import write_centre
from benchmarks.report import machine, versions, write_section
from lean_social.app.nightly import NightlyConfig, run_nightly
from lean_social.app.nightly.config import Centre

ROOT = Path(__file__).resolve().parent.parent
SEED = 2026
#: A Tuesday: "next-week" is then the week of Monday 2026-12-07, the demo's.
TODAY = dt.date(2026, 12, 1)


@dataclass(frozen=True, slots=True)
class Measured:
    """One setting's night."""

    setting: str
    workers: int
    centres: int
    departments: int
    clients: int
    wall_s: float
    peak_rss_mb: float
    served: int
    unassigned: int
    failed: int
    plans_sha256: str
    department_s: float  # the departments' own seconds, added up: the work of the night


def region(cache: Path, centres: int, clients: int, processes: int) -> Path:
    """The region's data folders below ``cache`` (made once per seed and size, centres in parallel)."""
    folder = cache / f"region-{SEED}-{centres}-{clients}"
    done = folder / ".complete"  # holds the seconds it took to make
    if done.is_file():
        return folder
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=processes) as pool:
        list(pool.map(_write_centre, [(folder, k, centres, clients) for k in range(centres)]))
    done.write_text(f"{time.perf_counter() - started:.1f}\n", encoding="utf-8")
    return folder


def _write_centre(args: tuple[Path, int, int, int]) -> None:
    folder, k, centres, clients = args
    write_centre(folder, k, centres, seed=SEED, clients=clients)


def config_for(folder: Path, out: Path, *, work: int, workers: int, dask: str | None) -> NightlyConfig:
    """Every department folder of the region as a centre of its own (a folder holds one department)."""
    centres = tuple(
        Centre(name=f"{d.parent.name} {d.name}", data=d) for d in sorted(p for p in folder.glob("*/*") if p.is_dir())
    )
    return NightlyConfig(
        out=out,
        centres=centres,
        horizon="next-week",
        time_limit=60.0,
        reproducible=True,
        work_per_visit=work,
        outputs=frozenset(),
        workers=workers,
        dask=dask,
    )


def _plans_digest(out: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(out.glob("*/*/week-*/schedule.csv")):
        digest.update(str(path.relative_to(out)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def one(folder: Path, *, work: int, workers: int, dask_workers: int | None, centres: int, clients: int) -> Measured:
    """One setting, in this process: the night, its wall time and its memory."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        cluster = None
        address = None
        if dask_workers is not None:
            from distributed import LocalCluster

            cluster = LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=dask_workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            address = cluster.scheduler_address
        config = config_for(folder, out, work=work, workers=workers, dask=address)
        started = time.perf_counter()
        result = run_nightly(config, today=TODAY)
        wall = time.perf_counter() - started
        if cluster is not None:
            from distributed import Client

            with Client(address) as client:  # type: ignore[no-untyped-call]
                peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
            peak_kb = max(peaks.values())
            cluster.close()
        elif workers == 1:
            peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        else:
            peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        outcomes = result.outcomes
        label = f"{workers} local process{'es' if workers > 1 else ''}"
        return Measured(
            setting=f"Dask LocalCluster, {dask_workers} workers" if dask_workers else label,
            workers=dask_workers or workers,
            centres=centres,
            departments=len(outcomes),
            clients=clients,
            wall_s=round(wall, 1),
            peak_rss_mb=round(peak_kb / 1024, 0),
            served=sum(o.served for o in outcomes),
            unassigned=sum(o.unassigned for o in outcomes),
            failed=sum(1 for o in outcomes if not o.ok),
            plans_sha256=_plans_digest(out),
            department_s=round(sum(o.seconds for o in outcomes), 1),
        )


def _child(args: argparse.Namespace, centres: int, clients: int, workers: int, dask: int | None) -> Measured:
    """``one`` in a fresh process, so that each setting's memory is measured alone."""
    command = [
        sys.executable,
        "-m",
        "benchmarks.region",
        "--one",
        "--cache",
        str(args.cache),
        "--centres",
        str(centres),
        "--clients",
        str(clients),
        "--work",
        str(args.work),
        "--workers",
        str(workers),
    ]
    command += ["--dask"] if dask is None else ["--dask", str(dask)]  # an empty --dask: local processes
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return Measured(**json.loads(done.stdout.strip().splitlines()[-1]))


def table(rows: list[Measured], base: float | None) -> list[str]:
    """The rows as a Markdown table; speed-up against ``base`` seconds (none for regions of other sizes)."""
    lines = [
        "| setting | centres | departments | clients | wall s | s per 1,000 clients | speed-up "
        "| peak RSS per worker, MB | served | unassigned | failed | plans |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        speed_up = f"{base / r.wall_s:.2f}" if base is not None else "-"
        lines.append(
            f"| {r.setting} | {r.centres} | {r.departments} | {r.clients} | {r.wall_s:.1f} | "
            f"{1000 * r.wall_s / r.clients:.1f} | {speed_up} | {r.peak_rss_mb:.0f} | {r.served} | {r.unassigned} | "
            f"{r.failed} | `{r.plans_sha256}` |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--centres", type=int, default=50)
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--work", type=int, default=5, help="units of search work per visit")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--dask", type=int, nargs="*", default=[2], help="Dask LocalCluster worker counts")
    parser.add_argument("--growth", type=int, nargs="*", default=[], help="smaller regions (centres) to time")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "lean_social-regions")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help="rewrite the section of docs/benchmarks.md")
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    if args.one:
        folder = region(args.cache, args.centres, args.clients, cores)
        dask = args.dask[0] if args.dask else None
        measured = one(
            folder,
            work=args.work,
            workers=args.workers[0],
            dask_workers=dask,
            centres=args.centres,
            clients=args.clients,
        )
        print(json.dumps(dataclasses.asdict(measured)))
        return
    folder = region(args.cache, args.centres, args.clients, cores)
    made_s = float((folder / ".complete").read_text(encoding="utf-8"))
    rows = [_child(args, args.centres, args.clients, w, None) for w in args.workers]
    rows += [_child(args, args.centres, args.clients, 1, d) for d in args.dask]
    base = rows[0].wall_s
    growth = []
    biggest = max(args.workers)
    for centres in args.growth:
        clients = round(args.clients * centres / args.centres)
        region(args.cache, centres, clients, cores)
        growth.append(_child(args, centres, clients, biggest, None))
    lines = _section(args, rows, growth, base, made_s, cores)
    print("\n".join(lines))
    if args.write:
        write_section("region", "\n".join(lines))


def _section(
    args: argparse.Namespace, rows: list[Measured], growth: list[Measured], base: float, made_s: float, cores: int
) -> list[str]:
    same = len({r.plans_sha256 for r in rows if r.centres == args.centres}) == 1
    lines = [
        "## A region's night: the nightly job on many cores (issue 12)",
        "",
        f"Command: `python -m benchmarks.region --centres {args.centres} --clients {args.clients} --work {args.work} "
        f"--workers {' '.join(map(str, args.workers))} --dask {' '.join(map(str, args.dask))}"
        + (f" --growth {' '.join(map(str, args.growth))}" if args.growth else "")
        + " --write`.",
        f"Machine: {machine()} ({cores} available). "
        f"Versions: {versions('lean_social', 'ortools', 'pyvrp', 'distributed')}.",
        "",
        f"A generated region (seed {SEED}: a third towns where workers walk, the rest rural districts with "
        f"villages 5-40 km apart and workers by car or bus), made in {made_s:.0f} s, each department's week "
        f"planned by `lean-social nightly` on {args.work} units of search work a visit (reproducible: the "
        "same plans whatever runs them), no outputs for people. Speed-up against one local process; peak RSS "
        "of the largest worker process. One process searches a department on every core it has (OR-Tools and "
        "PyVRP side by side, in processes forked anew for each department); N processes get a share of the "
        "cores each and search in-process, as a Dask worker does. "
        "The Dask cluster is started before the clock, the local pool within it.",
        "",
        *table(rows, base),
        "",
        f"Same plans in every setting: {'yes' if same else 'NO'} (digest of every department's schedule.csv).",
    ]
    if growth:
        lines += ["", f"Growth with the region ({max(args.workers)} local processes):", "", *table(growth, None)]
    core_s = min(r.wall_s * r.workers for r in rows)  # the most a core planned in a second, as core-seconds
    lines += [
        "",
        f"The night's work: {core_s:.0f} core-seconds for {rows[0].departments} departments "
        f"({core_s / max(1, rows[0].departments):.2f} s a department), the best of the settings above "
        f"(wall time x workers). Projection for a night window: a region of this size on N machines of C "
        f"cores needs about {core_s:.0f} / (N x C) s plus its slowest department, the departments being "
        "independent; the growth rows show the time growing in step with the clients.",
    ]
    return lines


if __name__ == "__main__":
    main()

"""Street travel (issue 14): matrix time and memory on a street graph against the straight-line model,
a cached call, the detour factor per mode, and a day planned on streets against one planned on straight
lines and re-timed on the streets.

    python -m benchmarks.streets --write

1. **Matrices**: 100, 500 and 2,000 places drawn over a generated city (``benchmarks.grid_city``: 120 x
   120 crossings 80 m apart, a river with four bridges, one-way pairs, courtyard footways; the test
   extract is too small for 2,000 places), each size and model in a fresh child process so that its
   peak RSS is its own: the call's seconds, the process's peak RSS and how much the call added to it.
   The graphs are built once (timed: parse and build, then a load from the disk cache) before.
2. **Cached call**: the same places asked again from the same model (the validator's and exports' case).
3. **Detour factor** (``lean-social detour``): street over straight-line distance per mode, on 300 of the
   Ostankino extract's buildings (tests/data/osm, © OpenStreetMap contributors, ODbL) and on 300 places
   of the generated city.
4. **A day on streets**: 40 clients at points of the Ostankino extract and four walkers, planned with
   straight lines (x 1.3) and re-timed on the streets (the same routes, street times), against the same
   day planned on the streets; on a count of work (reproducible).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.grid_city import random_places, write_grid_city
from benchmarks.report import machine, versions, write_section
from lean_social import Client, Location, ProgrammeItem, Service, TimeWindow, WeeklyPattern, Worker
from lean_social.domain.model import Lunch, Problem, TravelMode
from lean_social.planning.day_of_week import plan_day
from lean_social.schedule import Schedule
from lean_social.travel import GeodesicTravel, StreetTravel, TravelModel
from lean_social.travel.detour import DetourFactor, building_points, detour_factors
from lean_social.validate import validate

ROOT = Path(__file__).resolve().parent.parent
MOSCOW = ROOT / "tests" / "data" / "osm" / "moscow.osm.gz"
SIZES = (100, 500, 2000)
MONDAY = dt.date(2026, 12, 7)


@dataclass(frozen=True, slots=True)
class Timed:
    model: str
    mode: str
    places: int
    seconds: float
    again_s: float
    peak_rss_mb: float
    added_mb: float


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(city: Path, cache: Path, model: str, mode: TravelMode, count: int) -> Timed:
    """In this (fresh) process: the graph loaded first, then one matrix call and the same call again."""
    travel: TravelModel
    if model == "streets":
        streets = StreetTravel(city, cache_dir=cache)
        streets.graph("foot" if mode in ("foot", "transit") else mode)  # type: ignore[arg-type]
        travel = streets
    else:
        travel = GeodesicTravel()
    places = random_places(count, seed=count)
    before = _rss_mb()
    started = time.perf_counter()
    travel.matrices(places, mode)
    seconds = time.perf_counter() - started
    peak = _rss_mb()
    started = time.perf_counter()
    travel.matrices(places, mode)
    again = time.perf_counter() - started
    return Timed(model, mode, count, round(seconds, 3), round(again, 4), round(peak), round(peak - before))


def _child(city: Path, cache: Path, model: str, mode: str, count: int) -> Timed:
    command = [sys.executable, "-m", "benchmarks.streets", "--one", model, mode, str(count)]
    command += ["--city", str(city), "--cache", str(cache)]
    done = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
    return Timed(**json.loads(done.stdout.strip().splitlines()[-1]))


def build_times(city: Path, cache: Path) -> tuple[float, float, dict[str, tuple[int, int]]]:
    """Seconds to parse the city and build its three graphs, seconds to load one from the disk cache,
    and each graph's nodes and segments."""
    started = time.perf_counter()
    travel = StreetTravel(city, cache_dir=cache)
    travel.graph("foot")
    built = time.perf_counter() - started
    started = time.perf_counter()
    StreetTravel(city, cache_dir=cache).graph("foot")
    loaded = time.perf_counter() - started
    sizes = {}
    for kind in ("foot", "bike", "car"):
        graph = travel.graph(kind)
        sizes[kind] = (graph.nodes, int(graph.seg_a.shape[0]))
    return built, loaded, sizes


def moscow_day(travel: StreetTravel) -> Problem:
    """40 clients 11 m off nodes of the extract's streets, four walkers; each client one 30-minute visit."""
    graph = travel.graph("car")
    rng = np.random.default_rng(5)
    nodes = rng.choice(graph.nodes, size=44, replace=False)
    spots = [Location(lat=float(graph.lat[n]) + 1e-4, lon=float(graph.lon[n])) for n in nodes]
    day = WeeklyPattern.every_weekday(TimeWindow(start=9 * 3600, end=18 * 3600))
    shift = WeeklyPattern.every_weekday(TimeWindow(start=8 * 3600, end=17 * 3600))
    lunch = Lunch(window=TimeWindow(start=12 * 3600, end=14 * 3600), duration_min=45)
    clients = tuple(
        Client(id=f"C{i:02}", name=f"C{i:02}", address="", location=p, department="D1", available=day)
        for i, p in enumerate(spots[:40])
    )
    workers = tuple(
        Worker(id=f"W{k}", name=f"W{k}", department="D1", start=p, shift=shift, lunch=lunch, mode="foot")
        for k, p in enumerate(spots[40:])
    )
    programmes = tuple(
        ProgrammeItem(client_id=c.id, service_code="HOME", times=1, per="week", days=(0,)) for c in clients
    )
    services = (Service(code="HOME", name="home help", norm_min=30),)
    return Problem(services=services, clients=clients, workers=workers, programmes=programmes)


def walking_min(schedule: Schedule, problem: Problem, travel: TravelModel) -> float:
    """Minutes walked by the plan's routes as they stand, timed by ``travel`` (the start and back included)."""
    total = 0
    for route in schedule.routes:
        if not route.stops:
            continue
        worker = next(w for w in problem.workers if w.id == route.worker_id)
        places = [worker.start, *(problem.client(s.client_id).location for s in route.stops), worker.start]
        seconds = travel.matrices(places, worker.mode).duration_s
        total += sum(int(seconds[i, i + 1]) for i in range(len(places) - 1))
    return total / 60


def plans(travel: StreetTravel, work: int) -> dict[str, float]:
    problem = moscow_day(travel)
    straight = plan_day(problem, MONDAY, travel=GeodesicTravel(), work_per_visit=work)
    street = plan_day(problem, MONDAY, travel=travel, work_per_visit=work)
    assert validate(street, problem, travel=travel) == []
    return {
        "straight_planned_min": walking_min(straight, problem, GeodesicTravel()),
        "straight_on_streets_min": walking_min(straight, problem, travel),
        "street_planned_min": walking_min(street, problem, travel),
        "straight_served": straight.served,
        "street_served": street.served,
        "straight_invalid_on_streets": len(validate(straight, problem, travel=travel)),
    }


def _detour_rows(name: str, factors: list[DetourFactor]) -> list[str]:
    return [
        f"| {name} | {f.mode} | {f.places} | {f.pairs:,} | {f.q1:.2f} | {f.median:.2f} | {f.q3:.2f} |" for f in factors
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "lean_social-streets")
    parser.add_argument("--city", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=int, default=20, help="units of search work per visit of the day plans")
    parser.add_argument("--one", nargs=3, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help="rewrite the section of docs/benchmarks.md")
    args = parser.parse_args()
    if args.one:
        model, mode, count = args.one
        print(json.dumps(dataclasses.asdict(one(args.city, args.cache, model, mode, int(count)))))
        return
    args.cache.mkdir(parents=True, exist_ok=True)
    city = write_grid_city(args.cache / "grid_city.osm")
    graphs = args.cache / "graphs"
    for old in graphs.glob("streets/*.npz"):
        old.unlink()  # the build is timed from the extract
    built, loaded, sizes = build_times(city, graphs)
    rows = [
        _child(city, graphs, model, mode, n)
        for n in SIZES
        for model, mode in (("straight-line", "foot"), ("streets", "foot"), ("streets", "car"))
    ]
    moscow = StreetTravel(MOSCOW, cache_dir=graphs)
    detour = _detour_rows("Ostankino extract, 300 buildings", detour_factors(moscow, building_points(MOSCOW, 300)))
    grid = StreetTravel(city, cache_dir=graphs)
    detour += _detour_rows("generated city, 300 places", detour_factors(grid, random_places(300, seed=1)))
    day = plans(moscow, args.work)
    lines = _section(args, city, built, loaded, sizes, rows, detour, day)
    print("\n".join(lines))
    if args.write:
        write_section("streets", "\n".join(lines))


def _section(
    args: argparse.Namespace,
    city: Path,
    built: float,
    loaded: float,
    sizes: dict[str, tuple[int, int]],
    rows: list[Timed],
    detour: list[str],
    day: dict[str, float],
) -> list[str]:
    graph_sizes = ", ".join(f"{kind} {n:,} nodes / {s:,} segments" for kind, (n, s) in sizes.items())
    return [
        "## Street travel: matrices on a street graph, the detour factor, a day on streets (issue 14)",
        "",
        f"Command: `python -m benchmarks.streets --work {args.work} --write`.",
        f"Machine: {machine()}. Versions: {versions('lean_social', 'osmium', 'scipy', 'numpy')}.",
        "",
        f"The generated city (`benchmarks/grid_city.py`: 120 x 120 crossings 80 m apart, 9.5 x 9.7 km, a river "
        f"with four road bridges and three footbridges, one-way pairs, courtyard footways; "
        f"{city.stat().st_size / 1e6:.0f} MB of OSM XML): graphs {graph_sizes}. Parsing it and building the "
        f"three graphs took {built:.1f} s (once per extract); reading a graph back from the disk cache and "
        f"making it ready (chains merged, snapping index) {loaded:.2f} s.",
        "",
        "Each row a fresh process with the graph already loaded: one matrix call (times and distances "
        "between every pair of the places), the process's peak RSS after it and what the call added to the "
        "peak; then the same call again on the same model (kept in memory: the validator's and the exports' "
        "case).",
        "",
        "| model | mode | places | matrix s | cached call s | peak RSS MB | added by the call MB |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {r.model} | {r.mode} | {r.places:,} | {r.seconds:.3f} | {r.again_s:.4f} | {r.peak_rss_mb:.0f} | "
            f"{r.added_mb:.0f} |"
            for r in rows
        ),
        "",
        "Detour factor (`lean-social detour`): street over straight-line distance door to door, pairs at least "
        "200 m apart. Ostankino: map data © OpenStreetMap contributors, ODbL.",
        "",
        "| where | mode | places | pairs | lower quartile | median | upper quartile |",
        "|---|---|---|---|---|---|---|",
        *detour,
        "",
        f"A day on the Ostankino streets: 40 clients at points of the extract, four walkers, {args.work} units "
        "of search work a visit. Walking minutes of all routes (from the start and back):",
        "",
        "| plan | timed on | served | walking min |",
        "|---|---|---|---|",
        f"| planned on straight lines x 1.3 | straight lines x 1.3 | {day['straight_served']:.0f} | "
        f"{day['straight_planned_min']:.0f} |",
        f"| the same routes | streets | {day['straight_served']:.0f} | {day['straight_on_streets_min']:.0f} |",
        f"| planned on streets | streets | {day['street_served']:.0f} | {day['street_planned_min']:.0f} |",
        "",
        f"Planning on straight lines undercounts the walk by "
        f"{100 * (1 - day['straight_planned_min'] / day['straight_on_streets_min']):.0f} % here (its own "
        f"times against the same routes on the streets), and its times fail "
        f"{day['straight_invalid_on_streets']:.0f} of the validator's checks made with street travel "
        "(its legs' times, and the arrivals and starts that follow from them); the plan made on the streets "
        "passes them, and walks "
        f"{100 * (1 - day['street_planned_min'] / day['straight_on_streets_min']):.0f} % less than the "
        "straight-line plan's routes do on the streets.",
        "",
        "Reading the detour factors: the test extract is a 1.2 x 2.8 km cut of a district, whose ways end at "
        "its edge, so its pairs go round more than a whole town's would; measure a town's factor on an extract "
        "of the whole town (`lean-social detour town.osm.pbf`) and set `GeodesicTravel(detour_factor=...)` to "
        "its walking median where no extract is at hand. The search cost grows with the places (one Dijkstra "
        "per distinct place, on the graph with its two-neighbour nodes merged) and the graph's junctions; "
        "a department-day (30-60 places) is a fraction of a second, and the week's matrix is then cut for "
        "its days from memory.",
    ]


if __name__ == "__main__":
    main()

"""Real-shaped days for the routing benchmark (issue 15): VRPTW instances given what a home-care day has.

A real department-day differs from Solomon's VRPTW in two ways that change how the engine searches it
(``routing.pyvrp_engine.is_plain_vrptw``): every worker has a lunch break, and some clients can be
visited in either of two windows. Four kinds of instance, each named so a benchmark can select it:

``solomon:C101`` / ``solomon:R201-50``
    A Solomon instance (its first 25 or 50 customers with a suffix, as the 25- and 50-customer Solomon
    sets are defined; all 100 without), made real-shaped by ``real_shaped``: Solomon's day (the depot's
    window) is read as a home-care shift of 08:00-17:00 and every duration below is scaled onto it.

    - **Lunch, every vehicle, drawn per vehicle**: a window of 2-3 h whose middle falls within 30 min of
      13:00, and a duration of 30-60 min (whole minutes). The demo's ``lunch`` column
      (data/volgodonsk/workers.csv, ``12:00-14:00 45``: a 2 h window around 13:00, 45 min, the same
      ``LUNCH`` data/generate_demo.py plans with) sits in the middle of these ranges; 30 min is the Labour
      Code's least rest for a meal (ТК РФ ст. 108: 30 min to 2 h; ../shared/DOMAIN.md has no figure on
      lunch, so none is cited from it).
    - **A second window for ``SECOND_WINDOW_SHARE`` (30 %) of the clients**: the demo's ``split``
      availability (``09:00-12:00; 15:00-18:00`` in data/volgodonsk/clients.csv) is a morning and an
      afternoon window 3 h apart. A client whose window ends before 13:00 gets a second window of the
      same width in the afternoon, starting at least 3 h after its first ends; one whose window starts
      after 13:00 gets a morning one ending at least 3 h before its first starts. The second window is
      drawn uniformly where a vehicle can still reach the client from the depot and get back by the end
      of the day. A window that spans 13:00, or has no room on the other side, stays single (so a set of
      wide windows, as in C2 or R2, may give fewer than 30 %: the instance table says how many).

    The first window is kept as it was: a Solomon route stays a route (lunch permitting), so the
    real-shaped instance only adds rules (lunch) and choices (second windows).

``demo:D1-mon`` ... ``demo:D3-sat``
    The demo centre's department-days (data/volgodonsk, the week of Monday 2026-12-07), compiled as the
    week planner compiles them: ``planning.week.cover_week`` chooses and covers the week (no clock, no
    seed), ``planning.day.build_department_days`` compiles each department-day
    (``planning.compile.compile_day``). The instance is exactly what ``plan_week`` hands the engine.

``gen:40``, ``gen:100``, ``gen:200``
    One generated town department (the demo's generator, ``data/generate_demo.py``, through the region
    benchmark's recipe for a town, ``benchmarks/region_data.py``: a tenth of the clients in workers, the
    demo's shifts, lunches, modes, availability and programmes) of about 2.3 clients per visit of a day
    (the demo's 100 clients make about 44 visits a day), its week covered as the planner does; the
    instance is its weekday department-day with the number of visits nearest the one asked for.

``hours:0`` ... ``hours:3``
    A department-day of workers whose clients are each at home at a set time: three workers, fourteen
    visits each, every client tied to their worker (as the week planner ties them), at home for two hours
    around the time a planted day visits them (clients "visited at about the same time by schedule",
    cso-aksay.ru in ../shared/DOMAIN.md; the planted day takes the nearest client next, from 08:00, the
    lunch at noon, so every visit fits), short visits of 10-30 minutes (the long-term-care package's
    daily visits, ibid.), homes uniform within a kilometre of the office and walked straight at 4 km/h;
    the demo's shift (08:00-17:00), lunch (12:00-14:00, 45 minutes), span cost and penalty. A worker
    may wait between clients there, and has more visits than ``routing/exact.py`` lists: the days of
    the programme over sets of visits (``routing/worker_day.py``).

Every instance is a plain ``RoutingInstance``; the same name and seed always give the same instance
(``digest`` checks it, so cached references of another instance are never reused).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import random
import re
import sys
import zlib
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np

from benchmarks.region_data import TOWN_STREETS, _problem, _town_workers
from lean_social import read_folder
from lean_social.domain.model import Problem
from lean_social.planning.compile import DROP_PENALTY, SPAN_COST
from lean_social.planning.day import build_department_days
from lean_social.planning.week import cover_week
from lean_social.routing.instance import Break, Job, RoutingInstance, Vehicle
from lean_social.routing.solomon import read_solomon
from lean_social.travel import GeodesicTravel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data"))
import generate_demo as town

__all__ = [
    "DEMO",
    "GENERATED_SIZES",
    "SECOND_WINDOW_SHARE",
    "SEED",
    "SOLOMON",
    "Named",
    "demo_days",
    "digest",
    "generated_day",
    "instance",
    "names",
    "real_shaped",
    "solomon_day",
]

ROOT = Path(__file__).resolve().parent.parent
#: All 56 Solomon instances where the workplace's shared folder has them; else the three a clone carries
#: for its tests (C101, R101, RC201 in tests/data/solomon), so the tests run from a bare clone.
_SHARED_SOLOMON = ROOT.parent / "shared" / "benchmarks" / "solomon" / "instances"
SOLOMON = _SHARED_SOLOMON if _SHARED_SOLOMON.is_dir() else ROOT / "tests" / "data" / "solomon"
DEMO = ROOT / "data" / "volgodonsk"
MONDAY = dt.date(2026, 12, 7)
SEED = 15

#: A home-care shift (08:00-17:00) in minutes: the day a Solomon horizon is read as.
SHIFT_MIN = 9 * 60
#: Minutes after 08:00 of the day's middle (13:00): lunch windows are centred near it, second windows
#: lie on the other side of it.
MIDDAY_MIN = 5 * 60
LUNCH_MIN = (30, 60)
LUNCH_WINDOW_MIN = (120, 180)
LUNCH_CENTRE_SPREAD_MIN = 30
SECOND_WINDOW_SHARE = 0.3
#: A second window starts at least this long after the first ends (or ends this long before it starts):
#: the demo's split availability, 09:00-12:00 and 15:00-18:00.
SECOND_WINDOW_APART_MIN = 180
GENERATED_SIZES = (40, 100, 200)
#: Clients of a department per visit of its day: the demo's 100 clients a department make about 44.
CLIENTS_PER_DAY_VISIT = 100 / 44
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True, slots=True)
class Named:
    """One benchmark instance and what kind it is (``solomon``, ``demo``, ``generated``)."""

    name: str
    kind: str
    instance: RoutingInstance


def _rng(name: str, seed: int) -> random.Random:
    """A generator of its own for each instance, stable across Python runs (``hash`` is salted)."""
    return random.Random(zlib.crc32(f"{seed}:{name}".encode()))


def real_shaped(instance: RoutingInstance, *, name: str, seed: int = SEED) -> RoutingInstance:
    """``instance`` (one depot, one shift for all) with a lunch for every vehicle and a second window
    for a share of the jobs, as the module's docstring says; the same ``name`` and ``seed``, the same day."""
    rng = _rng(name, seed)
    first = instance.vehicles[0]
    day_start, day_end = first.shift_start, first.shift_end
    unit = (day_end - day_start) / SHIFT_MIN  # instance time units per minute of a home-care day

    def at(minutes: float) -> int:
        return day_start + round(minutes * unit)

    vehicles = []
    for vehicle in instance.vehicles:
        duration = rng.randint(*LUNCH_MIN)
        width = rng.randint(*LUNCH_WINDOW_MIN)
        centre = MIDDAY_MIN + rng.uniform(-LUNCH_CENTRE_SPREAD_MIN, LUNCH_CENTRE_SPREAD_MIN)
        opens, closes = at(centre - width / 2), at(centre + width / 2)
        lunch = Break(earliest=opens, latest=closes - round(duration * unit), duration=round(duration * unit))
        vehicles.append(replace(vehicle, breaks=(lunch,)))

    midday, apart = at(MIDDAY_MIN), round(SECOND_WINDOW_APART_MIN * unit)
    depot, duration = first.start_place, instance.duration[first.profile]
    options: dict[int, tuple[int, int]] = {}  # job -> (lowest, highest) start of its second window
    for j, job in enumerate(instance.jobs):
        if len(job.windows) != 1:
            continue
        (a, b), width = job.windows[0], job.windows[0][1] - job.windows[0][0]
        reach = day_start + int(duration[depot, job.place])
        last = day_end - job.service - int(duration[job.place, first.end_place])
        if b < midday:  # a morning window: the second in the afternoon
            low, high = max(b + apart, midday), last - width
        elif a > midday:  # an afternoon window: the second in the morning
            low, high = reach, min(a - apart, midday) - width
        else:
            continue
        if low <= high:
            options[j] = (low, high)
    chosen = sorted(rng.sample(sorted(options), min(len(options), round(SECOND_WINDOW_SHARE * len(instance.jobs)))))
    jobs = list(instance.jobs)
    for j in chosen:
        low, high = options[j]
        (a, b) = jobs[j].windows[0]
        start = rng.randint(low, high)
        jobs[j] = replace(jobs[j], windows=tuple(sorted([(a, b), (start, start + b - a)])))
    return replace(instance, jobs=tuple(jobs), vehicles=tuple(vehicles))


def solomon_day(path: Path, *, customers: int | None = None, seed: int = SEED) -> Named:
    """A Solomon file's first ``customers`` customers (all without), made real-shaped."""
    plain = read_solomon(path).instance
    label = path.stem.upper() + ("" if customers is None else f"-{customers}")
    if customers is not None:
        if not 0 < customers <= len(plain.jobs):
            msg = f"{path.name} has {len(plain.jobs)} customers, not {customers}"
            raise ValueError(msg)
        keep = np.arange(customers + 1)  # the depot and the first customers, places numbered as before
        plain = replace(
            plain,
            duration=plain.duration[:, keep][:, :, keep].copy(),
            cost=plain.cost[:, keep][:, :, keep].copy(),
            distance=plain.distance[:, keep][:, :, keep].copy(),
            jobs=plain.jobs[:customers],
        )
    name = f"solomon:{label}"
    return Named(name=name, kind="solomon", instance=real_shaped(plain, name=name, seed=seed))


def _week_days(problem: Problem, prefix: str) -> list[Named]:
    """Each department-day of the problem's week, compiled as ``plan_week`` compiles it."""
    travel = GeodesicTravel()
    covered = cover_week(problem, MONDAY, travel=travel)
    built = build_department_days(problem, covered.tasks, travel=travel, thorough=False)
    return [
        Named(name=f"{prefix}:{task.department}-{DAYS[task.day.weekday()]}", kind=prefix, instance=b.instance.instance)
        for task, b in zip(covered.tasks, built, strict=True)
        if b.instance.instance.jobs
    ]


@cache
def demo_days() -> tuple[Named, ...]:
    """The demo centre's department-days of its week, compiled as the planner compiles them."""
    return tuple(_week_days(read_folder(DEMO), "demo"))


def generated_department(visits: int, seed: int = SEED) -> Problem:
    """One town department whose weekdays hold about ``visits`` visits each (see the module docstring)."""
    rng = _rng(f"gen:{visits}", seed)
    clients = round(visits * CLIENTS_PER_DAY_VISIT)
    office = (47.5125, 42.1505)  # the demo's office in Volgodonsk
    dlat, dlon = town.km_to_deg(office[0])
    district = town.District(
        department="D1",
        office=office,
        lat_box=(office[0] - 2.2 * dlat, office[0] + 2.2 * dlat),
        lon_box=(office[1] - 2.2 * dlon, office[1] + 2.2 * dlon),
        streets=TOWN_STREETS,
        private_house_share=0.2,
    )
    workers = _town_workers(rng, "G", [district], clients)
    people = town.make_clients(rng, [district], clients, "G")
    town.assign_workers(rng, people, workers, [district])
    by_id = {w.id: w for w in workers}
    for person in people:
        worker = by_id.get(person.worker_id)
        town.availability(rng, person, worker)
        town.make_programme(rng, person, worker)
    town.fix_days(rng, workers, people, [district.department], waiting_list=True)
    return _problem(town.tables(town.SERVICES, workers, [p for p in people if p.days], ()))


@cache
def generated_day(visits: int, seed: int = SEED) -> Named:
    """The generated department's weekday with the number of visits nearest ``visits``."""
    days = [d for d in _week_days(generated_department(visits, seed), "gen") if not d.name.endswith("-sat")]
    best = min(days, key=lambda d: (abs(len(d.instance.jobs) - visits), d.name))
    return Named(name=f"gen:{visits}", kind="generated", instance=best.instance)


HOURS_SEEDS = (0, 1, 2, 3)
HOURS_WORKERS, HOURS_VISITS = 3, 14
#: Walking at 4 km/h, in seconds a kilometre (straight lines: the homes are drawn, not geocoded).
WALK_S_PER_KM = 900


@cache
def hours_day(seed: int) -> Named:
    """The department-day ``hours:<seed>`` (see the module docstring): each worker's clients are drawn
    around the office, a day that visits them in the order of the nearest next client, from 08:00 with
    the lunch at noon, is planted, and each client's two hours begin on the hour at or before the planted
    visit (so every visit fits; nothing is left out but by the engine)."""
    rng = _rng(f"hours:{seed}", SEED)
    points = [(0.0, 0.0)]
    jobs = []
    for worker in range(HOURS_WORKERS):
        homes = [(rng.uniform(-1, 1), rng.uniform(-1, 1)) for _ in range(HOURS_VISITS)]
        services = [rng.choice((10, 15, 20, 30)) * 60 for _ in homes]
        clock, here, lunch_taken = 8 * 3600, (0.0, 0.0), False
        left = list(range(HOURS_VISITS))
        while left:
            k = min(left, key=lambda i: math.dist(here, homes[i]))
            left.remove(k)
            clock += round(math.dist(here, homes[k]) * WALK_S_PER_KM)
            if not lunch_taken and clock >= 12 * 3600:
                clock, lunch_taken = clock + 45 * 60, True
            start = clock // 3600 * 3600
            points.append(homes[k])
            jobs.append(
                Job(
                    place=len(points) - 1,
                    service=services[k],
                    windows=((start, start + 2 * 3600),),
                    penalty=DROP_PENALTY,
                    allowed=frozenset({worker}),
                )
            )
            clock += services[k]
            here = homes[k]
    xy = np.asarray(points)
    walk = (np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(-1)) * WALK_S_PER_KM).astype(np.int64)[None]
    worker_day = Vehicle(
        start_place=0,
        end_place=0,
        profile=0,
        shift_start=8 * 3600,
        shift_end=17 * 3600,
        breaks=(Break(earliest=12 * 3600, latest=14 * 3600, duration=45 * 60),),
        span_cost=SPAN_COST,
    )
    day = RoutingInstance(
        duration=walk, cost=walk, distance=walk, jobs=tuple(jobs), vehicles=(worker_day,) * HOURS_WORKERS
    )
    return Named(name=f"hours:{seed}", kind="hours", instance=day)


def names(groups: list[str] | None = None) -> list[str]:
    """Instance names for ``--instances``: a group (``solomon``, ``solomon-25``, ``solomon-50``,
    ``demo``, ``gen``, ``hours``) expands to its members, any other word is a name as it stands."""
    out: list[str] = []
    for word in groups or ["solomon", "demo", "gen", "hours"]:
        if word in ("solomon", "solomon-25", "solomon-50"):
            suffix = word.removeprefix("solomon")
            out += [f"solomon:{p.stem.upper()}{suffix}" for p in sorted(SOLOMON.glob("*.txt"))]
        elif word == "demo":
            out += [d.name for d in demo_days()]
        elif word == "gen":
            out += [f"gen:{n}" for n in GENERATED_SIZES]
        elif word == "hours":
            out += [f"hours:{n}" for n in HOURS_SEEDS]
        else:
            out.append(word)
    return list(dict.fromkeys(out))


def instance(name: str, seed: int = SEED) -> Named:
    """The instance of one name (see the module docstring); ValueError for a name it does not know."""
    kind, _, rest = name.partition(":")
    if kind == "solomon" and (match := re.fullmatch(r"([A-Z]+\d+)(?:-(\d+))?", rest.upper())):
        path = SOLOMON / f"{match.group(1).lower()}.txt"
        if not path.is_file():
            msg = f"no Solomon instance {match.group(1)} in {SOLOMON}"
            raise ValueError(msg)
        return solomon_day(path, customers=int(match.group(2)) if match.group(2) else None, seed=seed)
    if kind == "demo":
        for day in demo_days():
            if day.name == name:
                return day
    if kind == "gen" and rest.isdigit():
        return generated_day(int(rest), seed)
    if kind == "hours" and rest.isdigit():
        return hours_day(int(rest))
    msg = f"unknown instance {name!r}: solomon:C101[-25|-50], demo:D1-mon, gen:100, hours:0"
    raise ValueError(msg)


def digest(instance: RoutingInstance) -> str:
    """A fingerprint of everything the engine sees: a cached reference is only reused for the same day."""
    h = hashlib.sha256()
    for matrix in (instance.duration, instance.cost):
        h.update(np.ascontiguousarray(matrix, dtype=np.int64).tobytes())
    h.update(repr((instance.jobs, instance.vehicles, instance.horizon)).encode())
    return h.hexdigest()[:16]

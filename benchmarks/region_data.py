"""A seeded synthetic region for the nightly benchmark: towns where workers walk, rural districts by car or bus.

Rostov oblast has over 50 social service centres. A third of the centres made here are towns like the
Volgodonsk demo (departments of about 100 clients and 10 workers on foot, by bus or bike, within a few
km of the office); the rest are rural districts like the Zimovnikovsky demo (a district centre and
villages 5-40 km apart, departments of about 37 clients and 5 workers by car or bus, four or five
visits a day). Towns get twice the clients of a district. Both are made by the data folder's own
generators (``data/generate_demo.py`` and ``data/generate_district.py``), so a region's department is
the same kind of data as the bundled demo, with fixed days that fit the workers' weeks.

``make_region`` returns every department as a ``Problem`` in memory; ``write_region`` writes them as data
folders (one per department, the demo's CSV files) that ``read_folder`` reads back equal, for the nightly
job's config. Both walk the region one centre at a time (``region_centres``), so writing a region never
holds more than one centre. The same seed gives the same region; centre ``k`` is drawn from its own seed,
so a region of 50 centres starts with the region of 3.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from lean_social import Absence, Client, Holiday, Location, Problem, ProgrammeItem, Service, Worker
from lean_social.io.grammar import parse_days, parse_list, parse_lunch, parse_weekly

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "data"))
import generate_demo as town
import generate_district as rural

__all__ = ["Centre", "Department", "Kind", "make_region", "region_centres", "write_centre", "write_region"]

Kind = Literal["town", "rural"]
Tables = dict[str, town.Table]

TOWN_CLIENTS_PER_DEPARTMENT = 100
TOWN_CLIENTS_PER_WORKER = 10
RURAL_CLIENTS_PER_ROUND = 7.5  # a rural worker's caseload: 8 recipients is the oblast's rural figure
RURAL_ROUNDS_PER_DEPARTMENT = 5
MIN_CLIENTS_PER_CENTRE = 40  # below this a department has too few clients to share out notes and rounds
# Where the made-up centres lie: a box around Rostov oblast (synthetic points, not the real towns).
REGION_LAT = (46.4, 50.0)
REGION_LON = (38.6, 44.0)
TOWN_STREETS = (
    "ул. Ленина",
    "ул. Советская",
    "ул. Мира",
    "пр. Строителей",
    "ул. Гагарина",
    "ул. Пушкина",
    "ул. Садовая",
    "ул. Победы",
    "ул. Комсомольская",
    "ул. Московская",
)


@dataclass(frozen=True, slots=True)
class Department:
    """One department of a centre: its name and everything its plan depends on."""

    name: str
    problem: Problem


@dataclass(frozen=True, slots=True)
class Centre:
    """A social service centre of the region: a town or a rural district, with its departments."""

    name: str
    kind: Kind
    departments: tuple[Department, ...]

    @property
    def clients(self) -> int:
        return sum(len(d.problem.clients) for d in self.departments)


def make_region(centres: int, *, seed: int, clients: int = 20_000) -> list[Centre]:
    """``centres`` centres with about ``clients`` clients between them, every department a Problem."""
    return list(region_centres(centres, seed=seed, clients=clients))


def region_centres(centres: int, *, seed: int, clients: int = 20_000) -> Iterator[Centre]:
    """The region's centres one at a time (a benchmark plans one while the next is not yet made)."""
    for name, kind, files in _centre_tables(centres, seed, clients):
        yield Centre(
            name=name,
            kind=kind,
            departments=tuple(
                Department(name=department, problem=_problem(part)) for department, part in _departments(files)
            ),
        )


def write_region(root: Path, centres: int, *, seed: int, clients: int = 20_000) -> list[Path]:
    """Write the region under ``root`` as ``<centre>/<department>/`` data folders; returns the folders in order.

    The rows written are the rows ``make_region`` builds its problems from, so each folder reads back equal.
    """
    folders: list[Path] = []
    for name, _, files in _centre_tables(centres, seed, clients):
        for department, part in _departments(files):
            folder = root / name / department
            town.write_tables(folder, part)
            folders.append(folder)
    return folders


def write_centre(root: Path, k: int, centres: int, *, seed: int, clients: int = 20_000) -> list[Path]:
    """Write centre ``k`` (0-based) of the region alone, as ``write_region`` would: a benchmark writes the
    centres of a large region in parallel processes."""
    folders: list[Path] = []
    for name, _, files in _centre_tables(centres, seed, clients, only=k):
        for department, part in _departments(files):
            folder = root / name / department
            town.write_tables(folder, part)
            folders.append(folder)
    return folders


def _centre_tables(
    centres: int, seed: int, clients: int, *, only: int | None = None
) -> Iterator[tuple[str, Kind, Tables]]:
    if centres < 1:
        msg = f"a region needs at least one centre, got {centres}"
        raise ValueError(msg)
    kinds: list[Kind] = ["town" if k % 3 == 0 else "rural" for k in range(centres)]
    counts = _shares(clients, [2 if kind == "town" else 1 for kind in kinds])
    if min(counts) < MIN_CLIENTS_PER_CENTRE:
        msg = f"{clients} clients over {centres} centres leave a centre fewer than {MIN_CLIENTS_PER_CENTRE}"
        raise ValueError(msg)
    seeds = random.Random(seed)
    for k, (kind, count) in enumerate(zip(kinds, counts, strict=True)):
        rng = random.Random(seeds.randrange(2**63))  # drawn for every centre, so centre k is the same alone
        if only is not None and k != only:
            continue
        name = f"c{k + 1:02d}-{kind}"
        point = (
            round(rng.uniform(*REGION_LAT), 4),
            round(rng.uniform(*REGION_LON), 4),
        )
        prefix = f"c{k + 1:02d}-"
        files = _town(rng, prefix, point, count) if kind == "town" else _rural(rng, prefix, point, count)
        yield name, kind, files


def _shares(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights`` (largest remainders), summing to ``total``."""
    raw = [total * w / sum(weights) for w in weights]
    out = [math.floor(r) for r in raw]
    for k in sorted(range(len(raw)), key=lambda k: (out[k] - raw[k], k))[: total - sum(out)]:
        out[k] += 1
    return out


# --------------------------------------------------------------------------------------------
# Towns: departments around the town centre, the demo's engine for clients, hours and days.
# --------------------------------------------------------------------------------------------
def _town(rng: random.Random, prefix: str, point: tuple[float, float], count: int) -> Tables:
    n_departments = max(1, round(count / TOWN_CLIENTS_PER_DEPARTMENT))
    per_department = count // n_departments
    districts = []
    for k in range(n_departments):
        angle = 2 * math.pi * k / n_departments
        radius = 0.0 if n_departments == 1 else 1.8
        office = rural.offset(point, radius * math.sin(angle), radius * math.cos(angle))
        dlat, dlon = town.km_to_deg(office[0])
        districts.append(
            town.District(
                department=f"D{k + 1}",
                office=office,
                lat_box=(office[0] - 2.2 * dlat, office[0] + 2.2 * dlat),
                lon_box=(office[1] - 2.2 * dlon, office[1] + 2.2 * dlon),
                streets=TOWN_STREETS,
                private_house_share=0.2,
            )
        )
    workers = _town_workers(rng, prefix, districts, per_department)
    clients = town.make_clients(rng, districts, per_department, prefix)
    town.assign_workers(rng, clients, workers, districts)
    by_id = {w.id: w for w in workers}
    for c in clients:
        worker = by_id.get(c.worker_id)
        town.availability(rng, c, worker)
        town.make_programme(rng, c, worker)
    town.fix_days(rng, workers, clients, [d.department for d in districts], waiting_list=True)
    clients = [c for c in clients if c.days]
    town.add_notes(rng, clients)
    return town.tables(town.SERVICES, workers, clients, ())


def _town_workers(
    rng: random.Random, prefix: str, districts: list[town.District], per_department: int
) -> list[town.Worker]:
    """A tenth of the clients in workers: most on foot, some by bus or bike, a car now and then; a
    third nurses; one short shift and (in a department of six or more) one Tuesday-Saturday shift."""
    workers: list[town.Worker] = []
    stems: set[str] = set()
    number = 0
    for district in districts:
        staff = max(3, round(per_department / TOWN_CLIENTS_PER_WORKER))
        for i in range(staff):
            number += 1
            female = rng.random() < 0.88
            while True:
                pool = town.WORKER_FEMALE_NAMES if female else town.WORKER_MALE_NAMES
                name = town.person_name(rng, female, True, pool)
                stem = name.split()[0].rstrip("а").replace("ская", "ский")
                if stem not in stems or len(stems) > 150:  # the surname list runs out in a big town
                    stems.add(stem)
                    break
            short = i == 1
            shift = (
                "mon-fri 08:00-16:00"
                if short
                else "tue-sat 09:00-18:00"
                if i == 4 and staff >= 6
                else "mon-fri 08:00-17:00"
            )
            mode = town.weighted(rng, [("foot", 55), ("transit", 30), ("bike", 10), ("car", 5)])
            worker = town.Worker(
                id=f"{prefix}W{number:02d}",
                name=name,
                department=district.department,
                start=district.office,
                shift_text=shift,
                skills="nurse" if i % 3 == 0 else "",
                mode=mode,
                max_visits=6 if short else rng.choice((7, 8)),
                home=rng.random() < 0.1,
            )
            worker.shift = town.parse_week(shift)
            workers.append(worker)
    return workers


# --------------------------------------------------------------------------------------------
# Rural districts: a district centre and villages 6-20 km out, 5-40 km apart; the district's engine.
# --------------------------------------------------------------------------------------------
def _rural(rng: random.Random, prefix: str, point: tuple[float, float], count: int) -> Tables:
    rounds = max(2, round(count / RURAL_CLIENTS_PER_ROUND))
    sizes = _shares(count, [1] * rounds)
    at_centre = max(1, round(rounds * 0.3))
    villages = [rural.Village("п. Центральный", point[0], point[1], 1.0, True)]
    villages += _villages(rng, point, rounds - at_centre)
    others = sorted(villages[1:], key=lambda v: math.atan2(v.lat - point[0], v.lon - point[1]))
    plan: list[tuple[str, ...]] = [(villages[0].name,)] * at_centre
    for k, village in enumerate(others):
        second = others[(k + 1) % len(others)]
        plan.append((village.name, second.name) if k % 3 == 2 and second is not village else (village.name,))
    n_departments = max(1, round(rounds / RURAL_ROUNDS_PER_DEPARTMENT))
    department_of = _shares(rounds, [1] * n_departments)
    names = [f"D{d + 1}" for d, n in enumerate(department_of) for _ in range(n)]
    centre = rural.RuralCentre(
        prefix=prefix,
        office=rural.offset(point, 0.3, 0.2),
        villages=tuple(villages),
        rounds=tuple(rural.Round(d, v, n) for d, v, n in zip(names, plan, sizes, strict=True)),
    )
    workers, clients, _, _ = rural.rural_centre(rng, centre, waiting_list=True)
    return town.tables(town.SERVICES + town.RURAL_SERVICES, workers, clients, ())


def _villages(rng: random.Random, point: tuple[float, float], count: int) -> list[rural.Village]:
    """Villages 6-20 km from the district centre and at least 5 km from each other (so at most 40 km)."""
    places: list[tuple[float, float]] = [point]
    out: list[rural.Village] = []
    names = [f"{kind} {word}" for word in rural.VILLAGE_WORDS for kind in ("х.", "ст.", "сл.", "п.")]
    rng.shuffle(names)
    while len(out) < count:
        radius, angle = rng.uniform(6.0, 20.0), rng.uniform(0, 2 * math.pi)
        place = rural.offset(point, radius * math.sin(angle), radius * math.cos(angle))
        if all(rural.km_between(place, other) >= 5.0 for other in places):
            places.append(place)
            name = names[len(out) % len(names)] + ("" if len(out) < len(names) else f"-{len(out) // len(names) + 1}")
            out.append(rural.Village(name, place[0], place[1], rng.choice((0.4, 0.5, 0.6, 0.8)), False))
    return out


# --------------------------------------------------------------------------------------------
# Rows -> problems, as read_folder reads the same rows from the files.
# --------------------------------------------------------------------------------------------
def _departments(files: Tables) -> Iterator[tuple[str, Tables]]:
    """Each department's own rows: its workers, clients, their programmes and absences; every service
    and holiday."""
    departments = sorted({str(row[2]) for row in files["workers.csv"][1]})
    for department in departments:
        workers = [row for row in files["workers.csv"][1] if row[2] == department]
        clients = [row for row in files["clients.csv"][1] if row[5] == department]
        worker_ids = {row[0] for row in workers}
        client_ids = {row[0] for row in clients}
        part = dict(files)
        part["workers.csv"] = (files["workers.csv"][0], workers)
        part["clients.csv"] = (files["clients.csv"][0], clients)
        part["programmes.csv"] = (
            files["programmes.csv"][0],
            [row for row in files["programmes.csv"][1] if row[0] in client_ids],
        )
        part["absences.csv"] = (
            files["absences.csv"][0],
            [row for row in files["absences.csv"][1] if row[0] in worker_ids],
        )
        yield department, part


def _cells(files: Tables, name: str) -> list[dict[str, str]]:
    header, rows = files[name]
    return [dict(zip(header, (str(cell) for cell in row), strict=True)) for row in rows]


def _problem(files: Tables) -> Problem:
    """The Problem of one department's rows, built as ``lean_social.read_folder`` builds it from the files."""
    services = tuple(
        Service(
            code=r["code"],
            name=r["name"],
            norm_min=int(r["norm_min"]),
            skill=r["skill"] or None,
            errand=r["errand"] or None,  # type: ignore[arg-type]
        )
        for r in _cells(files, "services.csv")
    )
    clients = tuple(
        Client(
            id=r["id"],
            name=r["name"],
            address=r["address"],
            location=Location(lat=float(r["lat"]), lon=float(r["lon"])),
            department=r["department"],
            available=parse_weekly(r["available"]),
            worker_id=r["worker_id"] or None,
            notes=r["notes"],
        )
        for r in _cells(files, "clients.csv")
    )
    programmes = tuple(
        ProgrammeItem(
            client_id=r["client_id"],
            service_code=r["service_code"],
            times=int(r["times"]),
            per=r["per"],  # type: ignore[arg-type]
            days=parse_days(r["days"]) if r["days"] else (),
        )
        for r in _cells(files, "programmes.csv")
    )
    workers = tuple(
        Worker(
            id=r["id"],
            name=r["name"],
            department=r["department"],
            start=Location(lat=float(r["start_lat"]), lon=float(r["start_lon"])),
            shift=parse_weekly(r["shift"]),
            lunch=parse_lunch(r["lunch"]),
            skills=frozenset(parse_list(r["skills"])),
            mode=r["mode"],  # type: ignore[arg-type]
            max_visits_per_day=int(r["max_visits_per_day"]),
        )
        for r in _cells(files, "workers.csv")
    )
    absences = tuple(
        Absence(
            worker_id=r["worker_id"],
            start=dt.date.fromisoformat(r["from"]),
            end=dt.date.fromisoformat(r["to"]),
            reason=r["reason"],
        )
        for r in _cells(files, "absences.csv")
    )
    holidays = tuple(
        Holiday(date=dt.date.fromisoformat(r["date"]), name=r["name"]) for r in _cells(files, "holidays.csv")
    )
    return Problem(
        services=services,
        clients=clients,
        programmes=programmes,
        workers=workers,
        absences=absences,
        holidays=holidays,
    )

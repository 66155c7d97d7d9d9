"""Generate the synthetic rural district beside the demo town: a centre in Zimovnikovsky district.

Standard library only, deterministic (the same seed writes byte-identical files), and built on the demo's
generator (``generate_demo.py``): the same names, catalogue, programmes, fixed-day search and files.

    python data/generate_district.py                  # seed 20261207 -> data/zimovniki/
    python data/generate_district.py --seed 7 --out /tmp/district

What differs from a town is the way. Clients live in a district centre and in villages 5-40 km apart;
a worker goes by car or by bus, serves one village a day (or a part of the district centre), and drives
out and back every day unless she lives in her village. So the fixed-day search counts, per worker, the
day's drive out and back (``Worker.trip_min``) and the minutes between two clients of a village
(``Worker.travel_min``), both from the same speeds as ``lean_social/travel/geodesic.py``; and a client's
visits fall on the weekdays the worker comes to the village (``Client.route_days``). The result is fewer,
longer visits a day than in town. Nobody is real; the village names are real settlements of the
district, but every coordinate is a made-up point (see data/README.md).
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generate_demo import (
    DAYS,
    DEFAULT_SEED,
    FEMALE_NAMES,
    MALE_NAMES,
    NURSE_PACKAGES,
    RURAL_SERVICES,
    SERVICES,
    WORKER_FEMALE_NAMES,
    WORKER_MALE_NAMES,
    Client,
    Worker,
    add_notes,
    fix_days,
    join_days,
    km_to_deg,
    make_programme,
    parse_week,
    person_name,
    tables,
    write_tables,
)

DEFAULT_OUT = Path(__file__).resolve().parent / "zimovniki"
WEEKDAYS = DAYS[:5]

# The speeds of lean_social/travel/geodesic.py (DEFAULT_SPEEDS and the 1.3 detour): mode -> km/h, fixed
# minutes a leg (waiting for the bus, parking). tests/test_district.py holds the two equal.
DETOUR = 1.3
WALK_KMH = 4.5
SPEEDS = {"car": (25.0, 5.0), "transit": (18.0, 10.0)}
BUS_MAX_KM = 10.0  # a worker whose farthest village is nearer than this goes by bus, else by car
MEAN_LEG = 1.6  # mean distance between two clients of a village, in units of its spread (Gaussian: ~1.77)

RURAL_SHIFT = "mon-fri 08:00-17:00"
RURAL_FULL_WEEK = "mon-fri 08:00-17:00"
ASSIGNED_SHARE = 0.85
THREE_VISITS_SHARE = 0.1

# Weekly packages of a village: water and the stove where houses have neither mains water nor gas.
RURAL_PACKAGES: tuple[tuple[tuple[str, ...], int], ...] = (
    (("FOOD", "WATER", "DISH"), 10),
    (("FOOD", "STOVE"), 8),
    (("WATER", "STOVE", "CLEAN"), 6),
    (("FOOD", "MEDS", "WATER"), 6),
    (("COOK", "WATER"), 5),
    (("FOOD", "CLEAN"), 5),
    (("MEDS", "STOVE", "DISH"), 4),
    (("FOOD", "COOK", "DISH"), 3),
)
RURAL_NOTES = (
    "собака во дворе, звонить перед приходом",
    "калитка на щеколде, заходить со двора",
    "плохо слышит, стучать громко",
    "дрова и уголь в сарае",
    "колодец во дворе, вода оттуда",
    "после дождя подъезд только с центральной улицы",
)
MARKET_NOTE = {
    "mon": "по понедельникам ездит в райцентр (рынок, почта)",
    "tue": "по вторникам ездит в райцентр (рынок, почта)",
    "wed": "по средам ездит в райцентр (рынок, почта)",
    "thu": "по четвергам ездит в райцентр (рынок, почта)",
    "fri": "по пятницам ездит в райцентр (рынок, почта)",
}
STREETS = (
    "ул. Центральная",
    "ул. Садовая",
    "ул. Школьная",
    "ул. Мира",
    "ул. Степная",
    "ул. Молодёжная",
    "ул. Набережная",
    "пер. Почтовый",
    "ул. Победы",
    "ул. Заречная",
)

# Made-up village names for the region benchmark's districts (data/zimovniki uses the real ones).
VILLAGE_WORDS = (
    "Степной",
    "Весёлый",
    "Приречный",
    "Садовый",
    "Луговой",
    "Дальний",
    "Широкий",
    "Ясный",
    "Майский",
    "Солнечный",
    "Заречный",
    "Полевой",
    "Родниковый",
    "Тихий",
    "Верхний",
    "Нижний",
)


@dataclass(frozen=True)
class Village:
    """A settlement of the district: its (made-up) centre point and how far its houses spread."""

    name: str
    lat: float
    lon: float
    spread_km: float
    flats: bool = False  # the district centre has some blocks of flats


@dataclass(frozen=True)
class Round:
    """One worker's villages (one or two) and how many clients she has."""

    department: str
    villages: tuple[str, ...]
    clients: int


@dataclass(frozen=True)
class RuralCentre:
    """A district's social service centre: its office, its villages and its workers' rounds."""

    prefix: str  # put before every id, so that the centres of a region never share one
    office: tuple[float, float]
    villages: tuple[Village, ...]
    rounds: tuple[Round, ...]


def offset(origin: tuple[float, float], north_km: float, east_km: float) -> tuple[float, float]:
    dlat, dlon = km_to_deg(origin[0])
    return round(origin[0] + north_km * dlat, 6), round(origin[1] + east_km * dlon, 6)


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle kilometres (haversine, as lean_social.domain.model.Location.km_to)."""
    phi1, phi2 = math.radians(a[0]), math.radians(b[0])
    dphi, dlam = phi2 - phi1, math.radians(b[1] - a[1])
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def minutes_by(mode: str, km: float) -> int:
    """A leg's minutes as the planner's geodesic model counts them (a bus rider walks when that is quicker)."""
    speed, fixed = SPEEDS[mode]
    road = km * DETOUR
    minutes = math.ceil(road / speed * 60 + fixed - 1e-9)
    if mode == "transit":
        minutes = min(minutes, math.ceil(road / WALK_KMH * 60 - 1e-9))
    return minutes


# The district centre Zimovniki and seven villages of the district. Positions are made up (offsets in km
# north and east of a point near the settlement), chosen 6-20 km out and 5-40 km from one another.
ZIMOVNIKI_CENTRE = (47.1450, 42.4700)
ZIMOVNIKI_VILLAGES = (  # name, km north, km east, spread of the houses (km), blocks of flats
    ("п. Зимовники", 0.0, 0.0, 1.0, True),
    ("х. Ленинский", -5.5, 3.0, 0.5, False),
    ("х. Глубокий", 2.5, 8.0, 0.5, False),
    ("ст. Кутейниковская", -13.0, -10.0, 0.8, False),
    ("сл. Верхнесеребряковка", 16.0, -6.0, 0.7, False),
    ("х. Мокрый Гашун", -4.0, 19.0, 0.5, False),
    ("п. Байков", 10.0, 14.0, 0.5, False),
)
ZIMOVNIKI_ROUNDS = (
    Round("D1", ("п. Зимовники",), 8),
    Round("D1", ("п. Зимовники",), 8),
    Round("D1", ("п. Зимовники", "х. Ленинский"), 8),
    Round("D1", ("х. Глубокий", "х. Ленинский"), 7),
    Round("D2", ("ст. Кутейниковская",), 8),
    Round("D2", ("сл. Верхнесеребряковка",), 8),
    Round("D2", ("х. Мокрый Гашун", "п. Байков"), 7),
    Round("D2", ("п. Байков", "х. Мокрый Гашун"), 7),
)
ZIMOVNIKI_ABSENCES = (("W06", "2026-12-21", "2026-12-30", "ежегодный отпуск"),)


def zimovniki() -> RuralCentre:
    villages = tuple(
        Village(name, *offset(ZIMOVNIKI_CENTRE, north, east), spread, flats)
        for name, north, east, spread, flats in ZIMOVNIKI_VILLAGES
    )
    office = offset(ZIMOVNIKI_CENTRE, 0.3, 0.2)
    return RuralCentre(prefix="", office=office, villages=villages, rounds=ZIMOVNIKI_ROUNDS)


def village_days(counts: Sequence[int]) -> list[tuple[str, ...]]:
    """The weekdays a worker spends in each of her villages: the bigger one more days, turn about
    (3 + 2 days: mon+wed+fri and tue+thu), so that every village has at least two days a week apart."""
    if len(counts) == 1:
        return [WEEKDAYS]
    big = max(range(len(counts)), key=lambda k: (counts[k], -k))
    quota = [3 if k == big else 2 for k in range(len(counts))]
    if sum(quota) != len(WEEKDAYS):
        msg = f"a round of {len(counts)} villages does not share out five weekdays"
        raise ValueError(msg)
    order = [big] + [k for k in range(len(counts)) if k != big]
    days: list[list[str]] = [[] for _ in counts]
    cursor = 0
    for day in WEEKDAYS:
        while quota[order[cursor % len(order)]] == 0:
            cursor += 1
        k = order[cursor % len(order)]
        days[k].append(day)
        quota[k] -= 1
        cursor += 1
    return [tuple(d) for d in days]


def point_in(rng: random.Random, village: Village) -> tuple[float, float]:
    """A house: Gaussian around the village centre, cut at 2.5 spreads so no house strays into the steppe."""
    while True:
        north, east = rng.gauss(0, village.spread_km), rng.gauss(0, village.spread_km)
        if math.hypot(north, east) <= 2.5 * village.spread_km:
            return offset((village.lat, village.lon), north, east)


def rural_availability(rng: random.Random, client: Client) -> None:
    """Villagers are mostly at home on weekdays 08-17; some only mornings (the garden, the heat after
    noon), some keep a rest after lunch, some go to the district centre one weekday (market, post)."""
    r = rng.random()
    day_out = ""
    if r < 0.72:
        text = RURAL_FULL_WEEK
    else:
        kind = rng.choice(["morning", "rest", "market", "late"])
        if kind == "morning":
            text = "mon-fri 08:00-12:00"
        elif kind == "rest":
            text = "mon-fri 08:00-12:00; mon-fri 15:00-18:00"
        elif kind == "market":
            day_out = rng.choice([d for d in WEEKDAYS if d in client.route_days] or list(WEEKDAYS))
            text = join_days([d for d in WEEKDAYS if d != day_out]) + " 08:00-17:00"
        else:
            text = "mon-fri 10:00-16:00"
        client.narrow = kind in ("morning", "rest")
    client.available_text = text
    client.available = parse_week(text)
    if day_out:
        client.notes = MARKET_NOTE[day_out]
        client.day_out = day_out


def rural_workers(rng: random.Random, centre: RuralCentre, names: set[str], first_number: int) -> list[Worker]:
    """One worker a round: from the office, or (a far single village, one in two) from her home there;
    by bus where every village is near her start, else by car."""
    by_name = {v.name: v for v in centre.villages}
    workers: list[Worker] = []
    for k, job in enumerate(centre.rounds):
        villages = [by_name[n] for n in job.villages]
        female = rng.random() < 0.9
        while True:
            name = person_name(rng, female, True, WORKER_FEMALE_NAMES if female else WORKER_MALE_NAMES)
            stem = name.split()[0].rstrip("а").replace("ская", "ский")
            if stem not in names:
                names.add(stem)
                break
        first = villages[0]
        far = km_between(centre.office, (first.lat, first.lon)) > BUS_MAX_KM
        home = len(villages) == 1 and far and rng.random() < 0.5
        start = point_in(rng, first) if home else centre.office
        reach = max(km_between(start, (v.lat, v.lon)) for v in villages)
        mode = "transit" if reach <= BUS_MAX_KM else "car"
        trip = max(
            0 if home and v is first else 2 * minutes_by(mode, km_between(start, (v.lat, v.lon))) for v in villages
        )
        leg = max(minutes_by(mode, MEAN_LEG * v.spread_km) for v in villages)
        worker = Worker(
            id=f"{centre.prefix}W{first_number + k:02d}",
            name=name,
            department=job.department,
            start=start,
            shift_text=RURAL_SHIFT,
            skills="nurse" if k % 3 == 1 else "",
            mode=mode,
            max_visits=4 if trip > 90 else 5,
            home=home,
            travel_min=leg,
            trip_min=trip,
        )
        worker.shift = parse_week(RURAL_SHIFT)
        workers.append(worker)
    return workers


def rural_clients(
    rng: random.Random, centre: RuralCentre, workers: list[Worker], names: set[str], first_number: int
) -> list[Client]:
    """Each round's clients in its villages (the first village holds the larger share), on the weekdays
    the worker comes there; about 15 % are left open for the planner (no fixed worker)."""
    by_name = {v.name: v for v in centre.villages}
    houses: set[tuple[str, str, str]] = set()
    clients: list[Client] = []
    for worker, job in zip(workers, centre.rounds, strict=True):
        villages = [by_name[n] for n in job.villages]
        shares = [job.clients] if len(villages) == 1 else [job.clients - job.clients * 2 // 5, job.clients * 2 // 5]
        days = village_days(shares)
        for village, count, route_days in zip(villages, shares, days, strict=True):
            for _ in range(count):
                female = rng.random() < 0.75
                while True:
                    name = person_name(rng, female, False, FEMALE_NAMES if female else MALE_NAMES)
                    if name not in names:
                        names.add(name)
                        break
                while True:
                    street, house = rng.choice(STREETS), str(rng.randint(1, 90))
                    if (village.name, street, house) not in houses:
                        houses.add((village.name, street, house))
                        break
                address = f"{village.name}, {street}, д. {house}"
                if village.flats and rng.random() < 0.3:
                    address += f", кв. {rng.randint(1, 24)}"
                lat, lon = point_in(rng, village)
                client = Client(
                    id="",
                    name=name,
                    address=address,
                    lat=lat,
                    lon=lon,
                    department=job.department,
                    worker_id=worker.id if rng.random() < ASSIGNED_SHARE else "",
                    route_days=route_days,
                )
                clients.append(client)
    for k, client in enumerate(clients):
        client.id = f"{centre.prefix}C{first_number + k:03d}"
    return clients


def rural_centre(
    rng: random.Random, centre: RuralCentre, waiting_list: bool = False
) -> tuple[list[Worker], list[Client], int, int]:
    """Workers and clients of a rural centre with their fixed days: (workers, clients, moved, lightened).
    With ``waiting_list`` the clients no worker's week has room for are left out (a centre's waiting
    list) rather than stopping the run: the region benchmark draws districts it has not seen."""
    names: set[str] = set()
    workers = rural_workers(rng, centre, names, 1)
    by_id = {w.id: w for w in workers}
    clients = rural_clients(rng, centre, workers, names, 1)
    for c in clients:
        worker = by_id.get(c.worker_id)
        rural_availability(rng, c)
        make_programme(rng, c, worker, RURAL_PACKAGES, NURSE_PACKAGES, THREE_VISITS_SHARE)
        if len(c.route_days) < 3:
            c.visits = 2
    departments = sorted({r.department for r in centre.rounds})
    moves, downgrades = fix_days(rng, workers, clients, departments, waiting_list)
    clients = [c for c in clients if c.days]
    add_notes(rng, clients, RURAL_NOTES)
    return workers, clients, moves, downgrades


def generate(seed: int, out: Path) -> dict[str, int]:
    rng = random.Random(seed)
    workers, clients, moves, downgrades = rural_centre(rng, zimovniki())
    files = tables(SERVICES + RURAL_SERVICES, workers, clients, ZIMOVNIKI_ABSENCES)
    write_tables(out, files)
    return {
        "services": len(SERVICES + RURAL_SERVICES),
        "workers": len(workers),
        "clients": len(clients),
        "programme_rows": len(files["programmes.csv"][1]),
        "moved_clients": moves,
        "lightened_programmes": downgrades,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the synthetic rural district (Zimovnikovsky) data set.")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="output folder (default: data/zimovniki next to this script)"
    )
    args = parser.parse_args(argv)
    counts = generate(args.seed, args.out)
    print(", ".join(f"{k}={v}" for k, v in counts.items()), f"-> {args.out}")


if __name__ == "__main__":
    main()

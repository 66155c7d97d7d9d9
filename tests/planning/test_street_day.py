"""A day of a department planned on the streets of the Ostankino extract (tests/data/osm, © OpenStreetMap
contributors, ODbL): 40 clients at real points of the extract, walkers and a driver; the plan keeps every
rule the validator checks with the same street travel, and its legs are the streets' times."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from conftest import WORK, client, every_monday, problem, worker
from lean_social.planning.day_of_week import plan_day
from lean_social.travel import GeodesicTravel, StreetTravel
from lean_social.validate import validate

MOSCOW = Path(__file__).resolve().parent.parent / "data" / "osm" / "moscow.osm.gz"
MONDAY = dt.date(2026, 12, 7)


def test_a_day_on_moscow_streets_passes_the_validator(tmp_path: Path) -> None:
    travel = StreetTravel(MOSCOW, cache_dir=tmp_path)
    graph = travel.graph("car")
    rng = np.random.default_rng(5)
    nodes = rng.choice(graph.nodes, size=44, replace=False)
    spots = [(float(graph.lat[n]) + 1e-4, float(graph.lon[n])) for n in nodes]
    clients = [client(f"C{i:02}", lat=lat, lon=lon) for i, (lat, lon) in enumerate(spots[:40])]
    workers = [
        worker(f"W{k}", lat=lat, lon=lon, mode="car" if k == 3 else "foot") for k, (lat, lon) in enumerate(spots[40:])
    ]
    programmes = [item for c in clients for item in every_monday(c.id, "DISH")]
    day = problem(clients, workers, programmes)
    schedule = plan_day(day, MONDAY, travel=travel, work_per_visit=WORK)
    assert schedule.served >= 35
    assert validate(schedule, day, travel=travel) == []
    # every route's legs along the streets are at least the straight lines between its places
    walked = [r for r in schedule.routes if r.stops and r.worker_id != "W3"]
    assert walked
    for route in walked:
        places = [next(w.start for w in workers if w.id == route.worker_id)]
        places += [next(c.location for c in clients if c.id == s.client_id) for s in route.stops]
        street = travel.matrices(places, "foot").distance_m
        straight = GeodesicTravel(detour_factor=1.0).matrices(places, "foot").distance_m
        assert (street >= straight - 1).all()


def test_a_client_off_the_map_is_refused_when_planning(tmp_path: Path) -> None:
    travel = StreetTravel(MOSCOW, cache_dir=tmp_path)
    clients = [client("C1", lat=55.8150, lon=37.6050), client("FAR", lat=55.9, lon=37.6050)]
    day = problem(clients, [worker("W1", lat=55.8150, lon=37.6050)], every_monday("FAR", "DISH"))
    with pytest.raises(ValueError, match=r"m from the nearest street usable by foot in moscow\.osm\.gz"):
        plan_day(day, MONDAY, travel=travel, work_per_visit=WORK)

"""The nightly benchmark's region: seeded, towns walk and districts drive, folders read back equal, and
every department plans a valid week."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from benchmarks.region_data import Centre, make_region, write_region
from lean_social import Location, plan_week, read_folder, validate

SEED = 5
CENTRES = 3
CLIENTS = 600
MONDAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def region() -> list[Centre]:
    return make_region(CENTRES, seed=SEED, clients=CLIENTS)


def _span_km(places: list[Location]) -> float:
    return max(a.km_to(b) for a, b in itertools.combinations(places, 2))


def test_the_same_seed_gives_the_same_region(region: list[Centre]) -> None:
    assert make_region(CENTRES, seed=SEED, clients=CLIENTS) == region
    assert make_region(CENTRES, seed=SEED + 1, clients=CLIENTS) != region


def test_the_region_has_about_the_clients_asked_for_in_towns_and_districts(region: list[Centre]) -> None:
    assert [c.kind for c in region] == ["town", "rural", "rural"]
    assert 0.95 * CLIENTS <= sum(c.clients for c in region) <= CLIENTS
    ids = [p.id for c in region for d in c.departments for p in d.problem.clients]
    assert len(ids) == len(set(ids))  # no two centres share an id
    for centre in region:
        for department in centre.departments:
            assert department.problem.departments == (department.name,)


def test_towns_walk_short_ways_and_districts_drive_between_villages(region: list[Centre]) -> None:
    town, districts = region[0], region[1:]
    town_workers = [w for d in town.departments for w in d.problem.workers]
    assert "foot" in {w.mode for w in town_workers}
    for department in town.departments:
        assert _span_km([c.location for c in department.problem.clients]) < 8
    for centre in districts:
        workers = [w for d in centre.departments for w in d.problem.workers]
        assert {w.mode for w in workers} <= {"car", "transit"}
        assert max(w.max_visits_per_day or 0 for w in workers) < min(w.max_visits_per_day or 0 for w in town_workers)
        clients = [c.location for d in centre.departments for c in d.problem.clients]
        assert 15 < _span_km(clients) < 50  # villages 6-20 km from the centre, at most 40 km apart


def test_written_folders_read_back_equal(region: list[Centre], tmp_path: Path) -> None:
    folders = write_region(tmp_path, CENTRES, seed=SEED, clients=CLIENTS)
    departments = [(c.name, d) for c in region for d in c.departments]
    assert [f.relative_to(tmp_path) for f in folders] == [Path(name, d.name) for name, d in departments]
    for folder, (_, department) in zip(folders, departments, strict=True):
        assert read_folder(folder) == department.problem


def test_every_department_plans_a_valid_week(region: list[Centre]) -> None:
    for centre in region:
        for department in centre.departments:
            schedule = plan_week(department.problem, MONDAY, work_per_visit=1)
            assert validate(schedule, department.problem) == [], (centre.name, department.name)
            served, missed = schedule.served, len(schedule.unassigned)
            assert served / (served + missed) >= 0.9, (centre.name, department.name)

"""The bundled rural district: its generator reproduces it, its villages lie 5-40 km apart, its workers
go by car or bus with fewer visits a day than in town, and its week plans validly with most visits served."""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEMO, WORK
from lean_social import Problem, plan_week, read_folder, validate
from lean_social.travel.geodesic import DEFAULT_SPEEDS, GeodesicTravel

DISTRICT = DEMO.parent / "zimovniki"
MONDAY = dt.date(2026, 12, 7)

sys.path.insert(0, str(DEMO.parent))
import generate_district  # noqa: E402


@pytest.fixture(scope="module")
def district() -> Problem:
    return read_folder(DISTRICT)


def test_generator_reproduces_the_bundled_files(tmp_path: Path) -> None:
    script = DEMO.parent / "generate_district.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True)
    bundled = sorted(p.name for p in DISTRICT.glob("*.csv"))
    # the demo's norms.csv is a calibration from the town's observed visits; the district has none of its own
    assert bundled == sorted(p.name for p in DEMO.glob("*.csv") if p.name != "norms.csv")
    for name in bundled:
        assert (tmp_path / name).read_bytes() == (DISTRICT / name).read_bytes(), name


def test_the_generator_counts_the_way_as_the_planner_does() -> None:
    assert GeodesicTravel().detour_factor == generate_district.DETOUR
    assert DEFAULT_SPEEDS["foot"].speed_kmh == generate_district.WALK_KMH
    for mode, (speed, fixed) in generate_district.SPEEDS.items():
        assert (DEFAULT_SPEEDS[mode].speed_kmh, DEFAULT_SPEEDS[mode].fixed_min) == (speed, fixed)


def test_villages_lie_5_to_40_km_apart() -> None:
    villages = generate_district.zimovniki().villages
    assert len(villages) >= 5
    for a, b in itertools.combinations(villages, 2):
        assert 5 <= generate_district.km_between((a.lat, a.lon), (b.lat, b.lon)) <= 40, (a.name, b.name)


def test_district_shape(district: Problem, demo: Problem) -> None:
    assert 60 <= len(district.clients) <= 80
    assert 6 <= len(district.workers) <= 8
    assert 1 <= len(district.departments) <= 2
    assert {w.mode for w in district.workers} <= {"car", "transit"}
    assert "car" in {w.mode for w in district.workers}
    assert max(w.max_visits_per_day or 0 for w in district.workers) < min(
        w.max_visits_per_day or 0 for w in demo.workers
    )


def test_district_week_plans_validly_with_most_visits_served(district: Problem) -> None:
    schedule = plan_week(district, MONDAY, work_per_visit=WORK)
    assert validate(schedule, district) == []
    served, missed = schedule.served, len(schedule.unassigned)
    assert served / (served + missed) >= 0.9
    per_visit_min = sum(r.travel_s for r in schedule.routes) / 60 / served
    assert 15 <= per_visit_min <= 60  # the villages' way: longer than a town's, short of half the day

"""A demo-sized week with a places.csv: every errand visit passes by a place of its kind, and the
validator passes the plan."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from conftest import DEMO, WORK
from lean_social import plan_week, read_folder, validate
from lean_social.domain.model import ERRANDS

MONDAY = dt.date(2026, 12, 7)
#: Every n-th client (by id) has a place of the kind round the corner (a few hundred metres off).
EVERY = {"shop": 12, "pharmacy": 25, "post": 60}


def test_a_week_with_places_runs_every_errand_on_the_way(tmp_path: Path) -> None:
    folder = tmp_path / "volgodonsk"
    shutil.copytree(DEMO, folder)
    clients = sorted(read_folder(DEMO).clients, key=lambda c: c.id)
    rows = ["id,name,kind,lat,lon"]
    for kind, step in EVERY.items():
        for i, c in enumerate(clients[::step]):
            lat, lon = c.location.lat + (0.002 if i % 2 else -0.0015), c.location.lon + 0.002 * (i % 3 - 1)
            rows.append(f"{kind}{i},{kind} {i},{kind},{lat:.6f},{lon:.6f}")
    (folder / "places.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    problem = read_folder(folder)
    assert {p.kind for p in problem.places} == set(ERRANDS)

    schedule = plan_week(problem, MONDAY, work_per_visit=WORK)
    assert validate(schedule, problem, week_start=MONDAY) == []
    kinds = {p.id: p.kind for p in problem.places}
    with_errands = 0
    for _, stop in schedule.stops:
        wanted = {problem.service(code).errand for code in stop.services} - {None}
        assert sorted(e.kind for e in stop.errands) == sorted(wanted), stop
        assert all(kinds[e.place_id] == e.kind for e in stop.errands)
        with_errands += bool(stop.errands)
    assert with_errands > schedule.served / 2  # most of the demo's visits shop or fetch medicines
    food = [s for _, s in schedule.stops if "FOOD" in s.services]
    assert food and all(any(e.kind == "shop" for e in s.errands) for s in food)

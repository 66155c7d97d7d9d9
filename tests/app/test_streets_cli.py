"""``--streets`` on plan, replan and the nightly configuration: the plan made and checked on the
Ostankino extract's streets (tests/data/osm, © OpenStreetMap contributors, ODbL), the map recorded in
run.json, and places far from its streets refused before planning, each named."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import DATA, WORK
from lean_social.app.cli import main
from lean_social.app.nightly import NightlyConfig, run_nightly
from lean_social.app.nightly.config import Centre, read_config
from lean_social.app.run import run_day
from lean_social.domain.timefmt import format_hhmm
from lean_social.errors import InvalidInputError
from lean_social.travel import StreetTravel

MOSCOW = DATA / "osm" / "moscow.osm.gz"
MONDAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The graphs' cache in a temporary folder, not the user's."""
    monkeypatch.setenv("LEAN_SOCIAL_CACHE", str(tmp_path_factory.getbasetemp() / "street-cache"))


def tiny_in_moscow(folder: Path) -> Path:
    """The tiny data folder with its clients and workers moved onto streets of the extract."""
    data = folder / "tiny"
    shutil.copytree(DATA / "tiny", data)
    graph = StreetTravel(MOSCOW).graph("car")
    rng = np.random.default_rng(11)
    for name, lat_col, lon_col in (("clients.csv", "lat", "lon"), ("workers.csv", "start_lat", "start_lon")):
        with (data / name).open(encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
        for row in rows:
            node = int(rng.integers(graph.nodes))
            row[lat_col], row[lon_col] = f"{graph.lat[node] + 1e-4:.7f}", f"{graph.lon[node]:.7f}"
        with (data / name).open("w", encoding="utf-8", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return data


def test_a_day_planned_on_streets_passes_its_check_and_records_the_map(tmp_path: Path) -> None:
    data = tiny_in_moscow(tmp_path)
    result = run_day(data, MONDAY, tmp_path / "out", streets=MOSCOW, work_per_visit=WORK, outputs=[])
    assert result.violations == () and result.schedule.served > 0
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert run["travel"]["model"] == "streets"
    assert run["travel"]["extract_sha256"] == run["settings"]["streets_sha256"] == StreetTravel(MOSCOW).extract_sha256
    straight = run_day(data, MONDAY, tmp_path / "plain", work_per_visit=WORK, outputs=[])
    plain = json.loads((tmp_path / "plain" / "run.json").read_text(encoding="utf-8"))
    assert plain["travel"] == {"model": "straight-line", "detour_factor": 1.3} and straight.violations == ()


def test_places_far_from_the_streets_are_refused_by_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InvalidInputError) as err:  # the tiny folder lies in Volgodonsk, 1,000 km away
        run_day(DATA / "tiny", MONDAY, tmp_path / "out", streets=MOSCOW, work_per_visit=WORK)
    text = str(err.value)
    assert "clients.csv, column 'lat,lon': a place within 300 m of a street usable by foot in moscow.osm.gz" in text
    assert "'C1 at 47.512500, 42.150000'" in text and "workers.csv" in text
    assert not (tmp_path / "out").exists()
    out = tmp_path / "cli"
    argv = ["-q", "plan", str(DATA / "tiny"), "--date", "2026-12-07", "--out", str(out), "--streets", str(MOSCOW)]
    assert main(argv) == 1
    assert "the nearest is" in capsys.readouterr().err
    missing = ["-q", "plan", str(DATA / "tiny"), "--date", "2026-12-07", "--out", str(out), "--streets", "no.osm"]
    assert main(missing) == 1
    assert "no.osm: an OpenStreetMap extract" in capsys.readouterr().err
    (tmp_path / "bad.osm").write_text("not a map", encoding="utf-8")
    bad = ["-q", "plan", str(DATA / "tiny"), "--date", "2026-12-07", "--out", str(out), "--streets"]
    assert main([*bad, str(tmp_path / "bad.osm")]) == 1
    assert "bad.osm: an OpenStreetMap extract (.osm, .osm.gz, .osm.pbf) with streets (XML" in capsys.readouterr().err
    assert not out.exists()


def test_replan_takes_streets_too(tmp_path: Path) -> None:
    data = tiny_in_moscow(tmp_path)
    week = ["-q", "plan", str(data), "--week", "2026-12-07", "--out", str(tmp_path / "week")]
    common = ["--streets", str(MOSCOW), "--reproducible", "--outputs", "none"]
    assert main([*week, *common]) == 0
    replan = ["-q", "replan", str(data), "--week", "2026-12-07", "--plan", str(tmp_path / "week" / "schedule.json")]
    assert main([*replan, "--from", "2026-12-09", "--out", str(tmp_path / "re"), *common]) == 0
    run = json.loads((tmp_path / "re" / "run.json").read_text(encoding="utf-8"))
    assert run["travel"]["model"] == "streets" and run["settings"]["streets"] == str(MOSCOW)


def test_the_nightly_configuration_takes_a_map_per_centre_or_for_the_night(tmp_path: Path) -> None:
    (tmp_path / "tiny").symlink_to(DATA / "tiny")
    shutil.copy(MOSCOW, tmp_path / "city.osm.gz")
    path = tmp_path / "nightly.toml"
    path.write_text(
        'out = "plans"\nstreets = "city.osm.gz"\n\n[[centre]]\nname = "a"\ndata = "tiny"\n\n'
        '[[centre]]\nname = "b"\ndata = "tiny"\nstreets = "missing.osm.pbf"\n',
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError, match=r"column 'centre\[2\]\.streets'.*an OpenStreetMap extract"):
        read_config(path)
    path.write_text(path.read_text(encoding="utf-8").replace("missing.osm.pbf", "city.osm.gz"), encoding="utf-8")
    config = read_config(path)
    assert [c.streets for c in config.centres] == [tmp_path / "city.osm.gz"] * 2


def test_detour_reports_the_factor_per_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["-q", "detour", str(MOSCOW), "--points", "60", "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "60 buildings of the extract" in lines[0]
    medians = {}
    for line in lines[1:4]:
        mode, rest = line.strip().split(": ", 1)
        medians[mode] = float(rest.split()[1].rstrip(","))
    assert list(medians) == ["on foot", "bicycle", "car"]
    assert 1.0 < medians["on foot"] <= medians["car"] < 3.0
    data = tiny_in_moscow(tmp_path)
    assert main(["-q", "detour", str(MOSCOW), "--data", str(data)]) == 0
    assert "получатели из" in capsys.readouterr().out


def test_a_night_on_streets_reuses_its_week_until_the_map_changes(tmp_path: Path) -> None:
    data = tiny_in_moscow(tmp_path)
    extract = tmp_path / "city.osm.gz"
    shutil.copy(MOSCOW, extract)
    config = NightlyConfig(
        out=tmp_path / "out",
        centres=(Centre(name="a", data=data, streets=extract),),
        horizon="tomorrow",
        reproducible=True,
        work_per_visit=WORK,
        outputs=frozenset(),
        workers=1,
    )
    sunday = dt.date(2026, 12, 6)
    assert [o.status for o in run_nightly(config, today=sunday).outcomes] == ["planned"]
    run = json.loads((tmp_path / "out" / "a" / "D1" / "week-2026-12-07" / "run.json").read_text(encoding="utf-8"))
    assert run["travel"]["model"] == "streets" and run["settings"]["streets"] == str(extract)
    assert [o.status for o in run_nightly(config, today=sunday).outcomes] == ["reused"]
    # the same streets in other bytes (another compression): another map as far as the night can tell
    extract.write_bytes(gzip.compress(gzip.decompress(MOSCOW.read_bytes()), compresslevel=1))
    assert [o.status for o in run_nightly(config, today=sunday).outcomes] == ["replanned"]


def test_capacity_and_the_photo_measure_walks_on_the_streets_too(tmp_path: Path) -> None:
    """Staff counted with walks on the streets expects longer walks than in straight lines (every street
    leg is at least the straight one, here without the straight model's 1.3); the photo of a plan made on
    streets measures the observed walks on them too, and both say so in run.json."""
    data = tiny_in_moscow(tmp_path)
    plain, streets = tmp_path / "plain", tmp_path / "streets"
    capacity = ["-q", "capacity", str(data), "--week", "2026-12-07", "--scenario", "clients=+10%"]
    assert main([*capacity, "--out", str(plain)]) == 0
    assert main([*capacity, "--out", str(streets), "--streets", str(MOSCOW)]) == 0
    run = json.loads((streets / "run.json").read_text(encoding="utf-8"))
    assert run["settings"]["travel_model"]["model"] == "streets"
    with (plain / "staff.csv").open(encoding="utf-8-sig") as a, (streets / "staff.csv").open(encoding="utf-8-sig") as b:
        for straight_row, street_row in zip(csv.DictReader(a), csv.DictReader(b), strict=True):
            assert float(street_row["travel_min_per_visit"]) > 0
            assert float(street_row["visits"]) == float(straight_row["visits"])

    plan = tmp_path / "week"
    week = ["-q", "plan", str(data), "--week", "2026-12-07", "--out", str(plan), "--streets", str(MOSCOW)]
    assert main([*week, "--reproducible", "--outputs", "none"]) == 0
    schedule = json.loads((plan / "schedule.json").read_text(encoding="utf-8"))
    first = next(r for r in schedule["routes"] if r["stops"])
    observed = tmp_path / "observed_visits.csv"
    observed.write_text(
        "worker_id,client_id,date,start,end,services\n"
        + "".join(
            f"{first['worker_id']},{s['client_id']},{first['date']},"
            f"{format_hhmm(s['start'])},{format_hhmm(s['end'])},"
            f"{'+'.join(s['services'])}\n"
            for s in first["stops"]
        ),
        encoding="utf-8",
    )
    photo = ["-q", "photo", str(data), "--observed", str(observed), "--plan", str(plan), "--out", str(tmp_path / "ph")]
    assert main([*photo, "--streets", str(MOSCOW)]) == 0
    run = json.loads((tmp_path / "ph" / "run.json").read_text(encoding="utf-8"))
    assert run["settings"]["travel"]["model"] == "streets" and run["worker_days"] == {"compared": 1}
    # Observed as planned, on the same streets: no walk in another order, no waiting beyond the plan's.
    assert run["waste_min"]["walking"] == 0


def test_on_streets_without_places_csv_errands_run_at_the_extracts_shops(tmp_path: Path) -> None:
    """The tiny folder's groceries (FOOD, errand shop) on Ostankino's streets: with no places.csv the
    extract's own shops are the places, every FOOD visit passes by one, and the plan passes its check;
    a places.csv place far from every street is refused by name before planning."""
    data = tiny_in_moscow(tmp_path)
    result = run_day(data, MONDAY, tmp_path / "out", streets=MOSCOW, work_per_visit=WORK, outputs=["maps"])
    assert result.violations == ()
    run = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))
    assert run["errand_places"]["source"] == str(MOSCOW) and run["errand_places"]["places"]["shop"] > 0
    page = (tmp_path / "out" / "maps" / f"{MONDAY.isoformat()}.html").read_text(encoding="utf-8")
    assert '"attribution":"© OpenStreetMap contributors (ODbL)"' in page  # the places are OSM's data
    food = [s for r in result.schedule.routes for s in r.stops if "FOOD" in s.services]
    assert food and all([e.kind for e in s.errands] == ["shop"] for s in food)
    assert all(not s.errands for r in result.schedule.routes for s in r.stops if "FOOD" not in s.services)

    (data / "places.csv").write_text("id,name,kind,lat,lon\nP1,Далёкий магазин,shop,47.5,42.1\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        run_day(data, MONDAY, tmp_path / "far", streets=MOSCOW, work_per_visit=WORK, outputs=[])
    assert "places.csv" in str(err.value) and "'P1 at 47.500000, 42.100000'" in str(err.value)
    assert not (tmp_path / "far").exists()

"""Errand places from an OpenStreetMap extract. tests/data/osm/moscow.osm.gz: Ostankino, Moscow,
© OpenStreetMap contributors, ODbL 1.0 (tests/data/osm/README.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import DATA, WORK, client, every_monday, worker
from lean_social import InvalidInputError, Problem, Service, plan_day, validate
from lean_social.io.osm_places import places_from_osm

MOSCOW = DATA / "osm" / "moscow.osm.gz"


def test_the_extracts_shops_and_pharmacies_are_found() -> None:
    places = places_from_osm(MOSCOW)
    by_id = {p.id: p for p in places}
    kinds = [p.kind for p in places]
    # counted in the file: 7 convenience shops, 3 supermarkets, 1 general store, 1 mall; 4 pharmacies; no post office
    assert (kinds.count("shop"), kinds.count("pharmacy"), kinds.count("post")) == (12, 4, 0)
    assert by_id["osm-n2270493854"].name == "Пятерочка" and by_id["osm-n2270493854"].kind == "shop"
    assert by_id["osm-n1468378604"].name == "Аптека «А5»" and by_id["osm-n1468378604"].kind == "pharmacy"
    mall = by_id["osm-w27616864"]  # a supermarket mapped as a building: taken at its centre
    assert (mall.name, mall.kind) == ("Матрица", "shop")
    assert all(55.80 < p.location.lat < 55.83 and 37.58 < p.location.lon < 37.63 for p in places)
    assert "osm-n2120026861" not in by_id  # a florist (shop=florist): no place for an errand


def test_post_offices_and_outlines(tmp_path: Path) -> None:
    extract = tmp_path / "tiny.osm"
    extract.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
 <node id="1" lat="47.5100" lon="42.1500"><tag k="amenity" v="post_office"/><tag k="name" v="Почта 347360"/></node>
 <node id="2" lat="47.5200" lon="42.1600"><tag k="shop" v="florist"/></node>
 <node id="3" lat="47.5000" lon="42.1000"/>
 <node id="4" lat="47.5000" lon="42.1020"/>
 <node id="5" lat="47.5020" lon="42.1020"/>
 <node id="6" lat="47.5020" lon="42.1000"/>
 <way id="7"><nd ref="3"/><nd ref="4"/><nd ref="5"/><nd ref="6"/><nd ref="3"/>
  <tag k="building" v="yes"/><tag k="healthcare" v="pharmacy"/></way>
</osm>
""",
        encoding="utf-8",
    )
    post, pharmacy = places_from_osm(extract)
    assert (post.id, post.kind, post.name) == ("osm-n1", "post", "Почта 347360")
    assert (pharmacy.id, pharmacy.kind, pharmacy.name) == ("osm-w7", "pharmacy", "")
    assert (pharmacy.location.lat, pharmacy.location.lon) == pytest.approx((47.501, 42.101))


def test_a_missing_or_broken_extract_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="an OpenStreetMap extract that exists"):
        places_from_osm(tmp_path / "nowhere.osm.pbf")
    broken = tmp_path / "broken.osm"
    broken.write_text("<osm><node id=", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="pyosmium can read"):
        places_from_osm(broken)


def test_a_day_in_ostankino_runs_its_errands_at_the_extracts_places() -> None:
    """Three clients in the extract's area, each with groceries and medicines: every visit passes by one
    of its shops and one of its pharmacies, and the validator passes the plan."""
    places = places_from_osm(MOSCOW)
    services = (
        Service(code="FOOD", name="groceries", norm_min=40, errand="shop"),
        Service(code="MEDS", name="medicines", norm_min=30, errand="pharmacy"),
    )
    homes = [(55.8150, 37.5950), (55.8100, 37.6100), (55.8200, 37.6000)]
    p = Problem(
        services=services,
        clients=tuple(client(f"C{i}", lat=lat, lon=lon) for i, (lat, lon) in enumerate(homes)),
        workers=(worker("W1", lat=55.8130, lon=37.6000),),
        programmes=tuple(item for i in range(3) for item in every_monday(f"C{i}", "FOOD", "MEDS")),
        places=places,
    )
    monday = dt.date(2026, 12, 7)
    schedule = plan_day(p, monday, work_per_visit=WORK)
    assert validate(schedule, p) == []
    kinds = {place.id: place.kind for place in places}
    assert schedule.served == 3
    for _, stop in schedule.stops:
        assert sorted(kinds[e.place_id] for e in stop.errands) == ["pharmacy", "shop"]

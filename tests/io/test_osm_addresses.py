"""The addresses of an OpenStreetMap extract (io.osm_addresses): nodes, buildings drawn as ways and as
multipolygons, in each format pyosmium reads; and an extract that is not one refused by name.

The Ostankino extract (tests/data/osm/moscow.osm.gz) is © OpenStreetMap contributors, ODbL 1.0."""

from __future__ import annotations

import gzip
from pathlib import Path

import osmium
import pytest

from conftest import DATA
from lean_social.errors import InvalidInputError
from lean_social.io.osm_addresses import centroid, read_osm_addresses

EXTRACT = DATA / "osm" / "moscow.osm.gz"

#: A square building of about 111 × 63 m with its address, an address node, and a multipolygon building
#: of two outer squares; ids and versions as a real extract has them.
SMALL_OSM = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="test">
  <node id="1" version="1" lat="55.800" lon="37.600"/>
  <node id="2" version="1" lat="55.800" lon="37.601"/>
  <node id="3" version="1" lat="55.801" lon="37.601"/>
  <node id="4" version="1" lat="55.801" lon="37.600"/>
  <node id="5" version="1" lat="55.810" lon="37.610">
    <tag k="addr:street" v="улица Руставели"/><tag k="addr:housenumber" v="3"/><tag k="entrance" v="main"/>
  </node>
  <node id="11" version="1" lat="55.820" lon="37.620"/>
  <node id="12" version="1" lat="55.820" lon="37.621"/>
  <node id="13" version="1" lat="55.821" lon="37.621"/>
  <node id="14" version="1" lat="55.821" lon="37.620"/>
  <node id="21" version="1" lat="55.830" lon="37.620"/>
  <node id="22" version="1" lat="55.830" lon="37.621"/>
  <node id="23" version="1" lat="55.831" lon="37.621"/>
  <node id="24" version="1" lat="55.831" lon="37.620"/>
  <way id="100" version="1">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="building" v="yes"/><tag k="addr:street" v="улица Гончарова"/><tag k="addr:housenumber" v="4 с3"/>
    <tag k="addr:city" v="Москва"/>
  </way>
  <way id="101" version="1"><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="14"/><nd ref="11"/></way>
  <way id="102" version="1"><nd ref="21"/><nd ref="22"/><nd ref="23"/><nd ref="24"/><nd ref="21"/></way>
  <relation id="200" version="1">
    <member type="way" ref="101" role="outer"/><member type="way" ref="102" role="outer"/>
    <tag k="type" v="multipolygon"/><tag k="building" v="yes"/>
    <tag k="addr:street" v="Огородный проезд"/><tag k="addr:housenumber" v="17"/>
  </relation>
</osm>
"""


def test_the_extract_reads_every_addressed_node_and_building() -> None:
    if not EXTRACT.is_file():
        pytest.skip(f"the test extract {EXTRACT} is not in this checkout")
    read = read_osm_addresses(EXTRACT)
    assert (read.nodes, read.ways, read.relations) == (12, 365, 0)
    assert len(read.points) == 377
    assert all(55.80 < p.lat < 55.83 and 37.58 < p.lon < 37.63 for p in read.points)  # the extract's box
    assert sum(p.city == "Москва" for p in read.points) == 205


@pytest.mark.parametrize("suffix", [".osm", ".osm.gz", ".osm.pbf"])
def test_each_format_gives_the_same_points(tmp_path: Path, suffix: str) -> None:
    source = tmp_path / "small.osm"
    source.write_text(SMALL_OSM, encoding="utf-8")
    path = tmp_path / f"extract{suffix}"
    if suffix == ".osm.gz":
        path.write_bytes(gzip.compress(SMALL_OSM.encode("utf-8")))
    elif suffix == ".osm.pbf":
        writer = osmium.SimpleWriter(str(path))
        try:
            for obj in osmium.FileProcessor(str(source)):
                writer.add(obj)
        finally:
            writer.close()
    else:
        path = source
    read = read_osm_addresses(path)
    got = {(p.street, p.house): (round(p.lat, 6), round(p.lon, 6)) for p in read.points}
    assert got == {
        ("улица Руставели", "3"): (55.81, 37.61),  # the entrance node where it stands
        ("улица Гончарова", "4 с3"): (55.8005, 37.6005),  # the building's centroid
        ("Огородный проезд", "17"): (55.8255, 37.6205),  # the multipolygon: between its two outer squares
    }
    assert (read.nodes, read.ways, read.relations) == (1, 1, 1)


def test_the_centroid_of_an_l_shaped_outline_weighs_its_area_not_its_corners() -> None:
    # an L of three unit squares: (0,0)-(2,0)-(2,1)-(1,1)-(1,2)-(0,2); its centroid is (5/6, 5/6)
    ring = [(0.0, 0.0), (0.0, 2e-3), (1e-3, 2e-3), (1e-3, 1e-3), (2e-3, 1e-3), (2e-3, 0.0), (0.0, 0.0)]
    lat, lon = centroid(ring)
    assert lat == pytest.approx(5e-3 / 6, abs=1e-9) and lon == pytest.approx(5e-3 / 6, abs=1e-9)


def test_a_missing_extract_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="OpenStreetMap extract") as caught:
        read_osm_addresses(tmp_path / "nowhere.osm.pbf")
    assert "nowhere.osm.pbf" in caught.value.problems[0].file


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.osm.gz", b"not gzip at all"),  # a file named as an extract that is not one
        ("broken.osm", b"<osm><node"),  # XML cut short
        ("broken.osm.pbf", b"\x00\x01garbage"),  # not a PBF
    ],
)
def test_a_corrupt_extract_is_refused_naming_it(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / name).write_bytes(data)
    with pytest.raises(InvalidInputError, match="pyosmium can read"):
        read_osm_addresses(tmp_path / name)


def test_an_extract_without_addresses_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.osm"
    path.write_text(
        '<?xml version="1.0"?><osm version="0.6"><node id="1" version="1" lat="55.8" lon="37.6"/></osm>',
        encoding="utf-8",
    )
    with pytest.raises(InvalidInputError, match="holds none"):
        read_osm_addresses(path)

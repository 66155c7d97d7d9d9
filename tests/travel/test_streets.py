"""Street travel: a hand-built map whose ways are measured by hand (a one-way street a car must go round,
a footpath a walker may cut through), snapping, the far-place error, the disk cache, and the Ostankino
extract (tests/data/osm, © OpenStreetMap contributors, ODbL)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from lean_social import GeodesicTravel, Location, TravelModel
from lean_social.travel import StreetSnapError, StreetTravel, haversine_m
from lean_social.travel import streets as streets_module
from lean_social.travel.detour import detour_factors
from lean_social.travel.geodesic import DEFAULT_SPEEDS
from lean_social.travel.osm_graph import way_directions

MOSCOW = Path(__file__).resolve().parent.parent / "data" / "osm" / "moscow.osm.gz"
LAT0, LON0 = 55.75, 37.60
#: metres per degree of latitude on the sphere the haversine formula uses
M_PER_DEG = 6_371_008.8 * math.pi / 180


def at(east_m: float, north_m: float) -> Location:
    """A place ``east_m`` and ``north_m`` metres from the map's corner."""
    return Location(lat=LAT0 + north_m / M_PER_DEG, lon=LON0 + east_m / (M_PER_DEG * math.cos(math.radians(LAT0))))


#: A block 400 m by 300 m: corners 1 (0, 0), 2 (400, 0), 3 (400, 300), 4 (0, 300); its south side
#: 1 -> 2 is one-way eastward, the others two-way; a footway cuts from 1 to 3 (500 m).
TINY_MAP = {
    1: (0, 0),
    2: (400, 0),
    3: (400, 300),
    4: (0, 300),
}
TINY_WAYS = [
    (10, [1, 2], {"highway": "residential", "oneway": "yes"}),
    (11, [2, 3], {"highway": "residential"}),
    (12, [3, 4], {"highway": "residential"}),
    (13, [4, 1], {"highway": "residential"}),
    (14, [1, 3], {"highway": "footway"}),
]


def write_tiny_map(folder: Path) -> Path:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for ident, (east, north) in TINY_MAP.items():
        place = at(east, north)
        lines.append(f'  <node id="{ident}" version="1" lat="{place.lat:.9f}" lon="{place.lon:.9f}"/>')
    for ident, nodes, tags in TINY_WAYS:
        lines.append(f'  <way id="{ident}" version="1">')
        lines += [f'    <nd ref="{n}"/>' for n in nodes]
        lines += [f'    <tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("  </way>")
    lines.append("</osm>")
    path = folder / "tiny.osm"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def seconds(metres: float, mode: str) -> int:
    speed = DEFAULT_SPEEDS[mode]
    return math.ceil((metres / (speed.speed_kmh / 3.6) + 60 * speed.fixed_min) / 60 - 1e-9) * 60


@pytest.fixture
def tiny_map(tmp_path: Path) -> StreetTravel:
    return StreetTravel(write_tiny_map(tmp_path), cache_dir=tmp_path / "cache")


def test_a_car_goes_round_a_one_way_street_and_a_walker_does_not(tiny_map: StreetTravel) -> None:
    a = at(200, -20)  # 20 m south of the one-way street's middle
    b = at(420, 150)  # 20 m east of street 2-3's middle
    car = tiny_map.matrices([a, b], "car")
    # a to b: east along the one-way to corner 2, north 150 m; b to a: round the block, 150+400+300+200
    assert car.distance_m[0, 1] == pytest.approx(20 + 200 + 150 + 20, abs=1)
    assert car.distance_m[1, 0] == pytest.approx(20 + 150 + 400 + 300 + 200 + 20, abs=1)
    assert car.duration_s[0, 1] == seconds(390, "car") and car.duration_s[1, 0] == seconds(1090, "car")
    foot = tiny_map.matrices([a, b], "foot")
    assert foot.distance_m[0, 1] == foot.distance_m[1, 0] == pytest.approx(390, abs=1)
    assert foot.duration_s[1, 0] == seconds(390, "foot")
    assert isinstance(tiny_map, TravelModel)


def test_a_walker_takes_the_footpath_and_a_car_the_streets(tiny_map: StreetTravel) -> None:
    d, c = at(-20, 0), at(400, 320)  # 20 m beyond corners 1 and 3
    foot = tiny_map.matrices([d, c], "foot")
    assert foot.distance_m[0, 1] == foot.distance_m[1, 0] == pytest.approx(20 + 500 + 20, abs=1)
    car = tiny_map.matrices([d, c], "car")
    assert car.distance_m[0, 1] == car.distance_m[1, 0] == pytest.approx(20 + 700 + 20, abs=1)
    bike = tiny_map.matrices([d, c], "bike")  # a footway is no cycleway: by the streets, as the car
    assert bike.distance_m[0, 1] == pytest.approx(740, abs=1)
    transit = tiny_map.matrices([d, c], "transit")  # the walking graph: 540 m on foot is quicker than the bus
    assert transit.distance_m[0, 1] == pytest.approx(540, abs=1)
    assert transit.duration_s[0, 1] == min(seconds(540, "transit"), seconds(540, "foot"))


def test_two_places_on_one_one_way_segment(tiny_map: StreetTravel) -> None:
    e, f = at(100, -10), at(300, -10)
    car = tiny_map.matrices([e, f, e], "car")
    assert car.distance_m[0, 1] == pytest.approx(10 + 200 + 10, abs=1)
    # against the one-way: to corner 2 (100), round the block (300 + 400 + 300), then 100 east
    assert car.distance_m[1, 0] == pytest.approx(10 + 100 + 1000 + 100 + 10, abs=1)
    # the same place twice: no way between, only the fixed time of a leg, as the straight-line model has it
    assert car.distance_m[0, 2] == 0 and car.duration_s[2, 0] == seconds(0, "car")


def test_a_place_snaps_inside_a_segment(tiny_map: StreetTravel) -> None:
    snapped = tiny_map.snap([at(100, -30), at(250, 290)], "car")
    graph = tiny_map.graph("car")
    ends = {(int(graph.seg_a[s]), int(graph.seg_b[s])) for s in snapped.segment}
    assert len(ends) == 2
    assert sorted(snapped.t.round(3).tolist()) in ([0.25, 0.375], [0.25, 0.625])  # 100 of 400, 150 of 400
    assert snapped.access_m == pytest.approx([30, 10], abs=0.5)


def test_a_place_far_from_any_street_is_named_with_its_distance(tiny_map: StreetTravel) -> None:
    far = at(200, -650)
    with pytest.raises(StreetSnapError, match=r"place 1 at .* is 650 m from the nearest street usable by foot") as err:
        tiny_map.matrices([at(0, 0), far], "foot")
    assert err.value.index == 1 and err.value.distance_m == pytest.approx(650, abs=1)


def test_one_way_and_access_tags() -> None:
    assert way_directions({"highway": "residential", "oneway": "-1"}) == {"foot": 3, "bike": 2, "car": 2}
    assert way_directions({"highway": "residential", "oneway": "yes", "oneway:bicycle": "no"})["bike"] == 3
    assert way_directions({"highway": "primary", "junction": "roundabout"})["car"] == 1
    assert way_directions({"highway": "motorway"}) == {"foot": 0, "bike": 0, "car": 1}
    assert way_directions({"highway": "service", "access": "private"}) == {"foot": 0, "bike": 0, "car": 0}
    assert way_directions({"highway": "service", "access": "private", "foot": "yes"})["foot"] == 3
    assert way_directions({"highway": "footway", "bicycle": "yes"})["bike"] == 3
    assert way_directions({"highway": "steps"}) == {"foot": 3, "bike": 0, "car": 0}


@pytest.fixture(scope="module")
def moscow(tmp_path_factory: pytest.TempPathFactory) -> StreetTravel:
    return StreetTravel(MOSCOW, cache_dir=tmp_path_factory.mktemp("cache"))


def moscow_points(travel: StreetTravel, count: int, seed: int = 7) -> list[Location]:
    """Places 11 m north of nodes of the extract's streets for cars (which walkers and cyclists may use
    too), drawn with a seed."""
    graph = travel.graph("car")
    rng = np.random.default_rng(seed)
    picked = rng.choice(graph.nodes, size=count, replace=False)
    return [Location(lat=float(graph.lat[i]) + 1e-4, lon=float(graph.lon[i])) for i in picked]


def test_moscow_matrices_are_finite_one_way_for_cars_and_never_shorter_than_straight(moscow: StreetTravel) -> None:
    places = moscow_points(moscow, 60)
    straight = haversine_m([p.lat for p in places], [p.lon for p in places])
    for mode in ("foot", "bike", "transit", "car"):
        m = moscow.matrices(places, mode)
        assert (m.distance_m >= np.floor(straight) - 1).all(), mode
        assert (np.diag(m.duration_s) == 0).all()
        off = ~np.eye(len(places), dtype=bool)
        assert (m.duration_s[off] > 0).all()
    car = moscow.matrices(places, "car").distance_m
    foot = moscow.matrices(places, "foot").distance_m
    assert (car != car.T).any() and (foot == foot.T).all()
    assert np.median(car[off] / foot[off]) > 1.0  # one-ways and no footpaths: cars go round
    # a subset comes out of the memo as the same numbers
    assert np.array_equal(moscow.matrices(places[:5], "car").distance_m, car[:5, :5])


def test_the_graphs_are_built_once_and_then_read_from_the_disk_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds: list[Path] = []
    real = streets_module.read_ways

    def counted(path: Path) -> object:
        builds.append(path)
        return real(path)

    monkeypatch.setattr(streets_module, "read_ways", counted)
    places = [Location(lat=55.8150, lon=37.6000), Location(lat=55.8100, lon=37.6100)]
    first = StreetTravel(MOSCOW, cache_dir=tmp_path).matrices(places, "foot")
    assert len(builds) == 1
    again = StreetTravel(MOSCOW, cache_dir=tmp_path)
    assert np.array_equal(again.matrices(places, "foot").distance_m, first.distance_m)
    again.matrices(places, "car")  # built with the walking graph in the same pass
    assert len(builds) == 1
    assert sorted(p.name.split("-")[1] for p in (tmp_path / "streets").iterdir()) == ["bike", "car", "foot"]


def test_streets_are_longer_than_straight_lines_by_a_plausible_factor(moscow: StreetTravel) -> None:
    places = moscow_points(moscow, 40, seed=3)
    straight = haversine_m([p.lat for p in places], [p.lon for p in places])
    foot = moscow.matrices(places, "foot").distance_m
    far = straight > 300
    ratio = np.median(foot[far] / straight[far])
    assert 1.0 < ratio < 2.0
    assert GeodesicTravel().detour_factor == pytest.approx(1.3)


def test_the_detour_factor_is_street_over_straight_distance(tiny_map: StreetTravel) -> None:
    d, c, e = at(-20, 0), at(400, 320), at(-10, 5)
    factors = {f.mode: f for f in detour_factors(tiny_map, [d, c, e], min_m=100)}
    assert factors["foot"].pairs == 4  # both ways of the two pairs 100 m or more apart; d-e left out
    # on foot: d 20 m to corner 1, the footway 500 m, 20 m to c; e 10 m to street 4-1, 5 m down to corner 1
    dc, ec = 540 / math.hypot(420, 320), (10 + 5 + 500 + 20) / math.hypot(410, 315)
    assert factors["foot"].median == pytest.approx((dc + ec) / 2, rel=2e-3)
    assert factors["foot"].q1 == pytest.approx(dc, rel=2e-3) and factors["foot"].q3 == pytest.approx(ec, rel=2e-3)
    # by car: d by either side of the block (700 m); e north along 4-1 (295 m) and east along 3-4 (400 m)
    car = (740 / math.hypot(420, 320) + (10 + 295 + 400 + 20) / math.hypot(410, 315)) / 2
    assert factors["car"].median == pytest.approx(car, rel=2e-3)


def test_the_merged_chains_give_the_full_graphs_shortest_ways(moscow: StreetTravel) -> None:
    """Places on nodes of the extract: the search on merged chains finds what Dijkstra finds on every
    segment of the uncontracted graph."""
    for mode in ("car", "foot"):
        graph = moscow.graph(mode)  # type: ignore[arg-type]
        nodes = np.random.default_rng(1).choice(graph.nodes, size=25, replace=False)
        places = [Location(lat=float(graph.lat[n]), lon=float(graph.lon[n])) for n in nodes]
        src, dst, weight = graph.edges()
        full = dijkstra(csr_matrix((weight, (src, dst)), shape=(graph.nodes,) * 2), indices=nodes)[:, nodes]
        assert moscow.distances_m(places, mode) == pytest.approx(full, abs=0.05)  # type: ignore[arg-type]

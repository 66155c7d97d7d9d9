import numpy as np
import pytest
from geopy.distance import geodesic

from lean_social import GeodesicTravel, Location, ModeSpeed, TravelModel
from lean_social.travel import haversine_m

VOLGODONSK = [
    Location(lat=47.5125, lon=42.1500),
    Location(lat=47.5160, lon=42.1580),
    Location(lat=47.5450, lon=42.1900),
    Location(lat=47.5300, lon=42.2100),
    Location(lat=47.5125, lon=42.1501),
]


def test_haversine_agrees_with_geopy_geodesic() -> None:
    metres = haversine_m([p.lat for p in VOLGODONSK], [p.lon for p in VOLGODONSK])
    for i, a in enumerate(VOLGODONSK):
        for j, b in enumerate(VOLGODONSK):
            exact = geodesic((a.lat, a.lon), (b.lat, b.lon)).meters
            assert metres[i, j] == pytest.approx(exact, rel=5e-3, abs=0.5)


def test_matrices_detour_speed_and_rounding() -> None:
    travel = GeodesicTravel(detour_factor=1.3)
    assert isinstance(travel, TravelModel)
    m = travel.matrices(VOLGODONSK, "foot")
    raw = haversine_m([p.lat for p in VOLGODONSK], [p.lon for p in VOLGODONSK])
    assert np.array_equal(m.distance_m, np.rint(raw * 1.3).astype(np.int64))
    # 4.5 km/h = 1.25 m/s; durations are whole minutes, rounded up
    expected = np.ceil(raw * 1.3 / 1.25 / 60 - 1e-9) * 60
    np.fill_diagonal(expected, 0)
    assert np.array_equal(m.duration_s, expected.astype(np.int64))
    assert (m.duration_s % 60 == 0).all()
    assert np.array_equal(m.duration_s, m.duration_s.T)
    assert not m.duration_s.flags.writeable


def test_transit_walks_short_legs_and_waits_for_long_ones() -> None:
    travel = GeodesicTravel()
    foot = travel.matrices(VOLGODONSK, "foot").duration_s
    bus = travel.matrices(VOLGODONSK, "transit").duration_s
    assert bus[0, 4] == foot[0, 4]  # a few metres: nobody waits 10 minutes for a bus
    far = int(np.argmax(foot[0]))
    assert bus[0, far] < foot[0, far]
    assert bus[0, far] >= 10 * 60  # the wait for the bus is always paid when riding


def test_car_pays_parking_on_every_leg() -> None:
    m = GeodesicTravel().matrices(VOLGODONSK, "car").duration_s
    assert m[0, 4] >= 5 * 60
    assert m[0, 0] == 0


def test_invalid_settings() -> None:
    with pytest.raises(ValueError, match="detour factor"):
        GeodesicTravel(detour_factor=0.9)
    with pytest.raises(ValueError, match="speed must be positive"):
        ModeSpeed(speed_kmh=0)
    with pytest.raises(ValueError, match="no speed for travel mode"):
        GeodesicTravel().matrices(VOLGODONSK, "rocket")  # type: ignore[arg-type]

"""Travel without a street network: great-circle distance stretched by a detour factor, at a mode's speed.

Defaults and their sources (also in the README):

* Detour (circuity) factor 1.3: road distance over straight-line distance is 1.2-1.4 in cities
  (Ballou, Rahardja & Sakai 2002, "Selected country circuity factors for road travel distance
  estimation", Transportation Research A 36; Boscoe, Henry & Zdeb 2012, Prof. Geographer 64).
* Walking 4.5 km/h: the pedestrian planning figure of about 1.2-1.3 m/s (Highway Capacity Manual),
  a little lower because workers carry up to 7 kg of shopping (DOMAIN.md).
* Bicycle 12 km/h: casual urban cycling, including stops at crossings.
* Bus ("transit") 18 km/h plus 10 minutes waiting: a typical average speed of urban buses in Russian
  towns, and half of a 20-minute headway; a worker walks instead whenever walking is quicker.
* Car 25 km/h plus 5 minutes to park: urban average speed in a town of 170,000 people.

Durations are rounded up to whole minutes so that every time on a route sheet is exact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

import numpy as np
import numpy.typing as npt

from lean_social.domain.model import EARTH_RADIUS_M, Location, TravelMode
from lean_social.travel.base import TravelMatrices

__all__ = ["DEFAULT_SPEEDS", "EARTH_RADIUS_M", "GeodesicTravel", "ModeSpeed", "haversine_m", "leg_seconds"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ModeSpeed:
    """Speed on the way and a fixed cost per leg (waiting for a bus, parking a car)."""

    speed_kmh: float
    fixed_min: float = 0.0
    walk_if_faster: bool = False

    def __post_init__(self) -> None:
        if self.speed_kmh <= 0:
            msg = f"speed must be positive, got {self.speed_kmh} km/h"
            raise ValueError(msg)
        if self.fixed_min < 0:
            msg = f"fixed time per leg must not be negative, got {self.fixed_min} min"
            raise ValueError(msg)


DEFAULT_SPEEDS: Final = MappingProxyType(
    {
        "foot": ModeSpeed(speed_kmh=4.5),
        "bike": ModeSpeed(speed_kmh=12.0),
        "transit": ModeSpeed(speed_kmh=18.0, fixed_min=10.0, walk_if_faster=True),
        "car": ModeSpeed(speed_kmh=25.0, fixed_min=5.0),
    }
)


def haversine_m(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """All-pairs great-circle distances in metres, in one vectorised pass (``Location.km_to`` for one pair)."""
    phi = np.radians(np.asarray(lat, dtype=np.float64))
    lam = np.radians(np.asarray(lon, dtype=np.float64))
    dphi = phi[:, None] - phi[None, :]
    dlam = lam[:, None] - lam[None, :]
    a = np.sin(dphi / 2) ** 2 + np.cos(phi)[:, None] * np.cos(phi)[None, :] * np.sin(dlam / 2) ** 2
    metres: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return metres


@dataclass(frozen=True, slots=True, kw_only=True)
class GeodesicTravel:
    """The default travel model: no network, no street data, good to a few minutes inside a town."""

    detour_factor: float = 1.3
    speeds: Mapping[str, ModeSpeed] = field(default_factory=lambda: dict(DEFAULT_SPEEDS))  # picklable

    def __post_init__(self) -> None:
        if self.detour_factor < 1.0:
            msg = f"detour factor must be at least 1, got {self.detour_factor}"
            raise ValueError(msg)

    def matrices(self, places: Sequence[Location], mode: TravelMode) -> TravelMatrices:
        if mode not in self.speeds:
            msg = f"no speed for travel mode {mode!r}; known: {sorted(self.speeds)}"
            raise ValueError(msg)
        lat = [p.lat for p in places]
        lon = [p.lon for p in places]
        metres = haversine_m(lat, lon) * self.detour_factor
        seconds = self._seconds(metres, self.speeds[mode])
        if self.speeds[mode].walk_if_faster:
            seconds = np.minimum(seconds, self._seconds(metres, self.speeds["foot"]))
        np.fill_diagonal(seconds, 0)
        return TravelMatrices(duration_s=seconds.astype(np.int64), distance_m=np.rint(metres).astype(np.int64))

    @staticmethod
    def _seconds(metres: npt.NDArray[np.float64], speed: ModeSpeed) -> npt.NDArray[np.float64]:
        return leg_seconds(metres, speed)


def leg_seconds(metres: npt.NDArray[np.float64], speed: ModeSpeed) -> npt.NDArray[np.float64]:
    """Seconds of legs of ``metres`` at ``speed``, its fixed time added, rounded up to whole minutes: the
    one rule every travel model times a leg by (the street model too), so route sheets stay exact."""
    raw = metres / (speed.speed_kmh / 3.6) + 60.0 * speed.fixed_min
    minutes = np.ceil(raw / 60.0 - 1e-9)
    out: npt.NDArray[np.float64] = minutes * 60.0
    return out

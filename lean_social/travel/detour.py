"""How much longer the streets are than the straight line: the detour (circuity) factor per mode,
measured on an OpenStreetMap extract, to set the straight-line model's ``detour_factor`` from data for a
town that has no extract of its own (or to check the default 1.3 against one that has).

Measured on the same points both ways: for every pair of places at least ``min_m`` apart, the street
distance door to door (``StreetTravel``) over the great-circle distance. Pairs closer than ``min_m``
(default 200 m) are left out: there the walks from the doors to the street dominate, and the factor of a
100 m leg says nothing of a 1 km one (a short leg costs a rounded-up minute either way).

To use it: take the walking median (or that of the mode the centre's workers use) as
``GeodesicTravel(detour_factor=...)``; a single factor serves all modes in that model, so where the car's
factor is far above the walkers' (one-way streets), plan drivers on the extract instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import osmium

from lean_social.domain.model import Location, TravelMode
from lean_social.travel.geodesic import haversine_m
from lean_social.travel.streets import StreetTravel

__all__ = ["DetourFactor", "building_points", "detour_factors"]

#: Pairs closer than this, in metres, are not measured (see the module's doc).
DEFAULT_MIN_M = 200.0


@dataclass(frozen=True, slots=True, kw_only=True)
class DetourFactor:
    """Street over straight-line distance on ``pairs`` ordered pairs of places: quartiles and median."""

    mode: TravelMode
    pairs: int
    places: int
    q1: float
    median: float
    q3: float


def building_points(extract: Path, count: int, *, seed: int = 0) -> list[Location]:
    """``count`` buildings of the extract drawn with ``seed``, each at the mean of its outline's nodes
    (all of them, fewer if the extract has fewer): where clients live, the points to measure between."""
    points: list[tuple[float, float]] = []
    processor = (
        osmium.FileProcessor(str(extract), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("building"))
    )
    for way in processor:
        assert isinstance(way, osmium.osm.Way)  # the filter passes ways only
        outline = [(n.location.lat, n.location.lon) for n in way.nodes if n.location.valid()]
        if len(outline) > 1 and outline[0] == outline[-1]:
            outline.pop()
        if outline:
            points.append((sum(p[0] for p in outline) / len(outline), sum(p[1] for p in outline) / len(outline)))
    if not points:
        return []
    picked = np.random.default_rng(seed).choice(len(points), size=min(count, len(points)), replace=False)
    return [Location(lat=points[i][0], lon=points[i][1]) for i in sorted(int(i) for i in picked)]


def detour_factors(
    travel: StreetTravel,
    places: Sequence[Location],
    modes: Sequence[TravelMode] = ("foot", "bike", "car"),
    *,
    min_m: float = DEFAULT_MIN_M,
) -> list[DetourFactor]:
    """The detour factor of each mode on ``places``; places farther than the model's ``max_snap_m``
    from the mode's streets are left out (a building in a park far from any way)."""
    out = []
    for mode in modes:
        near = travel.snap(places, mode).access_m <= travel.max_snap_m
        kept = [p for p, ok in zip(places, near, strict=True) if ok]
        street = travel.distances_m(kept, mode)
        straight = haversine_m([p.lat for p in kept], [p.lon for p in kept])
        measured = straight >= min_m
        ratio = street[measured] / straight[measured]
        q1, median, q3 = (float(v) for v in np.quantile(ratio, [0.25, 0.5, 0.75])) if ratio.size else (np.nan,) * 3
        out.append(DetourFactor(mode=mode, pairs=int(ratio.size), places=len(kept), q1=q1, median=median, q3=q3))
    return out

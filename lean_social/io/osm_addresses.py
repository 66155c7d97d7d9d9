"""The addresses of an OpenStreetMap extract (``.osm``, ``.osm.gz``, ``.osm.pbf``), read with pyosmium.

Every object that carries ``addr:street`` and ``addr:housenumber`` becomes an ``AddressPoint``: an address
node or an entrance at its own place, a building drawn as a way at its centroid (the area's centroid of
its outline, the nodes' mean for a way that is not closed), a building drawn as a multipolygon relation at
the centroid of its outer rings. ``addr:place`` stands for the street where a settlement numbers its
houses without streets. The extract's data is © OpenStreetMap contributors (ODbL): whatever is derived
from it carries that attribution.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import osmium

from lean_social.errors import InputProblem, InvalidInputError
from lean_social.travel.geocode import AddressPoint

__all__ = ["ATTRIBUTION", "OSM_SUFFIXES", "OsmAddresses", "read_osm_addresses"]

#: What any file, page or report carrying the extract's data says.
ATTRIBUTION = "Map data © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright)"
#: The formats pyosmium reads, by the file's name.
OSM_SUFFIXES = (".osm", ".osm.gz", ".osm.bz2", ".osm.pbf", ".pbf", ".o5m")


@dataclass(frozen=True, slots=True)
class OsmAddresses:
    """The extract's addresses and what they were drawn as (nodes, ways, relations), for the summary."""

    points: tuple[AddressPoint, ...]
    nodes: int
    ways: int
    relations: int


def centroid(ring: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The centroid of a closed outline of (lat, lon), by its area on a local plane; the mean of its
    points for an outline with no area (a line, a way not closed). A building is small enough for the
    plane."""
    points = list(ring[:-1]) if len(ring) > 1 and ring[0] == ring[-1] else list(ring)
    lat0 = sum(p[0] for p in points) / len(points)
    lon0 = sum(p[1] for p in points) / len(points)
    if len(ring) < 4 or ring[0] != ring[-1]:
        return lat0, lon0
    scale = math.cos(math.radians(lat0))
    xy = [((lon - lon0) * scale, lat - lat0) for lat, lon in ring]
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in itertools.pairwise(xy):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(area) < 1e-14:
        return lat0, lon0
    return lat0 + cy / (3 * area), lon0 + cx / (3 * area * scale)


def _address(tags: Any) -> tuple[str, str, str] | None:
    house = tags.get("addr:housenumber")
    street = tags.get("addr:street") or tags.get("addr:place")
    if not house or not street:
        return None
    return street, house, tags.get("addr:city", "")


class _Handler(osmium.SimpleHandler):
    def __init__(self) -> None:
        super().__init__()
        self.points: list[AddressPoint] = []
        self.counts = {"nodes": 0, "ways": 0, "relations": 0}

    def _add(self, kind: str, address: tuple[str, str, str], at: tuple[float, float]) -> None:
        street, house, city = address
        self.points.append(AddressPoint(street=street, house=house, lat=at[0], lon=at[1], city=city))
        self.counts[kind] += 1

    def node(self, node: Any) -> None:
        address = _address(node.tags)
        if address is not None and node.location.valid():
            self._add("nodes", address, (node.location.lat, node.location.lon))

    def way(self, way: Any) -> None:
        address = _address(way.tags)
        if address is None:
            return
        ring = [(n.lat, n.lon) for n in way.nodes if n.location.valid()]
        if ring:
            self._add("ways", address, centroid(ring))

    def area(self, area: Any) -> None:
        if area.from_way():  # a closed way: already read as a way
            return
        address = _address(area.tags)
        if address is None:
            return
        rings = [[(n.lat, n.lon) for n in ring if n.location.valid()] for ring in area.outer_rings()]
        points = [centroid(ring) for ring in rings if ring]
        if points:
            at = (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points))
            self._add("relations", address, at)


def read_osm_addresses(path: str | Path) -> OsmAddresses:
    """The addresses of the extract at ``path``. Raises InvalidInputError naming the file when it is
    missing, not an extract pyosmium reads, or holds no address at all."""
    path = Path(path)

    def refuse(value: str, expected: str) -> InvalidInputError:
        return InvalidInputError([InputProblem(file=str(path), row=None, column=None, value=value, expected=expected)])

    if not path.is_file():
        raise refuse(str(path), "an OpenStreetMap extract (.osm, .osm.gz, .osm.pbf) at this path")
    handler = _Handler()
    try:
        handler.apply_file(str(path), locations=True)
    except (RuntimeError, ValueError, OSError) as exc:
        raise refuse(path.name, f"an OpenStreetMap extract pyosmium can read ({exc})") from None
    if not handler.points:
        raise refuse(path.name, "an extract with addresses (addr:street and addr:housenumber); it holds none")
    return OsmAddresses(points=tuple(handler.points), **handler.counts)

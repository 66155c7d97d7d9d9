"""A generated city as an OpenStreetMap XML file, for timing street travel on a graph larger than the
test extract: ``side`` x ``side`` crossings ``block_m`` apart (Moscow's latitude), every street drawn
with ``bends`` intermediate nodes between crossings, as real streets are drawn.

- A river runs east-west through the middle: no street crosses it but ``bridges`` road bridges, evenly
  spaced, and one footbridge between each pair of them (walkers only). Embankment streets line it.
- Every fourth east-west street is one-way for cars, alternating eastward and westward (cyclists may ride
  both ways on half of them: ``oneway:bicycle=no``), as a city's one-way pairs are.
- Every third block has a footway across it, corner to corner, as the paths through courtyards.
- Every tenth north-south street is a secondary road, the others residential.

Places drawn in it (``random_places``) avoid the river. Nothing random shapes the map: one size, one file.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import numpy as np

from lean_social import Location

__all__ = ["LAT0", "LON0", "random_places", "write_grid_city"]

LAT0, LON0 = 55.70, 37.50
_M_PER_DEG = 6_371_008.8 * math.pi / 180


def _lat(north_m: float) -> float:
    return LAT0 + north_m / _M_PER_DEG


def _lon(east_m: float) -> float:
    return LON0 + east_m / (_M_PER_DEG * math.cos(math.radians(LAT0)))


def river_rows(side: int) -> tuple[int, int]:
    """The rows of crossings on the south and north banks: the river runs between them."""
    south = side // 2 - 1
    return south, south + 1


class _Writer:
    """Nodes and ways of the city as OSM XML lines, ids from 1."""

    def __init__(self, side: int, block_m: float, bends: int) -> None:
        self.side, self.block_m, self.bends = side, block_m, bends
        self.south, self.north = river_rows(side)
        self.lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="lean_social grid_city">']
        self.ways: list[tuple[list[int], dict[str, str]]] = []
        self.next_id = 1
        self.crossing = {(c, r): self.node(c * block_m, self.y(r)) for r in range(side) for c in range(side)}

    def y(self, row: int) -> float:
        """Metres north of a row of crossings: the river (three blocks wide) pushes the north bank up."""
        return row * self.block_m + (2 * self.block_m if row >= self.north else 0.0)

    def node(self, east: float, north_m: float) -> int:
        ident = self.next_id
        self.next_id += 1
        self.lines.append(f'<node id="{ident}" version="1" lat="{_lat(north_m):.8f}" lon="{_lon(east):.8f}"/>')
        return ident

    def street(self, a: tuple[int, int], b: tuple[int, int], tags: dict[str, str]) -> None:
        (ca, ra), (cb, rb) = a, b
        (xa, ya), (xb, yb) = (ca * self.block_m, self.y(ra)), (cb * self.block_m, self.y(rb))
        inner = []
        for k in range(1, self.bends + 1):  # a slight bend: the middle nodes 3 m off the straight line
            t = k / (self.bends + 1)
            wobble = 3.0 if k % 2 else -3.0
            dx, dy = (0.0, wobble) if ra == rb else (wobble, 0.0)
            inner.append(self.node(xa + t * (xb - xa) + dx, ya + t * (yb - ya) + dy))
        self.ways.append(([self.crossing[a], *inner, self.crossing[b]], tags))

    def east_west(self) -> None:
        for r in range(self.side):
            for c in range(self.side - 1):
                tags = {"highway": "residential"}
                if r in (self.south, self.north):
                    tags = {"highway": "tertiary", "name": "Embankment"}
                elif r % 4 == 2:  # one-way pairs, half of them open to cyclists both ways
                    tags["oneway"] = "yes" if (r // 4) % 2 == 0 else "-1"
                    if (r // 4) % 4 < 2:
                        tags["oneway:bicycle"] = "no"
                self.street((c, r), (c + 1, r), tags)

    def north_south(self, bridges: int) -> None:
        bridge_cols = sorted({round((k + 0.5) * self.side / bridges) for k in range(bridges)})
        foot_cols = {(a + b) // 2 for a, b in itertools.pairwise(bridge_cols)}
        for c in range(self.side):
            kind = "secondary" if c % 10 == 0 else "residential"
            for r in range(self.side - 1):
                if r != self.south:
                    self.street((c, r), (c, r + 1), {"highway": kind})
                elif c in bridge_cols:
                    self.street((c, r), (c, r + 1), {"highway": kind, "bridge": "yes"})
                elif c in foot_cols:
                    self.street((c, r), (c, r + 1), {"highway": "footway", "bridge": "yes"})

    def courtyards(self) -> None:
        for r in range(self.side - 1):
            for c in range(self.side - 1):
                if r != self.south and (r * self.side + c) % 3 == 0:
                    self.ways.append(([self.crossing[(c, r)], self.crossing[(c + 1, r + 1)]], {"highway": "footway"}))

    def text(self) -> str:
        lines = list(self.lines)
        for k, (nodes, tags) in enumerate(self.ways, start=1):
            refs = "".join(f'<nd ref="{n}"/>' for n in nodes)
            labels = "".join(f'<tag k="{key}" v="{value}"/>' for key, value in tags.items())
            lines.append(f'<way id="{k}" version="1">{refs}{labels}</way>')
        lines.append("</osm>")
        return "\n".join(lines) + "\n"


def write_grid_city(path: Path, *, side: int = 120, block_m: float = 80.0, bends: int = 2, bridges: int = 4) -> Path:
    """Write the city to ``path`` (OSM XML); returns ``path``."""
    writer = _Writer(side, block_m, bends)
    writer.east_west()
    writer.north_south(bridges)
    writer.courtyards()
    path.write_text(writer.text(), encoding="utf-8")
    return path


def random_places(count: int, *, side: int = 120, block_m: float = 80.0, seed: int = 0) -> list[Location]:
    """``count`` places drawn uniformly over the city, none in the river."""
    rng = np.random.default_rng(seed)
    south, _ = river_rows(side)
    width = (side - 1) * block_m
    river_south, river_north = south * block_m, south * block_m + 3 * block_m
    height = (side - 1) * block_m + 2 * block_m
    places: list[Location] = []
    while len(places) < count:
        east, north_m = rng.uniform(0, width), rng.uniform(0, height)
        if river_south - 10 < north_m < river_north + 10:
            continue
        places.append(Location(lat=_lat(north_m), lon=_lon(east)))
    return places

"""Street graphs per way of travelling, built from an OpenStreetMap extract (``.osm``, ``.osm.gz``,
``.osm.pbf``: pyosmium reads all three) and kept on disk as ``.npz`` so that a city is parsed once.

Which ways a mode may use, in which direction (OSM tagging as the wiki documents it, Russian defaults):

* **foot**: footways (sidewalks and crossings are ``highway=footway`` with ``footway=sidewalk|crossing``),
  paths, pedestrian streets, steps, tracks, bridleways, cycleways, living, residential and service
  streets, unclassified to primary roads; trunks and motorways only with ``foot=yes``. Both directions:
  one-way signs bind vehicles.
* **bike**: cycleways, paths, tracks and every street up to trunk; footways and pedestrian streets only
  with ``bicycle=yes|designated|permissive|dismount``; never steps nor motorways. One-way streets are
  kept one-way unless ``oneway:bicycle=no`` or a contraflow ``cycleway=opposite*`` allows the other way.
* **car**: motorways to service streets and their links. ``oneway=yes|true|1`` forward only,
  ``oneway=-1|reverse`` backward only; roundabouts and motorways are one-way unless ``oneway=no``.

Access: the most specific tag present decides (``foot``; ``bicycle`` > ``vehicle``; ``motorcar`` >
``motor_vehicle`` > ``vehicle``; then ``access``): ``no``/``private``/``use_sidepath`` (and for cars
``agricultural``, ``forestry``, ``delivery``) shut the way to that mode, anything else leaves it open.

A segment joins two consecutive nodes of a way; its length is the haversine distance between them, so a
curved street is as long as its drawn nodes make it. Only the largest strongly connected part of each
graph is kept: a courtyard whose only way out crosses the edge of the extract, or a one-way stub, would
otherwise leave places that can be reached but not left (an infinite time in the matrix). Places are
snapped to what is kept (``travel.streets``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, get_args

import numpy as np
import numpy.typing as npt
import osmium
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from lean_social.domain.model import EARTH_RADIUS_M

__all__ = [
    "GRAPH_KINDS",
    "GRAPH_VERSION",
    "GraphKind",
    "OsmWays",
    "StreetGraph",
    "build_graph",
    "extract_sha256",
    "read_ways",
    "shortest_once",
    "way_directions",
]

#: The graphs an extract gives: transit rides the walking graph (``travel.streets`` says why).
GraphKind = Literal["foot", "bike", "car"]
GRAPH_KINDS: tuple[GraphKind, ...] = get_args(GraphKind)
#: Bumped whenever the rules above or the file layout change, so that no cached graph of older rules is read.
GRAPH_VERSION: Final = 1
#: Forward (along the way's node order) and backward, as bits of a way's direction code.
FORWARD, BACKWARD = 1, 2
#: Shortest segment length kept, in metres: two nodes drawn on one spot are still one step apart.
MIN_SEGMENT_M = 0.01

_MAJOR = ("primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link")
_STREETS = ("unclassified", "residential", "living_street", "service", "road")
_FOOT: Final = frozenset(
    (*_MAJOR, *_STREETS, "footway", "path", "pedestrian", "steps", "track", "bridleway", "cycleway")
)
_FOOT_IF_ALLOWED: Final = frozenset(("trunk", "trunk_link", "motorway", "motorway_link"))
_BIKE: Final = frozenset((*_MAJOR, *_STREETS, "trunk", "trunk_link", "cycleway", "path", "track"))
_BIKE_IF_ALLOWED: Final = frozenset(("footway", "pedestrian", "bridleway"))
_CAR: Final = frozenset((*_MAJOR, *_STREETS, "trunk", "trunk_link", "motorway", "motorway_link"))
_CLOSED: Final = frozenset(("no", "private", "use_sidepath"))
_CLOSED_TO_CARS: Final = _CLOSED | {"agricultural", "forestry", "delivery"}
_ALLOWED: Final = frozenset(("yes", "designated", "permissive", "destination", "dismount", "customers"))
_ACCESS_KEYS: Final[Mapping[GraphKind, tuple[str, ...]]] = {
    "foot": ("foot", "access"),
    "bike": ("bicycle", "vehicle", "access"),
    "car": ("motorcar", "motor_vehicle", "vehicle", "access"),
}


def _allowed(tags: Mapping[str, str], kind: GraphKind) -> bool | None:
    """True/False where an access tag decides for ``kind``, None where none is given."""
    closed = _CLOSED_TO_CARS if kind == "car" else _CLOSED
    for key in _ACCESS_KEYS[kind]:
        value = tags.get(key)
        if value is not None:
            return value not in closed
    return None


def _oneway(tags: Mapping[str, str], key: str = "oneway") -> int:
    """Direction bits a one-way tag allows; both where none is set (the callers add implied one-ways)."""
    value = tags.get(key)
    if value in ("yes", "true", "1"):
        return FORWARD
    if value in ("-1", "reverse"):
        return BACKWARD
    return FORWARD | BACKWARD


def way_directions(tags: Mapping[str, str]) -> dict[GraphKind, int]:
    """The direction bits of a way for each graph kind (0: not usable), by the rules in the module's doc."""
    highway = tags.get("highway", "")
    out: dict[GraphKind, int] = {"foot": 0, "bike": 0, "car": 0}
    if tags.get("area") == "yes" and highway not in ("pedestrian", "footway"):
        return out  # a drawn square of asphalt, not a way
    foot = _allowed(tags, "foot")
    if (highway in _FOOT and foot is not False) or (highway in _FOOT_IF_ALLOWED and foot is True):
        out["foot"] = FORWARD | BACKWARD
    vehicle_way = _oneway(tags)
    implied = tags.get("junction") in ("roundabout", "circular") or highway in ("motorway", "motorway_link")
    if implied and "oneway" not in tags:
        vehicle_way = FORWARD
    if tags.get("oneway") == "no":
        vehicle_way = FORWARD | BACKWARD
    bike = _allowed(tags, "bike")
    if (highway in _BIKE and bike is not False) or (highway in _BIKE_IF_ALLOWED and bike is True):
        contraflow = tags.get("oneway:bicycle") == "no" or tags.get("cycleway", "").startswith("opposite")
        own = tags.get("oneway:bicycle")
        out["bike"] = FORWARD | BACKWARD if contraflow else (_oneway(tags, "oneway:bicycle") if own else vehicle_way)
    if highway in _CAR and _allowed(tags, "car") is not False:
        out["car"] = vehicle_way
    return out


@dataclass(frozen=True, slots=True)
class OsmWays:
    """Every way of the extract some mode may use: its nodes (ids and places) laid end to end, way ``w``
    being positions ``offsets[w]`` to ``offsets[w + 1]``, and its direction bits per graph kind."""

    node_ids: npt.NDArray[np.int64]
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    offsets: npt.NDArray[np.int64]
    directions: Mapping[GraphKind, npt.NDArray[np.uint8]]


def extract_sha256(path: Path) -> str:
    """The extract's SHA-256: what its cached graphs are keyed by, and what run.json records."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_ways(path: Path) -> OsmWays:
    """One pass over the extract: the ways with a ``highway`` tag, their nodes' places resolved by
    pyosmium's location index (nodes never reach Python). Ways with a node the extract lacks keep their
    part up to it: an extract cut at its edge leaves such ways."""
    ids, lats, lons = array("q"), array("d"), array("d")
    offsets = array("q", [0])
    bits: dict[GraphKind, array[int]] = {kind: array("B") for kind in GRAPH_KINDS}
    processor = (
        osmium.FileProcessor(str(path), osmium.osm.NODE | osmium.osm.WAY)
        .with_locations()
        .with_filter(osmium.filter.EntityFilter(osmium.osm.WAY))
        .with_filter(osmium.filter.KeyFilter("highway"))
    )
    for way in processor:
        assert isinstance(way, osmium.osm.Way)  # the filter passes ways only
        directions = way_directions(dict(way.tags))
        if not any(directions.values()):
            continue
        for node in way.nodes:
            location = node.location
            if not location.valid():
                break
            ids.append(node.ref)
            lats.append(location.lat)
            lons.append(location.lon)
        offsets.append(len(ids))
        for kind in GRAPH_KINDS:
            bits[kind].append(directions[kind])
    return OsmWays(
        node_ids=np.frombuffer(ids, dtype=np.int64).copy(),
        lat=np.frombuffer(lats, dtype=np.float64).copy(),
        lon=np.frombuffer(lons, dtype=np.float64).copy(),
        offsets=np.frombuffer(offsets, dtype=np.int64).copy(),
        directions={kind: np.frombuffer(bits[kind], dtype=np.uint8).copy() for kind in GRAPH_KINDS},
    )


def haversine_pairs_m(
    lat_a: npt.NDArray[np.float64],
    lon_a: npt.NDArray[np.float64],
    lat_b: npt.NDArray[np.float64],
    lon_b: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Great-circle metres between ``a[i]`` and ``b[i]`` (``travel.haversine_m`` gives all pairs)."""
    phi_a, phi_b = np.radians(lat_a), np.radians(lat_b)
    a = np.sin((phi_b - phi_a) / 2) ** 2 + np.cos(phi_a) * np.cos(phi_b) * np.sin(np.radians(lon_b - lon_a) / 2) ** 2
    out: npt.NDArray[np.float64] = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return out


def shortest_once(
    src: npt.NDArray[np.int64], dst: npt.NDArray[np.int64], weight: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Each directed pair once, at its lowest weight: a sparse matrix would add the weights of two
    edges between the same nodes (two ways drawn over them, both sides of a ring) instead of taking the
    shorter."""
    order = np.lexsort((weight, dst, src))
    src, dst, weight = src[order], dst[order], weight[order]
    first = np.ones(src.shape[0], dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    return src[first], dst[first], weight[first]


@dataclass(frozen=True, slots=True)
class StreetGraph:
    """One mode's street graph: nodes ``lat``/``lon``; segment ``s`` joins nodes ``seg_a[s]`` and
    ``seg_b[s]``, ``seg_len_m[s]`` long, usable in the directions of ``seg_dir[s]`` (FORWARD: a to b)."""

    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]
    seg_a: npt.NDArray[np.int64]
    seg_b: npt.NDArray[np.int64]
    seg_len_m: npt.NDArray[np.float64]
    seg_dir: npt.NDArray[np.uint8]

    @property
    def nodes(self) -> int:
        return int(self.lat.shape[0])

    def edges(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """Directed edges (from, to, metres), each pair once at its shortest (``shortest_once``)."""
        fwd = (self.seg_dir & FORWARD) != 0
        bwd = (self.seg_dir & BACKWARD) != 0
        src = np.concatenate([self.seg_a[fwd], self.seg_b[bwd]])
        dst = np.concatenate([self.seg_b[fwd], self.seg_a[bwd]])
        weight = np.concatenate([self.seg_len_m[fwd], self.seg_len_m[bwd]])
        return shortest_once(src, dst, weight)

    def save(self, path: Path) -> None:
        """Written to a temporary file beside ``path`` and renamed: a reader never sees half a graph, and
        two runs building the same graph at once both leave a whole one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as f:
                np.savez(
                    f,
                    lat=self.lat,
                    lon=self.lon,
                    seg_a=self.seg_a,
                    seg_b=self.seg_b,
                    seg_len_m=self.seg_len_m,
                    seg_dir=self.seg_dir,
                )
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> StreetGraph:
        with np.load(path, allow_pickle=False) as data:
            return cls(
                lat=data["lat"],
                lon=data["lon"],
                seg_a=data["seg_a"],
                seg_b=data["seg_b"],
                seg_len_m=data["seg_len_m"],
                seg_dir=data["seg_dir"],
            )


def build_graph(ways: OsmWays, kind: GraphKind) -> StreetGraph:
    """``kind``'s graph from the ways: a segment per pair of consecutive nodes of a usable way, kept
    where it lies in the largest strongly connected part (see the module's doc)."""
    lengths = np.diff(ways.offsets)
    way_of = np.repeat(np.arange(lengths.shape[0]), lengths)
    direction = ways.directions[kind][way_of]
    same_way = way_of[:-1] == way_of[1:]
    usable = same_way & (direction[:-1] != 0) & (ways.node_ids[:-1] != ways.node_ids[1:])
    starts = np.flatnonzero(usable)
    ends = starts + 1
    if starts.shape[0] == 0:
        empty_i, empty_f = np.zeros(0, np.int64), np.zeros(0, np.float64)
        return StreetGraph(empty_f, empty_f, empty_i, empty_i, empty_f, np.zeros(0, np.uint8))
    used = np.concatenate([starts, ends])
    node_ids, first, inverse = np.unique(ways.node_ids[used], return_index=True, return_inverse=True)
    seg_a, seg_b = inverse[: starts.shape[0]], inverse[starts.shape[0] :]
    lat, lon = ways.lat[used][first], ways.lon[used][first]
    seg_len = np.maximum(
        haversine_pairs_m(ways.lat[starts], ways.lon[starts], ways.lat[ends], ways.lon[ends]), MIN_SEGMENT_M
    )
    seg_dir = direction[starts]
    # the largest strongly connected part
    fwd, bwd = (seg_dir & FORWARD) != 0, (seg_dir & BACKWARD) != 0
    src = np.concatenate([seg_a[fwd], seg_b[bwd]])
    dst = np.concatenate([seg_b[fwd], seg_a[bwd]])
    n = node_ids.shape[0]
    adjacency = csr_matrix((np.ones(src.shape[0]), (src, dst)), shape=(n, n))
    _, labels = connected_components(adjacency, directed=True, connection="strong")
    largest = np.argmax(np.bincount(labels))
    keep_node = labels == largest
    keep = keep_node[seg_a] & keep_node[seg_b]
    renumber = np.cumsum(keep_node) - 1
    return StreetGraph(
        lat=lat[keep_node],
        lon=lon[keep_node],
        seg_a=renumber[seg_a[keep]].astype(np.int64),
        seg_b=renumber[seg_b[keep]].astype(np.int64),
        seg_len_m=seg_len[keep],
        seg_dir=seg_dir[keep].astype(np.uint8),
    )


@dataclass(frozen=True, slots=True)
class Contracted:
    """A graph with its runs of two-neighbour nodes merged: ``routing`` has a node per junction (or dead
    end) and a "segment" per chain of segments between two of them; segment ``s`` of the full graph lies
    on chain ``chain[s]``, starting ``offset_m[s]`` metres from the chain's first node, ``flipped[s]``
    where the chain runs from its ``seg_b`` to its ``seg_a``."""

    routing: StreetGraph
    chain: npt.NDArray[np.int64]
    offset_m: npt.NDArray[np.float64]
    flipped: npt.NDArray[np.bool_]


def _swap(bits: int) -> int:
    return ((bits & FORWARD) << 1) | ((bits & BACKWARD) >> 1)


def contract(graph: StreetGraph) -> Contracted:
    """Merge every node that only links two segments allowing the same directions through it: the
    shortest-path search then visits junctions only (about 40 % of the nodes of a real city, fewer of
    the generated one), and a place on a chain is placed by its offset along it."""
    a, b = graph.seg_a.tolist(), graph.seg_b.tolist()
    bits, length = graph.seg_dir.tolist(), graph.seg_len_m.tolist()
    touching: list[list[int]] = [[] for _ in range(graph.nodes)]
    for s in range(len(a)):
        touching[a[s]].append(s)
        touching[b[s]].append(s)

    def through(v: int) -> bool:
        """Whether v is inside a chain: two segments, the same directions on both as the chain runs."""
        if len(touching[v]) != 2:
            return False
        s1, s2 = touching[v]
        into = bits[s1] if b[s1] == v else _swap(bits[s1])
        out = bits[s2] if a[s2] == v else _swap(bits[s2])
        return into == out and s1 != s2

    inner = [through(v) for v in range(graph.nodes)]
    chain, offset, flipped = [-1] * len(a), [0.0] * len(a), [False] * len(a)
    ch_a: list[int] = []
    ch_b: list[int] = []
    ch_len: list[float] = []
    ch_dir: list[int] = []

    def walk(start: int, s: int) -> None:
        c, at, run = len(ch_a), start, 0.0
        first_bits = bits[s] if a[s] == start else _swap(bits[s])
        while True:
            flip = a[s] != at
            chain[s], offset[s], flipped[s] = c, run, flip
            run += length[s]
            at = a[s] if flip else b[s]
            if not inner[at] or at == start:
                break
            s = touching[at][0] if touching[at][1] == s else touching[at][1]
        ch_a.append(start)
        ch_b.append(at)
        ch_len.append(run)
        ch_dir.append(first_bits)

    for s in range(len(a)):
        if chain[s] < 0 and not inner[a[s]]:
            walk(a[s], s)
        elif chain[s] < 0 and not inner[b[s]]:
            walk(b[s], s)
    for s in range(len(a)):  # rings with no junction on them: one of their nodes becomes one
        if chain[s] < 0:
            inner[a[s]] = False
            walk(a[s], s)
    junction = ~np.asarray(inner, dtype=bool)
    number = np.cumsum(junction) - 1
    routing = StreetGraph(
        lat=graph.lat[junction],
        lon=graph.lon[junction],
        seg_a=number[np.asarray(ch_a, dtype=np.int64)].astype(np.int64),
        seg_b=number[np.asarray(ch_b, dtype=np.int64)].astype(np.int64),
        seg_len_m=np.asarray(ch_len, dtype=np.float64),
        seg_dir=np.asarray(ch_dir, dtype=np.uint8),
    )
    return Contracted(
        routing=routing,
        chain=np.asarray(chain, dtype=np.int64),
        offset_m=np.asarray(offset, dtype=np.float64),
        flipped=np.asarray(flipped, dtype=bool),
    )

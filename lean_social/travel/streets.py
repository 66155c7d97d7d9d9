"""Travel on real streets: times and distances along an OpenStreetMap extract's street graph.

``StreetTravel(extract)`` is a ``TravelModel``: the planner, the validator and every export ask it for
matrices as they ask the straight-line model, and get, for each pair of the day's places, the way a
worker of that mode can actually go. How:

1. **Graphs** (``travel.osm_graph``): one per mode from the extract, cached on disk as ``.npz`` keyed by
   the extract's SHA-256, the mode and ``GRAPH_VERSION``, so a city is parsed once (one pass builds all
   three graphs). The cache folder is ``cache_dir``, else ``$LEAN_SOCIAL_CACHE``, else
   ``$XDG_CACHE_HOME/lean_social`` (``~/.cache/lean_social``): a user's folder, because the extract may
   lie in a folder the planner cannot write. Files are written whole and renamed; a cache that cannot be
   written costs a rebuild next time, never a run.
2. **Snapping**: each place goes to the nearest point of a usable segment of that mode's graph: a KD-tree
   over points sampled along every segment at most ``SAMPLE_M`` apart finds the candidates (every
   segment within the nearest sample's distance plus half a spacing, so none nearer is missed), then the
   exact projection on each candidate picks the point. A place farther than ``max_snap_m`` (default
   300 m: a long courtyard, not a wrong coordinate) from any usable street is a ``StreetSnapError``
   naming the place and the distance: a client put in a field by a mistyped coordinate would otherwise
   get a route through it.
3. **All pairs**: the search runs on the graph with its runs of two-neighbour nodes merged into chains
   (``osm_graph.contract``: a real city's streets are drawn with more bends than junctions). The snapped
   points split their chains virtually: new nodes joined to the chain's ends by the offsets along it,
   in the directions the chain allows (a point on a junction is the junction: both ways). SciPy's
   ``csgraph.dijkstra`` then runs from every distinct place at once (``indices`` = the snapped nodes,
   ``min_only=False``), in blocks of sources sized to keep the distance rows under ``ROW_CELLS`` cells.
   A leg is the straight walk from the door to the street, the way along the streets, and the walk from
   the street to the next door: so a street leg is never shorter than the straight line.
4. **Time**: a mode has one speed (``ModeSpeed``), so the shortest way is also the quickest, and the
   time is the distance at the mode's speed plus its fixed time per leg, rounded up to whole minutes as
   the straight-line model does (``geodesic.leg_seconds``); no detour factor: the streets are the
   detour. Should speeds ever differ by kind of street, Dijkstra must run on seconds and the distance
   be read along its predecessors.

**Transit** rides the walking graph at the bus's speed, its waiting time added, and the worker walks
instead where walking is quicker: the extract has no timetables, a bus runs both ways along its street
whatever the one-way signs say for cars, and the worker walks to and from the stops; the walking graph
is the nearest stand-in for a door-to-door trip by bus.

The matrices last measured (up to ``MEMO_CELLS`` cells) are kept in memory per mode, and a call whose
places are all in one of them is cut from it: the validator's and the exports' matrices of a day already
planned (a route's places are the day's) cost no new search.

Map data © OpenStreetMap contributors, ODbL 1.0 (https://www.openstreetmap.org/copyright): a street
graph built from an extract is a derived database of it.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from lean_social.domain.model import EARTH_RADIUS_M, Location, TravelMode
from lean_social.travel.base import TravelMatrices
from lean_social.travel.geodesic import DEFAULT_SPEEDS, ModeSpeed, leg_seconds
from lean_social.travel.osm_graph import (
    BACKWARD,
    FORWARD,
    GRAPH_KINDS,
    GRAPH_VERSION,
    Contracted,
    GraphKind,
    StreetGraph,
    build_graph,
    contract,
    extract_sha256,
    haversine_pairs_m,
    read_ways,
    shortest_once,
)

__all__ = [
    "DEFAULT_MAX_SNAP_M",
    "MODE_GRAPH",
    "Snapped",
    "StreetSnapError",
    "StreetTravel",
    "default_cache_dir",
]

log = logging.getLogger(__name__)

#: The farthest a place may lie from a usable street, in metres: Moscow's deepest courtyards are ~200 m.
DEFAULT_MAX_SNAP_M: Final = 300.0
#: The graph each mode travels on.
MODE_GRAPH: Final[Mapping[TravelMode, GraphKind]] = {"foot": "foot", "transit": "foot", "bike": "bike", "car": "car"}
#: Spacing of the points sampled along segments for the snapping index, in metres.
SAMPLE_M: Final = 25.0
#: Cells of Dijkstra's distance rows held at once (8 bytes each): 160 MB, whatever the city's size.
ROW_CELLS: Final = 20_000_000
#: Cells of the matrices kept in memory per mode, the most recently used first (8 bytes each: 40 MB).
MEMO_CELLS: Final = 5_000_000
#: The virtual piece left between two places snapped onto one spot, in metres (a zero would be no edge).
_TINY_M = 1e-3
#: A place snapped this close to a node (metres along the street) is at the node: its piece is two-way.
_AT_NODE_M = 0.5


def default_cache_dir() -> Path:
    """``$LEAN_SOCIAL_CACHE``, else ``$XDG_CACHE_HOME/lean_social``, else ``~/.cache/lean_social``."""
    given = os.environ.get("LEAN_SOCIAL_CACHE")
    if given:
        return Path(given)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "lean_social"


class StreetSnapError(ValueError):
    """A place too far from any street its mode may use: ``index`` in the places asked for."""

    def __init__(self, index: int, place: Location, distance_m: float, mode: TravelMode, max_m: float, extract: str):
        self.index, self.place, self.distance_m, self.mode, self.max_m = index, place, distance_m, mode, max_m
        super().__init__(
            f"place {index} at {place.lat:.6f}, {place.lon:.6f} is {distance_m:.0f} m from the nearest street "
            f"usable by {mode} in {extract} (at most {max_m:.0f} m): is its coordinate right, and is the "
            "extract the right area?"
        )


@dataclass(frozen=True, slots=True)
class Snapped:
    """Places on a graph: each on segment ``segment[i]`` at fraction ``t[i]`` of it from its first
    node, ``access_m[i]`` metres from the place."""

    segment: npt.NDArray[np.int64]
    t: npt.NDArray[np.float64]
    access_m: npt.NDArray[np.float64]


@dataclass(slots=True)
class _Network:
    """A graph with what snapping and searching need, made once per mode and kept."""

    graph: StreetGraph
    lat0: float
    tree: cKDTree
    sample_segment: npt.NDArray[np.int64]
    contracted: Contracted
    edges: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]
    #: matrices measured, most recent first: (place -> row, door-to-door metres)
    memo: list[tuple[dict[Location, int], npt.NDArray[np.float64]]] = field(default_factory=list)

    def known(self, places: Sequence[Location]) -> tuple[dict[Location, int], npt.NDArray[np.float64]] | None:
        """A measured matrix holding every one of ``places`` (a route's places are the day's)."""
        for k, (index, door) in enumerate(self.memo):
            if all(p in index for p in places):
                self.memo.insert(0, self.memo.pop(k))
                return index, door
        return None

    def keep(
        self, index: dict[Location, int], door: npt.NDArray[np.float64]
    ) -> tuple[dict[Location, int], npt.NDArray[np.float64]]:
        self.memo.insert(0, (index, door))
        while len(self.memo) > 1 and sum(d.size for _, d in self.memo) > MEMO_CELLS:
            self.memo.pop()
        return index, door

    @classmethod
    def of(cls, graph: StreetGraph) -> _Network:
        if graph.seg_a.shape[0] == 0:
            msg = "the extract has no street this mode may use"
            raise ValueError(msg)
        lat0 = float(np.mean(graph.lat))
        x, y = _planar(graph.lat, graph.lon, lat0)
        pieces = np.maximum(1, np.ceil(graph.seg_len_m / SAMPLE_M)).astype(np.int64)
        segment = np.repeat(np.arange(pieces.shape[0]), pieces + 1)
        first = np.repeat(np.cumsum(pieces + 1) - (pieces + 1), pieces + 1)
        t = (np.arange(segment.shape[0]) - first) / pieces[segment]
        a, b = graph.seg_a[segment], graph.seg_b[segment]
        samples = np.column_stack([x[a] + t * (x[b] - x[a]), y[a] + t * (y[b] - y[a])])
        contracted = contract(graph)
        return cls(
            graph=graph,
            lat0=lat0,
            tree=cKDTree(samples),
            sample_segment=segment,
            contracted=contracted,
            edges=contracted.routing.edges(),
        )


def _planar(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64], lat0: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Metres east and north on a plane touching the city at latitude ``lat0``: within a town the
    scale is off by well under 1 %, enough to choose the nearest street (distances are then haversine)."""
    x = EARTH_RADIUS_M * math.cos(math.radians(lat0)) * np.radians(lon)
    y = EARTH_RADIUS_M * np.radians(lat)
    return x, y


class StreetTravel:
    """Times and distances along the streets of an OpenStreetMap extract (the module's doc says how)."""

    def __init__(
        self,
        extract: str | os.PathLike[str],
        *,
        speeds: Mapping[str, ModeSpeed] | None = None,
        max_snap_m: float = DEFAULT_MAX_SNAP_M,
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.extract = Path(extract)
        if not self.extract.is_file():
            msg = f"no OpenStreetMap extract at {self.extract}"
            raise FileNotFoundError(msg)
        if not max_snap_m > 0:
            msg = f"the farthest snap must be a positive number of metres, not {max_snap_m!r}"
            raise ValueError(msg)
        self.speeds: dict[str, ModeSpeed] = dict(DEFAULT_SPEEDS if speeds is None else speeds)
        self.max_snap_m = float(max_snap_m)
        self.cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
        self.extract_sha256 = extract_sha256(self.extract)
        self._networks: dict[GraphKind, _Network] = {}

    def record(self) -> dict[str, object]:
        """What run.json says of the travel model: enough to rebuild the same matrices."""
        return {
            "model": "streets",
            "extract": str(self.extract),
            "extract_sha256": self.extract_sha256,
            "graph_version": GRAPH_VERSION,
            "max_snap_m": self.max_snap_m,
            "speeds_kmh": {mode: s.speed_kmh for mode, s in sorted(self.speeds.items())},
        }

    # graphs ---------------------------------------------------------------------------------------

    def cache_path(self, kind: GraphKind) -> Path:
        return self.cache_dir / "streets" / f"{self.extract_sha256}-{kind}-v{GRAPH_VERSION}.npz"

    def graph(self, kind: GraphKind) -> StreetGraph:
        return self._network(kind).graph

    def _network(self, kind: GraphKind) -> _Network:
        network = self._networks.get(kind)
        if network is None:
            network = self._networks[kind] = _Network.of(self._load_or_build(kind))
        return network

    def _load_or_build(self, kind: GraphKind) -> StreetGraph:
        path = self.cache_path(kind)
        if path.is_file():
            try:
                return StreetGraph.load(path)
            except (OSError, ValueError, KeyError) as exc:  # a damaged file: build it again
                log.warning("street graph cache %s unreadable (%s); rebuilding it", path, exc)
        log.info("building the street graphs of %s", self.extract)
        ways = read_ways(self.extract)
        graphs = {k: build_graph(ways, k) for k in GRAPH_KINDS}  # one parse, every graph
        for k, built in graphs.items():
            try:
                built.save(self.cache_path(k))
            except OSError as exc:
                log.warning("could not cache the street graph in %s (%s); it is rebuilt next run", path, exc)
        return graphs[kind]

    # snapping -------------------------------------------------------------------------------------

    def snap(self, places: Sequence[Location], mode: TravelMode) -> Snapped:
        """Each place's nearest point on a street ``mode`` may use, however far (``matrices`` refuses
        the far ones)."""
        network = self._network(self._kind(mode))
        graph = network.graph
        lat = np.array([p.lat for p in places], dtype=np.float64)
        lon = np.array([p.lon for p in places], dtype=np.float64)
        if lat.shape[0] == 0:
            return Snapped(np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
        qx, qy = _planar(lat, lon, network.lat0)
        query = np.column_stack([qx, qy])
        nearest, closest = network.tree.query(query, k=1)
        # every segment with a sample within (nearest sample + half a spacing) of the place: none nearer
        # missed. A place that far from every street is refused whatever its exact distance: its nearest
        # sample's segment alone is measured (a place in another town would put the whole city in the ball).
        far = nearest > self.max_snap_m + SAMPLE_M
        radius = np.where(far, 0.0, nearest + SAMPLE_M / 2 + 1e-6)
        found = [
            [int(c)] if f else ball
            for c, f, ball in zip(closest, far, network.tree.query_ball_point(query, r=radius), strict=True)
        ]
        owner = np.repeat(np.arange(len(found)), [len(f) for f in found])
        candidate = network.sample_segment[np.concatenate([np.asarray(f, dtype=np.int64) for f in found])]
        x, y = _planar(graph.lat, graph.lon, network.lat0)
        a, b = graph.seg_a[candidate], graph.seg_b[candidate]
        dx, dy = x[b] - x[a], y[b] - y[a]
        span = np.maximum(dx * dx + dy * dy, 1e-12)
        t = np.clip(((qx[owner] - x[a]) * dx + (qy[owner] - y[a]) * dy) / span, 0.0, 1.0)
        gap = np.hypot(qx[owner] - (x[a] + t * dx), qy[owner] - (y[a] + t * dy))
        order = np.lexsort((candidate, gap, owner))  # nearest first per place; ties to the lower segment
        best = order[np.concatenate([[True], owner[order][1:] != owner[order][:-1]])]
        segment, t = candidate[best], t[best]
        a, b = graph.seg_a[segment], graph.seg_b[segment]
        point_lat = graph.lat[a] + t * (graph.lat[b] - graph.lat[a])
        point_lon = graph.lon[a] + t * (graph.lon[b] - graph.lon[a])
        return Snapped(segment=segment, t=t, access_m=haversine_pairs_m(lat, lon, point_lat, point_lon))

    def check_places(self, places: Sequence[Location], mode: TravelMode) -> Snapped:
        """``snap``, refusing the first place farther than ``max_snap_m`` from any usable street."""
        snapped = self.snap(places, mode)
        far = np.flatnonzero(snapped.access_m > self.max_snap_m)
        if far.shape[0]:
            i = int(far[0])
            raise StreetSnapError(i, places[i], float(snapped.access_m[i]), mode, self.max_snap_m, self.extract.name)
        return snapped

    # matrices -------------------------------------------------------------------------------------

    def matrices(self, places: Sequence[Location], mode: TravelMode) -> TravelMatrices:
        if mode not in self.speeds or mode not in MODE_GRAPH:
            msg = f"no speed for travel mode {mode!r}; known: {sorted(self.speeds)}"
            raise ValueError(msg)
        metres = self.distances_m(places, mode)
        speed = self.speeds[mode]
        seconds = leg_seconds(metres, speed)
        if speed.walk_if_faster:  # transit: the walking graph's ways on foot, where that is quicker
            seconds = np.minimum(seconds, leg_seconds(metres, self.speeds["foot"]))
        np.fill_diagonal(seconds, 0)
        return TravelMatrices(duration_s=seconds.astype(np.int64), distance_m=np.rint(metres).astype(np.int64))

    def distances_m(self, places: Sequence[Location], mode: TravelMode) -> npt.NDArray[np.float64]:
        """Door-to-door metres along the streets, ``[i, j]`` from place i to place j."""
        network = self._network(self._kind(mode))
        unique = list(dict.fromkeys(places))
        found = network.known(unique)
        if found is None:
            door = self._door_to_door(unique, mode, network)
            found = network.keep({p: k for k, p in enumerate(unique)}, door)
        index, door = found
        at = np.array([index[p] for p in places], dtype=np.int64)
        metres: npt.NDArray[np.float64] = door[np.ix_(at, at)]
        return metres

    def _door_to_door(self, places: list[Location], mode: TravelMode, network: _Network) -> npt.NDArray[np.float64]:
        snapped = self.check_places(places, mode)
        # each place's chain of the contracted graph, and how far along it (as a fraction) it lies
        contracted, full = network.contracted, network.graph
        graph = contracted.routing
        on = snapped.segment
        along = np.where(contracted.flipped[on], 1.0 - snapped.t, snapped.t) * full.seg_len_m[on]
        chain = contracted.chain[on]
        fraction = np.clip((contracted.offset_m[on] + along) / graph.seg_len_m[chain], 0.0, 1.0)
        k = len(places)
        # the snapped points, along each chain in order, become virtual nodes n, n+1, ...
        order = np.lexsort((fraction, chain))
        seg, t = chain[order], fraction[order]
        virtual = graph.nodes + np.arange(k)
        first = np.ones(k, dtype=bool)
        first[1:] = seg[1:] != seg[:-1]
        last = np.ones(k, dtype=bool)
        last[:-1] = seg[1:] != seg[:-1]
        previous = np.where(first, graph.seg_a[seg], np.roll(virtual, 1))
        previous_t = np.where(first, 0.0, np.roll(t, 1))
        length = graph.seg_len_m[seg]
        piece_from = np.concatenate([previous, virtual[last]])
        piece_to = np.concatenate([virtual, graph.seg_b[seg[last]]])
        piece_m = np.maximum(np.concatenate([(t - previous_t) * length, (1.0 - t[last]) * length[last]]), _TINY_M)
        piece_dir = np.concatenate([graph.seg_dir[seg], graph.seg_dir[seg[last]]])
        # a place on a junction is the junction: a car there may leave it and come to it by any street
        piece_dir = np.where(piece_m <= _AT_NODE_M, FORWARD | BACKWARD, piece_dir)
        fwd, bwd = (piece_dir & FORWARD) != 0, (piece_dir & BACKWARD) != 0
        # both ends of a ring's one piece may be its junction: the shorter side of each pair is kept
        pieces = shortest_once(
            np.concatenate([piece_from[fwd], piece_to[bwd]]),
            np.concatenate([piece_to[fwd], piece_from[bwd]]),
            np.concatenate([piece_m[fwd], piece_m[bwd]]),
        )
        src, dst, weight = (np.concatenate([base, extra]) for base, extra in zip(network.edges, pieces, strict=True))
        total = graph.nodes + k
        matrix = csr_matrix((weight, (src, dst)), shape=(total, total))
        network_m = np.empty((k, k), dtype=np.float64)
        block = max(1, ROW_CELLS // total)
        for start in range(0, k, block):  # blocks of sources, to bound memory, not a loop over pairs
            rows = dijkstra(matrix, directed=True, indices=virtual[start : start + block], min_only=False)
            network_m[start : start + block] = rows[:, virtual]
        if not np.isfinite(network_m).all():  # the graph is one strongly connected part: a bug if seen
            msg = f"the street graph of {self.extract.name} left places unreachable by {mode}"
            raise RuntimeError(msg)
        access = snapped.access_m[order]
        door = access[:, None] + network_m + access[None, :]
        np.fill_diagonal(door, 0.0)
        back = np.empty(k, dtype=np.int64)
        back[order] = np.arange(k)
        out: npt.NDArray[np.float64] = door[np.ix_(back, back)]
        return out

    def _kind(self, mode: TravelMode) -> GraphKind:
        kind = MODE_GRAPH.get(mode)
        if kind is None:
            msg = f"no street graph for travel mode {mode!r}; known: {sorted(MODE_GRAPH)}"
            raise ValueError(msg)
        return kind

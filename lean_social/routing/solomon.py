"""Solomon VRPTW files → the neutral routing instance, so the benchmark runs the engine that plans visits.

Distances follow the exact-method and DIMACS convention: Euclidean, truncated to one decimal. Inside,
everything is scaled by ten to stay in integers: distance, travel time, windows and service times alike.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from lean_social.routing.instance import REQUIRED_PENALTY, Job, RoutingInstance, Vehicle

__all__ = ["SCALE", "SolomonInstance", "read_solomon"]

#: Units per distance unit: one decimal kept exactly.
SCALE = 10


@dataclass(frozen=True, slots=True, kw_only=True)
class SolomonInstance:
    name: str
    instance: RoutingInstance
    coords: np.ndarray  # (customers + 1, 2), depot first

    def distance(self, routes: tuple[tuple[int, ...], ...]) -> float:
        """Total distance in the file's units (jobs numbered from 0 = customer 1)."""
        d = self.instance.cost[0]
        total = 0
        for route in routes:
            places = [0, *(j + 1 for j in route), 0]
            total += sum(int(d[a, b]) for a, b in itertools.pairwise(places))
        return total / SCALE


def read_solomon(path: str | Path) -> SolomonInstance:
    """Read one instance; raises ValueError naming the line if the file is not in Solomon's format."""
    path = Path(path)
    lines = [line.split() for line in path.read_text(encoding="utf-8").splitlines()]
    name = lines[0][0] if lines and lines[0] else path.stem
    try:
        v_at = next(i for i, parts in enumerate(lines) if parts[:1] == ["NUMBER"]) + 1
        n_vehicles, capacity = int(lines[v_at][0]), int(lines[v_at][1])
        c_at = next(i for i, parts in enumerate(lines) if parts[:2] == ["CUST", "NO."]) + 1
    except (StopIteration, IndexError, ValueError) as exc:
        msg = f"{path}: not a Solomon VRPTW file (no VEHICLE/CUSTOMER sections)"
        raise ValueError(msg) from exc
    rows = []
    for number, parts in enumerate(lines[c_at:], start=c_at + 1):
        if not parts:
            continue
        if len(parts) != 7:
            msg = f"{path}, line {number}: expected 7 numbers, got {len(parts)}"
            raise ValueError(msg)
        rows.append([float(x) for x in parts])
    table = np.asarray(rows)
    coords = table[:, 1:3]
    euclid = np.hypot(coords[:, None, 0] - coords[None, :, 0], coords[:, None, 1] - coords[None, :, 1])
    # floor(10 * d) with a guard against 29.999999 for an exact 3.0
    dist = np.floor(euclid * SCALE + 1e-9).astype(np.int64)
    depot = table[0]
    jobs = tuple(
        Job(
            place=i,
            service=round(table[i, 6] * SCALE),
            windows=((round(table[i, 4] * SCALE), round(table[i, 5] * SCALE)),),
            penalty=REQUIRED_PENALTY,
            demand=round(table[i, 3]),
        )
        for i in range(1, len(table))
    )
    vehicle = Vehicle(
        start_place=0,
        end_place=0,
        profile=0,
        shift_start=round(depot[4] * SCALE),
        shift_end=round(depot[5] * SCALE),
        capacity=capacity,
    )
    horizon = round(depot[5] * SCALE) + 1
    instance = RoutingInstance(
        duration=dist[None].copy(),
        cost=dist[None].copy(),
        distance=dist[None].copy(),
        jobs=jobs,
        vehicles=(vehicle,) * n_vehicles,
        horizon=max(horizon, math.ceil(float(np.max(table[:, 5])) * SCALE) + 1),
    )
    return SolomonInstance(name=name.upper(), instance=instance, coords=coords)

"""An evaluator for Solomon VRPTW solutions that shares no code with any solver, ours or the peers'.

It reads the instance text itself, computes distances with its own arithmetic (Euclidean truncated to
one decimal, the DIMACS/exact-method convention) and replays each route: capacity, time windows at the
start of service, return to the depot before it closes, every customer exactly once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Customer:
    x: float
    y: float
    demand: int
    ready: float
    due: float
    service: float


@dataclass(frozen=True)
class Solomon:
    name: str
    capacity: int
    vehicles: int
    nodes: tuple[Customer, ...]  # 0 = depot

    def dist(self, a: int, b: int) -> float:
        """Truncated to one decimal, done in integers to avoid 0.1 steps drifting."""
        p, q = self.nodes[a], self.nodes[b]
        return math.floor(10 * math.hypot(p.x - q.x, p.y - q.y) + 1e-9) / 10


def parse(path: str | Path) -> Solomon:
    lines = [ln.split() for ln in Path(path).read_text().splitlines()]
    name = lines[0][0]
    vi = next(i for i, ln in enumerate(lines) if ln and ln[0] == "NUMBER") + 1
    ci = next(i for i, ln in enumerate(lines) if ln[:1] == ["CUST"]) + 1
    nodes = tuple(
        Customer(float(r[1]), float(r[2]), int(float(r[3])), float(r[4]), float(r[5]), float(r[6]))
        for r in lines[ci:]
        if len(r) == 7
    )
    return Solomon(name.upper(), int(lines[vi][1]), int(lines[vi][0]), nodes)


def check(inst: Solomon, routes: list[list[int]]) -> tuple[float, list[str]]:
    """(total distance, problems); routes list customer numbers (1..n), depot left out."""
    problems: list[str] = []
    seen: dict[int, int] = {}
    total = 0.0
    used = [r for r in routes if r]
    if len(used) > inst.vehicles:
        problems.append(f"{len(used)} routes but {inst.vehicles} vehicles")
    depot = inst.nodes[0]
    for k, route in enumerate(used):
        load = sum(inst.nodes[c].demand for c in route)
        if load > inst.capacity:
            problems.append(f"route {k}: load {load} > capacity {inst.capacity}")
        t, prev = depot.ready, 0
        for c in route:
            if not 1 <= c < len(inst.nodes):
                problems.append(f"route {k}: unknown customer {c}")
                continue
            seen[c] = seen.get(c, 0) + 1
            total += inst.dist(prev, c)
            t = max(t + inst.dist(prev, c), inst.nodes[c].ready)
            if t > inst.nodes[c].due + 1e-9:
                problems.append(f"route {k}: customer {c} served at {t:.1f} after due {inst.nodes[c].due:g}")
            t += inst.nodes[c].service
            prev = c
        total += inst.dist(prev, 0)
        t += inst.dist(prev, 0)
        if t > depot.due + 1e-9:
            problems.append(f"route {k}: back at {t:.1f} after the depot closes at {depot.due:g}")
    missing = [c for c in range(1, len(inst.nodes)) if c not in seen]
    twice = [c for c, n in seen.items() if n > 1]
    if missing:
        problems.append(f"customers not served: {missing[:10]}{'...' if len(missing) > 10 else ''}")
    if twice:
        problems.append(f"customers served twice: {twice[:10]}")
    return round(total, 1), problems

"""What the planner asks of any travel model: a time and a distance between every pair of places."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from lean_social.domain.model import Location, TravelMode

__all__ = ["TravelMatrices", "TravelModel"]

IntMatrix = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class TravelMatrices:
    """``duration_s[i, j]``: seconds from place i to place j; ``distance_m`` likewise in metres."""

    duration_s: IntMatrix
    distance_m: IntMatrix

    def __post_init__(self) -> None:
        n = self.duration_s.shape[0]
        for name, matrix in (("duration_s", self.duration_s), ("distance_m", self.distance_m)):
            if matrix.shape != (n, n):
                msg = f"{name} must be a square {n}x{n} matrix, got shape {matrix.shape}"
                raise ValueError(msg)
            if (matrix < 0).any():
                msg = f"{name} has negative entries"
                raise ValueError(msg)
            matrix.setflags(write=False)


@runtime_checkable
class TravelModel(Protocol):
    """Any source of travel times: the geodesic default, a street graph, a routing server (opt-in)."""

    def matrices(self, places: Sequence[Location], mode: TravelMode) -> TravelMatrices: ...

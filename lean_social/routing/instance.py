"""The neutral routing instance: plain arrays, no domain words, so home visits and Solomon share one engine.

Units are whatever the caller chose, as integers (seconds for home visits, tenths of a distance unit for
Solomon). Node ``i`` of the matrices is a place; jobs and vehicles refer to places by index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["REQUIRED_PENALTY", "Break", "Job", "RoutingInstance", "RoutingSolution", "Vehicle", "stack_profiles"]

IntArray = npt.NDArray[np.int64]

#: A job whose penalty is at least this must be served: engines that know "required" are told so.
REQUIRED_PENALTY = 10**9

#: Horizon of the time dimension when the caller gives none: two days leaves room for any shift.
DEFAULT_HORIZON = 2 * 24 * 3600


@dataclass(frozen=True, slots=True, kw_only=True)
class Break:
    """A rest of ``duration`` that must start within ``[earliest, latest]``."""

    earliest: int
    latest: int
    duration: int

    def __post_init__(self) -> None:
        if self.latest < self.earliest or self.duration <= 0:
            msg = f"break must have earliest <= latest and a positive duration, got {self}"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class Job:
    """A place to visit: ``windows`` bound the *start* of service; ``allowed`` None means any vehicle."""

    place: int
    service: int
    windows: tuple[tuple[int, int], ...]
    penalty: int
    demand: int = 0
    allowed: frozenset[int] | None = None

    def __post_init__(self) -> None:
        if self.service < 0:
            msg = f"service time must not be negative, got {self.service}"
            raise ValueError(msg)
        if not self.windows:
            msg = "a job needs at least one time window"
            raise ValueError(msg)
        for (a, b), nxt in zip(self.windows, [*self.windows[1:], None], strict=True):
            if b < a:
                msg = f"window ({a}, {b}): tw_early must be <= tw_late"
                raise ValueError(msg)
            if nxt is not None and nxt[0] <= b:
                msg = f"windows {self.windows} must be sorted and disjoint"
                raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class Vehicle:
    """A worker-day (or a truck): starts and ends at places, within ``[shift_start, shift_end]``."""

    start_place: int
    end_place: int
    profile: int
    shift_start: int
    shift_end: int
    breaks: tuple[Break, ...] = ()
    capacity: int = 0
    max_jobs: int | None = None
    #: Cost per time unit from leaving to coming back: makes idle time between visits count.
    span_cost: int = 0

    def __post_init__(self) -> None:
        if self.span_cost < 0:
            msg = f"span_cost must not be negative, got {self.span_cost}"
            raise ValueError(msg)
        if self.shift_end < self.shift_start:
            msg = f"shift_start ({self.shift_start}) must be <= shift_end ({self.shift_end})"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutingInstance:
    """``duration[p]`` and ``cost[p]`` are the travel time and arc cost matrices of profile ``p``.

    ``distance`` is only reported, never optimised; it may equal ``cost``.
    """

    duration: IntArray
    cost: IntArray
    distance: IntArray
    jobs: tuple[Job, ...]
    vehicles: tuple[Vehicle, ...]
    horizon: int = DEFAULT_HORIZON

    def __post_init__(self) -> None:
        for name in ("duration", "cost", "distance"):
            matrix = getattr(self, name)
            if matrix.ndim != 3 or matrix.shape[1] != matrix.shape[2]:
                msg = f"{name} must have shape (profiles, places, places), got {matrix.shape}"
                raise ValueError(msg)
            if matrix.shape != self.duration.shape:
                msg = f"{name} shape {matrix.shape} differs from duration shape {self.duration.shape}"
                raise ValueError(msg)
            matrix.setflags(write=False)
        n_places, n_profiles = self.n_places, self.duration.shape[0]
        for i, job in enumerate(self.jobs):
            if not 0 <= job.place < n_places:
                msg = f"job {i} refers to place {job.place}, but there are {n_places} places"
                raise ValueError(msg)
            if job.allowed is not None and not all(0 <= v < len(self.vehicles) for v in job.allowed):
                msg = f"job {i} allows unknown vehicles {sorted(job.allowed)}"
                raise ValueError(msg)
        for k, vehicle in enumerate(self.vehicles):
            if not (0 <= vehicle.start_place < n_places and 0 <= vehicle.end_place < n_places):
                msg = f"vehicle {k} starts or ends at an unknown place"
                raise ValueError(msg)
            if not 0 <= vehicle.profile < n_profiles:
                msg = f"vehicle {k} uses profile {vehicle.profile}, but there are {n_profiles}"
                raise ValueError(msg)

    @property
    def n_places(self) -> int:
        return int(self.duration.shape[1])

    @property
    def has_loads(self) -> bool:
        return any(job.demand for job in self.jobs)

    def travel(self, vehicle: int, a: int, b: int) -> int:
        """Travel time between two places for one vehicle's profile."""
        return int(self.duration[self.vehicles[vehicle].profile, a, b])


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutingSolution:
    """Job order per vehicle and where the solver placed each break; times are recomputed elsewhere.

    ``break_after[v][b]`` is how many jobs of route ``v`` come before break ``b`` (0 = before the first).
    """

    routes: tuple[tuple[int, ...], ...]
    break_after: tuple[tuple[int, ...], ...]
    dropped: tuple[int, ...]
    cost: int
    status: str
    wall_time_s: float

    @classmethod
    def empty(cls, instance: RoutingInstance, *, status: str) -> RoutingSolution:
        return cls.of_routes(
            instance,
            tuple(() for _ in instance.vehicles),
            tuple(tuple(0 for _ in v.breaks) for v in instance.vehicles),
            status=status,
        )

    @classmethod
    def of_routes(
        cls,
        instance: RoutingInstance,
        routes: Sequence[tuple[int, ...]],
        break_after: Sequence[tuple[int, ...]],
        *,
        status: str,
        cost: int = 0,
        wall_time_s: float = 0.0,
    ) -> RoutingSolution:
        """A solution of these routes, every job on none of them left out (in job order): every engine
        and every plan made of routes says what it drops the same way."""
        served = {j for route in routes for j in route}
        return cls(
            routes=tuple(routes),
            break_after=tuple(break_after),
            dropped=tuple(j for j in range(len(instance.jobs)) if j not in served),
            cost=cost,
            status=status,
            wall_time_s=wall_time_s,
        )


def stack_profiles(matrices: Sequence[IntArray]) -> IntArray:
    """One (profiles, places, places) array from per-profile matrices of equal size."""
    return np.stack([np.asarray(m, dtype=np.int64) for m in matrices])

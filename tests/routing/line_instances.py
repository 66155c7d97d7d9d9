"""Small routing instances on a line, worked out by hand: places one minute apart."""

from __future__ import annotations

import numpy as np

from lean_social.routing.instance import Break, Job, RoutingInstance, Vehicle

MINUTE = 60


def line_instance(jobs: list[Job], vehicles: list[Vehicle], n_places: int) -> RoutingInstance:
    """Places on a line, one minute apart: travel between places a and b takes |a - b| minutes."""
    grid = np.arange(n_places)
    minutes = np.abs(grid[:, None] - grid[None, :]) * MINUTE
    matrix = minutes[None, :, :].astype(np.int64)
    return RoutingInstance(duration=matrix, cost=matrix, distance=matrix, jobs=tuple(jobs), vehicles=tuple(vehicles))


def job(place: int, start_min: int, end_min: int, service_min: int = 30) -> Job:
    return Job(
        place=place, service=service_min * MINUTE, windows=((start_min * MINUTE, end_min * MINUTE),), penalty=10**6
    )


def vehicle(*, max_jobs: int | None = None, lunch: bool = False) -> Vehicle:
    """08:00-17:00 from place 0; lunch 45 min starting 12:00-13:00 when asked."""
    breaks = (Break(earliest=12 * 60 * MINUTE, latest=13 * 60 * MINUTE, duration=45 * MINUTE),) if lunch else ()
    return Vehicle(
        start_place=0,
        end_place=0,
        profile=0,
        shift_start=8 * 60 * MINUTE,
        shift_end=17 * 60 * MINUTE,
        breaks=breaks,
        max_jobs=max_jobs,
    )


#: One worker 08:00-17:00 from place 0, a lunch of 45 minutes starting 12:00-14:00 (the demo's), each
#: second of the day paid as much as a second walked.
LUNCH_WORKER = Vehicle(
    start_place=0,
    end_place=0,
    profile=0,
    shift_start=8 * 60 * MINUTE,
    shift_end=17 * 60 * MINUTE,
    breaks=(Break(earliest=12 * 60 * MINUTE, latest=14 * 60 * MINUTE, duration=45 * MINUTE),),
    span_cost=1,
)


def lunch_splits_the_two_jobs() -> RoutingInstance:
    """A (place 1) starts 11:30-11:35 for an hour, B (place 2) 12:40-12:45: one worker doing both has no
    gap for a lunch starting 12:00-13:00 (before A it is not noon, between them B would start after 12:45,
    after B it is past 13:00). One route for both walks 4 minutes, two routes 6."""
    return line_instance(
        [job(1, 690, 695, service_min=60), job(2, 760, 765, service_min=60)],
        [vehicle(lunch=True), vehicle(lunch=True)],
        3,
    )


def lunch_fits_in_another_order() -> RoutingInstance:
    """Two workers, a lunch starting 12:00-13:00 for 45 min. A (place 4) starts 11:00-16:00 for an hour;
    B and C (both place 3) start 12:00-13:00 and 08:00-13:00, half an hour each. In the order A, C, B
    (walk 4 + 1 + 0 + 3 = 8 minutes) the lunch fits no gap: A takes 11:00-12:00 and C, B 12:01-13:01, so
    a lunch after B starts past 13:00 and one before A, C or B pushes B (or C) past 13:00. In the order
    B, C, A (walk 3 + 0 + 1 + 4 = 8 minutes) B and C take 12:00-13:00, the lunch 13:00-13:45, A 13:46.
    Dropping B from A, C, B fits the lunch, but B then fits nowhere on that route and goes to the other
    worker: 6 more minutes walked."""
    return line_instance(
        [job(4, 660, 960, service_min=60), job(3, 720, 780), job(3, 480, 780)],
        [vehicle(lunch=True), vehicle(lunch=True)],
        5,
    )

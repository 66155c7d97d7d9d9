"""Who stands in for a client's own worker: one substitute policy for the week planner and re-planning.

A client gets one substitute for the week, chosen the first time the own worker is away and kept on
every other day of the absence, so the client meets one new face, not several. The substitute is a worker
of the client's department, on duty that day, with every skill the visits need. Among those, the one the
absence strains least: first the minutes it would put over their hours after lunch on the days of the
absence, then how full their fullest such day gets, plus the walk from their start to the client
(``KM_PER_FULL_DAY`` kilometres weigh as one whole day of fullness); the worker id breaks ties. "Nearest"
alone would send every client of the absent worker to the colleague who starts at the same office, who
then cannot make half of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence

from lean_social.domain.model import Problem, Worker

__all__ = ["KM_PER_FULL_DAY", "choose_substitute", "substitute_options"]

#: Kilometres from a substitute's start to the client that weigh as much as a day filled to the brim.
KM_PER_FULL_DAY = 10.0

#: Minutes each worker has on each day (load), and the minutes they may fill that day (capacity).
Load = Mapping[tuple[str, dt.date], float]


def substitute_options(
    problem: Problem,
    client_id: str,
    need: frozenset[str],
    on_duty: Callable[[str], bool],
    exclude: Collection[str],
) -> list[Worker]:
    """The workers who may stand in for the client on a day: of the client's department, not in
    ``exclude`` (the own worker, and whoever cannot come), ``on_duty`` that day, with the skills ``need``."""
    department = problem.client(client_id).department
    return [
        w
        for w in problem.workers
        if w.department == department and w.id not in exclude and on_duty(w.id) and need <= w.skills
    ]


def choose_substitute(
    problem: Problem,
    client_id: str,
    options: Sequence[Worker],
    away: Sequence[dt.date],
    extra: float,
    load: Load,
    capacity: Callable[[str, dt.date], float],
) -> Worker:
    """The substitute among ``options`` (not empty) whom the absence strains least (module docstring):
    ``away`` are the days of the absence the client is open, ``extra`` the minutes a visit adds to one."""
    home = problem.client(client_id).location

    def strain(w: Worker) -> tuple[float, float, str]:
        over = sum(max(0.0, load.get((w.id, d), 0.0) + extra - capacity(w.id, d)) for d in away)
        fullest = max((load.get((w.id, d), 0.0) + extra) / max(1.0, capacity(w.id, d)) for d in away)
        return (over, fullest + home.km_to(w.start) / KM_PER_FULL_DAY, w.id)

    return min(options, key=strain)

"""Changes a planner makes to a Problem between two plans, one call each, checked as the data folder is.

A Problem is immutable; moving a client to another worker by hand takes ``dataclasses.replace`` twice
(the client, then the problem's tuple of clients) and checks nothing, so a typo or a worker of another
department only shows up as an odd plan. The re-planner reports the move as the client's new worker,
not as a substitute standing in (``replanning.changes``).
"""

from __future__ import annotations

from dataclasses import replace

from lean_social.domain.model import Problem

__all__ = ["reassign"]


def reassign(problem: Problem, client_id: str, worker_id: str) -> Problem:
    """The problem with ``worker_id`` as the client's own worker from now on (``worker_id`` in
    clients.csv). The worker must be one of the client's department: a department's workers serve its
    clients only, and the planners would leave every visit unmade."""
    clients = {c.id: c for c in problem.clients}
    workers = {w.id: w for w in problem.workers}
    if client_id not in clients:
        msg = f"cannot reassign client {client_id!r}: no such client"
        raise ValueError(msg)
    if worker_id not in workers:
        msg = f"cannot reassign client {client_id} to worker {worker_id!r}: no such worker"
        raise ValueError(msg)
    client, worker = clients[client_id], workers[worker_id]
    if worker.department != client.department:
        msg = (
            f"cannot reassign client {client_id} (department {client.department}) to worker {worker_id} "
            f"of department {worker.department}"
        )
        raise ValueError(msg)
    moved = replace(client, worker_id=worker_id)
    return replace(problem, clients=tuple(moved if c.id == client_id else c for c in problem.clients))

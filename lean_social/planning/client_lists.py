"""Redraw the client lists (закрепление): which worker each client belongs to, so that a worker's clients
live near each other.

Lists grow by intake: a new client goes to whoever has room, and years later a worker's clients are spread
over the town. Redrawing them is a manager's decision taken now and then, not every week, so it is a
proposal apart from the week plan: the same week search with every client free to change worker, at
``MOVE_COST`` minutes of travel a week per client moved, on a normal week (no absences, no holidays) so
that one week's sick leave does not redraw the lists. A client moves only to a worker with every
skill their whole programme needs and whose shifts meet their hours at home. The week is then planned
with the new lists as hard as the old ones.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lean_social.domain.demand import week_demand
from lean_social.domain.model import Problem
from lean_social.planning.week import choose_week
from lean_social.planning.week_search import improve_week
from lean_social.travel import GeodesicTravel, TravelModel

__all__ = ["LIST_COLUMNS", "ListMove", "ListProposal", "redraw_lists"]

LIST_COLUMNS = ("client_id", "department", "worker_before", "worker_after")


@dataclass(frozen=True, slots=True, kw_only=True)
class ListMove:
    """A client's worker before and after the redraw; ``before`` is ``None`` for a client on no list."""

    client_id: str
    department: str
    before: str | None
    after: str

    def as_row(self) -> dict[str, str]:
        return {
            "client_id": self.client_id,
            "department": self.department,
            "worker_before": self.before or "",
            "worker_after": self.after,
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class ListProposal:
    """``problem`` is the data with the new lists as each client's ``worker_id``; ``moves`` the clients
    whose worker changes, or who had none."""

    problem: Problem
    moves: tuple[ListMove, ...]


def redraw_lists(
    problem: Problem,
    week_start: dt.date,
    *,
    travel: TravelModel | None = None,
    departments: Sequence[str] | None = None,
    seed: int = 0,
) -> ListProposal:
    """New lists for the clients of ``departments`` (default: all), from the programmes of the week
    starting on Monday ``week_start``; every client the week search can place gets a worker."""
    travel = travel or GeodesicTravel()
    normal = dataclasses.replace(problem, absences=(), holidays=(), client_absences=())
    # A list is for every week: the worker needs the skills of every item, not only this week's.
    needs: dict[str, frozenset[str]] = {}
    for item in problem.programmes:
        needs[item.client_id] = needs.get(item.client_id, frozenset()) | problem.skills_needed([item.service_code])
    dates = [week_start + dt.timedelta(days=d) for d in range(7)]
    demand = [cw for cw in week_demand(normal, week_start) if departments is None or cw.department in departments]
    new: dict[str, str] = {}
    for department in sorted({cw.department for cw in demand}):
        own = [cw for cw in demand if cw.department == department]
        choices = choose_week(normal, own, dates)
        start = choices.start()
        found = improve_week(
            normal,
            own,
            dates,
            start,
            travel,
            free_primary=set(start),
            listed={cw.client_id: cw.worker_id for cw in own if cw.worker_id is not None},
            skills=needs,
            seed=seed,
        )
        new.update(found.primary)
    moves = tuple(
        ListMove(client_id=c.id, department=c.department, before=c.worker_id, after=new[c.id])
        for c in problem.clients
        if c.id in new and new[c.id] != c.worker_id
    )
    clients = tuple(dataclasses.replace(c, worker_id=new.get(c.id, c.worker_id)) for c in problem.clients)
    return ListProposal(problem=dataclasses.replace(problem, clients=clients), moves=moves)

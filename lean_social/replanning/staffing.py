"""Who makes a re-planned visit: the published worker, the client's own, or the client's one substitute
for the week, with the skills the visit needs.
"""

from __future__ import annotations

import datetime as dt

from lean_social.domain import reasons
from lean_social.domain.capacity import estimated_minutes
from lean_social.domain.model import Problem
from lean_social.planning.substitutes import choose_substitute, substitute_options
from lean_social.replanning.published import Entry

__all__ = ["Services", "Staffing"]

#: A visit's services, in catalogue order.
Services = tuple[str, ...]


class Staffing:
    """Who makes a client's visit on a day, and the one substitute each client gets for the week.

    The client's own worker (assigned, or the one the published plan has for the client) when on duty,
    even if the published visit was a substitute's: a substitute stands in only on days the own worker
    is away, and a visit moved to another day may fall on one the own worker works. Else the published
    worker if on duty; else the client's substitute for the week: the one the published plan already
    sent, so an absence that grows keeps it, or one chosen now by the week planner's policy
    (``planning.substitutes``) over the absence's days from this one on, and kept.
    """

    def __init__(
        self,
        problem: Problem,
        duty: dict[dt.date, dict[str, str | None]],
        own: dict[str, str],
        substitute: dict[str, str],
    ) -> None:
        self.problem = problem
        self.duty = duty
        self.own = own
        self.substitute = substitute
        #: Minutes (norms plus a walk) and visits each worker has on each day, published and stood in.
        self.minutes: dict[tuple[str, dt.date], float] = {}
        self.visits: dict[tuple[str, dt.date], int] = {}

    def add(self, worker_id: str, day: dt.date, services: Services) -> None:
        key = (worker_id, day)
        extra = estimated_minutes(self.problem, services)
        self.minutes[key] = self.minutes.get(key, 0.0) + extra
        self.visits[key] = self.visits.get(key, 0) + 1

    def _capacity(self, worker_id: str, day: dt.date) -> float:
        """Minutes the worker may fill that day: the hours after lunch when on duty."""
        return self.problem.worker(worker_id).minutes_after_lunch(day) if self.on_duty(worker_id, day) else 0.0

    @classmethod
    def from_published(
        cls, problem: Problem, duty: dict[dt.date, dict[str, str | None]], entries: dict[str, list[Entry]]
    ) -> Staffing:
        """Own workers and substitutes as the published plan has them: a visit marked ``substitute_for``
        was a substitute's; in a plan without marks, any worker other than the assigned one."""
        known = {c.id: c for c in problem.clients}
        own: dict[str, str] = {}
        substitute: dict[str, str] = {}
        for client_id, listed in entries.items():
            made = [e for e in listed if e.worker_id is not None]
            assigned = known[client_id].worker_id if client_id in known else None
            marked = sorted({e.substitute_for for e in made if e.substitute_for is not None})
            counts: dict[str, int] = {}
            for e in made:
                if e.substitute_for is None and e.worker_id is not None:
                    counts[e.worker_id] = counts.get(e.worker_id, 0) + 1
            primary = assigned or (marked[0] if marked else None)
            primary = primary or min(counts, key=lambda w: (-counts[w], w), default=None)
            if primary is None:
                continue
            own[client_id] = primary
            stand_ins = sorted({e.worker_id for e in made if e.worker_id is not None and e.worker_id != primary})
            if len(stand_ins) == 1:
                substitute[client_id] = stand_ins[0]
        staffing = cls(problem, duty, own, substitute)
        for listed in entries.values():
            for e in listed:
                if e.worker_id is not None:
                    staffing.add(e.worker_id, e.date, e.services)
        return staffing

    def on_duty(self, worker_id: str, day: dt.date) -> bool:
        return worker_id in self.duty[day] and self.duty[day][worker_id] is None

    def stands_in_for(self, client_id: str, worker_id: str) -> str | None:
        own = self.own.get(client_id)
        return own if own is not None and own != worker_id else None

    def skills(self, services: Services) -> frozenset[str]:
        return self.problem.skills_needed(services)

    def who(
        self, client_id: str, day: dt.date, published: str, services: Services, *, choose: bool = True
    ) -> str | None:
        """The worker for the visit, or None if nobody can make it; ``choose=False`` only asks.

        A substitute must have every skill the visit's services need: one who lacks them would only
        move the visit to the unassigned list under a wrong change ("substitute W2")."""
        own = self.own.get(client_id)
        for worker_id in (own, published):
            if worker_id is not None and self.on_duty(worker_id, day):
                return worker_id
        need = self.skills(services)
        if client_id in self.substitute:
            chosen = self.substitute[client_id]
            able = self.on_duty(chosen, day) and need <= self.problem.worker(chosen).skills
            if able and choose:
                self.add(chosen, day, services)
            return chosen if able else None
        exclude = {published} | ({own} if own is not None else set())
        options = substitute_options(self.problem, client_id, need, lambda w: self.on_duty(w, day), exclude)
        if not options:
            return None
        absent = own or published
        away = [
            d
            for d in sorted(self.duty)
            if d >= day and not self.on_duty(absent, d) and self.problem.open_day(client_id, d)
        ]
        extra = estimated_minutes(self.problem, services)
        best = choose_substitute(self.problem, client_id, options, away or [day], extra, self.minutes, self._capacity)
        if choose:
            self.substitute[client_id] = best.id
            self.add(best.id, day, services)
        return best.id

    def why_not(self, worker_id: str, day: dt.date) -> str | None:
        """Why ``worker_id`` cannot work on ``day``, or None if they can."""
        if worker_id not in self.duty[day]:
            return reasons.worker_gone(worker_id)
        status = self.duty[day][worker_id]
        return None if status is None else f"{worker_id} {status}"

    def why_nobody(self, client_id: str, day: dt.date, published: str, services: Services) -> str:
        away = self.why_not(published, day) or f"{published} cannot make it"
        need = self.skills(services)
        chosen = self.substitute.get(client_id)
        if chosen is not None:
            chosen_away = self.why_not(chosen, day)
            if chosen_away:
                return f"{away}, and so is the client's substitute: {chosen_away}"
            return f"{away}, and the client's substitute {chosen} lacks skill {', '.join(sorted(need))}"
        return reasons.nobody_stands_in(away, need)

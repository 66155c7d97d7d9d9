"""What re-planning changed: every visit that differs from the published plan, with the reason, for
``changes.csv``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from lean_social.schedule import Schedule

__all__ = ["CHANGE_COLUMNS", "Change", "ChangeKind", "list_changes"]


#: The kinds of change a re-plan lists, in ``changes.csv``'s ``change`` column.
ChangeKind = Literal["moved", "substitute", "new-worker", "new", "cancelled"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Change:
    """One visit that is not as published: ``kind`` is moved, substitute (a worker standing in for the
    client's own), new-worker (the client's own worker is now another: moved in the data, for good),
    new or cancelled."""

    client_id: str
    kind: ChangeKind
    old_date: dt.date | None
    old_worker: str | None
    new_date: dt.date | None
    new_worker: str | None
    reason: str

    @classmethod
    def cancelled(cls, client_id: str, day: dt.date, worker_id: str, reason: str) -> Change:
        return cls(
            client_id=client_id,
            kind="cancelled",
            old_date=day,
            old_worker=worker_id,
            new_date=None,
            new_worker=None,
            reason=reason,
        )

    def as_row(self) -> dict[str, object]:
        return {
            "client_id": self.client_id,
            "change": self.kind,
            "from_date": self.old_date.isoformat() if self.old_date else "",
            "from_worker": self.old_worker or "",
            "to_date": self.new_date.isoformat() if self.new_date else "",
            "to_worker": self.new_worker or "",
            "reason": self.reason,
        }


CHANGE_COLUMNS = ("client_id", "change", "from_date", "from_worker", "to_date", "to_worker", "reason")


def list_changes(
    published: Schedule,
    replanned: Schedule,
    from_date: dt.date,
    *,
    moved: dict[tuple[str, dt.date], dt.date],
    cancelled: dict[tuple[str, dt.date], str],
    why_not: Callable[[str, dt.date], str | None],
    newcomers: set[str],
    assigned: Mapping[str, str | None],
) -> list[Change]:
    """Every difference between the two plans from ``from_date`` on, visit by visit (client and day).

    Worked out from the plans themselves, after routing, not from what re-planning meant to do: a visit
    the router could not fit into a substitute's full day, say, is a change like any other, with the
    router's reason. ``moved`` and ``cancelled`` only say why where the new plan cannot; ``why_not``
    says why a worker cannot work a day (None if they can). ``assigned`` is each client's own worker in
    the data: a visit that goes to it from another own worker (the published one, or the one a published
    substitute stood in for) is the client's permanent move, not a substitute.
    """
    before = {(s.client_id, r.date): r.worker_id for r, s in published.stops if r.date >= from_date}
    own_before = {(s.client_id, r.date): s.substitute_for or r.worker_id for r, s in published.stops}
    after = {(s.client_id, r.date): r.worker_id for r, s in replanned.stops if r.date >= from_date}
    listed = {(u.client_id, u.date): u.reason for u in replanned.unassigned if u.date >= from_date}
    out: list[Change] = []
    explained: set[tuple[str, dt.date]] = set()
    for (client_id, day), old_worker in sorted(before.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        new_worker = after.get((client_id, day))
        if new_worker == old_worker:
            continue
        if new_worker is not None:
            own = own_before[(client_id, day)]
            permanent = assigned.get(client_id) == new_worker != own
            out.append(
                Change(
                    client_id=client_id,
                    kind="new-worker" if permanent else "substitute",
                    old_date=day,
                    old_worker=old_worker,
                    new_date=day,
                    new_worker=new_worker,
                    reason=f"the client's worker is now {new_worker} (was {own})"
                    if permanent
                    else why_not(old_worker, day) or f"re-routed to {new_worker}",
                )
            )
            continue
        target = moved.get((client_id, day))
        if target is not None and (client_id, target) in after:
            explained.add((client_id, target))
            out.append(
                Change(
                    client_id=client_id,
                    kind="moved",
                    old_date=day,
                    old_worker=old_worker,
                    new_date=target,
                    new_worker=after[(client_id, target)],
                    reason="client away that day",
                )
            )
            continue
        if target is not None:  # moved, then not fitted into that day's routes
            explained.add((client_id, target))
            why = f"client away that day; on {target}: {listed.get((client_id, target), 'not fitted in')}"
        else:
            why = listed.get((client_id, day)) or cancelled.get((client_id, day)) or "no longer in the programme"
        out.append(Change.cancelled(client_id, day, old_worker, why))
    for (client_id, day), new_worker in sorted(after.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if (client_id, day) not in before and (client_id, day) not in explained:
            out.append(
                Change(
                    client_id=client_id,
                    kind="new",
                    old_date=None,
                    old_worker=None,
                    new_date=day,
                    new_worker=new_worker,
                    reason="new in the programme" if client_id in newcomers else "not in the published plan",
                )
            )
    for item in replanned.unassigned:  # a new client's visit that cannot be made: news all the same
        if item.client_id in newcomers:
            out.append(
                Change(
                    client_id=item.client_id,
                    kind="new",
                    old_date=None,
                    old_worker=None,
                    new_date=item.date,
                    new_worker=None,
                    reason=f"new in the programme, not planned: {item.reason}",
                )
            )
    return sorted(out, key=lambda c: (c.old_date or c.new_date or from_date, c.client_id, c.kind))

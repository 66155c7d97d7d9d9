"""Kinds of reasons a visit is left unassigned, for counting: ``run.json`` and the end-of-run summary
count visits per kind, so a planner (or the nightly job) sees at once whether the week lost visits to a
holiday, to absences, or to a lack of room, which only the last of these a planner can do something about.

The reasons themselves stay sentences with names and dates in them; a kind is read off the sentence by
the phrase each planner rule writes. Every phrase is listed here once, in the order they are tried.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Literal

__all__ = ["ReasonKind", "count_kinds", "kind_of"]

ReasonKind = Literal[
    "holiday",
    "client-away",
    "worker-absent",
    "skill",
    "visit-limit",
    "lunch",
    "hours",
    "no-room",
    "spacing",
    "other",
]

#: (phrase, kind): the first phrase found in a reason gives its kind.
_PHRASES: tuple[tuple[str, ReasonKind], ...] = (
    ("no day at home this week", "spacing"),  # "... that is not a public holiday": the days, not the holiday
    ("public holiday", "holiday"),
    ("client is away", "client-away"),
    ("client is not at home", "client-away"),
    ("is absent", "worker-absent"),
    ("has no shift", "worker-absent"),
    ("no longer among the workers", "worker-absent"),
    ("no substitute", "worker-absent"),
    ("no worker of department", "worker-absent"),
    ("has skill", "skill"),  # "no worker on duty in department D1 has skill nurse"
    ("no worker on duty", "worker-absent"),
    ("lacks skill", "skill"),
    ("maximum", "visit-limit"),
    ("lunch", "lunch"),
    ("longer than every window", "hours"),
    ("fits the shift", "hours"),
    ("no room left", "no-room"),
    ("has room left", "no-room"),  # "no eligible worker has room left in the day ..."
    ("spacing", "spacing"),
    ("days a week fit", "spacing"),
    ("fit the client's days at home", "spacing"),
    ("fixed days fall", "spacing"),
)


def kind_of(reason: str) -> ReasonKind:
    """The kind of an unassigned visit's reason; "other" for a sentence no rule here writes."""
    for phrase, kind in _PHRASES:
        if phrase in reason:
            return kind
    return "other"


def count_kinds(reasons: Iterable[str]) -> dict[str, int]:
    """Visits per kind of reason, most frequent first, for ``run.json`` and the summary."""
    return dict(Counter(kind_of(r) for r in reasons).most_common())

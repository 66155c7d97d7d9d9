"""Why a visit is left unassigned: the catalogue of the sentences the planners write, and their kinds.

Each sentence that more than one planner writes is built here, once, by a function (the week's demand,
the week planner, re-planning and the day planner all say "public holiday (...)" the same way). The
reasons stay sentences with names and dates in them, since they are read by people and come back from
published plans as text; ``run.json`` and the end-of-run summary count visits per kind, so a planner (or
the nightly job) sees at once whether the week lost visits to a holiday, to absences, or to a lack of
room, which only the last of these a planner can do something about. A kind is read off the sentence by
the phrase that marks it; the catalogue's builders write their marking phrases from the same constants
the kinds are read by, so a builder and its kind cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Literal

from lean_social.domain.model import ClientAbsence, Holiday, Problem
from lean_social.domain.timefmt import WEEKDAYS

__all__ = [
    "ReasonKind",
    "client_away",
    "closed_day",
    "count_kinds",
    "fewer_visits",
    "holiday_on",
    "kind_of",
    "no_day_at_home",
    "no_pattern",
    "no_primary",
    "no_substitute",
    "nobody_stands_in",
    "not_at_home",
    "public_holiday",
    "spacing",
    "worker_gone",
]

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

# The phrases that mark a kind, used by the builders below and by ``_PHRASES``.
_PUBLIC_HOLIDAY = "public holiday"
_CLIENT_AWAY = "client is away"
_NOT_AT_HOME = "client is not at home"
_NO_DAY_AT_HOME = "no day at home this week"
_FIT_DAYS_AT_HOME = "fit the client's days at home"
_DAYS_A_WEEK_FIT = "days a week fit"
_FIXED_DAYS_FALL = "fixed days fall"
_NO_SUBSTITUTE = "no substitute"
_NO_WORKER_OF_DEPARTMENT = "no worker of department"
_NO_LONGER_AMONG = "is no longer among the workers"


def public_holiday(holiday: Holiday) -> str:
    """``public holiday (Новый год)``: a visit on a holiday, or a closed fixed day."""
    return _PUBLIC_HOLIDAY + (f" ({holiday.name})" if holiday.name else "")


def holiday_on(holiday: Holiday) -> str:
    """``Thursday 2026-12-10 is a public holiday (...)``: a holiday among the days that close a week."""
    return f"{holiday.date.strftime('%A')} {holiday.date} is a {public_holiday(holiday)}"


def client_away(away: ClientAbsence) -> str:
    """``client is away 2026-12-09..2026-12-20 (в больнице)``."""
    return f"{_CLIENT_AWAY} {away.start}..{away.end}" + (f" ({away.reason})" if away.reason else "")


def not_at_home(day: dt.date) -> str:
    """``client is not at home on Saturdays``: a weekday outside the client's weekly hours."""
    return f"{_NOT_AT_HOME} on {day.strftime('%A')}s"


def closed_day(problem: Problem, client_id: str, day: dt.date) -> str:
    """Why the client's day is closed (``Problem.open_day`` is empty): the holiday, the absence, or a
    weekday the client is not at home, in that order."""
    holiday = problem.holiday(day)
    if holiday is not None:
        return public_holiday(holiday)
    away = problem.client_away(client_id, day)
    return client_away(away) if away is not None else not_at_home(day)


def spacing(gap: int) -> str:
    """`` with at least 2 days between visits``, or nothing when any spacing will do."""
    return f" with at least {gap} days between visits" if gap > 1 else ""


def fewer_visits(made: int, n: int, when: str, gap: int, closed: str = "") -> str:
    """``only 2 of the 3 visits fit the client's days at home this week ...``; ``when`` says which days
    (``this week``, ``from 2026-12-09``), ``closed`` lists the days that closed on top of the hours."""
    return f"only {made} of the {n} visits {_FIT_DAYS_AT_HOME} {when}{spacing(gap)}{closed}"


def no_day_at_home(closed: str = "") -> str:
    """A flexible client with no open day in the week at all."""
    return f"the client has {_NO_DAY_AT_HOME} that is not a public holiday{closed}"


def no_pattern(n: int, *, fixed: bool) -> str:
    """The week planner found no days for the client's ``n`` visits."""
    if fixed:
        return f"the programme's {_FIXED_DAYS_FALL} on a holiday or a day the client is away"
    return f"no {n} {_DAYS_A_WEEK_FIT} the client's days at home with the required spacing"


def no_primary(department: str) -> str:
    """Nobody in the client's department can be the client's worker."""
    return f"{_NO_WORKER_OF_DEPARTMENT} {department} can take the client"


def no_substitute(primary: str, day: dt.date, off_duty: str | None = None) -> str:
    """The client's worker is away that day and nobody able stands in; ``off_duty`` says why the worker
    is away when it is known (``calendar.workers_on_duty``: "is absent (sick) 2026-12-09..2026-12-11")."""
    away = f"assigned worker {primary} {off_duty or f'is away on {WEEKDAYS[day.weekday()]} {day}'}"
    return f"{away} and {_NO_SUBSTITUTE} with the skills is on duty"


def nobody_stands_in(away: str, skills: Iterable[str]) -> str:
    """Re-planning's ``W2 is absent (...) 2026-12-09..2026-12-11, and no substitute with skill nurse is
    on duty``: ``away`` says why the published worker cannot come."""
    need = sorted(skills)
    with_skill = f" with skill {', '.join(need)}" if need else ""
    return f"{away}, and {_NO_SUBSTITUTE}{with_skill} is on duty"


def worker_gone(worker_id: str) -> str:
    """A worker of the published plan who is no longer in the data (left the service)."""
    return f"{worker_id} {_NO_LONGER_AMONG}"


#: (phrase, kind): the first phrase found in a reason gives its kind.
_PHRASES: tuple[tuple[str, ReasonKind], ...] = (
    (_NO_DAY_AT_HOME, "spacing"),  # "... that is not a public holiday": the days, not the holiday
    (_FIXED_DAYS_FALL, "spacing"),  # "... on a holiday or a day the client is away": the days again
    (_PUBLIC_HOLIDAY, "holiday"),
    (_CLIENT_AWAY, "client-away"),
    (_NOT_AT_HOME, "client-away"),
    ("is absent", "worker-absent"),
    ("has no shift", "worker-absent"),
    (_NO_LONGER_AMONG, "worker-absent"),
    (_NO_SUBSTITUTE, "worker-absent"),
    (_NO_WORKER_OF_DEPARTMENT, "worker-absent"),
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
    (_DAYS_A_WEEK_FIT, "spacing"),
    (_FIT_DAYS_AT_HOME, "spacing"),
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

"""Programmes become visits: which services each client is due on a given day, and over a week which
visits a client is owed and on which day combinations they may fall.

``visits_for_day`` takes fixed days only (what a day's programme pins, whatever the week); ``week_demand``
leaves the choice of days for flexible items to the week planner, whose choice a day plan takes too.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from lean_social.domain import reasons
from lean_social.domain.model import Problem, ProgrammeItem, TimeWindow
from lean_social.domain.norms import visit_duration_s

__all__ = [
    "ClientWeek",
    "Visit",
    "cyclic_gaps",
    "day_patterns",
    "is_due",
    "make_visit",
    "monthly_count",
    "spaced_patterns",
    "visits_for_day",
    "week_demand",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class Visit:
    """One trip to one client on one day; ``windows`` are the client's hours at home that day."""

    id: str
    client_id: str
    date: dt.date
    services: tuple[str, ...]
    duration_s: int
    windows: tuple[TimeWindow, ...]
    skills: frozenset[str]
    worker_id: str | None
    department: str
    #: Set when ``worker_id`` stands in for the client's own worker, who is away that day.
    substitute_for: str | None = None


def is_due(item: ProgrammeItem, day: dt.date) -> bool:
    """Monthly items ride on the first ``times`` matching weekdays of the month."""
    if day.weekday() not in item.days:
        return False
    if item.per == "week":
        return True
    nth = (day.day - 1) // 7  # 0 for the first such weekday of the month
    return nth < item.times


def visits_for_day(problem: Problem, day: dt.date) -> tuple[Visit, ...]:
    """One visit per client due anything that day, carrying every service due, in catalogue order."""
    due: dict[str, list[str]] = {}
    for item in problem.programmes:
        if is_due(item, day):
            codes = due.setdefault(item.client_id, [])
            if item.service_code not in codes:
                codes.append(item.service_code)
    order = {service.code: i for i, service in enumerate(problem.services)}
    visits = []
    for client in problem.clients:
        if client.id not in due:
            continue
        ordered = tuple(sorted(due[client.id], key=order.__getitem__))
        visits.append(make_visit(problem, client.id, day, ordered, worker_id=client.worker_id))
    return tuple(visits)


#: Least gap in days between consecutive visits of a client, around the week, by visits a week: two
#: visits at least two days apart (Mon/Wed/Thu, never Mon/Tue), three Mon/Wed/Fri style.
MIN_GAP_DAYS = {1: 0, 2: 2, 3: 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientWeek:
    """A client's demand for one week: ``slots[k]`` are the services of the k-th visit; ``patterns``
    the day combinations (one date per slot, in order) the programme allows. The week planner picks one.
    """

    client_id: str
    department: str
    worker_id: str | None
    slots: tuple[tuple[str, ...], ...]
    patterns: tuple[tuple[dt.date, ...], ...]
    fixed: bool
    #: Visits owed that cannot be made this week whatever the planner does, (date, services, reason): on
    #: fixed days that are closed (a holiday, a day away), or, for flexible programmes, beyond the
    #: visits the open days hold with the required spacing (dated the week's Monday).
    closed: tuple[tuple[dt.date, tuple[str, ...], str], ...] = ()
    #: The dates the programme itself fixes this week, closed ones included. A fixed pattern may hold
    #: other days too (visits beyond the fixed days, spaced around them): those are the planner's choice.
    fixed_dates: tuple[dt.date, ...] = ()

    @property
    def visits_per_week(self) -> int:
        """Visits owed this week, those that cannot be made (``closed``) included."""
        return len(self.slots) + len(self.closed)

    def slot_orders(self) -> tuple[tuple[tuple[str, ...], ...], ...]:
        """The ways the week's services may be dealt to its visits, ``slots`` first.

        Services less frequent than the visits ride along on evenly spread visits (``week_demand``).
        For a flexible programme the visit the spread starts from is the planner's choice: the same
        spread turned round the week, so that a long ride-along (cleaning once a week) need not fall on
        every client's first visit, which most patterns put on Monday. A programme with fixed days keeps
        its order: its services are tied to those days."""
        if self.fixed or len(self.slots) < 2:
            return (self.slots,)
        orders: list[tuple[tuple[str, ...], ...]] = []
        for turn in range(len(self.slots)):
            order = self.slots[turn:] + self.slots[:turn]
            if order not in orders:
                orders.append(order)
        return tuple(orders)


def _spread(times: int, slots: int) -> list[int]:
    """Which of ``slots`` visits carry an item wanted ``times`` a week: evenly, first visit first."""
    return sorted({int(i * slots / times + 0.5) % slots for i in range(times)})


def _level(times: int, minutes: list[int], norm: int) -> list[int]:
    """Which visits carry an item wanted ``times`` a week when the visits already hold ``minutes``: the
    even spread (``_spread``) turned round the week to where it levels the visits' lengths most, the
    longest visit first, then the next (heijunka): cleaning and laundry once a week each go on two
    different visits rather than one of two and a half hours that no morning holds. Ties keep the
    spread that starts on the first visit."""
    n = len(minutes)
    base = _spread(times, n)

    def after(turn: int) -> list[int]:
        placed = {(k + turn) % n for k in base}
        return sorted((m + (norm if k in placed else 0) for k, m in enumerate(minutes)), reverse=True)

    best = min(range(n), key=lambda turn: (after(turn), turn))
    return sorted((k + best) % n for k in base)


def cyclic_gaps(days: tuple[int, ...]) -> list[int]:
    """Days between consecutive visits, the last one to next week's first included."""
    return [b - a for a, b in itertools.pairwise(days)] + [7 - days[-1] + days[0]]


def day_patterns(n: int, open_days: tuple[int, ...], *, min_gap: int | None = None) -> list[tuple[int, ...]]:
    """Every choice of ``n`` weekdays out of ``open_days`` that keeps ``min_gap`` (by default the spacing
    rule for ``n`` visits a week), most even first."""
    if n > len(open_days):
        return []
    gap = MIN_GAP_DAYS.get(n, 1) if min_gap is None else min_gap
    found = [c for c in itertools.combinations(open_days, n) if n < 2 or min(cyclic_gaps(c)) >= gap]
    return sorted(found, key=lambda c: (max(cyclic_gaps(c)) - min(cyclic_gaps(c)), c))


def spaced_patterns(n: int, open_days: tuple[int, ...], *, min_gap: int | None = None) -> list[tuple[int, ...]]:
    """The patterns of ``n`` visits a week on ``open_days``; when none keeps the spacing (a holiday on
    Wednesday leaves no three of Mon, Tue, Thu, Fri two days apart; a client at home Mon and Fri only),
    those of the largest number of visits that still keep the spacing of ``n`` a week.

    Spacing is never given up to make a visit more: a visit the week cannot hold spaced is listed as
    unassigned with the reason, so the planner (a person) decides, rather than two visits on consecutive
    days appearing in the plan. The result is empty only when no day is open at all. ``min_gap`` is the
    spacing when it is not the rule for ``n`` (re-planning the rest of a week keeps the whole week's)."""
    gap = MIN_GAP_DAYS.get(n, 1) if min_gap is None else min_gap
    for k in range(min(n, len(open_days)), 0, -1):
        found = day_patterns(k, open_days, min_gap=gap)
        if found:
            return found
    return []


#: (service, times this week, fixed weekdays or ()) for one programme item due in the week.
_Wanted = tuple[str, int, tuple[int, ...]]
#: A visit the week cannot make: (date, services, reason).
_Closed = tuple[dt.date, tuple[str, ...], str]


def week_demand(problem: Problem, week_start: dt.date) -> tuple[ClientWeek, ...]:
    """What each client is owed in the week starting ``week_start`` (a Monday), and on which days it may
    be done.

    The number of visits follows the most frequent service; less frequent ones ride along on evenly
    spread visits. A weekly item with fixed days is due on those days. A monthly item with fixed days is
    due on the first ``times`` of its weekdays in the month; without, its ``times`` are spread evenly
    over the month's first four weeks (8 a month: twice a week). Items with fixed days pin those days;
    visits beyond them go on the open days that keep the spacing best. A fixed day that is a holiday or
    a day the client is away cannot be moved by the planner: it comes back in ``closed`` with the reason.
    So does a flexible visit the open days cannot hold with the required spacing (``spaced_patterns``):
    the week keeps as many spaced visits as fit, the ones carrying most services.
    """
    if week_start.weekday() != 0:
        msg = f"a planning week starts on a Monday; {week_start} is a {week_start.strftime('%A')}"
        raise ValueError(msg)
    dates = [week_start + dt.timedelta(days=d) for d in range(7)]
    by_client: dict[str, list[ProgrammeItem]] = {}
    for item in problem.programmes:
        by_client.setdefault(item.client_id, []).append(item)
    out = []
    for client in problem.clients:
        wanted = _wanted(by_client.get(client.id, []), dates)
        if not wanted:
            continue
        fixed_days = sorted({d for _, _, days in wanted for d in days})
        n = max([times for _, times, _ in wanted] + [len(fixed_days)])
        open_days = tuple(d for d in range(7) if problem.open_day(client.id, dates[d]))
        week_days = _fixed_week_days(n, fixed_days, open_days)
        slot_services = _deal_services(problem, wanted, n, week_days)
        if week_days is not None:
            patterns, slot_services, closed = _keep_fixed(
                problem, client.id, dates, week_days, open_days, slot_services
            )
        else:
            patterns, slot_services, closed = _keep_spaced(problem, client.id, dates, n, open_days, slot_services)
        out.append(
            ClientWeek(
                client_id=client.id,
                department=client.department,
                worker_id=client.worker_id,
                slots=tuple(slot_services),
                patterns=tuple(patterns),
                fixed=week_days is not None,
                closed=tuple(closed),
                fixed_dates=tuple(dates[d] for d in fixed_days),
            )
        )
    return tuple(out)


def _wanted(items: list[ProgrammeItem], dates: list[dt.date]) -> list[_Wanted]:
    """Every item of a client's programme due in the week, with its count and fixed weekdays: weekly
    items always, monthly ones with fixed days on the weekdays due this month (``is_due``), flexible
    monthly ones by their share of the month (``monthly_count``)."""
    wanted: list[_Wanted] = []
    for item in items:
        if item.per == "week":
            wanted.append((item.service_code, item.times, item.days))
        elif item.days:
            due = tuple(d for d in item.days if is_due(item, dates[d]))
            if due:
                wanted.append((item.service_code, len(due), due))
        else:
            count = monthly_count(item.times, dates[0])
            if count:
                wanted.append((item.service_code, count, ()))
    return wanted


def _fixed_week_days(n: int, fixed_days: list[int], open_days: tuple[int, ...]) -> tuple[int, ...] | None:
    """The week's days of a client with fixed days (``None``: no fixed day, the planner chooses): the
    fixed days plus the open days that keep the spacing best for the other visits; when the open days
    cannot hold those, the first free ones, so the visits they cannot hold are reported, not dropped."""
    if not fixed_days:
        return None
    extra = n - len(fixed_days)
    free = [d for d in open_days if d not in fixed_days]
    options = [tuple(sorted(fixed_days + list(c))) for c in itertools.combinations(free, extra)]
    spaced = [c for c in options if n < 2 or min(cyclic_gaps(c)) >= MIN_GAP_DAYS.get(n, 1)]
    ranked = sorted(spaced or options, key=lambda c: (max(cyclic_gaps(c)) - min(cyclic_gaps(c)), c))
    if ranked:
        return ranked[0]
    # not enough open days besides the fixed ones
    return tuple(sorted(set(fixed_days) | set(free[: max(0, n - len(fixed_days))])))


def _deal_services(
    problem: Problem, wanted: list[_Wanted], n: int, week_days: tuple[int, ...] | None
) -> list[tuple[str, ...]]:
    """The services of each of the ``n`` visits, in catalogue order. Items tied to days go on those
    days first, then the most frequent and longest: each flexible one levels the visits' lengths."""
    order = {s.code: i for i, s in enumerate(problem.services)}
    norm = {s.code: s.norm_min for s in problem.services}
    slots: list[list[str]] = [[] for _ in range(n)]
    minutes = [0] * n
    for code, times, days in sorted(
        wanted, key=lambda w: (not (w[2] and week_days is not None), -w[1], -norm[w[0]], w[0])
    ):
        if days and week_days is not None:
            positions = [week_days.index(d) for d in days if d in week_days]
        else:
            positions = _level(min(times, n), minutes, norm[code])
        for k in positions:
            slots[k].append(code)
            minutes[k] += norm[code]
    return [tuple(sorted(set(s), key=order.__getitem__)) for s in slots]


def _keep_fixed(
    problem: Problem,
    client_id: str,
    dates: list[dt.date],
    week_days: tuple[int, ...],
    open_days: tuple[int, ...],
    slot_services: list[tuple[str, ...]],
) -> tuple[list[tuple[dt.date, ...]], list[tuple[str, ...]], list[_Closed]]:
    """The one pattern of a client with fixed days, the services of the visits it keeps, and the visits
    it cannot keep with the reason: the planner may not move a fixed day that is closed."""
    closed: list[_Closed] = []
    kept_slots, kept_days = [], []
    for k, services in enumerate(slot_services):
        if k >= len(week_days):  # more visits than days the client is at home
            closed.append(
                (
                    dates[week_days[-1]] if week_days else dates[0],
                    services,
                    "not enough days at home this week for every visit",
                )
            )
            continue
        d = week_days[k]
        if d in open_days:
            kept_slots.append(services)
            kept_days.append(d)
        else:
            why = reasons.closed_day(problem, client_id, dates[d])
            closed.append((dates[d], services, f"the fixed day is closed: {why}"))
    patterns = [tuple(dates[d] for d in kept_days)] if kept_days else []
    return patterns, kept_slots, closed


def _keep_spaced(
    problem: Problem,
    client_id: str,
    dates: list[dt.date],
    n: int,
    open_days: tuple[int, ...],
    slot_services: list[tuple[str, ...]],
) -> tuple[list[tuple[dt.date, ...]], list[tuple[str, ...]], list[_Closed]]:
    """The spaced patterns of a flexible client, the services of the visits they hold, and the visits
    they cannot hold with the reason: those carrying most services are made, the others listed."""
    closed: list[_Closed] = []
    spaced = spaced_patterns(n, open_days)
    patterns = [tuple(dates[d] for d in days) for days in spaced]
    made = len(spaced[0]) if spaced else 0
    if made < n:
        keep = sorted(sorted(range(n), key=lambda k: (-len(slot_services[k]), k))[:made])
        why = _why_fewer(problem, client_id, dates, n, made)
        closed += [(dates[0], slot_services[k], why) for k in range(n) if k not in keep]
        slot_services = [slot_services[k] for k in keep]
    return patterns, slot_services, closed


def _why_fewer(problem: Problem, client_id: str, dates: list[dt.date], n: int, made: int) -> str:
    """Why a flexible client gets only ``made`` of ``n`` visits: the days at home, less any holiday."""
    client = problem.client(client_id)
    holidays = [h for h in problem.holidays if h.date in dates and client.available.on(h.date)]
    closed = "".join(f"; {reasons.holiday_on(h)}" for h in holidays)
    closed += "".join(
        f"; {reasons.client_away(a)}"
        for a in problem.client_absences
        if a.client_id == client_id and any(map(a.covers, dates))
    )
    if not made:
        return reasons.no_day_at_home(closed)
    return reasons.fewer_visits(made, n, "this week", MIN_GAP_DAYS.get(n, 1) if n >= 2 else 1, closed)


def monthly_count(times: int, week_start: dt.date) -> int:
    """Visits a flexible monthly item asks for in the week: ``times`` spread over the month's first four
    weeks (by the day of the month the week starts on), e.g. 2 a month in the 2nd and 4th week."""
    week = (week_start.day - 1) // 7
    if week >= 4:
        return 0
    return (times * (week + 1)) // 4 - (times * week) // 4


def make_visit(
    problem: Problem,
    client_id: str,
    day: dt.date,
    services: tuple[str, ...],
    *,
    worker_id: str | None,
    substitute_for: str | None = None,
) -> Visit:
    """A visit with its duration from the norms, the client's hours that day and the skills it needs."""
    client = problem.client(client_id)
    return Visit(
        id=f"{day.isoformat()}/{client_id}",
        client_id=client_id,
        date=day,
        services=services,
        duration_s=visit_duration_s(problem.service(c) for c in services),
        windows=problem.at_home(client_id, day),
        skills=problem.skills_needed(services),
        worker_id=worker_id,
        department=client.department,
        substitute_for=substitute_for,
    )

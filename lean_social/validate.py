"""An independent check of a plan against the problem: trust nothing the planner computed.

Every time is recomputed from the Problem (norms, windows, shifts, lunch) and the travel model; what is
due each day is worked out again from the programmes here, not taken from the planner's demand code.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from lean_social.domain.errands import ERRAND_STOP_S, errands_of
from lean_social.domain.model import Client, ErrandPlace, Problem, TimeWindow, Worker
from lean_social.domain.timefmt import WEEKDAYS, format_hhmm
from lean_social.record import DayPlanRecord, ReplanRecord
from lean_social.schedule import Route, Schedule, Stop, Unassigned
from lean_social.travel import GeodesicTravel, TravelModel
from lean_social.travel.base import IntMatrix

__all__ = ["Violation", "due_services", "validate"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Violation:
    """One broken rule, in words a planner can act on; ``rule`` is a stable key for tests and filters."""

    rule: str
    message: str
    worker_id: str = ""
    client_id: str = ""
    date: dt.date | None = None

    def __str__(self) -> str:
        return f"[{self.rule}] {self.message}"


def due_services(problem: Problem, client_id: str, day: dt.date) -> set[str]:
    """Services due on ``day``; a monthly item is due on the first ``times`` such weekdays."""
    codes = set()
    for item in problem.programmes:
        if item.client_id != client_id or day.weekday() not in item.days:
            continue
        if item.per == "week" or (day.day + 6) // 7 <= item.times:
            codes.add(item.service_code)
    return codes


def _t(seconds: int) -> str:
    return format_hhmm(seconds)


def validate(
    schedule: Schedule,
    problem: Problem,
    *,
    travel: TravelModel | None = None,
    days: Iterable[dt.date] | None = None,
    departments: Sequence[str] | None = None,
    week_start: dt.date | None = None,
) -> list[Violation]:
    """Every violation found; an empty list means the plan keeps every rule checked here.

    ``days`` are the dates the plan claims to cover (default: every date it mentions); on those, each
    client due a visit must be either served or listed as unassigned with a reason. With ``week_start``
    the plan is a week plan: days are the planner's choice, so instead of day-by-day programme checks
    the week is checked for frequencies, spacing, fixed days and continuity with substitutes.
    """
    travel = travel or GeodesicTravel()
    out: list[Violation] = []
    planned = {route.worker_id for route in schedule.routes}
    seen_routes: set[tuple[str, dt.date]] = set()
    for route in schedule.routes:
        key = (route.worker_id, route.date)
        if key in seen_routes:
            out.append(
                Violation(
                    rule="duplicate-route",
                    worker_id=route.worker_id,
                    date=route.date,
                    message=f"worker {route.worker_id} has two routes on {route.date}",
                )
            )
        seen_routes.add(key)
        found = _check_route(route, problem, travel)
        if week_start is not None:  # judged for the whole week below
            found = [v for v in found if v.rule not in ("programme", "continuity")]
        else:
            found = _as_day_of_week(found, route, problem, planned)
        out.extend(found)
    if week_start is not None:
        out.extend(_check_week(schedule, problem, week_start, departments))
        return out
    if days is None:
        mentioned = {r.date for r in schedule.routes} | {u.date for u in schedule.unassigned}
        if isinstance(schedule.info, DayPlanRecord):
            mentioned.add(schedule.info.date)
        days = mentioned
    out.extend(_check_coverage(schedule, problem, sorted(set(days)), departments))
    out.extend(_check_days_of_choice(schedule, problem, sorted(set(days)), departments))
    return out


def _check_route(route: Route, problem: Problem, travel: TravelModel) -> list[Violation]:
    out: list[Violation] = []

    def bad(rule: str, message: str, client_id: str = "") -> None:
        out.append(
            Violation(rule=rule, message=message, worker_id=route.worker_id, client_id=client_id, date=route.date)
        )

    try:
        worker = problem.worker(route.worker_id)
    except KeyError:
        bad("unknown-worker", f"route of unknown worker {route.worker_id}")
        return out
    day = route.date
    for rule, message in _check_workday(problem, worker, day):
        bad(rule, message)
    shift = worker.shift_on(day)
    if shift is None or not route.stops:
        return out
    if worker.max_visits_per_day is not None and len(route.stops) > worker.max_visits_per_day:
        bad(
            "max-visits",
            f"{worker.id} has {len(route.stops)} visits on {day}, more than the maximum of {worker.max_visits_per_day}",
        )
    clients: list[Client] = []
    for stop in route.stops:
        try:
            clients.append(problem.client(stop.client_id))
        except KeyError:
            bad("unknown-client", f"stop at unknown client {stop.client_id}", stop.client_id)
            return out
    known = {p.id: p for p in problem.places}
    passed = sorted({e.place_id for s in route.stops for e in s.errands if e.place_id in known})
    places = [worker.start, *(c.location for c in clients), *(known[p].location for p in passed)]
    matrix = travel.matrices(places, worker.mode).duration_s
    errand_at = {p: len(clients) + 1 + i for i, p in enumerate(passed)}
    if route.departure < shift.start:
        bad(
            "shift",
            f"{worker.id} leaves at {_t(route.departure)}, before the shift starts at {_t(shift.start)}",
        )
    lunch_due = worker.lunch is not None and _lunch_possible(worker, shift.start, shift.end)
    if route.lunch is None and lunch_due:
        bad("lunch", f"{worker.id} has no lunch break on {day}")
    if route.lunch is not None:
        out.extend(_check_lunch(route, worker))
    out.extend(_check_timings(route, problem, worker, shift, clients, matrix, errand_at))
    return out


def _check_workday(problem: Problem, worker: Worker, day: dt.date) -> list[tuple[str, str]]:
    """Whether the worker may work that day at all: not on a public holiday, not while absent, and only
    on a day of their shift pattern. Each is reported on its own, so the planner sees every cause."""
    out: list[tuple[str, str]] = []
    holiday = problem.holiday(day)
    if holiday is not None:
        out.append(("holiday", f"{worker.id} works on the public holiday {day} {holiday.name}".rstrip()))
    absence = problem.absence(worker.id, day)
    if absence is not None:
        out.append(("absence", f"{worker.id} is absent on {day} ({absence.reason}) but has a route"))
    if worker.shift_on(day) is None:
        out.append(("shift", f"{worker.id} has no shift on {WEEKDAYS[day.weekday()]} {day} but has a route"))
    return out


def _check_timings(
    route: Route,
    problem: Problem,
    worker: Worker,
    shift: TimeWindow,
    clients: Sequence[Client],
    matrix: IntMatrix,
    errand_at: Mapping[str, int],
) -> list[Violation]:
    """The route's times recomputed leg by leg from the travel model: each stop's travel (through its
    errands' places), arrival and start after the previous visit's end, its errands (``_check_errands``),
    the visit itself (``_check_visit``), then the way back and the end of the day against the shift."""
    out: list[Violation] = []
    day = route.date

    def bad(rule: str, message: str, client_id: str = "") -> None:
        out.append(
            Violation(rule=rule, message=message, worker_id=route.worker_id, client_id=client_id, date=route.date)
        )

    prev_end, prev_place = route.departure, 0
    for i, (stop, client) in enumerate(zip(route.stops, clients, strict=True)):
        who = f"visit to {client.id} by {worker.id} on {day}"
        points = [prev_place, *(errand_at.get(e.place_id, -1) for e in stop.errands), i + 1]
        legs = [int(matrix[a, b]) if a >= 0 and b >= 0 else 0 for a, b in itertools.pairwise(points)]
        leg = sum(legs)
        if stop.travel_s != leg:
            bad("travel", f"{who}: travel reported {stop.travel_s} s, recomputed {leg} s", client.id)
        for message in _check_errands(problem, route, stop, prev_end, legs, who):
            bad("errand", message, client.id)
        expected = _arrival(route, i, prev_end, leg + stop.errand_s)
        if stop.arrival != expected:
            bad("arrival", f"{who}: arrival {_t(stop.arrival)} but recomputed {_t(expected)}", client.id)
        if stop.start < max(stop.arrival, expected):
            bad("start", f"{who}: starts at {_t(stop.start)} before arriving at {_t(expected)}", client.id)
        if stop.start < prev_end:
            bad(
                "overlap",
                f"{who}: starts at {_t(stop.start)} before the previous visit ends at {_t(prev_end)}",
                client.id,
            )
        for rule, message in _check_visit(problem, stop, client, worker, day, who):
            bad(rule, message, client.id)
        prev_end, prev_place = stop.end, i + 1
    back = int(matrix[prev_place, 0])
    if route.return_travel_s != back:
        bad(
            "travel",
            f"{worker.id} on {day}: return travel reported {route.return_travel_s} s, recomputed {back} s",
        )
    expected_back = _arrival(route, len(route.stops), prev_end, back)
    if route.return_arrival != expected_back:
        bad(
            "arrival",
            f"{worker.id} on {day}: back at {_t(route.return_arrival)}, recomputed {_t(expected_back)}",
        )
    finish = max(expected_back, route.lunch.end if route.lunch else 0)
    if finish > shift.end:
        bad("shift", f"{worker.id} on {day} finishes at {_t(finish)}, after the shift ends at {_t(shift.end)}")
    return out


def _check_errands(
    problem: Problem, route: Route, stop: Stop, prev_end: int, legs: Sequence[int], who: str
) -> list[str]:
    """A stop at a place of each kind the visit's services need on the way (``domain.errands``), none
    of a kind it does not, each at a known place of that kind for its kind's time, none during the
    lunch, and each leg (previous place -> places -> client) at least as long as the travel model
    says, less any lunch taken on it."""
    out: list[str] = []
    try:
        needed = errands_of(problem, stop.services)
    except KeyError:
        return out  # an unknown service is reported by _check_visit
    run = [e.kind for e in stop.errands]
    for wanted in needed:
        if wanted not in run:
            out.append(f"{who}: the visit has a {wanted} errand but passes by no {wanted} on the way")
    for kind in sorted(set(run)):
        if kind not in needed:
            out.append(f"{who}: stops at a {kind} though the visit has no {kind} errand")
        elif run.count(kind) > 1:
            out.append(f"{who}: stops at {run.count(kind)} places of kind {kind}, one is enough")
    places: dict[str, ErrandPlace] = {p.id: p for p in problem.places}
    lunch = (route.lunch.start, route.lunch.end) if route.lunch is not None else None
    cursor = prev_end
    for errand, leg in zip(stop.errands, legs, strict=False):
        at = f"{who}: {errand.kind} {errand.place_id}"
        place = places.get(errand.place_id)
        if place is None:
            out.append(f"{at} is not a place of the data")
        elif place.kind != errand.kind:
            out.append(f"{at} is a {place.kind}, not a {errand.kind}")
        want = ERRAND_STOP_S.get(errand.kind)
        if want is not None and errand.stop_s != want:
            out.append(f"{at} lasts {errand.stop_s // 60} min, not {want // 60}")
        if lunch is not None and errand.arrival < lunch[1] and lunch[0] < errand.departure:
            out.append(f"{at} {_t(errand.arrival)}-{_t(errand.departure)} falls during the lunch break")
        if errand.arrival - cursor - _overlap(lunch, cursor, errand.arrival) < leg:
            out.append(f"{at}: reached at {_t(errand.arrival)}, but the way there takes {leg // 60} min")
        cursor = errand.departure
    last = legs[-1] if stop.errands and len(legs) == len(stop.errands) + 1 else 0
    if stop.errands and stop.arrival - cursor - _overlap(lunch, cursor, stop.arrival) < last:
        out.append(f"{who}: arrives at {_t(stop.arrival)}, but the way from the last errand takes longer")
    return out


def _overlap(span: tuple[int, int] | None, start: int, end: int) -> int:
    if span is None:
        return 0
    return max(0, min(span[1], end) - max(span[0], start))


def _lunch_possible(worker: Worker, shift_start: int, shift_end: int) -> bool:
    assert worker.lunch is not None
    earliest = max(worker.lunch.window.start, shift_start)
    latest = min(worker.lunch.latest_start, shift_end - worker.lunch.duration_min * 60)
    return earliest <= latest


def _arrival(route: Route, position: int, prev_end: int, leg: int) -> int:
    """Arrival after leaving at ``prev_end``; a lunch in this gap may be taken on the way."""
    lunch = route.lunch
    if lunch is None or lunch.after != position:
        return prev_end + leg
    if position == len(route.stops) and lunch.start >= prev_end + leg:
        return prev_end + leg  # back at the start place, lunch taken there
    return max(prev_end + leg + (lunch.end - lunch.start), lunch.end)


def _check_lunch(route: Route, worker: Worker) -> list[Violation]:
    assert route.lunch is not None
    out = []
    lunch, who = route.lunch, f"lunch of {worker.id} on {route.date}"

    def bad(message: str) -> None:
        out.append(Violation(rule="lunch", message=message, worker_id=worker.id, date=route.date))

    if worker.lunch is None:
        bad(f"{who}: the worker has no lunch break in the data")
        return out
    if lunch.end - lunch.start != worker.lunch.duration_min * 60:
        bad(f"{who} lasts {(lunch.end - lunch.start) // 60} min, not {worker.lunch.duration_min}")
    if lunch.start < worker.lunch.window.start or lunch.end > worker.lunch.window.end:
        bad(f"{who} {_t(lunch.start)}-{_t(lunch.end)} is outside its window {worker.lunch.window}")
    if not 0 <= lunch.after <= len(route.stops):
        bad(f"{who} is placed after stop {lunch.after} of {len(route.stops)}")
        return out
    before = route.stops[lunch.after - 1].end if lunch.after > 0 else route.departure
    if lunch.start < before:
        bad(f"{who} starts at {_t(lunch.start)}, before the previous visit ends at {_t(before)}")
    if lunch.after < len(route.stops) and lunch.end > route.stops[lunch.after].start:
        bad(f"{who} ends at {_t(lunch.end)}, after the next visit starts")
    return out


def _check_visit(
    problem: Problem, stop: Stop, client: Client, worker: Worker, day: dt.date, who: str
) -> list[tuple[str, str]]:
    """Duration from norms, client window, skills, assignment, department and programme of one visit."""
    out: list[tuple[str, str]] = []
    try:
        services = [problem.service(code) for code in stop.services]
    except KeyError:
        return [("unknown-service", f"{who}: unknown service in {'+'.join(stop.services)}")]
    norm = 60 * sum(s.norm_min for s in services)
    if stop.end - stop.start != norm:
        out.append(
            (
                "duration",
                f"{who} lasts {(stop.end - stop.start) // 60} min, but the norms of "
                f"{'+'.join(stop.services)} add up to {norm // 60} min",
            )
        )
    windows = problem.at_home(client.id, day)
    if not any(w.start <= stop.start and max(stop.end, stop.start + norm) <= w.end for w in windows):
        away = problem.client_away(client.id, day)
        shown = f"none: away {away.start}..{away.end}" if away else ", ".join(str(w) for w in windows) or "none"
        out.append(
            (
                "window",
                f"{who} at {_t(stop.start)}-{_t(stop.end)} is outside the client's hours at home ({shown})",
            )
        )
    shift = worker.shift_on(day)
    if shift is not None and not (shift.start <= stop.start and stop.end <= shift.end):
        out.append(("shift", f"{who} at {_t(stop.start)}-{_t(stop.end)} is outside the shift {shift}"))
    missing = sorted({s.skill for s in services if s.skill} - worker.skills)
    if missing:
        out.append(("skill", f"{who}: {worker.id} lacks skill {', '.join(missing)}"))
    if client.worker_id is not None and client.worker_id != worker.id:
        out.append(("continuity", f"{who}: client is assigned to {client.worker_id}"))
    if client.department != worker.department:
        out.append(("department", f"{who}: client of department {client.department}, worker of {worker.department}"))
    due = due_services(problem, client.id, day)
    if set(stop.services) != due:
        out.append(
            (
                "programme",
                f"{who} carries {'+'.join(sorted(stop.services))}, but the programme asks "
                f"for {'+'.join(sorted(due)) or 'nothing'} that day",
            )
        )
    return out


def _check_coverage(
    schedule: Schedule, problem: Problem, days: Sequence[dt.date], departments: Sequence[str] | None
) -> list[Violation]:
    """Each due visit is served exactly once or listed as unassigned with a reason, never both."""
    out: list[Violation] = []
    served: dict[tuple[str, dt.date], int] = {}
    for route, stop in schedule.stops:
        served[(stop.client_id, route.date)] = served.get((stop.client_id, route.date), 0) + 1
    listed: dict[tuple[str, dt.date], str] = {}
    for item in schedule.unassigned:
        key = (item.client_id, item.date)
        if key in listed and not _chooses_days(_week_owed(problem, item.client_id, item.date)):
            out.append(
                Violation(
                    rule="coverage",
                    client_id=item.client_id,
                    date=item.date,
                    message=f"client {item.client_id} is listed unassigned twice on {item.date}",
                )
            )
        listed[key] = item.reason
    out.extend(_without_reason(schedule.unassigned))
    wanted = set(departments) if departments is not None else None
    for day in days:
        for client in problem.clients:
            if wanted is not None and client.department not in wanted:
                continue
            if _chooses_days(_week_owed(problem, client.id, day)):
                continue  # some of its days are the planner's choice: _check_days_of_choice
            key = (client.id, day)
            is_due = bool(due_services(problem, client.id, day))
            count = served.get(key, 0)
            message = ""
            if count > 1:
                message = f"client {client.id} is visited {count} times on {day}"
            elif count and key in listed:
                message = f"client {client.id} is both visited and listed unassigned on {day}"
            elif is_due and not count and key not in listed:
                message = f"client {client.id} is due a visit on {day} that is neither planned nor listed"
            elif not is_due and (count or key in listed):
                message = f"client {client.id} has no service due on {day} but appears in the plan"
            if message:
                out.append(Violation(rule="coverage", client_id=client.id, date=day, message=message))
    return out


def _week_owed(problem: Problem, client_id: str, day: dt.date) -> _Owed:
    """The client's week, the one containing ``day``, as the programme alone asks for it."""
    return _visits_owed(problem, client_id, day - dt.timedelta(days=day.weekday()))


def _chooses_days(owed: _Owed) -> bool:
    """Some of the week's visits fall on days of the planner's choice: more visits than fixed days."""
    return owed.visits > len(owed.fixed)


def _every_open_day(problem: Problem, client_id: str, owed: _Owed, week_start: dt.date) -> list[dt.date]:
    """The days a client is at home this week that are no public holiday, when the programme asks for a
    visit on every one of them, else none.

    That is so when the visits not tied to a closed fixed day (a holiday, a day away: such a visit is
    lost, not moved) are at least as many as those days, and the days keep the least gap between
    visits or some days are fixed (fixed days are kept whatever their spacing): a planner cannot leave
    any of them out without making fewer visits than the week allows."""
    holidays = {h.date for h in problem.holidays}
    week = [week_start + dt.timedelta(days=d) for d in range(7)]
    open_days = [d for d in week if d not in holidays and problem.at_home(client_id, d)]
    closed_fixed = owed.fixed - {d.weekday() for d in open_days}
    if not open_days or owed.visits - len(closed_fixed) < len(open_days):
        return []
    if owed.fixed or len(open_days) < 2:
        return open_days
    days = [d.weekday() for d in open_days]
    gaps = [b - a for a, b in itertools.pairwise(days)] + [7 - days[-1] + days[0]]
    return open_days if min(gaps) >= _MIN_GAP.get(owed.visits, 0) else []


def _check_days_of_choice(
    schedule: Schedule, problem: Problem, days: Sequence[dt.date], departments: Sequence[str] | None
) -> list[Violation]:
    """Day-plan coverage of a client some of whose visits fall on days of the planner's choice.

    Such a client may or may not be visited on a given day, so a day plan alone cannot be held to the
    week's count; it is held to what no choice of days escapes: at most one visit a day, no more visits
    made and listed on a day than the week owes, a fixed day's visit made or listed, and, when the
    programme asks for a visit on every day the client is at home (``_every_open_day``, groceries five
    times a week), a visit made or listed on each of those days."""
    out: list[Violation] = []
    served: dict[tuple[str, dt.date], int] = {}
    for route, stop in schedule.stops:
        served[(stop.client_id, route.date)] = served.get((stop.client_id, route.date), 0) + 1
    listed: dict[tuple[str, dt.date], int] = {}
    for item in schedule.unassigned:
        listed[(item.client_id, item.date)] = listed.get((item.client_id, item.date), 0) + 1
    wanted = set(departments) if departments is not None else None
    for day in days:
        week_start = day - dt.timedelta(days=day.weekday())
        for client in problem.clients:
            if wanted is not None and client.department not in wanted:
                continue
            owed = _visits_owed(problem, client.id, week_start)
            if not _chooses_days(owed):
                continue
            count, unmade = served.get((client.id, day), 0), listed.get((client.id, day), 0)
            message = ""
            if count > 1:
                message = f"client {client.id} is visited {count} times on {day}"
            elif count + unmade > owed.visits:
                message = (
                    f"client {client.id} has {count} visits made and {unmade} listed on {day}, more than the "
                    f"{owed.visits} its programme asks for in the week"
                )
            elif not count and not unmade and due_services(problem, client.id, day):
                message = f"client {client.id} is due a visit on {day} that is neither planned nor listed"
            elif not count and not unmade and day in _every_open_day(problem, client.id, owed, week_start):
                message = (
                    f"client {client.id} is owed {owed.visits} visits in the week of {week_start}, one on every "
                    f"day at home, but {WEEKDAYS[day.weekday()]} {day} has neither a visit nor an unassigned line"
                )
            if message:
                out.append(Violation(rule="coverage", client_id=client.id, date=day, message=message))
    return out


def _as_day_of_week(
    found: list[Violation], route: Route, problem: Problem, planned: Collection[str]
) -> list[Violation]:
    """A day plan is the day of a week plan: a visit may carry services the programme leaves to the
    planner's choice of days (a weekly cleaning riding on Tuesday's groceries), and be made by a
    substitute for a worker away that day. For those visits the day rules of ``_check_visit``
    (services exactly those due that day, only the assigned worker) give way to these: every service
    fixed on the day is carried, any other is one without fixed days; a stand-in's mark is true."""
    replaced: set[tuple[str, str]] = set()
    extra: list[Violation] = []
    for stop in route.stops:
        owed = _week_owed(problem, stop.client_id, route.date)
        if owed.flexible_services:
            replaced.add(("programme", stop.client_id))
            due = due_services(problem, stop.client_id, route.date)
            carried = set(stop.services)
            if not carried or not due <= carried or not carried - due <= owed.flexible_services:
                message = (
                    f"visit to {stop.client_id} by {route.worker_id} on {route.date} carries "
                    f"{'+'.join(sorted(carried)) or 'nothing'}, but the programme asks for "
                    f"{'+'.join(sorted(due)) or 'nothing'} that day and leaves only "
                    f"{'+'.join(sorted(owed.flexible_services))} to days of choice"
                )
                extra.append(
                    Violation(
                        rule="programme",
                        message=message,
                        worker_id=route.worker_id,
                        client_id=stop.client_id,
                        date=route.date,
                    )
                )
        if stop.substitute_for is not None:
            replaced.add(("continuity", stop.client_id))
            extra.extend(_check_stand_in(problem, route.worker_id, route.date, stop, planned))
    return [v for v in found if (v.rule, v.client_id) not in replaced] + extra


def _without_reason(unassigned: Iterable[Unassigned]) -> list[Violation]:
    """An unassigned visit must say why: the planner acts on the reason, not on the bare fact."""
    return [
        Violation(
            rule="reason",
            client_id=item.client_id,
            date=item.date,
            message=f"unassigned visit to {item.client_id} on {item.date} has no reason",
        )
        for item in unassigned
        if not item.reason.strip()
    ]


#: Least days between consecutive visits around the week, restated here from the programme rules.
_MIN_GAP = {2: 2, 3: 2}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Owed:
    """A client's week as the programme alone asks for it."""

    visits: int
    services: dict[str, int]  # service → visits carrying it
    fixed_services: dict[str, set[int]]  # service → the weekdays it is fixed on this week
    flexible_services: set[str]  # services (also) due on days of the planner's choice

    @property
    def fixed(self) -> set[int]:
        return {d for days in self.fixed_services.values() for d in days}


def _visits_owed(problem: Problem, client_id: str, week_start: dt.date) -> _Owed:
    """Visits in the week, how many times each service, and on which weekdays, from the programme alone."""
    counts: dict[str, int] = {}
    fixed: dict[str, set[int]] = {}
    flexible: set[str] = set()
    most = 0
    for item in problem.programmes:
        if item.client_id != client_id:
            continue
        if item.per == "week":
            times = item.times
            due = list(item.days)
        elif item.days:  # the first `times` of its weekdays in the month
            dates = [week_start + dt.timedelta(days=d) for d in range(7)]
            due = [d.weekday() for d in dates if d.weekday() in item.days and (d.day + 6) // 7 <= item.times]
            times = len(due)
        else:  # `times` a month over the first four weeks, evenly: week w gets floor(t(w+1)/4) - floor(tw/4)
            week = (week_start.day - 1) // 7
            times = 0 if week >= 4 else item.times * (week + 1) // 4 - item.times * week // 4
            due = []
        if times:
            counts[item.service_code] = counts.get(item.service_code, 0) + times
            most = max(most, times)
            if due:
                fixed.setdefault(item.service_code, set()).update(due)
            else:
                flexible.add(item.service_code)
    fixed_days = {d for days in fixed.values() for d in days}
    return _Owed(visits=max(most, len(fixed_days)), services=counts, fixed_services=fixed, flexible_services=flexible)


def _check_fixed_services(
    client: Client,
    owed: _Owed,
    visits: list[tuple[dt.date, str, tuple[str, ...]]],
    listed: list[tuple[dt.date, tuple[str, ...]]],
    closed: set[int],
) -> list[str]:
    """A service with fixed days is carried on those weekdays: by the visit that day, or by the visit
    listed unassigned that day (a closed day may go unlisted there, the count is checked elsewhere). It
    rides on no visit of another weekday, unless the programme also asks for it on days of choice."""
    out = []
    carried = {d.weekday(): set(services) for d, _, services in visits}
    for d, services in listed:
        carried.setdefault(d.weekday(), set()).update(services)
    for code, days in sorted(owed.fixed_services.items()):
        missing = sorted(d for d in days - closed if code not in carried.get(d, set()))
        if missing:
            out.append(
                f"client {client.id}'s {code} is fixed on {', '.join(WEEKDAYS[d] for d in missing)}, "
                "but no visit that day carries it"
            )
        if code in owed.flexible_services:
            continue
        off = sorted(d for d, _, services in visits if code in services and d.weekday() not in days)
        if off:
            out.append(
                f"client {client.id} gets {code} on {', '.join(map(str, off))}, off its fixed days "
                f"{', '.join(WEEKDAYS[d] for d in sorted(days))}"
            )
    return out


def _check_week(
    schedule: Schedule, problem: Problem, week_start: dt.date, departments: Sequence[str] | None
) -> list[Violation]:
    """Per client: visits made plus listed add up to the programme's; fixed days and the services fixed
    on them are kept; one worker (and one substitute); flexible visits keep the least gap around the week.

    The gap is never relaxed, however few days a week leaves open (a holiday, a client at home on two
    days): the best possible plan then makes the largest number of visits that keep the gap and lists
    the others as unassigned with the reason, so two visits closer than the gap are always a violation.
    """
    out: list[Violation] = []
    week = {week_start + dt.timedelta(days=d) for d in range(7)}
    # A re-planned week keeps its days before ``from`` as published: who made those visits was right
    # by the data of then (a client since moved to another worker, say), so continuity and stand-in
    # marks are judged from the re-planned days on; visit counts, days and spacing still over the week.
    since = schedule.info.from_date if isinstance(schedule.info, ReplanRecord) else week_start
    served: dict[str, list[tuple[dt.date, str, tuple[str, ...]]]] = {}
    planned = {route.worker_id for route in schedule.routes}
    for route, stop in schedule.stops:
        if route.date in week:
            served.setdefault(stop.client_id, []).append((route.date, route.worker_id, stop.services))
            if route.date >= since:
                out.extend(_check_stand_in(problem, route.worker_id, route.date, stop, planned))
    listed: dict[str, list[tuple[dt.date, tuple[str, ...]]]] = {}
    in_week = [item for item in schedule.unassigned if item.date in week]
    for item in in_week:
        listed.setdefault(item.client_id, []).append((item.date, item.services))
    out.extend(_without_reason(in_week))
    wanted = set(departments) if departments is not None else None
    for client in problem.clients:
        if wanted is not None and client.department not in wanted:
            continue
        visits = served.get(client.id, [])
        out.extend(_check_client_week(problem, client, week_start, visits, listed.get(client.id, [])))
        out.extend(_check_continuity(problem, client, [v for v in visits if v[0] >= since]))
    return out


def _check_client_week(
    problem: Problem,
    client: Client,
    week_start: dt.date,
    visits: list[tuple[dt.date, str, tuple[str, ...]]],
    unlisted: list[tuple[dt.date, tuple[str, ...]]],
) -> list[Violation]:
    """One client's week against the programme alone (``_check_week`` says which rules): ``visits`` are
    the visits made (date, worker, services), ``unlisted`` those listed unassigned (date, services)."""
    out: list[Violation] = []
    week = {week_start + dt.timedelta(days=d) for d in range(7)}
    programme = _visits_owed(problem, client.id, week_start)
    owed, services, fixed = programme.visits, programme.services, programme.fixed

    def bad(rule: str, message: str) -> None:
        out.append(Violation(rule=rule, client_id=client.id, message=message))

    planned = len(visits) + len(unlisted)
    if planned != owed:
        bad(
            "frequency",
            f"client {client.id} is owed {owed} visits in the week of {week_start}, "
            f"the plan has {len(visits)} made and {len(unlisted)} unassigned",
        )
    carried: dict[str, int] = {}
    for entry in [v[2] for v in visits] + [services for _, services in unlisted]:
        for code in entry:
            carried[code] = carried.get(code, 0) + 1
    if carried != services:
        bad("frequency", f"client {client.id} is owed {services} service visits this week, the plan has {carried}")
    dates = sorted(d for d, _, _ in visits)
    if len(set(dates)) != len(dates):
        bad("coverage", f"client {client.id} is visited twice on one day")
    holidays = {h.date for h in problem.holidays}
    closed = {
        d.weekday() for d in week if d.weekday() in fixed and (d in holidays or not problem.at_home(client.id, d))
    }
    unmet = fixed - closed - {d.weekday() for d in dates} - {d.weekday() for d, _ in unlisted}
    if unmet:
        bad(
            "fixed-days",
            f"client {client.id} has no visit on the fixed days {', '.join(WEEKDAYS[d] for d in sorted(unmet))}",
        )
    if len(fixed) >= owed and sum(1 for d in dates if d.weekday() not in fixed) > len(closed):
        # with as many fixed days as visits, a visit may leave its fixed day only for a closed one
        bad(
            "fixed-days",
            f"client {client.id} is visited on {', '.join(map(str, dates))}, off the fixed days "
            f"{', '.join(WEEKDAYS[d] for d in sorted(fixed))}",
        )
    for message in _check_fixed_services(client, programme, visits, unlisted, closed):
        bad("fixed-days", message)
    gap = _MIN_GAP.get(owed, 0)
    if not fixed and gap and len(dates) >= 2:
        days = [d.weekday() for d in dates]  # restated, not imported from demand: an independent check
        gaps = [b - a for a, b in itertools.pairwise(days)] + [7 - days[-1] + days[0]]
        if min(gaps) < gap:
            bad(
                "spacing",
                f"client {client.id}'s visits on {', '.join(map(str, dates))} are less than {gap} days apart",
            )
    return out


def _on_duty(problem: Problem, worker_id: str, day: dt.date) -> bool:
    known = {w.id for w in problem.workers}
    return (
        worker_id in known
        and problem.absence(worker_id, day) is None
        and problem.worker(worker_id).shift_on(day) is not None
    )


def _check_stand_in(
    problem: Problem, worker_id: str, day: dt.date, stop: Stop, planned: Collection[str]
) -> list[Violation]:
    """A visit marked as made for another worker (``substitute_for``): next week's plan and re-planning
    take that worker as the client's own, so the mark must be true: someone else, away that day, the
    assigned worker if the client has one, and a worker the data knows or one with a route in this plan
    (a published plan's worker who has since left, whose own routes the route check reports)."""
    marked = stop.substitute_for
    if marked is None:
        return []
    try:
        assigned = problem.client(stop.client_id).worker_id
    except KeyError:  # reported by the route check
        assigned = None
    wrong = ""
    if marked == worker_id:
        wrong = f"{worker_id} is marked as standing in for themself"
    elif marked not in planned and marked not in {w.id for w in problem.workers}:
        wrong = f"it is marked as made for {marked}, who is no worker of the data or of the plan"
    elif assigned is not None and marked != assigned:
        wrong = f"it is marked as made for {marked}, but the client's worker is {assigned}"
    elif _on_duty(problem, marked, day):
        wrong = f"it is marked as made for {marked}, who is on duty that day"
    if not wrong:
        return []
    message = f"visit to {stop.client_id} on {day} by {worker_id}: {wrong}"
    return [Violation(rule="continuity", client_id=stop.client_id, worker_id=worker_id, date=day, message=message)]


def _check_continuity(
    problem: Problem, client: Client, visits: list[tuple[dt.date, str, tuple[str, ...]]]
) -> list[Violation]:
    """One worker per client; another only on days that worker is off duty, and then always the same one.
    The client's own worker is the assigned one, or, if none is assigned, one of those who visit such that
    the rule holds."""
    if not visits:
        return []
    workers = sorted({w for _, w, _ in visits})
    candidates = [client.worker_id] if client.worker_id is not None else workers
    for own in candidates:
        stand_ins = {w for d, w, _ in visits if w != own}
        if all(not _on_duty(problem, own, d) for d, w, _ in visits if w != own) and len(stand_ins) <= 1:
            return []
    own_text = f"the assigned worker {client.worker_id}" if client.worker_id else "one worker"
    return [
        Violation(
            rule="continuity",
            client_id=client.id,
            message=f"client {client.id} is visited by {', '.join(workers)} in one week; {own_text} "
            "should make every visit, one substitute only on days that worker is away",
        )
    ]

"""The work-day photo's arithmetic (фотография рабочего дня): how an observed worker-day splits into
service, travel, waiting, lunch and other work, and the lean wastes it shows.

A time study records visits (``ObservedVisit``: who, whom, when it began and ended, what was done), not
the walks between them nor the lunch. The rest of the day is inferred, by rules stated here once:

- **service**: the recorded spans; a span that overlaps the one before counts from that one's end, so
  that no minute is counted twice (an observer's slip, not two places at once);
- **travel**: between two visits, the leg the planner's travel model expects, but never more than the
  gap (a worker quicker than the model, or next-door clients: the whole gap was the walk); the way from
  the start place to the first visit and back from the last, as the planner counts them, in full;
- **lunch**: the worker's lunch as the plan gives it (the shift less ``Worker.minutes_after_lunch``),
  taken in the idle gap that overlaps the lunch window most, as far as that gap holds it; what does not
  fit is taken outside the recorded visits, from the rest of the day;
- **waiting**: the gaps between visits beyond the walk and that lunch;
- **other work**: the rest of the shift (paperwork, the office, time before the first walk and after
  the way back), as ``outputs.kpi`` counts a plan's day; time past the shift is overtime.

The wastes, each in ``WASTES`` and each a function below whose docstring says why and how it is measured:
waiting, walking (transport), rework and over-processing. Pure: the caller brings the legs' times from
the travel model and what the plan holds, as numbers (the domain imports no travel model and no plan).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from lean_social.domain.model import Problem, Worker
from lean_social.domain.norms import visit_duration_min
from lean_social.domain.observed import ObservedVisit

__all__ = [
    "OVER_TOLERANCE_MIN",
    "OVER_TOLERANCE_SHARE",
    "WASTES",
    "DayParts",
    "ObservedDay",
    "Waste",
    "WasteCategory",
    "WasteKind",
    "day_parts",
    "over_processing",
    "plan_order",
    "rework",
    "walking",
]

WasteCategory = Literal["waiting", "walking", "rework", "over_processing"]
#: The lean wastes a photo reports, in the order its tables show them.
WASTES: tuple[WasteCategory, ...] = ("waiting", "walking", "rework", "over_processing")
#: What a waste event is: waiting "idle" (beyond the walk and lunch) or "early" (before the client's door
#: opens); walking "order" (the route's order against the plan's); rework "repeat_visit" or
#: "repeat_service"; over-processing "over_norm".
WasteKind = Literal["idle", "early", "order", "repeat_visit", "repeat_service", "over_norm"]

#: A visit is over-processed when its span exceeds the norm sum of its services by more than the larger
#: of these: 5 minutes (an observer writes clock minutes, and a door takes time to answer) and 15 % of the
#: norm (the lognormal spread of a service's time, about 10 %, with room to spare).
OVER_TOLERANCE_MIN = 5.0
OVER_TOLERANCE_SHARE = 0.15


@dataclass(frozen=True, slots=True, kw_only=True)
class Waste:
    """One wasteful event: whose, when, which waste and what kind of it, the client it concerns ("" for
    a day's walking, which belongs to the route), and its minutes."""

    worker_id: str
    date: dt.date
    category: WasteCategory
    kind: WasteKind
    client_id: str
    minutes: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservedDay:
    """A worker's observed visits of one day, in order of their start, with the legs the planner's travel
    model expects between the places: ``legs_s[0]`` from the worker's start place to the first client,
    ``legs_s[i]`` from visit ``i - 1`` to visit ``i``, ``legs_s[-1]`` back to the start place
    (``legs_m`` likewise in metres)."""

    worker: Worker
    date: dt.date
    visits: tuple[ObservedVisit, ...]
    legs_s: tuple[int, ...]
    legs_m: tuple[int, ...]

    def __post_init__(self) -> None:
        if not self.visits:
            msg = f"an observed day of worker {self.worker.id} on {self.date} needs at least one visit"
            raise ValueError(msg)
        strays = [v for v in self.visits if v.worker_id != self.worker.id or v.date != self.date]
        if strays:
            stray = strays[0]
            msg = f"observed day of {self.worker.id} on {self.date} holds a visit of {stray.worker_id} on {stray.date}"
            raise ValueError(msg)
        if list(self.visits) != sorted(self.visits, key=lambda v: (v.start_s, v.end_s)):
            msg = f"visits of {self.worker.id} on {self.date} are not in order of their start"
            raise ValueError(msg)
        for name, legs in (("legs_s", self.legs_s), ("legs_m", self.legs_m)):
            if len(legs) != len(self.visits) + 1 or any(leg < 0 for leg in legs):
                want = len(self.visits) + 1
                msg = f"{name} of {self.worker.id} on {self.date}: {want} legs, none below 0, expected; got {legs}"
                raise ValueError(msg)


@dataclass(frozen=True, slots=True, kw_only=True)
class DayParts:
    """Seconds of an observed worker-day by the rules of this module's docstring; ``waits`` are its
    waiting, gap by gap, as waste events. ``shift_s`` and ``lunch_s`` are the worker's for the day (0 on a
    day without a shift: then all the observed work is past the shift)."""

    shift_s: int
    service_s: int
    travel_s: int
    waiting_s: int
    lunch_s: int
    travel_m: int
    waits: tuple[Waste, ...]

    @property
    def other_s(self) -> int:
        """The rest of the shift; negative when the day ran past it."""
        return self.shift_s - self.service_s - self.travel_s - self.waiting_s - self.lunch_s


@dataclass(frozen=True, slots=True)
class _Gap:
    client_id: str
    idle_from: int
    start: int


def day_parts(day: ObservedDay, problem: Problem) -> DayParts:
    """Split ``day`` into service, travel, waiting and lunch, and its waiting into waste events.

    **Waiting** is waste because the worker is paid and the client gets nothing: it is the gaps between
    visits beyond the expected walk and the lunch. The part of it when the client was not available
    (outside every window of ``Client.available`` that day: the worker came before the door opens) is an
    "early" arrival, a fault of the order or of the times agreed; the rest is "idle". Time before the
    first walk and after the way back is other work, not waiting, as in a plan."""
    worker = day.worker
    shift = worker.shift_on(day.date)
    shift_s = shift.length if shift else 0
    lunch_s = round(60 * (shift_s / 60 - worker.minutes_after_lunch(day.date))) if shift else 0
    service = 0
    travel = day.legs_s[0] + day.legs_s[-1]
    gaps: list[_Gap] = []
    ready: int | None = None
    for i, visit in enumerate(day.visits):
        start = visit.start_s if ready is None else max(visit.start_s, ready)
        end = max(visit.end_s, start)
        service += end - start
        if ready is not None:
            walk = min(day.legs_s[i], start - ready)
            travel += walk
            gaps.append(_Gap(client_id=visit.client_id, idle_from=ready + walk, start=start))
        ready = end
    lunch_gap = _lunch_gap(gaps, worker) if lunch_s else None
    waits: list[Waste] = []
    waiting = 0
    for gap in gaps:
        idle_from = gap.idle_from
        if gap is lunch_gap:
            idle_from = min(gap.start, idle_from + lunch_s)
        if gap.start <= idle_from:
            continue
        closed = (gap.start - idle_from) - _open_s(problem, gap.client_id, day.date, idle_from, gap.start)
        parts: tuple[tuple[WasteKind, int], ...] = (("early", closed), ("idle", gap.start - idle_from - closed))
        waits += [_waste(day, "waiting", kind, gap.client_id, s / 60) for kind, s in parts if s > 0]
        waiting += gap.start - idle_from
    return DayParts(
        shift_s=shift_s,
        service_s=service,
        travel_s=travel,
        waiting_s=waiting,
        lunch_s=lunch_s,
        travel_m=sum(day.legs_m),
        waits=tuple(waits),
    )


def _lunch_gap(gaps: Sequence[_Gap], worker: Worker) -> _Gap | None:
    """The idle gap that overlaps the lunch window most (the earliest of equals), or None if none does."""
    if worker.lunch is None:
        return None
    window = worker.lunch.window
    best, best_overlap = None, 0
    for gap in gaps:
        overlap = min(gap.start, window.end) - max(gap.idle_from, window.start)
        if overlap > best_overlap:
            best, best_overlap = gap, overlap
    return best


def _open_s(problem: Problem, client_id: str, day: dt.date, start: int, end: int) -> int:
    """Seconds of ``start``..``end`` inside the client's availability windows that day."""
    windows = problem.client(client_id).available.on(day)
    return sum(max(0, min(end, w.end) - max(start, w.start)) for w in windows)


def _waste(day: ObservedDay, category: WasteCategory, kind: WasteKind, client_id: str, minutes: float) -> Waste:
    return Waste(
        worker_id=day.worker.id, date=day.date, category=category, kind=kind, client_id=client_id, minutes=minutes
    )


def plan_order(visits: Sequence[ObservedVisit], planned_start: Mapping[str, int]) -> tuple[int, ...]:
    """Positions in ``visits`` in the order the plan has their clients that day (by the planned start of
    each client's visit, whoever the plan gave it to); a client the plan does not have that day keeps its
    observed start as its place in the order."""
    return tuple(
        sorted(range(len(visits)), key=lambda i: (planned_start.get(visits[i].client_id, visits[i].start_s), i))
    )


def walking(day: ObservedDay, plan_legs_s: Sequence[int]) -> Waste | None:
    """**Walking** (transport) waste of ``day``: the travel of the observed order above the travel of the
    same places in the plan's order (``plan_order``, legs from the same travel model, from and back to the
    same start place), when it is above.

    Both routes are timed by the same model, so the difference is the order's fault alone (a route that
    doubles back, a client visited out of the planned sequence or taken from another worker's round), not
    the model's error or the worker's pace; a worker who found a shorter order than the plan wastes
    nothing, and saves nothing here either (that is the plan's waste, which a planner reads in the plan
    against plan comparison, not in the photo)."""
    extra = sum(day.legs_s) - sum(plan_legs_s)
    if extra <= 0:
        return None
    return _waste(day, "walking", "order", "", extra / 60)


def rework(
    visits: Sequence[ObservedVisit],
    problem: Problem,
    *,
    planned_visits: Mapping[tuple[str, dt.date], int],
    planned_services: Mapping[tuple[str, dt.date, str], int],
) -> tuple[tuple[Waste, ...], frozenset[int]]:
    """**Rework**: time spent doing again what was done. Two kinds, on the same client and day:

    - "repeat_visit": a visit to a client beyond the number the plan holds for them that day (one where
      the plan holds none, or for a day it does not cover); its whole span is rework, as the first visit
      was meant to do the work (a forgotten purchase, a return for the keys);
    - "repeat_service": a service recorded again for a client that day, beyond the times the plan has it
      (one at least), in a visit that is not itself a repeat; its norm minutes are rework, as a visit's
      span is not recorded service by service and the norm is what the plan gives the service.

    Visits are taken in order of their start, whoever made them. Returns the events and the positions in
    ``visits`` of the repeat visits (which ``over_processing`` leaves out: their time is rework already)."""
    order = sorted(range(len(visits)), key=lambda i: (visits[i].date, visits[i].start_s, visits[i].worker_id, i))
    seen_visits: dict[tuple[str, dt.date], int] = {}
    seen_services: dict[tuple[str, dt.date, str], int] = {}
    out: list[Waste] = []
    repeats: set[int] = set()
    for i in order:
        visit = visits[i]
        key = (visit.client_id, visit.date)
        seen_visits[key] = seen_visits.get(key, 0) + 1
        if seen_visits[key] > max(1, planned_visits.get(key, 0)):
            repeats.add(i)
            out.append(_event(visit, "rework", "repeat_visit", visit.minutes))
            continue
        for code in visit.services:
            done = (visit.client_id, visit.date, code)
            seen_services[done] = seen_services.get(done, 0) + 1
            if seen_services[done] > max(1, planned_services.get(done, 0)):
                out.append(_event(visit, "rework", "repeat_service", float(problem.service(code).norm_min)))
    return tuple(out), frozenset(repeats)


def over_processing(
    visits: Sequence[ObservedVisit], problem: Problem, *, leave_out: frozenset[int] = frozenset()
) -> tuple[Waste, ...]:
    """**Over-processing**: a visit recorded longer than the norm sum of its services
    (``norms.visit_duration_min``) by more than the tolerance (``OVER_TOLERANCE_MIN`` or
    ``OVER_TOLERANCE_SHARE`` of the norm, the larger); its minutes are the whole excess over the norm, as
    the norm is the standard the plan holds the worker to, and the tolerance only keeps ordinary variation
    out. ``leave_out``: positions in ``visits`` of the visits counted as rework already.

    A norm that is too low for everyone shows here as over-processing in every visit with that service;
    ``lean-social norms`` (the calibration) tells a wrong norm from a slow visit."""
    out: list[Waste] = []
    for i, visit in enumerate(visits):
        if i in leave_out:
            continue
        norm = float(visit_duration_min(problem.service(code) for code in visit.services))
        excess = visit.minutes - norm
        if excess > max(OVER_TOLERANCE_MIN, OVER_TOLERANCE_SHARE * norm):
            out.append(_event(visit, "over_processing", "over_norm", excess))
    return tuple(out)


def _event(visit: ObservedVisit, category: WasteCategory, kind: WasteKind, minutes: float) -> Waste:
    return Waste(
        worker_id=visit.worker_id,
        date=visit.date,
        category=category,
        kind=kind,
        client_id=visit.client_id,
        minutes=minutes,
    )

"""A route as the outputs list it: its visits numbered 1..n and the lunch in its place, with clock times.

The workbook's day sheets and the workers' calendars both walk a route this way, and both must agree with
the route sheet and the map on the visit number (the visit's place among the route's visits, lunch not
counted), so the walk is written once, here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from lean_social.domain.model import Client, Problem
from lean_social.schedule import LunchBreak, Route, Stop

__all__ = ["Entry", "clock", "entries", "known_client"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """A visit (``stop``) with its number, or the lunch break (``stop`` and ``number`` None), in the
    route's order; ``start`` and ``end`` are seconds since midnight of the route's date."""

    number: int | None
    stop: Stop | None
    start: int
    end: int


def entries(route: Route) -> Iterator[Entry]:
    """The route's visits numbered 1..n and its lunch after ``lunch.after`` visits."""
    lunch = route.lunch
    for i, stop in enumerate(route.stops):
        if lunch is not None and lunch.after == i:
            yield _lunch(lunch)
        yield Entry(number=i + 1, stop=stop, start=stop.start, end=stop.end)
    if lunch is not None and lunch.after >= len(route.stops):
        yield _lunch(lunch)


def _lunch(lunch: LunchBreak) -> Entry:
    return Entry(number=None, stop=None, start=lunch.start, end=lunch.end)


def clock(day: dt.date, seconds: int, tz: dt.tzinfo | None = None) -> dt.datetime:
    """The wall-clock moment ``seconds`` after midnight of ``day`` (past midnight it is the next day's)."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz) + dt.timedelta(seconds=seconds)


def known_client(problem: Problem, client_id: str) -> Client | None:
    """The client, or None for one the problem no longer has (a published plan's, re-planned)."""
    try:
        return problem.client(client_id)
    except KeyError:
        return None

"""Which days a night plans, and the weeks they belong to.

Tomorrow is planned as a day of its week: the night keeps each department's week plan current (planned
the first night of the week, re-planned from tomorrow on when the data changed) and hands out tomorrow's
part of it, so flexible programmes, continuity and spacing hold across the nights of a week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["NightPlan", "horizon_days"]


@dataclass(frozen=True, slots=True)
class NightPlan:
    """One week a night keeps current, and the days of it whose plans it hands out (none for a week
    planned ahead: its outputs are the week's own)."""

    week: dt.date
    days: tuple[dt.date, ...]
    #: The first day the night may change: days before it were handed out on earlier nights.
    from_date: dt.date


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def horizon_days(horizon: str | tuple[dt.date, ...], today: dt.date) -> list[NightPlan]:
    """The weeks and days ``horizon`` asks for, seen from ``today``: ``tomorrow`` is one day of its week,
    ``next-week`` the whole of next week, explicit dates grouped by their weeks."""
    if horizon == "tomorrow":
        tomorrow = today + dt.timedelta(days=1)
        return [NightPlan(week=_monday(tomorrow), days=(tomorrow,), from_date=tomorrow)]
    if horizon == "next-week":
        monday = _monday(today) + dt.timedelta(days=7)
        return [NightPlan(week=monday, days=(), from_date=monday)]
    if isinstance(horizon, str):
        msg = f"unknown horizon {horizon!r}"
        raise ValueError(msg)
    weeks: dict[dt.date, list[dt.date]] = {}
    for day in sorted(set(horizon)):
        weeks.setdefault(_monday(day), []).append(day)
    return [NightPlan(week=week, days=tuple(days), from_date=days[0]) for week, days in sorted(weeks.items())]

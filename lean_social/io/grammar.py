"""The small text grammars of the data folder: weekly patterns, day lists, lunch, id lists.

``mon-fri 09:00-18:00; sat 10:00-12:00`` — parts joined by ``;``, each a day spec and one or more windows
(``09:00-12:00,15:00-18:00``). Day specs join days or ranges with ``+`` (``mon+wed+fri``, ``mon-wed+sat``);
Russian abbreviations (``пн-пт``) are accepted because planners type them.
"""

from __future__ import annotations

import itertools

from lean_social.domain.model import Lunch, TimeWindow, WeeklyPattern
from lean_social.domain.timefmt import WEEKDAYS, parse_hhmm

__all__ = ["parse_days", "parse_list", "parse_lunch", "parse_weekly"]

_DAY_NAMES = {name: i for i, name in enumerate(WEEKDAYS)} | {
    name: i for i, name in enumerate(("пн", "вт", "ср", "чт", "пт", "сб", "вс"))
}


def _day(token: str) -> int:
    key = token.strip().lower()
    if key not in _DAY_NAMES:
        msg = f"unknown day {token.strip()!r} (use mon, tue, wed, thu, fri, sat, sun)"
        raise ValueError(msg)
    return _DAY_NAMES[key]


def parse_days(text: str) -> tuple[int, ...]:
    """``mon+thu`` or ``mon-fri`` → weekday numbers (Monday = 0), sorted, without repeats."""
    days: set[int] = set()
    for token in text.split("+"):
        if not token.strip():
            msg = f"empty day in {text!r}"
            raise ValueError(msg)
        if "-" in token:
            first, _, last = token.partition("-")
            a, b = _day(first), _day(last)
            if b < a:
                msg = f"day range {token.strip()!r} runs backwards"
                raise ValueError(msg)
            days.update(range(a, b + 1))
        else:
            days.add(_day(token))
    return tuple(sorted(days))


def _window(text: str) -> TimeWindow:
    first, sep, last = text.strip().partition("-")
    if not sep:
        msg = f"time window {text.strip()!r} must look like 09:00-18:00"
        raise ValueError(msg)
    start, end = parse_hhmm(first), parse_hhmm(last)
    if end <= start:
        msg = f"time window {text.strip()} ends before it starts"
        raise ValueError(msg)
    return TimeWindow(start=start, end=end)


def parse_weekly(text: str) -> WeeklyPattern:
    """A weekly pattern; windows of one day must not overlap."""
    if not text.strip():
        msg = "empty weekly pattern (expected e.g. 'mon-fri 09:00-18:00')"
        raise ValueError(msg)
    per_day: dict[int, list[TimeWindow]] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        day_spec, _, windows_text = part.strip().partition(" ")
        if not windows_text.strip():
            msg = f"part {part.strip()!r} needs days and a time window, e.g. 'mon-fri 09:00-18:00'"
            raise ValueError(msg)
        windows = [_window(w) for w in windows_text.replace(" ", "").split(",") if w]
        for day in parse_days(day_spec):
            per_day.setdefault(day, []).extend(windows)
    for day, windows in per_day.items():
        windows.sort(key=lambda w: w.start)
        for a, b in itertools.pairwise(windows):
            if b.start < a.end:
                msg = f"windows {a} and {b} on {WEEKDAYS[day]} overlap"
                raise ValueError(msg)
    return WeeklyPattern.from_mapping(per_day)


def parse_lunch(text: str) -> Lunch | None:
    """``12:00-14:00 45``: a 45-minute break inside that window; empty means no lunch break."""
    if not text.strip():
        return None
    window_text, _, minutes = text.strip().partition(" ")
    if not minutes.strip().isdigit():
        msg = f"lunch {text.strip()!r} must look like '12:00-14:00 45' (window, then minutes)"
        raise ValueError(msg)
    return Lunch(window=_window(window_text), duration_min=int(minutes))


def parse_list(text: str) -> tuple[str, ...]:
    """``nurse+driver`` → ('nurse', 'driver'); empty → ()."""
    return tuple(item.strip() for item in text.split("+") if item.strip())

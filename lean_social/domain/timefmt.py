"""The one place where clock text becomes integer seconds and back: the core never sees a string."""

from __future__ import annotations

import re

__all__ = ["DAY_SECONDS", "WEEKDAYS", "format_hhmm", "parse_hhmm"]

DAY_SECONDS = 24 * 3600
WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_HHMM = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_hhmm(text: str) -> int:
    """Seconds since midnight; ``24:00`` is allowed so that a window can end at midnight."""
    match = _HHMM.match(text)
    if match is None:
        msg = f"time must look like HH:MM, got {text!r}"
        raise ValueError(msg)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes >= 60 or hours > 24 or (hours == 24 and minutes > 0):
        msg = f"time {text!r} is not a clock time between 00:00 and 24:00"
        raise ValueError(msg)
    return hours * 3600 + minutes * 60


def format_hhmm(seconds: int) -> str:
    """Rounds down to the minute: a route sheet never shows a start later than the plan's."""
    minutes = seconds // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"

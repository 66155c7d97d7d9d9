"""A visit as a time study recorded it (хронометраж): who, whom, when it began and ended, what was done.

Observed visits are the evidence the norms are calibrated from (``domain.calibration``); they are read
from ``observed_visits.csv`` by ``io.observed``. Times are seconds since midnight, as everywhere else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lean_social.domain.timefmt import format_hhmm

__all__ = ["ObservedVisit"]


@dataclass(frozen=True, slots=True, kw_only=True)
class ObservedVisit:
    """One visit's recorded span; ``services`` are all the services done in it, since the span is the
    only time recorded and most visits bundle several services (which is why calibration is a fit)."""

    worker_id: str
    client_id: str
    date: dt.date
    start_s: int
    end_s: int
    services: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.services:
            msg = f"observed visit of {self.client_id} on {self.date} names no service"
            raise ValueError(msg)
        if self.end_s <= self.start_s:
            msg = (
                f"observed visit of {self.client_id} on {self.date} ends ({format_hhmm(self.end_s)}) "
                f"before it starts ({format_hhmm(self.start_s)})"
            )
            raise ValueError(msg)

    @property
    def minutes(self) -> float:
        """The recorded length: what the services together, plus the worker's own pace, took."""
        return (self.end_s - self.start_s) / 60

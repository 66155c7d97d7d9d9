"""Time norms: how long a visit takes, from the norms of the services it carries, and which set of norms
a plan uses.

Norms change: a regional decree sets new ones, a calibration from observed visits (``lean-social norms``)
proposes others. A set of norms is a ``NormVersion``: a name, the date it takes effect, where it comes
from, and the minutes it sets. The catalogue's own norms (``services.csv``'s ``norm_min``) are the first
version, ``BASE_NORMS``, in effect from the beginning; each later version (``norms.csv``) names only the
services it changes, and every service it does not name keeps its norm of the version before it (in
order of the dates they take effect, so no two versions share a date).

The rule, stated once here: **a plan uses one version of the norms for its whole week**, the one it is
asked for, else the latest to take effect on or before the week's Monday (``in_effect``). A plan of a
day uses the version of the day's week, as the day is planned as a day of its week. A re-plan keeps the
version its published plan was made with, since the days already handed out keep their durations.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lean_social.errors import LeanSocialError

if TYPE_CHECKING:
    from lean_social.domain.model import Service

__all__ = [
    "BASE_NORMS",
    "BASE_SOURCE",
    "MAX_NORM_MIN",
    "NormVersion",
    "UnknownNormsError",
    "base_version",
    "in_effect",
    "norms_of",
    "proposed_version",
    "visit_duration_min",
    "visit_duration_s",
    "week_monday",
]

#: A single service longer than a working day is a typo (minutes typed as seconds, say), not a norm.
MAX_NORM_MIN = 8 * 60
#: The name of the catalogue's own norms (``services.csv``), the version every other one changes.
BASE_NORMS = "base"
BASE_SOURCE = "services.csv"


def visit_duration_min(services: Iterable[Service]) -> int:
    """A visit lasts the sum of its services' norms: the norms already include the small talk."""
    return sum(service.norm_min for service in services)


def visit_duration_s(services: Iterable[Service]) -> int:
    return 60 * visit_duration_min(services)


class UnknownNormsError(LeanSocialError, ValueError):
    """A norms version asked for that the data does not have, or one a re-plan cannot use: an option's
    value, not a cell of a file, so the CLI answers it as a usage error (exit 2)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class NormVersion:
    """One set of norms: ``minutes`` holds the norms it sets, by service code, as ``(code, minutes)``
    pairs sorted by code (a tuple, so the version, and the Problem holding it, stay hashable);
    the services it does not name keep the norms of the version before it. The base version takes
    effect on ``dt.date.min``: from the beginning."""

    name: str
    effective: dt.date
    source: str
    minutes: tuple[tuple[str, int], ...]

    def __post_init__(self) -> None:
        if not self.name.strip():
            msg = "a norms version needs a name"
            raise ValueError(msg)
        codes = [code for code, _ in self.minutes]
        if len(set(codes)) != len(codes):
            msg = f"norms version {self.name} sets a service's norm twice"
            raise ValueError(msg)
        for code, minutes in self.minutes:
            if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 < minutes <= MAX_NORM_MIN:
                msg = f"norm of service {code} in version {self.name} must be 1..{MAX_NORM_MIN} minutes, got {minutes}"
                raise ValueError(msg)
        object.__setattr__(self, "minutes", tuple(sorted(self.minutes)))

    @classmethod
    def of(cls, name: str, effective: dt.date, source: str, minutes: Mapping[str, int]) -> NormVersion:
        return cls(name=name, effective=effective, source=source, minutes=tuple(minutes.items()))

    @property
    def norms(self) -> dict[str, int]:
        """The minutes this version sets, by service code."""
        return dict(self.minutes)

    @property
    def is_base(self) -> bool:
        return self.effective == dt.date.min

    def as_dict(self) -> dict[str, object]:
        """For ``run.json``: which norms the plan used, and where they come from."""
        return {
            "version": self.name,
            "effective": None if self.is_base else self.effective.isoformat(),
            "source": self.source,
        }

    def __str__(self) -> str:
        since = "from the beginning" if self.is_base else f"from {self.effective.isoformat()}"
        return f"{self.name} ({self.source}, {since})"


def base_version(services: Iterable[Service]) -> NormVersion:
    """The catalogue's norms as the version every other one changes."""
    return NormVersion(
        name=BASE_NORMS,
        effective=dt.date.min,
        source=BASE_SOURCE,
        minutes=tuple((s.code, s.norm_min) for s in services),
    )


def week_monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def in_effect(versions: Sequence[NormVersion], day: dt.date) -> NormVersion:
    """The version a plan of the week of ``day`` uses unless it is asked for another: the latest to take
    effect on or before that week's Monday. A version that takes effect mid-week starts with the next
    week, so that a week is never planned with two sets of norms."""
    monday = week_monday(day)
    started = [v for v in versions if v.effective <= monday]
    if not started:
        msg = f"no norms version in effect in the week of {monday} (the base version takes effect first)"
        raise ValueError(msg)
    return max(started, key=lambda v: v.effective)


def norms_of(versions: Sequence[NormVersion], name: str) -> dict[str, int]:
    """Every service's norm under version ``name``: the versions up to it, in order of the dates they
    take effect, each setting the norms it names. Raises UnknownNormsError naming the known versions."""
    chosen = next((v for v in versions if v.name == name), None)
    if chosen is None:
        known = "; ".join(str(v) for v in sorted(versions, key=lambda v: v.effective))
        msg = f"no norms version {name!r} in the data; its versions are {known}"
        raise UnknownNormsError(msg)
    norms: dict[str, int] = {}
    for version in sorted(versions, key=lambda v: v.effective):
        if version.effective > chosen.effective:
            break
        norms.update(version.minutes)
    return norms


def proposed_version(
    services: Iterable[Service], proposed: Mapping[str, int], *, observed_until: dt.date, source: str
) -> NormVersion:
    """A calibration's proposal as a version to drop into ``norms.csv``: the services whose proposed
    minutes differ from the catalogue's, named ``calibrated-<last day observed>`` and taking effect on
    the Monday after that day (the first week planned after the time study); a planner may move the
    date before dropping it in."""
    changed = {s.code: proposed[s.code] for s in services if proposed.get(s.code, s.norm_min) != s.norm_min}
    effective = week_monday(observed_until) + dt.timedelta(days=7)
    return NormVersion.of(f"calibrated-{observed_until.isoformat()}", effective, source, changed)

"""Room in a worker-day within the clients' hours, not only in the day as a whole.

A worker's day may have eight free hours and only two of them while its clients are at home: a visit
that needs a morning competes with every other morning visit of that worker-day, whatever the afternoon
holds. A visit fits wholly inside one of its client's windows and inside the shift, so for the visits of
one worker-day a plan can exist only if, for every stretch ``R`` of the day, the minutes of the visits
that cannot leave ``R`` fit in the minutes of ``R`` (less the part of lunch that cannot leave ``R``
either): Hall's condition for scheduling in windows. The *shortfall* of a worker-day is the largest
excess over all stretches, in minutes; zero does not promise a route (walks, order), but a shortfall
always costs a visit.

Stretches are every interval between two edges of the clients' hours cut to the shift, and each
client's windows taken together with each of those (09:00-12:00 and 15:00-18:00 compete with each
other and with whatever shares them, not with midday). A window shorter than the visit does not count
for it. Each visit asks for its norms plus the walk to it (``walk_min``, the planners pass
``capacity.TRAVEL_ALLOWANCE_MIN``): the walk happens inside the stretch too; the walk back to the start
place takes the same off the end of the shift. The week planners keep a ``Room`` per department and ask
``shortfall`` with and without a client: one question is one pass over a few dozen numbers, cheap
enough for the inner loop of a local search.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from lean_social.domain.model import Lunch, TimeWindow

__all__ = ["Room"]

K = TypeVar("K", bound=Hashable)
#: A client's hours on a day, as (start, end) seconds.
Hours = tuple[tuple[int, int], ...]
#: A stretch of the day: one interval, or the windows of one client taken together.
_Stretch = tuple[tuple[int, int], ...]


def _hours(windows: Iterable[TimeWindow]) -> Hours:
    return tuple((w.start, w.end) for w in windows)


@dataclass(frozen=True, slots=True)
class _Shape:
    """The stretches of a day with one working shift and lunch, and what each holds."""

    stretches: tuple[_Stretch, ...]
    holds: tuple[float, ...]


class Room(Generic[K]):
    """The minutes asked within each stretch of each worker-day, against what the stretch holds.

    ``days`` gives, per worker-day key, the shift and lunch (a key that is absent or has no shift
    holds nothing); ``windows`` are every client's hours that may be asked about, which fix the
    stretches. Keys are the caller's: (worker id, date) in the greedy choice, indices in the search.
    Each visit asks for its service minutes plus ``walk_min``, the walk to it; the walk back to the
    start place at the end of the day takes ``walk_min`` off the end of the shift."""

    def __init__(
        self,
        days: dict[K, tuple[TimeWindow | None, Lunch | None]],
        windows: Iterable[Sequence[TimeWindow]],
        *,
        walk_min: float,
    ) -> None:
        self._walk = walk_min
        self._days = {key: (_working(shift, walk_min), lunch) for key, (shift, lunch) in days.items()}
        self._kinds = {_hours(w) for w in windows if w}
        self._shapes: dict[tuple[tuple[int, int], Lunch | None], _Shape] = {}
        self._members: dict[tuple[tuple[int, int], Lunch | None, Hours, int], tuple[int, ...]] = {}
        #: Per worker-day and stretch of its shape: minutes of service asked less minutes held, and visits.
        self._tallies: dict[K, tuple[list[float], list[int]]] = {}

    def _shape(self, shift: tuple[int, int], lunch: Lunch | None) -> _Shape:
        """Stretches between the edges of the clients' hours cut to the shift, and each client's windows
        taken together with each of those: two windows with a gap compete with whatever shares them."""
        found = self._shapes.get((shift, lunch))
        if found is None:
            cut = {_cut(hours, shift) for hours in self._kinds} - {()}
            edges = sorted({edge for hours in cut for window in hours for edge in window})
            intervals = [((a, b),) for i, a in enumerate(edges) for b in edges[i + 1 :]]
            joined = {_merge(hours + extra) for hours in cut if len(hours) > 1 for extra in [(), *intervals]}
            stretches = tuple(intervals) + tuple(sorted(joined - set(intervals)))
            found = _Shape(stretches=stretches, holds=tuple(_holds(s, shift, lunch) for s in stretches))
            self._shapes[(shift, lunch)] = found
        return found

    def _within(self, shift: tuple[int, int], lunch: Lunch | None, hours: Hours, service_s: int) -> tuple[int, ...]:
        """The stretches a visit of ``service_s`` with these hours cannot leave on a day of this shift:
        it goes wholly inside one window, so a window (cut to the shift) shorter than it does not count."""
        key = (shift, lunch, hours, service_s)
        found = self._members.get(key)
        if found is None:
            pieces = [(a, b) for a, b in _cut(hours, shift) if b - a >= service_s]
            found = tuple(
                i
                for i, stretch in enumerate(self._shape(shift, lunch).stretches)
                if pieces and all(any(s <= a and b <= e for s, e in stretch) for a, b in pieces)
            )
            self._members[key] = found
        return found

    def _tally(
        self, key: K, tally: tuple[list[float], list[int]], windows: Sequence[TimeWindow], minutes: float
    ) -> None:
        shift, lunch = self._days[key]
        assert shift is not None
        over, count = tally
        sign = 1 if minutes >= 0 else -1
        for i in self._within(shift, lunch, _hours(windows), round(abs(minutes) * 60)):
            over[i] += minutes
            count[i] += sign

    def _start(self, key: K) -> tuple[list[float], list[int]] | None:
        tally = self._tallies.get(key)
        if tally is None:
            shift, lunch = self._days.get(key, (None, None))
            if shift is None:
                return None
            holds = self._shape(shift, lunch).holds
            tally = self._tallies[key] = ([-h for h in holds], [0] * len(holds))
        return tally

    def add(self, key: K, windows: Sequence[TimeWindow], minutes: float) -> None:
        """Count a visit of ``minutes`` of service in ``key``'s day; negative minutes take one out."""
        tally = self._start(key)
        if tally is not None:
            self._tally(key, tally, windows, minutes)

    def shortfall(
        self, key: K, change: Iterable[tuple[Sequence[TimeWindow], float]] = (), *, walk_min: float | None = None
    ) -> float:
        """Minutes by which the worst stretch of ``key``'s day is over, with the visits in ``change``
        (windows, service minutes; negative minutes take a visit out) counted as well. ``walk_min`` is
        the walk to each visit when the caller knows it better than the constructor's (a tour's legs)."""
        tally = self._start(key)
        if tally is None:
            return 0.0
        walk = self._walk if walk_min is None else walk_min
        change = list(change)
        if change:
            tally = (list(tally[0]), list(tally[1]))
            for windows, minutes in change:
                self._tally(key, tally, windows, minutes)
        over, count = tally
        worst = max((o + c * walk for o, c in zip(over, count, strict=True)), default=0.0)  # no stretch: none
        return max(0.0, worst)

    def tightest(self, key: K, windows: Sequence[TimeWindow], minutes: float) -> float:
        """With a visit of ``minutes`` added, minutes asked over held in the fullest stretch it cannot
        leave: negative while there is room, so of two days without shortfall it tells the roomier."""
        tally = self._start(key)
        shift, lunch = self._days.get(key, (None, None))
        if tally is None or shift is None:
            return 0.0
        over, count = tally
        within = self._within(shift, lunch, _hours(windows), round(minutes * 60))
        return max((over[i] + minutes + (count[i] + 1) * self._walk for i in within), default=0.0)


def _cut(hours: Hours, shift: tuple[int, int]) -> Hours:
    """The windows inside the working shift."""
    cut = ((max(a, shift[0]), min(b, shift[1])) for a, b in hours)
    return tuple((a, b) for a, b in cut if b > a)


def _merge(pieces: Iterable[tuple[int, int]]) -> _Stretch:
    out: list[tuple[int, int]] = []
    for a, b in sorted(pieces):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return tuple(out)


def _working(shift: TimeWindow | None, walk_min: float) -> tuple[int, int] | None:
    """The part of a shift visits can use: all of it but the walk back at the end."""
    if shift is None:
        return None
    end = shift.end - round(walk_min * 60)
    return (shift.start, end) if end > shift.start else None


def _holds(stretch: _Stretch, shift: tuple[int, int], lunch: Lunch | None) -> float:
    """Minutes of the shift inside the stretch, less the part of lunch that cannot be taken outside it."""
    inside = sum(max(0, min(e, shift[1]) - max(s, shift[0])) for s, e in stretch)
    if lunch is not None:
        low, high = max(lunch.window.start, shift[0]), min(lunch.window.end, shift[1])
        need = lunch.duration_min * 60
        if high - low >= need:  # a lunch that does not fit the shift is no lunch (``compile_day``)
            shared = sum(max(0, min(e, high) - max(s, low)) for s, e in stretch)
            inside -= max(0, need - (high - low - shared))
    return max(0, inside) / 60

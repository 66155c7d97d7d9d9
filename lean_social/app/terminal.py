"""What a person at the terminal sees of a run: a progress bar while it plans, a summary at the end.

On a terminal the bar rewrites one line (department-days routed of the total, elapsed, what is left);
into a file or a pipe (cron's mail, the nightly job's log) it writes plain lines, a few per run, never
carriage returns. Russian by default, like everything a planner reads.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from lean_social.domain.reasons import count_kinds
from lean_social.outputs.labels import DEFAULT_LANG, Lang, Words, number_text, word
from lean_social.outputs.reason_text import kind_text
from lean_social.schedule import Schedule

__all__ = ["TerminalProgress", "summary_lines", "travel_per_visit_min"]

_WORDS: Words = {
    "routing": ("маршруты", "routing"),
    "of": ("из", "of"),
    "department_days": ("отделение-дней", "department-days"),
    "night": ("ночь", "night"),
    "departments": ("отделений", "departments"),
    "elapsed": ("прошло", "elapsed"),
    "left": ("осталось около", "about"),
    "left_after": ("", " left"),
    "served": ("выполнено", "served"),
    "visits": ("посещений", "visits"),
    "travel": ("дорога", "travel"),
    "min_per_visit": ("мин на посещение", "min per visit"),
    "unassigned": ("не назначено", "unassigned"),
    "reasons_in": ("причины в unassigned.csv", "reasons in unassigned.csv"),
}

_BAR = 24
_PLAIN_STEPS = 4  # plain lines at 0 %, 25 %, 50 %, 75 % and 100 %


def _clock_text(seconds: float) -> str:
    whole = max(0, round(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


class TerminalProgress:
    """A ``planning.progress`` watcher that draws department-days routed of the total on ``stream``.

    ``time_limit`` is the run's budget: the run ends within it, so what is left is the budget less the
    time spent; a run on a count of work (``None``) extrapolates from the pace so far.
    """

    def __init__(
        self,
        stream: TextIO,
        *,
        time_limit: float | None,
        lang: Lang = DEFAULT_LANG,
        started: float | None = None,
        tty: bool | None = None,
        clock: Callable[[], float] = time.perf_counter,
        what: tuple[str, str] = ("routing", "department_days"),
    ) -> None:
        self.stream, self.time_limit, self.lang, self.clock = stream, time_limit, lang, clock
        self.title, self.unit = what  # keys of the words: what is done, of what units
        self.started = clock() if started is None else started
        self.tty = stream.isatty() if tty is None else tty
        self._open = False  # a bar line written without its newline yet
        self._step = -1  # the last plain step written

    def __call__(self, done: int, total: int) -> None:
        if total <= 0:
            return
        line = self._line(done, total)
        if self.tty:
            filled = _BAR * done // total
            self.stream.write(f"\r[{'#' * filled}{'.' * (_BAR - filled)}] {line}\x1b[K")
            self._open = done < total
            if not self._open:
                self.stream.write("\n")
        else:
            step = _PLAIN_STEPS * done // total
            if step == self._step:
                return
            self._step = step
            self.stream.write(line + "\n")
        self.stream.flush()

    def _line(self, done: int, total: int) -> str:
        elapsed = self.clock() - self.started
        if self.time_limit is not None:
            left: float | None = max(0.0, self.time_limit - elapsed)
        else:
            left = elapsed / done * (total - done) if done else None
        w = self._word
        text = f"{w(self.title)}: {done} {w('of')} {total} {w(self.unit)}, {w('elapsed')} {_clock_text(elapsed)}"
        if left is not None and done < total:
            text += f", {w('left')} {_clock_text(left)}{w('left_after')}"
        return text

    def _word(self, key: str) -> str:
        return word(key, self.lang, _WORDS)

    def close(self) -> None:
        """End a bar left open (a run that stopped early), so the next line starts on its own."""
        if self._open:
            self.stream.write("\n")
            self._open = False


def travel_per_visit_min(schedule: Schedule) -> float | None:
    """Minutes of travel per visit served (the way back to the start place included), the lean figure
    a planner compares weeks by; None for a plan that serves nothing."""
    visits = schedule.served
    if not visits:
        return None
    travel = sum(r.travel_s for r in schedule.routes)
    return round(travel / 60 / visits, 2)


def summary_lines(schedule: Schedule, lang: Lang = DEFAULT_LANG) -> list[str]:
    """What a run left over, for the end of every run on stderr: served, unassigned by kind of reason,
    travel per visit."""

    def w(key: str) -> str:
        return word(key, lang, _WORDS)

    served = schedule.served
    total = served + len(schedule.unassigned)
    per_visit = travel_per_visit_min(schedule)
    travel = number_text(per_visit, lang) if per_visit is not None else "-"
    lines = [f"{w('served')} {served} {w('of')} {total} {w('visits')}; {w('travel')} {travel} {w('min_per_visit')}"]
    if schedule.unassigned:
        counts = count_kinds(u.reason for u in schedule.unassigned)
        kinds = ", ".join(f"{n} {kind_text(kind, lang)}" for kind, n in counts.items())
        lines.append(f"{w('unassigned')} {len(schedule.unassigned)}: {kinds} ({w('reasons_in')})")
    return lines

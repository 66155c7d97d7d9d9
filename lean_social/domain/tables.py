"""A Problem as a notebook shows it: a one-line summary, a small HTML table, one DataFrame per input file.

The dataclass repr of the demo's Problem is 217,686 characters on one line, which buries a notebook;
a planner wants the counts, and the inputs as tables to sort and filter. The frames have the columns of
the input CSV files (``io.folder.FILES``; a test holds the two equal) and real types: dates as
datetime64, coordinates as floats, weekly hours and day lists in the files' own text grammar, so a
frame written back with ``to_csv`` is a data folder again. pandas is imported only when a frame is asked
for: the domain stays light to import.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from lean_social.domain.timefmt import WEEKDAYS, format_hhmm

if TYPE_CHECKING:
    import pandas as pd

    from lean_social.domain.model import Lunch, Problem, WeeklyPattern
    from lean_social.domain.norms import NormVersion

__all__ = ["INPUT_COLUMNS", "norm_rows", "problem_frames", "problem_html", "problem_repr"]

#: The words of the HTML summary, which a planner reads: Russian, as every output is by default.
_HTML_WORDS = {
    "title": "Задача планирования",
    "department": "Отделение",
    "workers": "Работники",
    "clients": "Получатели услуг",
    "programmes": "Строки программ",
    "total": "Всего",
    "services": "Услуг в каталоге",
    "absences": "Отсутствий работников",
    "holidays": "Праздничных дней",
    "client_absences": "Отсутствий получателей",
}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def problem_repr(problem: Problem) -> str:
    """``Problem(15 services, 300 clients, 30 workers in 3 departments, ...)``: what the problem is
    made of, short enough for a log line or a notebook cell."""
    parts = [
        _count(len(problem.services), "service"),
        _count(len(problem.clients), "client"),
        f"{_count(len(problem.workers), 'worker')} in {_count(len(problem.departments), 'department')}",
        _count(len(problem.programmes), "programme line"),
        _count(len(problem.absences), "absence"),
        _count(len(problem.holidays), "holiday"),
    ]
    if problem.client_absences:
        parts.append(_count(len(problem.client_absences), "client absence"))
    return f"Problem({', '.join(parts)})"


def problem_html(problem: Problem) -> str:
    """The summary as a small table, a row per department; every value escaped (names come from the
    planners' files), no script."""
    workers = Counter(w.department for w in problem.workers)
    clients = Counter(c.department for c in problem.clients)
    department_of = {c.id: c.department for c in problem.clients}
    lines = Counter(department_of[p.client_id] for p in problem.programmes)
    words = _HTML_WORDS
    head = _row("th", [words["department"], words["workers"], words["clients"], words["programmes"]])
    body = [_row("td", [d, workers[d], clients[d], lines[d]]) for d in problem.departments]
    total = _row("th", [words["total"], len(problem.workers), len(problem.clients), len(problem.programmes)])
    extra = [
        (words["services"], len(problem.services)),
        (words["absences"], len(problem.absences)),
        (words["holidays"], len(problem.holidays)),
        (words["client_absences"], len(problem.client_absences)),
    ]
    foot = "".join(f'<tr><td colspan="3">{_text(k)}</td><td>{_text(v)}</td></tr>' for k, v in extra)
    return (
        f"<table><caption>{_text(words['title'])}</caption><thead>{head}</thead>"
        f"<tbody>{''.join(body)}{total}{foot}</tbody></table>"
    )


def _text(value: object) -> str:
    return html.escape(str(value), quote=True)


def _row(cell: str, values: Iterable[object]) -> str:
    return "<tr>" + "".join(f"<{cell}>{_text(v)}</{cell}>" for v in values) + "</tr>"


def problem_frames(problem: Problem) -> dict[str, pd.DataFrame]:
    """One table per input, named as the files are without ``.csv``, with the files' columns in their
    order; an empty optional cell (no worker, no skill, no fixed days) is None, as pandas reads it."""
    import pandas as pd  # only here: a notebook asks for frames, the planners never do

    rows: dict[str, list[dict[str, object]]] = {
        "services": [
            {"code": s.code, "name": s.name, "norm_min": s.norm_min, "skill": s.skill, "errand": s.errand}
            for s in problem.services
        ],
        "clients": [
            {
                "id": c.id,
                "name": c.name,
                "address": c.address,
                "lat": c.location.lat,
                "lon": c.location.lon,
                "department": c.department,
                "available": weekly_text(c.available),
                "worker_id": c.worker_id,
                "notes": c.notes,
                "preferred_days": days_text(c.preferred_days) or None,
            }
            for c in problem.clients
        ],
        "programmes": [
            {
                "client_id": p.client_id,
                "service_code": p.service_code,
                "times": p.times,
                "per": p.per,
                "days": days_text(p.days) or None,
            }
            for p in problem.programmes
        ],
        "workers": [
            {
                "id": w.id,
                "name": w.name,
                "department": w.department,
                "start_lat": w.start.lat,
                "start_lon": w.start.lon,
                "shift": weekly_text(w.shift),
                "lunch": lunch_text(w.lunch),
                "skills": "+".join(sorted(w.skills)) or None,
                "mode": w.mode,
                "max_visits_per_day": w.max_visits_per_day,
            }
            for w in problem.workers
        ],
        "absences": [
            {"worker_id": a.worker_id, "from": a.start, "to": a.end, "reason": a.reason} for a in problem.absences
        ],
        "holidays": [{"date": h.date, "name": h.name} for h in problem.holidays],
        "client_absences": [
            {"client_id": a.client_id, "from": a.start, "to": a.end, "reason": a.reason}
            for a in problem.client_absences
        ],
        "norms": norm_rows(v for v in problem.norm_versions if not v.is_base),
        "places": [
            {"id": p.id, "name": p.name, "kind": p.kind, "lat": p.location.lat, "lon": p.location.lon}
            for p in problem.places
        ],
    }
    frames = {}
    for name, columns in INPUT_COLUMNS.items():
        table = pd.DataFrame(rows[name], columns=list(columns))
        frames[name] = table.astype({c: t for c, t in _TYPES.items() if c in table.columns})
    return frames


#: The columns of each input file, by its name without ``.csv``: stated here once, read by the data folder's
#: reader (``io.folder.FILES``) and by ``Problem.frames``.
INPUT_COLUMNS: dict[str, tuple[str, ...]] = {
    "services": ("code", "name", "norm_min", "skill", "errand"),
    "clients": (
        "id",
        "name",
        "address",
        "lat",
        "lon",
        "department",
        "available",
        "worker_id",
        "notes",
        "preferred_days",
    ),
    "programmes": ("client_id", "service_code", "times", "per", "days"),
    "workers": (
        "id",
        "name",
        "department",
        "start_lat",
        "start_lon",
        "shift",
        "lunch",
        "skills",
        "mode",
        "max_visits_per_day",
    ),
    "absences": ("worker_id", "from", "to", "reason"),
    "holidays": ("date", "name"),
    "client_absences": ("client_id", "from", "to", "reason"),
    # a version of the norms per set of rows (``domain.norms``): the norms it changes, from its date on
    "norms": ("version", "effective", "source", "code", "norm_min"),
    # shops, pharmacies and post offices for the visits' errands (``domain.errands``)
    "places": ("id", "name", "kind", "lat", "lon"),
}
#: Column → type, the same in every file that has the column; text columns stay objects (None for empty).
_TYPES = {
    "norm_min": "int64",
    "times": "int64",
    "lat": "float64",
    "lon": "float64",
    "start_lat": "float64",
    "start_lon": "float64",
    "max_visits_per_day": "Int64",  # empty is no limit: a missing integer, not a float NaN
    "from": "datetime64[ns]",
    "to": "datetime64[ns]",
    "date": "datetime64[ns]",
    "effective": "datetime64[ns]",
}


def norm_rows(versions: Iterable[NormVersion]) -> list[dict[str, object]]:
    """``norms.csv``'s rows of ``versions``: a row per service each sets."""
    return [
        {"version": v.name, "effective": v.effective, "source": v.source, "code": code, "norm_min": minutes}
        for v in versions
        for code, minutes in v.minutes
    ]


def days_text(days: Iterable[int]) -> str:
    """``(1, 3)`` → ``tue+thu``, as programmes.csv writes fixed days."""
    return "+".join(WEEKDAYS[d] for d in days)


def weekly_text(pattern: WeeklyPattern) -> str:
    """``mon-fri 09:00-18:00; sat 10:00-12:00``: days with the same windows together, a run of days as a
    range, as clients.csv and workers.csv write hours."""
    by_windows: dict[tuple[str, ...], list[int]] = {}
    for day, windows in enumerate(pattern.days):
        if windows:
            by_windows.setdefault(tuple(str(w) for w in windows), []).append(day)
    return "; ".join(f"{_day_ranges(days)} {','.join(windows)}" for windows, days in by_windows.items())


def _day_ranges(days: list[int]) -> str:
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return "+".join(WEEKDAYS[r[0]] if len(r) == 1 else f"{WEEKDAYS[r[0]]}-{WEEKDAYS[r[-1]]}" for r in runs)


def lunch_text(lunch: Lunch | None) -> str | None:
    """``12:00-14:00 45``, as workers.csv writes a lunch break; None for none."""
    if lunch is None:
        return None
    return f"{format_hhmm(lunch.window.start)}-{format_hhmm(lunch.window.end)} {lunch.duration_min}"

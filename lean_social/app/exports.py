"""Every file of a plan, written into a run's staging folder from the export view only.

The machine files (``schedule.csv``, ``unassigned.csv``, ``kpis.json``, ``changes.csv`` of a re-plan,
``comparison.csv`` of a run with a baseline, and ``schedule.json`` unless pseudonymised: it names every
client) are always written: they are the plan, and the nightly job and ``replan`` read them.
What people look at (maps, route sheets, the workbook, calendars, figures) is written as
``Exports.kinds`` asks, in ``Exports.lang``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lean_social.app.settings import Exports
from lean_social.io.writers import atomic_write_bytes, atomic_write_text, write_csv, write_json
from lean_social.outputs.calendars import worker_calendars
from lean_social.outputs.kpi import Comparison, schedule_kpis
from lean_social.outputs.maps import day_map, week_map
from lean_social.outputs.plots import day_bars, day_timeline
from lean_social.outputs.privacy import ExportView
from lean_social.outputs.route_sheet import route_sheet_filename, route_sheet_index, route_sheets, worker_file_stem
from lean_social.outputs.workbook import plan_workbook
from lean_social.replanning.changes import CHANGE_COLUMNS, Change
from lean_social.schedule import SCHEDULE_COLUMNS, UNASSIGNED_COLUMNS, Schedule

__all__ = ["COMPARISON_COLUMNS", "write_plan"]

#: ``comparison.csv``'s columns, stable and English as the other machine files': the figure's key
#: (``outputs.kpi.FIGURES``), its value in the baseline and in the plan, after - before, and after / before
#: (empty where before is 0).
COMPARISON_COLUMNS = ("figure", "before", "after", "change", "ratio")


def write_plan(
    stage: Path,
    view: ExportView,
    changes: list[Change] | None,
    exports: Exports,
    *,
    day: dt.date | None,
    comparison: Comparison | None = None,
) -> list[Path]:
    """Write the plan's files under ``stage``; the paths written, in order. ``comparison`` (the plan
    against a baseline) holds figures only, no ids, so a pseudonymised run writes it as it is."""
    schedule, sep = view.schedule, exports.csv_sep
    kpis = schedule_kpis(schedule, view.problem)
    if comparison is not None:
        kpis["comparison"] = comparison.to_dict()
    files = [
        write_csv(stage / "schedule.csv", schedule.rows(), SCHEDULE_COLUMNS, sep=sep),
        write_csv(stage / "unassigned.csv", schedule.unassigned_rows(), UNASSIGNED_COLUMNS, sep=sep),
        write_json(stage / "kpis.json", kpis),
    ]
    if comparison is not None:
        rows = [r.to_dict() for r in comparison.rows]
        files.append(write_csv(stage / "comparison.csv", rows, COMPARISON_COLUMNS, sep=sep))
    if not exports.pseudonymise:  # the exact plan in seconds, which `lean-social replan` starts from
        files.append(atomic_write_text(stage / "schedule.json", schedule.to_json()))
    if changes is not None:
        rows = [view.row(c.as_row()) for c in changes]
        files.append(write_csv(stage / "changes.csv", rows, CHANGE_COLUMNS, sep=sep))
    if "maps" in exports.kinds:
        files += _maps(stage / "maps", view, exports, day=day)
    if "sheets" in exports.kinds:
        files += _sheets(stage / "sheets", view, exports)
    if "workbook" in exports.kinds:
        book = plan_workbook(schedule, view.problem, lang=exports.lang, comparison=comparison)
        files.append(atomic_write_bytes(stage / "plan.xlsx", book))
    if "figures" in exports.kinds:
        for d in sorted({r.date for r in schedule.routes}):
            for name, draw in (("bars", day_bars), ("timeline", day_timeline)):
                png = draw(schedule, view.problem, d, lang=exports.lang)
                files.append(atomic_write_bytes(stage / "figures" / f"{d.isoformat()}_{name}.png", png))
    if "calendars" in exports.kinds:
        stamp = _stamp(schedule)
        for worker_id, ics in worker_calendars(schedule, view.problem, lang=exports.lang, stamp=stamp).items():
            files.append(atomic_write_bytes(stage / "calendars" / f"{worker_file_stem(worker_id)}.ics", ics))
    return files


def _stamp(schedule: Schedule) -> dt.datetime:
    """The calendars' DTSTAMP: the plan's first day at midnight UTC, so the same plan gives the same bytes
    (a reproducible run's files compare equal), and a calendar program still sees a valid stamp."""
    days = [r.date for r in schedule.routes]
    first = min(days) if days else dt.date(1970, 1, 1)
    return dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC)


def _sheets(folder: Path, view: ExportView, exports: Exports) -> list[Path]:
    """A printable route sheet per worker-day with visits, and ``index.html`` linking them all."""
    sheets = route_sheets(view.schedule, view.problem, lang=exports.lang)
    files = [atomic_write_text(folder / route_sheet_filename(w, d), page) for (w, d), page in sheets.items()]
    files.append(
        atomic_write_text(folder / "index.html", route_sheet_index(view.schedule, view.problem, lang=exports.lang))
    )
    return files


def _maps(folder: Path, view: ExportView, exports: Exports, *, day: dt.date | None) -> list[Path]:
    """A map per day with routes (or the one day asked for); a week's run adds ``week.html``, every day on
    one map with a day filter."""
    schedule, problem, lang, tiles = view.schedule, view.problem, exports.lang, exports.map_tiles
    days = [day] if day is not None else sorted({r.date for r in schedule.routes})
    files = [
        atomic_write_text(
            folder / f"{d.isoformat()}.html", day_map(schedule, problem, d, tiles=tiles, lang=lang).get_root().render()
        )
        for d in days
    ]
    if day is None:
        page = week_map(schedule, problem, tiles=tiles, lang=lang).get_root().render()
        files.append(atomic_write_text(folder / "week.html", page))
    return files

"""The planners' workbook (xlsx): a summary per department, a sheet per day with every stop, and the
visits nobody could make.

Planners at the centre work in Excel, so the workbook holds values Excel can compute with: dates are
dates, clock times are times (formatted ``HH:MM``), minutes and kilometres are numbers; they can filter,
sort and sum without parsing text. No cell is ever a formula: a client's name, address or note that
starts like one (``=HYPERLINK(...)``, ``+7 900 ...``) is written as a text cell, whatever openpyxl would
have guessed from it, so opening the file never runs anything (OWASP's CSV/formula injection).

The bytes depend on the plan alone (the document's dates are the plan's first day, and the zip entries
carry a fixed time): the same plan gives the same file, so a checksum or a diff of two outputs folders
tells whether a plan changed.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from lean_social.domain.model import Problem
from lean_social.domain.timefmt import DAY_SECONDS
from lean_social.outputs.itinerary import clock, entries, known_client
from lean_social.outputs.kpi import Comparison, TimeUse, route_time_use
from lean_social.outputs.labels import DEFAULT_LANG, Lang, Words, day_text, service_names, word
from lean_social.outputs.reason_text import reason_text
from lean_social.schedule import Route, Schedule

__all__ = ["plan_workbook"]

_WORDS: Words = {
    "summary": ("Сводка", "Summary"),
    "errands": ("По пути (магазин, аптека, почта)", "Errands on the way"),
    "worker_id": ("Код работника", "Worker id"),
    "client_id": ("Код получателя", "Client id"),
    "workers": ("Работников", "Workers"),
    "worker_days": ("Рабочих дней", "Worker-days"),
    "shift_h": ("Смена, ч", "Shift, h"),
    "service_h": ("Услуги, ч", "Services, h"),
    "travel_h": ("Дорога, ч", "Travel, h"),
    "wait_h": ("Ожидание, ч", "Waiting, h"),
    "client_share": ("Доля смены у получателей", "Share of the shift with clients"),
    "duration_min": ("Длительность, мин", "Duration, min"),
    "figures": ("Показатели", "Figures"),
    "value": ("Значение", "Value"),
    "comparison": ("Сравнение с базовым планом", "Against the baseline plan"),
    "no_department": ("—", "—"),
}

#: What a spreadsheet takes for the start of a formula (the same list as ``io.writers.safe_cell``'s; the
#: layers keep outputs from importing io). Such text also gets Excel's quote prefix, so that a planner
#: who edits the cell keeps it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: Control characters xlsx cannot hold (openpyxl refuses them) are shown as the replacement character.
_REPLACEMENT = "\ufffd"
#: The earliest time a zip entry can carry: every entry gets it, so the bytes do not depend on the clock.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_TIME = "HH:MM"
_DATE: Mapping[Lang, str] = {"ru": "DD.MM.YYYY", "en": "YYYY-MM-DD"}
_MINUTES = "0.0"
_KM = "0.00"
_HOURS = "0.0"
_SHARE = "0.0%"
_RATIO = "0.00"
#: Column widths in characters: a little air, the header's filter button, no column wider than a screen.
_PADDING = 2
_FILTER_BUTTON = 2
_MIN_WIDTH = 6
_MAX_WIDTH = 60
_SHEET_NAME_MAX = 31

_Value = str | int | float | dt.date | dt.time | dt.datetime | None


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    number_format: str | None = None


def plan_workbook(
    schedule: Schedule,
    problem: Problem,
    *,
    lang: Lang = DEFAULT_LANG,
    client_label: Callable[[str], str] | None = None,
    figures: Mapping[str, float | str] | None = None,
    comparison: Comparison | None = None,
) -> bytes:
    """The plan as an xlsx workbook: "Сводка" (per department and in total, then ``figures`` and the
    before/after table of ``comparison`` if given), one sheet per day with every stop in route order, and
    "Не назначено".

    ``client_label`` shows each client as ``client_label(client_id)`` (a pseudonym) instead of their id,
    name and address. It hides nothing else: for a workbook free of personal data pass the plan and
    problem of ``privacy.pseudonymised``, whose reasons are scrubbed too.
    """
    book = Workbook()
    summary = book.active
    if summary is None:  # pragma: no cover - a new Workbook always has its first sheet
        msg = "openpyxl made a workbook without a sheet"
        raise RuntimeError(msg)
    summary.title = word("summary", lang, _WORDS)
    _summary_sheet(summary, schedule, problem, lang, figures)
    if comparison is not None:
        _comparison_table(summary, comparison, lang)
    days = sorted({route.date for route in schedule.routes})
    for day, name in zip(days, _day_sheet_names(days, lang), strict=True):
        routes = [route for route in schedule.routes if route.date == day]
        _day_sheet(book.create_sheet(name), routes, problem, lang, client_label)
    _unassigned_sheet(book.create_sheet(word("unassigned", lang)), schedule, problem, lang, client_label)
    stamp = _plan_stamp(schedule)
    book.properties.creator = "lean_social"
    book.properties.created = stamp
    book.properties.modified = stamp
    book.properties.language = "ru-RU" if lang == "ru" else "en"
    return _saved(book)


# --- summary ---------------------------------------------------------------------------------------------


def _summary_sheet(
    sheet: Worksheet,
    schedule: Schedule,
    problem: Problem,
    lang: Lang,
    figures: Mapping[str, float | str] | None,
) -> None:
    """One row per department and the total; the share of the shift with clients is kpi's service share."""
    no_department = word("no_department", lang, _WORDS)
    routes: dict[str, list[tuple[Route, TimeUse]]] = {}
    for route in schedule.routes:
        department = problem.worker(route.worker_id).department
        routes.setdefault(department, []).append((route, route_time_use(route, problem)))
    unassigned: dict[str, int] = {}
    for visit in schedule.unassigned:
        client = known_client(problem, visit.client_id)
        department = client.department if client is not None else no_department
        unassigned[department] = unassigned.get(department, 0) + 1
    departments = sorted(set(problem.departments) | set(routes) | set(unassigned))
    columns = [
        _Column(word("department", lang)),
        _Column(word("workers", lang, _WORDS)),
        _Column(word("worker_days", lang, _WORDS)),
        _Column(word("visits", lang)),
        _Column(word("unassigned", lang)),
        _Column(word("shift_h", lang, _WORDS), _HOURS),
        _Column(word("service_h", lang, _WORDS), _HOURS),
        _Column(word("travel_h", lang, _WORDS), _HOURS),
        _Column(word("travel_km", lang), _KM),
        _Column(word("wait_h", lang, _WORDS), _HOURS),
        _Column(word("client_share", lang, _WORDS), _SHARE),
    ]
    rows = [_summary_row(d, routes.get(d, []), unassigned.get(d, 0)) for d in departments]
    every = [pair for department in departments for pair in routes.get(department, [])]
    rows.append(_summary_row(word("total", lang), every, sum(unassigned.values())))
    _table(sheet, columns, rows)
    total = len(rows) + 1
    for cell in sheet[total]:
        cell.font = Font(bold=True)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{total - 1}"  # sorting leaves the total last
    if figures:
        first = len(rows) + 3
        _put(sheet, first, 1, word("figures", lang, _WORDS), None)
        _put(sheet, first, 2, word("value", lang, _WORDS), None)
        _style_header(sheet, first)
        for i, (name, value) in enumerate(figures.items(), start=first + 1):
            _put(sheet, i, 1, name, None)
            _put(sheet, i, 2, value, None)
        _fit_widths(sheet)


def _comparison_table(sheet: Worksheet, comparison: Comparison, lang: Lang) -> None:
    """The before/after table under the summary: a title, ``Comparison.header``, and a row per figure as
    numbers (counts whole, the rest to a decimal, the change signed), "—" for a ratio to nothing."""
    title = sheet.max_row + 2
    _put(sheet, title, 1, word("comparison", lang, _WORDS), None)
    sheet.cell(row=title, column=1).font = Font(bold=True)
    for col, text in enumerate(comparison.header(), start=1):
        _put(sheet, title + 1, col, text, None)
    _style_header(sheet, title + 1)
    for r, row in enumerate(comparison.rows, start=title + 2):
        number = "0" if row.digits == 0 else "0." + "0" * row.digits
        ratio = row.ratio
        cells: list[tuple[_Value, str | None]] = [
            (row.label, None),
            (row.before, number),
            (row.after, number),
            (row.change, f"+{number};-{number};{number}"),
            ("—" if ratio is None else ratio, _RATIO),
        ]
        for col, (value, number_format) in enumerate(cells, start=1):
            _put(sheet, r, col, value, number_format)
    _fit_widths(sheet)


def _summary_row(department: str, routes: Sequence[tuple[Route, TimeUse]], unassigned: int) -> list[_Value]:
    use = TimeUse.total(u for _, u in routes)
    return [
        department,
        len({route.worker_id for route, _ in routes}),
        len(routes),
        use.visits,
        unassigned,
        use.shift_min / 60,
        use.service_min / 60,
        use.travel_min / 60,
        use.travel_km,
        use.waiting_min / 60,
        use.service_share,
    ]


# --- the days --------------------------------------------------------------------------------------------


def _day_sheet_names(days: Sequence[dt.date], lang: Lang) -> list[str]:
    """``пн 07.12`` / ``Mon 12-07``; a plan longer than a year, where two days would share a name, gets
    the full date on the later one (``пн 07.12.2027``)."""
    names: list[str] = []
    for day in days:
        weekday = day_text(day, lang).split(" ", 1)[0]
        name = f"{weekday} {day:%d.%m}" if lang == "ru" else f"{weekday} {day:%m-%d}"
        if name in names:
            name = day_text(day, lang)
        names.append(name[:_SHEET_NAME_MAX])
    return names


def _day_sheet(
    sheet: Worksheet,
    routes: Iterable[Route],
    problem: Problem,
    lang: Lang,
    client_label: Callable[[str], str] | None,
) -> None:
    """Every stop of the day in route order, lunch as an un-numbered row; routes by department and worker.
    The errands on the way have a column where the day has any (a printed sheet keeps its width)."""
    routes = list(routes)
    errands = any(stop.errands for route in routes for stop in route.stops)
    columns = [
        _Column(word("date", lang), _DATE[lang]),
        _Column(word("department", lang)),
        _Column(word("worker_id", lang, _WORDS)),
        _Column(word("worker", lang)),
        _Column(word("visit_no", lang)),
        *_client_columns(lang, client_label, address=True),
        _Column(word("services", lang)),
        _Column(word("arrival", lang), _TIME),
        _Column(word("start", lang), _TIME),
        _Column(word("end", lang), _TIME),
        _Column(word("travel_min", lang), _MINUTES),
        _Column(word("travel_km", lang), _KM),
        _Column(word("wait_min", lang), _MINUTES),
        _Column(word("substitute_for", lang)),
        *([_Column(word("errands", lang, _WORDS))] if errands else []),
    ]
    lunch_cells: list[_Value] = [word("lunch", lang)] if client_label else [None, word("lunch", lang), None]
    rows: list[list[_Value]] = []
    workers = {route.worker_id: problem.worker(route.worker_id) for route in routes}
    for route in sorted(routes, key=lambda r: (workers[r.worker_id].department, r.worker_id)):
        worker, day = workers[route.worker_id], route.date
        for entry in entries(route):
            head: list[_Value] = [day, worker.department, worker.id, worker.name, entry.number]
            stop = entry.stop
            if stop is None:  # the lunch: the word where the client's name stands, and its times
                times = [_time(day, entry.start), _time(day, entry.end)]
                rows.append(
                    [*head, *lunch_cells, None, None, *times, None, None, None, None, *([None] if errands else [])]
                )
                continue
            visit: list[_Value] = [
                *_client_cells(problem, stop.client_id, client_label, address=True),
                ", ".join(service_names(problem, stop.services)),
                _time(day, stop.arrival),
                _time(day, stop.start),
                _time(day, stop.end),
                stop.travel_s / 60,
                stop.travel_m / 1000,
                stop.wait_s / 60,
                stop.substitute_for,
                *(["; ".join(e.text() for e in stop.errands) or None] if errands else []),
            ]
            rows.append([*head, *visit])
    _table(sheet, columns, rows)


def _unassigned_sheet(
    sheet: Worksheet,
    schedule: Schedule,
    problem: Problem,
    lang: Lang,
    client_label: Callable[[str], str] | None,
) -> None:
    columns = [
        _Column(word("date", lang), _DATE[lang]),
        _Column(word("department", lang)),
        *_client_columns(lang, client_label, address=False),
        _Column(word("services", lang)),
        _Column(word("duration_min", lang, _WORDS), _MINUTES),
        _Column(word("reason", lang)),
    ]
    rows: list[list[_Value]] = []
    for visit in schedule.unassigned:
        client = known_client(problem, visit.client_id)
        rows.append(
            [
                visit.date,
                client.department if client is not None else word("no_department", lang, _WORDS),
                *_client_cells(problem, visit.client_id, client_label, address=False),
                ", ".join(service_names(problem, visit.services)),
                visit.duration_s / 60,
                reason_text(visit.reason, lang),
            ]
        )
    rows.sort(key=lambda row: tuple(str(v) for v in row[:3]))
    _table(sheet, columns, rows)


def _client_columns(lang: Lang, client_label: Callable[[str], str] | None, *, address: bool) -> list[_Column]:
    if client_label is not None:
        return [_Column(word("client", lang))]
    shown = [_Column(word("client_id", lang, _WORDS)), _Column(word("client", lang))]
    return [*shown, _Column(word("address", lang))] if address else shown


def _client_cells(
    problem: Problem, client_id: str, client_label: Callable[[str], str] | None, *, address: bool
) -> list[_Value]:
    if client_label is not None:
        return [client_label(client_id)]
    client = known_client(problem, client_id)
    name = client.name if client is not None else None
    shown: list[_Value] = [client_id, name]
    return [*shown, client.address if client is not None else None] if address else shown


def _time(day: dt.date, seconds: int) -> dt.time | dt.datetime:
    """A clock time; past midnight (a shift running into the next day) the date and time of the next day."""
    if 0 <= seconds < DAY_SECONDS:
        return clock(day, seconds).time()
    return clock(day, seconds)


# --- writing cells ---------------------------------------------------------------------------------------


def _table(sheet: Worksheet, columns: Sequence[_Column], rows: Sequence[Sequence[_Value]]) -> None:
    """A header row and the rows under it, with an auto filter, the header frozen and printed on every
    page, landscape A4 fitted to the page's width, and columns as wide as their content."""
    for col, column in enumerate(columns, start=1):
        _put(sheet, 1, col, column.header, None)
    _style_header(sheet, 1)
    for r, row in enumerate(rows, start=2):
        for col, (value, column) in enumerate(zip(row, columns, strict=True), start=1):
            _put(sheet, r, col, value, column.number_format)
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{len(rows) + 1}"
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    _fit_widths(sheet)


def _put(sheet: Worksheet, row: int, col: int, value: _Value, number_format: str | None) -> None:
    """A cell of the value's own type; text is always a text cell, never a formula or an error code."""
    cell = sheet.cell(row=row, column=col)
    if isinstance(value, str):
        if not value:
            return
        cell.value = ILLEGAL_CHARACTERS_RE.sub(_REPLACEMENT, value)
        cell.data_type = "s"  # openpyxl makes "=..." a formula and "#N/A" an error: text stays text
        if value.startswith(_FORMULA_STARTS):
            cell.quotePrefix = True
        return
    cell.value = value
    if value is not None and number_format is not None:
        cell.number_format = number_format


def _style_header(sheet: Worksheet, row: int) -> None:
    line = Side(style="thin")
    for cell in sheet[row]:
        if cell.value is None:
            continue
        cell.font = Font(bold=True)
        cell.fill = PatternFill(fill_type="solid", start_color="FFE7E6E6", end_color="FFE7E6E6")
        cell.border = Border(bottom=line)


def _fit_widths(sheet: Worksheet) -> None:
    """Each column as wide as its longest value, its header with room for the filter's button; text too
    long for the widest column allowed wraps instead of running under the next one."""
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None and isinstance(cell.column, int):
                shown = _shown_length(cell.value) + (_FILTER_BUTTON if cell.row == 1 else 0)
                widths[cell.column] = max(widths.get(cell.column, 0), shown)
                if shown + _PADDING > _MAX_WIDTH:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in widths.items():
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width + _PADDING, _MIN_WIDTH), _MAX_WIDTH)


def _shown_length(value: object) -> int:
    """About how many characters Excel shows for the value in its format."""
    if isinstance(value, dt.datetime):
        return 16 if value.time() != dt.time.min else 10
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, dt.time):
        return 5
    if isinstance(value, float):
        return len(f"{value:.2f}")
    return max((len(line) for line in str(value).splitlines()), default=0)


# --- the file --------------------------------------------------------------------------------------------


def _plan_stamp(schedule: Schedule) -> dt.datetime:
    """The document's created and modified dates: midnight of the plan's first day, so that they come
    from the plan and not from the clock; an empty plan gets the zip entries' time."""
    days = [route.date for route in schedule.routes] + [visit.date for visit in schedule.unassigned]
    if not days:
        return dt.datetime(*_ZIP_TIME)
    return dt.datetime.combine(min(days), dt.time.min)


def _saved(book: Workbook) -> bytes:
    """The xlsx bytes, written without openpyxl's ``save`` (which stamps the modified date with the clock)
    and re-packed with a fixed time on every zip entry."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(book, archive).save()
    fixed = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info))
    return fixed.getvalue()

"""Pictures of a day for a lean review, as PNG bytes: where each worker's day goes (``day_bars``) and each
route in time (``day_timeline``).

Drawn with matplotlib's Agg canvas on a figure of its own, never through ``pyplot``: no display is
needed, and a notebook's or another program's backend is left as it was. The bytes are the same for the
same plan (the PNG carries no software version or time stamp), so outputs can be compared and cached.
The font is DejaVu Sans, which ships with matplotlib and has Cyrillic.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from lean_social.domain.model import Problem, Worker
from lean_social.outputs.kpi import KPI_WORDS, TIME_PARTS, WorkerDayUse, time_use
from lean_social.outputs.labels import DEFAULT_LANG, Lang, Words, day_text, time_text, word
from lean_social.schedule import Route, Schedule

__all__ = ["DPI", "WIDTH_PX", "day_bars", "day_timeline", "height_px"]

#: Pixels: a figure fills the width of a laptop screen or an A4 page in landscape at 100 dpi.
DPI = 100
WIDTH_PX = 1000
#: Room for the title, the axis and the legend, and then one row per worker.
_FRAME_PX, _ROW_PX = 160, 36
#: The longest worker label the left margin holds at 9 points.
_LABEL_CHARS = 30

#: One colour per part of the day, the same in both pictures; colour-blind safe (Okabe-Ito).
COLOURS = {
    "service": "#009E73",
    "travel": "#0072B2",
    "waiting": "#E69F00",
    "lunch": "#999999",
    "other": "#DDDDDD",
    "overtime": "#D55E00",
}

_WORDS: Words = {
    "bars_title": ("Рабочее время", "Working time"),
    "timeline_title": ("Маршруты", "Routes"),
    "hours": ("часы", "hours"),
    "shift": ("Смена", "Shift"),
    "nobody": ("Нет работников на смене", "No worker on duty"),
}


def height_px(rows: int) -> int:
    """The picture's height for ``rows`` workers."""
    return _FRAME_PX + _ROW_PX * rows


def _plain(text: str) -> str:
    """Text as it is: a ``$`` in a name would otherwise start matplotlib's mathematical notation."""
    return text.replace("$", r"\$")


def _who(worker: Worker) -> str:
    """``W01 Герасимов Д. М.``: the id and the name as a surname with initials, to fit beside the bars."""
    words = worker.name.split() if worker.name != worker.id else []
    name = " ".join(words[:1] + [w if w.endswith(".") else f"{w[0]}." for w in words[1:3]])
    text = f"{worker.id} {name}".strip()
    return _plain(text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1] + "…")


def _figure(rows: int) -> Figure:
    figure = Figure(figsize=(WIDTH_PX / DPI, height_px(rows) / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    out = io.BytesIO()
    # No "Software" entry (matplotlib's version) and no time stamp: the same plan gives the same bytes.
    figure.savefig(out, format="png", dpi=DPI, metadata={"Software": None})
    return out.getvalue()


def _legend(figure: Figure, parts: Sequence[str], lang: Lang) -> None:
    handles = [Patch(facecolor=COLOURS[p], label=word(p, lang, KPI_WORDS)) for p in parts]
    figure.legend(handles=handles, loc="lower center", ncols=len(handles), frameon=False, fontsize=9)


def _finish(figure: Figure, axes: Axes, *, title: str, empty: bool, parts: Sequence[str], lang: Lang) -> bytes:
    """What every bar picture of hours ends with: its title, the hours' grid behind the bars, a word where
    nobody worked, the legend of its parts, the PNG."""
    axes.set_title(title)
    axes.grid(axis="x", color="#EEEEEE")
    axes.set_axisbelow(True)
    if empty:
        axes.text(0.5, 0.5, word("nobody", lang, _WORDS), transform=axes.transAxes, ha="center", va="center")
    _legend(figure, parts, lang)
    return _png(figure)


def _workers(problem: Problem, uses: Sequence[WorkerDayUse]) -> list[Worker]:
    return [problem.worker(d.worker_id) for d in uses]


def day_bars(
    schedule: Schedule,
    problem: Problem,
    day: dt.date,
    *,
    lang: Lang = DEFAULT_LANG,
    departments: Iterable[str] | None = None,
) -> bytes:
    """A stacked bar per worker on duty (or with a route) that day: service, travel, waiting, lunch and
    other work, in hours, as ``kpi.time_use`` splits the shift; time past the shift, where a plan has it.
    ``departments``: whose workers (the plan's departments by default)."""
    uses = time_use(schedule, problem, days=[day], departments=departments).days
    parts = [p for p in TIME_PARTS if p != "overtime" or any(d.use.overtime_min for d in uses)]
    with mpl.rc_context({"font.family": "DejaVu Sans"}):
        figure = _figure(len(uses))
        axes = figure.add_axes((0.25, _legend_space(len(uses)), 0.72, _plot_height(len(uses))))
        rows = list(range(len(uses)))[::-1]  # the first worker on top
        left = [0.0] * len(uses)
        for part in parts:
            hours = [d.use.part(part) / 60 for d in uses]
            axes.barh(rows, hours, left=left, color=COLOURS[part], height=0.7, edgecolor="white", linewidth=0.5)
            left = [a + b for a, b in zip(left, hours, strict=True)]
        axes.set_yticks(rows, [_who(w) for w in _workers(problem, uses)], fontsize=9)
        axes.set_xlabel(word("hours", lang, _WORDS))
        return _finish(
            figure,
            axes,
            title=f"{word('bars_title', lang, _WORDS)}: {day_text(day, lang)}",
            empty=not uses,
            parts=parts,
            lang=lang,
        )


def _segments(route: Route) -> Iterator[tuple[str, int, int]]:
    """(part, start, end) of a route in seconds of the day. A gap between places is waiting wherever it is
    not travel or lunch: travel ends at the arrival, as the planner times it; with a lunch in the gap, the
    way starts before lunch as far as it fits and ends after it (the validator's lunch "on the way")."""
    ready = route.departure
    for i, stop in enumerate(route.stops):
        lunch = route.lunch if route.lunch is not None and route.lunch.after == i else None
        yield "waiting", ready, stop.start
        before = 0 if lunch is None else min(stop.travel_s, max(0, lunch.start - ready))
        yield "travel", ready, ready + before
        yield "travel", stop.arrival - (stop.travel_s - before), stop.arrival
        if lunch is not None:
            yield "lunch", lunch.start, lunch.end
        yield "service", stop.start, stop.end
        ready = stop.end
    yield "travel", ready, ready + route.return_travel_s
    if route.lunch is not None and route.lunch.after == len(route.stops):
        yield "lunch", route.lunch.start, route.lunch.end


def day_timeline(
    schedule: Schedule,
    problem: Problem,
    day: dt.date,
    *,
    lang: Lang = DEFAULT_LANG,
    departments: Iterable[str] | None = None,
) -> bytes:
    """A Gantt chart of the day: a row per worker on duty (or with a route), their shift as a frame, and on
    it the route's travel, waiting, lunch and visits, each visit with its number on the route sheet.
    ``departments``: whose workers (the plan's departments by default)."""
    uses = time_use(schedule, problem, days=[day], departments=departments).days
    routes = {r.worker_id: r for r in schedule.routes if r.date == day}
    parts = ["service", "travel", "waiting", "lunch"]
    with mpl.rc_context({"font.family": "DejaVu Sans"}):
        figure = _figure(len(uses))
        axes = figure.add_axes((0.25, _legend_space(len(uses)), 0.72, _plot_height(len(uses))))
        first, last = 8 * 3600, 17 * 3600
        for row, worker in zip(range(len(uses))[::-1], _workers(problem, uses), strict=True):
            shift = worker.shift_on(day)
            if shift is not None:
                axes.broken_barh([(shift.start, shift.length)], (row - 0.4, 0.8), facecolor="#F2F2F2")
                first, last = min(first, shift.start), max(last, shift.end)
            route = routes.get(worker.id)
            if route is None:
                continue
            first, last = min(first, route.departure), max(last, route.finish)
            for part in ("waiting", "travel", "lunch", "service"):  # waiting fills the gaps, the rest over it
                spans = [(a, b - a) for kind, a, b in _segments(route) if kind == part and b > a]
                axes.broken_barh(spans, (row - 0.3, 0.6), facecolor=COLOURS[part])
            for number, stop in enumerate(route.stops, start=1):
                axes.text((stop.start + stop.end) / 2, row, str(number), ha="center", va="center", fontsize=8)
        hours = range(first // 3600, -(-last // 3600) + 1)
        axes.set_xlim(hours[0] * 3600, hours[-1] * 3600)
        axes.set_xticks([h * 3600 for h in hours], [time_text(h * 3600) for h in hours], fontsize=8)
        axes.set_ylim(-0.6, max(len(uses), 1) - 0.4)
        axes.set_yticks(list(range(len(uses)))[::-1], [_who(w) for w in _workers(problem, uses)], fontsize=9)
        return _finish(
            figure,
            axes,
            title=f"{word('timeline_title', lang, _WORDS)}: {day_text(day, lang)}",
            empty=not uses,
            parts=parts,
            lang=lang,
        )


def _legend_space(rows: int) -> float:
    """The share of the height below the axes: the legend and the axis labels, a fixed 80 pixels."""
    return 80 / height_px(rows)


def _plot_height(rows: int) -> float:
    """The share of the height the axes take: all but the legend below and the title above (40 pixels)."""
    return 1 - 120 / height_px(rows)


#: Words of the work-day photo's picture (``photo_bars``).
_PHOTO_WORDS: Words = {
    "photo_title": (
        "Рабочий день: наблюдение и план, в среднем за день",
        "Working day: observed and planned, mean per day",
    ),
    "observed": ("наблюдение", "observed"),
    "planned": ("план", "planned"),
}


def photo_bars(
    labels: Sequence[str],
    observed: Sequence[dict[str, float]],
    planned: Sequence[dict[str, float]],
    *,
    lang: Lang = DEFAULT_LANG,
) -> bytes:
    """The work-day photo's picture (``outputs.photo``): for each worker (``labels``, top down) two stacked
    bars, the observed day above the planned one, each split into ``kpi.TIME_PARTS`` (minutes of a mean
    worker-day by part, drawn in hours); time past the shift only where some bar has it."""
    count = len(labels)
    parts = [p for p in TIME_PARTS if p != "overtime" or any(u.get(p, 0.0) for u in [*observed, *planned])]
    with mpl.rc_context({"font.family": "DejaVu Sans"}):
        figure = _figure(2 * count)
        axes = figure.add_axes((0.25, _legend_space(2 * count), 0.72, _plot_height(2 * count)))
        rows = [2 * count - 1 - 2 * i - side for i in range(count) for side in (0, 1)]  # observed, then planned
        uses = [use for pair in zip(observed, planned, strict=True) for use in pair]
        left = [0.0] * len(uses)
        for part in parts:
            hours = [use.get(part, 0.0) / 60 for use in uses]
            axes.barh(rows, hours, left=left, color=COLOURS[part], height=0.8, edgecolor="white", linewidth=0.5)
            left = [a + b for a, b in zip(left, hours, strict=True)]
        names = [
            f"{_plain(label[:_LABEL_CHARS])}: {word(side, lang, _PHOTO_WORDS)}"
            if side == "observed"
            else word(side, lang, _PHOTO_WORDS)
            for label in labels
            for side in ("observed", "planned")
        ]
        axes.set_yticks(rows, names, fontsize=9)
        axes.set_ylim(-0.6, max(2 * count, 1) - 0.4)
        axes.set_xlabel(word("hours", lang, _WORDS))
        return _finish(
            figure, axes, title=word("photo_title", lang, _PHOTO_WORDS), empty=not count, parts=parts, lang=lang
        )


# ---- Calibrated norms (``outputs.norms_report``): plain numbers in, PNG bytes out. ----

_NORM_WORDS: Words = {
    "intervals_title": ("Норма и оценка времени услуги, мин", "Norm and estimated time of each service, min"),
    "norm_mark": ("норма", "norm"),
    "estimate_mark": ("оценка и интервал", "estimate and interval"),
    "minutes": ("минуты", "minutes"),
    "fit_title": (
        "Посещения: наблюдённая длительность против расчётной",
        "Visits: observed span against the fitted one",
    ),
    "fitted": ("расчётная длительность, мин", "fitted span, min"),
    "observed": ("наблюдённая длительность, мин", "observed span, min"),
    "equal": ("наблюдённая = расчётная", "observed = fitted"),
}
#: Pixels per service row of the interval plot, and the longest label its left margin holds at 9 points.
_INTERVAL_ROW_PX = 30
_INTERVAL_LABEL_CHARS = 34


def estimate_intervals(
    labels: Sequence[str],
    norms: Sequence[float],
    estimates: Sequence[float | None],
    intervals: Sequence[tuple[float, float] | None],
    colours: Sequence[str],
    *,
    legend: Sequence[tuple[str, str]] = (),
    lang: Lang = DEFAULT_LANG,
) -> bytes:
    """A row per service, the first on top: its norm as a black tick, its estimate as a dot on its
    interval in the row's colour (a service never observed: the norm alone). ``legend``: (label, colour)
    pairs added under the two marks, e.g. what each colour's verdict is."""
    rows = len(labels)
    if not rows == len(norms) == len(estimates) == len(intervals) == len(colours):
        msg = "labels, norms, estimates, intervals and colours must be as long as each other"
        raise ValueError(msg)
    with mpl.rc_context({"font.family": "DejaVu Sans"}):
        figure = Figure(figsize=(WIDTH_PX / DPI, (_FRAME_PX + _INTERVAL_ROW_PX * rows) / DPI), dpi=DPI)
        FigureCanvasAgg(figure)
        height = _FRAME_PX + _INTERVAL_ROW_PX * rows
        axes = figure.add_axes((0.3, 80 / height, 0.67, 1 - 120 / height))
        ys = list(range(rows))[::-1]
        for y, norm, estimate, interval, colour in zip(ys, norms, estimates, intervals, colours, strict=True):
            if interval is not None:
                axes.plot(interval, (y, y), color=colour, linewidth=3, solid_capstyle="butt")
            if estimate is not None:
                axes.plot([estimate], [y], "o", color=colour, markersize=7, markeredgecolor="black")
            axes.plot([norm], [y], "|", color="black", markersize=16, markeredgewidth=2)
        shown = [
            _plain(label if len(label) <= _INTERVAL_LABEL_CHARS else label[: _INTERVAL_LABEL_CHARS - 1] + "…")
            for label in labels
        ]
        axes.set_yticks(ys, shown, fontsize=9)
        axes.set_ylim(-0.7, max(rows, 1) - 0.3)
        axes.set_xlim(left=0)
        axes.set_xlabel(word("minutes", lang, _NORM_WORDS))
        axes.set_title(word("intervals_title", lang, _NORM_WORDS))
        axes.grid(axis="x", color="#EEEEEE")
        axes.set_axisbelow(True)
        marks = [  # empty lines as the legend's keys: the same marks as the rows'
            *axes.plot([], [], "|", color="black", markersize=12, markeredgewidth=2),
            *axes.plot([], [], "o-", color="#777777", markeredgecolor="black", linewidth=3),
            *(Patch(facecolor=colour) for _, colour in legend),
        ]
        names = [word("norm_mark", lang, _NORM_WORDS), word("estimate_mark", lang, _NORM_WORDS)]
        names += [label for label, _ in legend]
        figure.legend(marks, names, loc="lower center", ncols=len(marks), frameon=False, fontsize=9)
        return _png(figure)


def observed_against_fitted(observed: Sequence[float], fitted: Sequence[float], *, lang: Lang = DEFAULT_LANG) -> bytes:
    """Each visit's observed span against the span the calibration fits it (minutes): the points lie along
    the diagonal where the fit holds; the visits far off it are those the robust fit set aside
    (interrupted, or written late)."""
    if len(observed) != len(fitted):
        msg = "observed and fitted must be as long as each other"
        raise ValueError(msg)
    with mpl.rc_context({"font.family": "DejaVu Sans"}):
        figure = Figure(figsize=(WIDTH_PX / DPI, 600 / DPI), dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_axes((0.1, 0.1, 0.85, 0.82))
        axes.scatter(fitted, observed, s=10, color="#0072B2", alpha=0.5, linewidths=0)
        top = max([*observed, *fitted, 1.0]) * 1.05
        axes.plot((0, top), (0, top), color="#D55E00", linewidth=1, label=word("equal", lang, _NORM_WORDS))
        axes.set_xlim(0, top)
        axes.set_ylim(0, top)
        axes.set_xlabel(word("fitted", lang, _NORM_WORDS))
        axes.set_ylabel(word("observed", lang, _NORM_WORDS))
        axes.set_title(word("fit_title", lang, _NORM_WORDS))
        axes.grid(color="#EEEEEE")
        axes.set_axisbelow(True)
        axes.legend(loc="upper left", frameon=False, fontsize=9)
        return _png(figure)

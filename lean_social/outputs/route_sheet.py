"""The route sheet (маршрутный лист) a social worker carries: one printed A4 page per worker-day.

The worker reads it on the street and the client signs it at the door, so it is a plain HTML page made for
printing: A4 portrait, one page for a normal day (up to about ten visits), type large enough to read on
paper. It holds, in route order, when each visit is planned, whom and where, which services with their
norms, the client's notes, the walk or ride from the previous place, a mark where the worker stands in for
a colleague, and an empty cell for the client's signature; the day's totals close it, so the worker and
the planner can check the day against the plan.

The visit number is the visit's place among the route's visits, 1..n, lunch not counted: the same number
the map and ``schedule.csv`` give it, so a worker, a planner and a map agree on "the third visit".

The page runs nothing and fetches nothing: no JavaScript, no font, image or stylesheet from anywhere, and
a Content-Security-Policy that forbids them should an escaped value ever fail; every value from the data
is ``html.escape``'d. With ``client_label`` (a pseudonym per client id) a client is shown by that label
alone: their name, address and notes are not on the page at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from lean_social.domain.model import Client, ErrandPlace, Problem, Worker
from lean_social.outputs.labels import (
    DEFAULT_LANG,
    Lang,
    Words,
    date_text,
    day_text,
    km_text,
    minutes_text,
    number_text,
    service_names,
    time_text,
    word,
)
from lean_social.outputs.page import escape, static_page
from lean_social.schedule import ErrandStop, Route, Schedule, Stop

__all__ = ["route_sheet", "route_sheet_filename", "route_sheet_index", "route_sheets", "worker_file_stem"]

#: Words only the route sheet uses; the shared ones (worker, client, address, ...) come from ``labels``.
_WORDS: Words = {
    "shift": ("Смена", "Shift"),
    "no_shift": ("нет смены", "no shift"),
    "return_row": ("Возвращение к месту начала работы", "Back at the start place"),
    "away": ("Время маршрута", "Route time"),
    "waiting": ("Ожидание", "Waiting"),
    "service_time": ("Время услуг", "Service time"),
    "visits_count": ("Посещений", "Visits"),
    "worker_signature": ("Подпись работника", "Worker's signature"),
    "route_sheets": ("Маршрутные листы", "Route sheets"),
    "errand_shop": ("Зайти в магазин", "Stop at the shop"),
    "errand_pharmacy": ("Зайти в аптеку", "Stop at the pharmacy"),
    "errand_post": ("Зайти на почту", "Stop at the post office"),
    "unnamed_place": ("без названия, см. карту", "no name, see the map"),
    "errands_time": ("По пути (магазин, аптека, почта)", "Errands on the way"),
}

#: Share of the table's width per column. The client's name, address and notes share one cell, and the
#: services (whose names in ``services.csv`` run to eighty characters) get the widest: that is what
#: keeps ten visits on one A4 page. The signature cell is wide enough to sign in.
_WIDTHS = {"no": 4.5, "time": 9, "client": 24, "services": 44, "travel": 7.5, "sign": 11}

# Fixed text: nothing from the data is in it. Sizes in points and millimetres, as a printed page is measured.
# Arial's metrics (Liberation Sans on Linux) fit a fifth more text on a line than DejaVu Sans.
_CSS = """
@page { size: A4 portrait; margin: 8mm 10mm 8mm 12mm; }
* { box-sizing: border-box; }
html { font-family: Arial, "Liberation Sans", Helvetica, "DejaVu Sans Condensed", sans-serif;
  font-size: 10pt; line-height: 1.13; color: #000; background: #fff;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 188mm; }
h1 { font-size: 15pt; margin: 0 0 1.5mm 0; }
table { width: 100%; border-collapse: collapse; }
.head { margin-bottom: 2.5mm; }
.head th { text-align: left; font-weight: normal; padding: 0.4mm 2mm 0.4mm 0; white-space: nowrap; }
.head td { font-weight: bold; padding: 0.4mm 6mm 0.4mm 0; }
.stops { table-layout: fixed; }
.stops th, .stops td { border: 0.3mm solid #000; padding: 0.6mm 1.2mm; vertical-align: top;
  overflow-wrap: break-word; }
.stops thead th { font-size: 8.5pt; padding: 0.6mm 0.8mm; text-align: left; background: #e6e6e6; }
.stops thead { display: table-header-group; }
.stops tr { break-inside: avoid; page-break-inside: avoid; }
.stops td.no { font-size: 13pt; font-weight: bold; text-align: center; }
.stops ul { margin: 0; padding: 0; list-style: none; }
.stops li + li { margin-top: 0.3mm; }
.stops .norm { white-space: nowrap; }
.stops .name { font-weight: bold; }
.stops .id, .stops .arrival { font-size: 9pt; }
.stops .address, .stops .arrival { display: block; }
.stops .notes { display: block; font-style: italic; margin-top: 0.6mm; }
.stops .stand-in { display: block; margin-top: 0.6mm; font-weight: bold; }
.stops tr.lunch td, .stops tr.return td { background: #f0f0f0; font-style: italic; }
.stops tr.errand td { font-style: italic; }
.totals { margin-top: 2.5mm; table-layout: fixed; }
.totals th, .totals td { border: 0.3mm solid #000; padding: 0.8mm 1.2mm; text-align: left; vertical-align: top; }
.totals th { font-weight: normal; font-size: 9pt; background: #e6e6e6; }
.totals td { font-weight: bold; }
.signed { margin-top: 5mm; }
.signed span { display: inline-block; width: 70mm; border-bottom: 0.3mm solid #000; }
.index li { margin: 1mm 0; }
@media screen { body { padding: 8mm 0; } }
"""

_e = escape


def _page(title: str, body: str, lang: Lang) -> str:
    return static_page(title, body, lang=lang, css=_CSS)


@dataclass(frozen=True, slots=True)
class _Totals:
    """The day's figures at the foot of the sheet, from the plan's own sums (``Route``'s properties):
    the same figures the lean KPIs count, so the sheet and the KPIs never disagree."""

    visits: int
    service_s: int
    travel_s: int
    travel_m: int
    wait_s: int
    lunch_s: int
    away_s: int
    errand_s: int = 0

    @classmethod
    def of(cls, route: Route) -> _Totals:
        return cls(
            visits=len(route.stops),
            service_s=route.service_s,
            travel_s=route.travel_s,
            travel_m=route.travel_m,
            wait_s=route.wait_s,
            lunch_s=route.break_s,
            away_s=route.return_arrival - route.departure,
            errand_s=sum(s.errand_s for s in route.stops),
        )


def route_sheet(
    schedule: Schedule,
    problem: Problem,
    worker_id: str,
    day: dt.date,
    *,
    lang: Lang = DEFAULT_LANG,
    client_label: Callable[[str], str] | None = None,
) -> str:
    """The route sheet of ``worker_id`` on ``day`` as a whole HTML page; KeyError if they have no route.

    ``client_label`` maps a client id to what the sheet may show instead of the client (a pseudonym): with
    it, no client's name, address or notes is on the page. A client or worker the problem does not know (a
    published plan's) is shown by id.
    """
    route = schedule.route(worker_id, day)
    if route is None:
        msg = f"no route for worker {worker_id} on {day.isoformat()}"
        raise KeyError(msg)
    return _sheet(route, problem, lang, client_label)


def route_sheets(
    schedule: Schedule,
    problem: Problem,
    *,
    lang: Lang = DEFAULT_LANG,
    client_label: Callable[[str], str] | None = None,
) -> dict[tuple[str, dt.date], str]:
    """Every worker-day with a visit → its route sheet, in date, department and worker order; a route
    with no visit gets no sheet (there is nothing to carry)."""
    return {
        (route.worker_id, route.date): _sheet(route, problem, lang, client_label)
        for route in _ordered(schedule.routes, problem)
    }


def worker_file_stem(worker_id: str) -> str:
    """``W01``: a worker id as part of a file name that is safe on every file system whatever the id
    holds; an id that had to be changed gets a short digest of the original, so two ids never share it."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", worker_id)[:60]
    if safe != worker_id:
        safe += "-" + hashlib.sha256(worker_id.encode("utf-8")).hexdigest()[:8]
    return safe


def route_sheet_filename(worker_id: str, day: dt.date) -> str:
    """``2026-12-07_W01.html``, the name the index links the sheet by."""
    return f"{day.isoformat()}_{worker_file_stem(worker_id)}.html"


def route_sheet_index(schedule: Schedule, problem: Problem, *, lang: Lang = DEFAULT_LANG) -> str:
    """A page listing every route sheet by day, linked by ``route_sheet_filename``: the planner's way to
    find and print a worker's sheets from a folder of them."""
    by_day: dict[dt.date, list[Route]] = {}
    for route in _ordered(schedule.routes, problem):
        by_day.setdefault(route.date, []).append(route)
    workers = {w.id: w for w in problem.workers}
    parts = [f"<h1>{_e(word('route_sheets', lang, _WORDS))}</h1>\n"]
    for day, routes in by_day.items():
        parts.append(f'<h2>{_e(day_text(day, lang, long=True))}</h2>\n<ul class="index">\n')
        for route in routes:
            worker = workers.get(route.worker_id)
            name = f"{route.worker_id} {worker.name}".strip() if worker else route.worker_id
            visits = f"{word('visits_count', lang, _WORDS)}: {len(route.stops)}"
            href = _e(route_sheet_filename(route.worker_id, route.date))
            parts.append(f'<li><a href="{href}">{_e(name)}</a> ({_e(visits)})</li>\n')
        parts.append("</ul>\n")
    return _page(word("route_sheets", lang, _WORDS), "".join(parts), lang)


def _ordered(routes: Iterable[Route], problem: Problem) -> list[Route]:
    workers = {w.id: w for w in problem.workers}

    def department(route: Route) -> str:
        worker = workers.get(route.worker_id)
        return worker.department if worker else ""

    return sorted((r for r in routes if r.stops), key=lambda r: (r.date, department(r), r.worker_id))


def _sheet(route: Route, problem: Problem, lang: Lang, client_label: Callable[[str], str] | None) -> str:
    workers = {w.id: w for w in problem.workers}
    clients = {c.id: c for c in problem.clients}
    worker = workers.get(route.worker_id)
    title = word("route_sheet", lang)
    body = (
        f"<h1>{_e(title)}</h1>\n"
        + _head(route, worker, lang)
        + _stops_table(route, problem, clients, workers, lang, client_label)
        + _totals_table(_Totals.of(route), lang)
        + f'<p class="signed">{_e(word("worker_signature", lang, _WORDS))}: <span>&nbsp;</span></p>\n'
    )
    return _page(f"{title} — {route.worker_id} — {date_text(route.date, lang)}", body, lang)


def _head(route: Route, worker: Worker | None, lang: Lang) -> str:
    """Who, which department, when: three lines of two label-value pairs, to leave the page to the visits."""
    shift = worker.shift_on(route.date) if worker else None
    shift_text = f"{time_text(shift.start)}–{time_text(shift.end)}" if shift else word("no_shift", lang, _WORDS)
    pairs = [
        (word("worker", lang), f"{route.worker_id} {worker.name}".strip() if worker else route.worker_id),
        (word("date", lang), day_text(route.date, lang, long=True)),
        (word("department", lang), worker.department if worker else ""),
        (word("shift", lang, _WORDS), shift_text),
        (word("leaves", lang), time_text(route.departure)),
        (word("back", lang), time_text(route.return_arrival)),
    ]
    rows = "".join(
        "<tr>" + "".join(f"<th>{_e(label)}:</th><td>{_e(value)}</td>" for label, value in pairs[i : i + 2]) + "</tr>\n"
        for i in range(0, len(pairs), 2)
    )
    return f'<table class="head">\n{rows}</table>\n'


def _stops_table(
    route: Route,
    problem: Problem,
    clients: dict[str, Client],
    workers: dict[str, Worker],
    lang: Lang,
    client_label: Callable[[str], str] | None,
) -> str:
    client_heading = word("client", lang) if client_label else f"{word('client', lang)}, {word('address', lang)}"
    headings = {
        "no": word("visit_no", lang),
        "time": word("time", lang),
        "client": client_heading,
        "services": f"{word('services', lang)} ({word('norm', lang)})",
        "travel": word("travel", lang),
        "sign": word("signature", lang),
    }
    colgroup = "".join(f'<col style="width:{width}%">' for width in _WIDTHS.values())
    head = "".join(f'<th class="{c}">{_e(headings[c])}</th>' for c in _WIDTHS)
    norms = {s.code: s.norm_min for s in problem.services}
    lunch = route.lunch
    lunch_row = (
        _event_row("lunch", f"{time_text(lunch.start)}–{time_text(lunch.end)}", word("lunch", lang), None)
        if lunch
        else ""
    )
    places = {p.id: p for p in problem.places}
    rows: list[str] = []
    for number, stop in enumerate(route.stops, start=1):
        # the errands on the way and a lunch taken on the way, in the order of the day
        on_way = [(e.arrival, _errand_row(e, places.get(e.place_id), lang)) for e in stop.errands]
        if lunch is not None and lunch.after == number - 1:
            on_way.append((lunch.start, lunch_row))
        rows.extend(row for _, row in sorted(on_way, key=lambda pair: pair[0]))
        rows.append(_visit_row(number, stop, problem, clients, workers, norms, lang, client_label))
    back = _event_row(
        "return",
        time_text(route.return_arrival),
        word("return_row", lang, _WORDS),
        _travel(route.return_travel_s, route.return_travel_m, lang),
    )
    if lunch is not None and lunch.after == len(route.stops):
        # Lunch after the last visit: on the way back, or at the start place once back.
        rows.extend([lunch_row, back] if lunch.start < route.return_arrival else [back, lunch_row])
    else:
        rows.append(back)
    return (
        f'<table class="stops">\n<colgroup>{colgroup}</colgroup>\n<thead><tr>{head}</tr></thead>\n<tbody>\n'
        + "".join(rows)
        + "</tbody>\n</table>\n"
    )


def _event_row(kind: str, when: str, what: str, travel: str | None) -> str:
    """A row that is no visit (lunch, coming back): no number, nothing to sign."""
    return (
        f'<tr class="{kind}"><td class="no"></td><td class="time">{_e(when)}</td>'
        f'<td class="what" colspan="2">{_e(what)}</td>'
        f'<td class="travel">{travel or ""}</td><td class="sign"></td></tr>\n'
    )


def _errand_row(errand: ErrandStop, place: ErrandPlace | None, lang: Lang) -> str:
    """``Зайти в аптеку «Здоровье»``, with the walk there: the place's name; a place the data names not
    (an extract's shop without a name or an address) is "on the map", where it is drawn, never an id
    that means nothing to the worker; a place the data no longer has, its id."""
    if place is not None and not place.name:
        quoted = f"({word('unnamed_place', lang, _WORDS)})"
    else:
        name = place.name if place is not None else errand.place_id
        quoted = f"«{name}»" if lang == "ru" else f'"{name}"'
    what = f"{word(f'errand_{errand.kind}', lang, _WORDS)} {quoted}"
    when = f"{time_text(errand.arrival)}–{time_text(errand.departure)}"
    return _event_row("errand", when, what, _travel(errand.travel_s, errand.travel_m, lang))


def _travel(seconds: int, metres: int, lang: Lang) -> str:
    return f"{_e(minutes_text(seconds / 60, lang))}<br>{_e(km_text(metres, lang))}"


def _visit_row(
    number: int,
    stop: Stop,
    problem: Problem,
    clients: dict[str, Client],
    workers: dict[str, Worker],
    norms: dict[str, int],
    lang: Lang,
    client_label: Callable[[str], str] | None,
) -> str:
    when = f"{_e(time_text(stop.start))}–{_e(time_text(stop.end))}"
    if stop.wait_s > 0:
        when += f'<span class="arrival">{_e(word("arrival", lang))} {_e(time_text(stop.arrival))}</span>'
    if stop.substitute_for:
        own = workers.get(stop.substitute_for)
        whom = f"{stop.substitute_for} {own.name}".strip() if own else stop.substitute_for
        stand_in = f'<span class="stand-in">{_e(word("substitute_for", lang))}: {_e(whom)}</span>'
    else:
        stand_in = ""
    services = "".join(
        f"<li>{_e(name)}{_norm(norms.get(code), lang)}</li>"
        for code, name in zip(stop.services, service_names(problem, stop.services), strict=True)
    )
    cells = (
        ("no", str(number)),
        ("time", when),
        ("client", _client(stop.client_id, clients.get(stop.client_id), lang, client_label) + stand_in),
        ("services", f"<ul>{services}</ul>"),
        # the last leg: the walks to the errands' places are on their own rows
        (
            "travel",
            _travel(
                stop.travel_s - sum(e.travel_s for e in stop.errands),
                stop.travel_m - sum(e.travel_m for e in stop.errands),
                lang,
            ),
        ),
        ("sign", ""),
    )
    return '<tr class="visit">' + "".join(f'<td class="{c}">{text}</td>' for c, text in cells) + "</tr>\n"


def _client(client_id: str, client: Client | None, lang: Lang, client_label: Callable[[str], str] | None) -> str:
    """The client's cell: their label alone when one is given, else name, id, address and notes."""
    if client_label is not None:
        return f'<span class="name">{_e(client_label(client_id))}</span>'
    if client is None or not client.name:  # a published plan's client the problem no longer has, or no name
        text = f'<span class="name">{_e(client_id)}</span>'
    else:
        text = f'<span class="name">{_e(client.name)}</span> <span class="id">{_e(client_id)}</span>'
    if client is None:
        return text
    if client.address:
        text += f'<span class="address">{_e(client.address)}</span>'
    if client.notes:
        text += f'<span class="notes">{_e(word("notes", lang))}: {_e(client.notes)}</span>'
    return text


def _norm(norm_min: int | None, lang: Lang) -> str:
    """`` — 40 мин``: the service's norm; a code the problem does not know has none to show."""
    return f' <span class="norm">— {_e(minutes_text(norm_min, lang))}</span>' if norm_min is not None else ""


def _totals_table(totals: _Totals, lang: Lang) -> str:
    """The day's figures side by side, one column each, under a "total" row heading."""
    lines = [
        ("visits", word("visits_count", lang, _WORDS), str(totals.visits)),
        ("service", word("service_time", lang, _WORDS), minutes_text(totals.service_s / 60, lang)),
        ("travel_min", word("travel", lang), minutes_text(totals.travel_s / 60, lang)),
        ("travel_km", word("travel_km", lang), number_text(totals.travel_m / 1000, lang)),
        ("waiting", word("waiting", lang, _WORDS), minutes_text(totals.wait_s / 60, lang)),
        ("lunch", word("lunch", lang), minutes_text(totals.lunch_s / 60, lang)),
        ("away", word("away", lang, _WORDS), minutes_text(totals.away_s / 60, lang)),
    ]
    if totals.errand_s:  # only where errands were run: a plan without places keeps its sheet
        lines.insert(3, ("errands", word("errands_time", lang, _WORDS), minutes_text(totals.errand_s / 60, lang)))
    labels = "".join(f'<th class="{key}">{_e(label)}</th>' for key, label, _ in lines)
    values = "".join(f'<td class="{key}">{_e(value)}</td>' for key, _, value in lines)
    total = _e(word("total", lang))
    return f'<table class="totals">\n<tr><th rowspan="2">{total}</th>{labels}</tr>\n<tr>{values}</tr>\n</table>\n'

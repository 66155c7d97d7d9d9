"""Folium maps of a plan's routes: a day, or a week with a day filter. Draws only; never plans, never
writes files.

The page works with no network: Leaflet is inlined from the pinned copy shipped in ``lean_social/assets``
(planners often sit on a closed network, and a CDN request would tell a third party that a plan was
opened). No map tiles by default either: a tile request tells a tile server where vulnerable people live.
Pass ``tiles=`` a folium tile name (``"OpenStreetMap"``) or the URL template of a local tile server
(``http://tiles.local/{z}/{x}/{y}.png``) to opt in.

What a planner sees: a layer per worker and day, each worker in a colour no other worker of their
department has (twelve colours, then the same colours dashed), the visits numbered as on the route sheet
(``seq`` in ``schedule.csv``), the lunch break where it is taken, the visits nobody could make with their
reasons, and a legend with each worker's colour, name and figures; a department filter, and on a week's
map a day filter.

No value from the data is ever spliced into code. Everything the map shows (client ids, names, addresses,
notes, worker ids, reasons, services) travels as one JSON data block, escaped so that no text can close
the ``<script>`` element it sits in; a fixed script reads it and builds the layers with Leaflet's API,
setting each text as a DOM text node. Folium's own ``Tooltip`` and ``Popup`` are not used for data: they
put their text into a JavaScript template literal, where ``${...}`` runs as code whatever ``html.escape``
did to it.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import re
from collections.abc import Callable, Sequence
from importlib import resources
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from lean_social.domain.model import Problem, Worker
from lean_social.outputs.labels import (
    DEFAULT_LANG,
    Lang,
    Words,
    day_text,
    km_text,
    minutes_text,
    service_names,
    time_text,
    word,
)
from lean_social.outputs.reason_text import reason_text
from lean_social.schedule import Route, Schedule

__all__ = ["DASHES", "LEAFLET_VERSION", "PALETTE", "day_map", "safe_json", "week_map"]

#: Twelve colours told apart on a white page and by most colour-blind readers: Okabe & Ito (2008)
#: without its yellow, then Paul Tol's muted scheme. A department's workers get them in turn.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#D55E00",
    "#56B4E9",
    "#000000",
    "#882255",
    "#44AA99",
    "#999933",
    "#332288",
    "#AA4499",
)
#: Past twelve workers in a department the colours come round again, with the route dashed.
DASHES = ("", "10 6", "2 6", "10 6 2 6")
OSM_ATTRIBUTION = "&copy; OpenStreetMap contributors (ODbL)"
#: The Leaflet shipped in ``lean_social/assets/leaflet-<version>`` (BSD-2-Clause, see its LICENSE there).
LEAFLET_VERSION = "1.9.4"
UNASSIGNED_COLOUR = "#B00020"
#: The viewport's centre is rounded like pseudonymised coordinates (3 decimals, about 100 m): it is only
#: where the map opens, and an exact mean of a few homes would point at one of them.
CENTRE_DECIMALS = 3

_WORDS: Words = {
    "title_day": ("Маршруты на", "Routes on"),
    "title_week": ("Маршруты, неделя с", "Routes, week of"),
    "all_departments": ("все отделения", "all departments"),
    "all_days": ("все дни", "all days"),
    "visits_n": ("посещ.", "visits"),
    "services_short": ("услуги", "services"),
    "travel_short": ("дорога", "travel"),
    "leaves": ("выход", "leaves"),
    "back": ("возвращение", "back"),
    "lunch": ("обед", "lunch"),
    "unassigned": ("Не назначено", "Unassigned"),
    "department": ("Отделение", "Department"),
    "day": ("День", "Day"),
    "stands_in": ("замещает", "stands in for"),
    "errand_shop": ("магазин", "shop"),
    "errand_pharmacy": ("аптека", "pharmacy"),
    "errand_post": ("почта", "post office"),
    "errand_for": ("по пути к посещению", "on the way to visit"),
}

# In JSON text inside <script>: "<" could start "</script>" or "<!--", and U+2028/2029 end a line in
# older JavaScript parsers. "&" is escaped too so that the block reads the same inside an HTML attribute
# (Jupyter's srcdoc iframe).
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


def safe_json(value: object) -> str:
    """JSON that can sit inside an HTML ``<script>`` element: no character in it can end the element."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return _JSON_UNSAFE.sub(lambda m: _JSON_ESCAPES[m.group()], text)


def day_map(
    schedule: Schedule,
    problem: Problem,
    day: dt.date,
    *,
    tiles: str | None = None,
    client_label: Callable[[str], str] | None = None,
    lang: Lang = DEFAULT_LANG,
) -> folium.Map:
    """The routes of one day: a layer per worker with their start place, numbered visits, lunch and the
    path between them; the visits nobody could make, with their reasons; a department filter.

    ``client_label`` maps a client id to what the map shows (a pseudonym, say); by default the client's
    id, name and address, and their notes on a line of their own. Exports that must carry no personal
    data pass a pseudonymised problem and schedule (``lean_social.outputs.privacy.pseudonymised``) instead.
    """
    title = f"{word('title_day', lang, _WORDS)} {day_text(day, lang)}"
    return _plan_map(schedule, problem, [day], title, tiles=tiles, client_label=client_label, lang=lang)


def week_map(
    schedule: Schedule,
    problem: Problem,
    days: Sequence[dt.date] | None = None,
    *,
    tiles: str | None = None,
    client_label: Callable[[str], str] | None = None,
    lang: Lang = DEFAULT_LANG,
) -> folium.Map:
    """Every day of the plan (or ``days``) on one map: a layer per worker and day, a day filter to look at
    one day at a time, the department filter, and the legend's figures for the whole week."""
    dates = sorted(set(days) if days is not None else {r.date for r in schedule.routes} | _missed_days(schedule))
    # Titled by the week's Monday; a plan with no day at all (nothing to show) by the words alone, never by
    # today's date, so the same plan makes the same page on any day.
    monday = dates[0] - dt.timedelta(days=dates[0].weekday()) if dates else None
    title = word("title_week", lang, _WORDS) + (f" {day_text(monday, lang)}" if monday else "")
    return _plan_map(schedule, problem, dates, title, tiles=tiles, client_label=client_label, lang=lang)


def _missed_days(schedule: Schedule) -> set[dt.date]:
    return {u.date for u in schedule.unassigned}


def worker_styles(problem: Problem) -> dict[str, tuple[str, str]]:
    """Worker id → (colour, dash): the colours in turn within each department, by worker id, so two
    workers of one department differ in colour or, past twelve, in dash; the same on every map."""
    styles: dict[str, tuple[str, str]] = {}
    departments: dict[str, list[Worker]] = {}
    for worker in problem.workers:
        departments.setdefault(worker.department, []).append(worker)
    for members in departments.values():
        for i, worker in enumerate(sorted(members, key=lambda w: w.id)):
            styles[worker.id] = (PALETTE[i % len(PALETTE)], DASHES[(i // len(PALETTE)) % len(DASHES)])
    return styles


def _worker_label(worker: Worker) -> str:
    return f"{worker.id} {worker.name}" if worker.name and worker.name != worker.id else worker.id


def _figures(routes: Sequence[Route], lang: Lang) -> str:
    """The legend's figures of a worker's routes on the map: visits, service time, travel time and way."""
    visits = sum(len(r.stops) for r in routes)
    service = sum(r.service_s for r in routes) / 60
    travel = sum(r.travel_s for r in routes) / 60
    metres = sum(r.travel_m for r in routes)
    return (
        f"{visits} {word('visits_n', lang, _WORDS)}, {word('services_short', lang, _WORDS)} "
        f"{minutes_text(service, lang)}, {word('travel_short', lang, _WORDS)} {minutes_text(travel, lang)}, "
        f"{km_text(metres, lang)}"
    )


def _plan_map(
    schedule: Schedule,
    problem: Problem,
    days: Sequence[dt.date],
    title: str,
    *,
    tiles: str | None,
    client_label: Callable[[str], str] | None,
    lang: Lang,
) -> folium.Map:
    shown = set(days)
    routes = [r for r in schedule.routes if r.date in shown]
    unassigned = [u for u in schedule.unassigned if u.date in shown]

    def label(client_id: str) -> list[str]:
        if client_label is not None:
            return [client_label(client_id)]
        client = problem.client(client_id)
        head = ", ".join(part for part in (client.id, client.name, client.address) if part)
        return [head, client.notes] if client.notes else [head]

    styles = worker_styles(problem)
    on_map = sorted({r.worker_id for r in routes})
    index = {worker_id: i for i, worker_id in enumerate(on_map)}
    workers: list[dict[str, str]] = []
    for worker_id in on_map:
        worker = problem.worker(worker_id)
        colour, dash = styles[worker_id]
        mine = [r for r in routes if r.worker_id == worker_id]
        workers.append(
            {
                "label": _worker_label(worker),
                "department": worker.department,
                "colour": colour,
                "dash": dash,
                "figures": _figures(mine, lang),
            }
        )
    points: list[list[float]] = []
    layers = []
    for route in routes:
        layer = _route_layer(route, problem, label, lang)
        layer["worker"] = index[route.worker_id]
        points += layer["path"]
        layers.append(layer)
    missed: list[dict[str, Any]] = []
    for item in unassigned:
        loc = problem.client(item.client_id).location
        head, *rest = label(item.client_id)
        names = "; ".join(service_names(problem, item.services))
        missed.append(
            {
                "day": item.date.isoformat(),
                "department": problem.client(item.client_id).department,
                "at": [loc.lat, loc.lon],
                "text": [head, f"{names}: {reason_text(item.reason, lang)}", *rest],
            }
        )
        points.append([loc.lat, loc.lon])
    fmap = _OfflineMap(location=_centre(points), zoom_start=14, tiles=None, control_scale=True)
    if tiles is not None:
        _tile_layer(tiles).add_to(fmap)
    data = {
        "words": {
            key: word(key, lang, _WORDS) for key in ("all_departments", "all_days", "unassigned", "department", "day")
        },
        "days": [{"key": d.isoformat(), "label": day_text(d, lang)} for d in sorted(shown)],
        "departments": sorted({w["department"] for w in workers} | {str(m["department"]) for m in missed}),
        "workers": workers,
        "routes": layers,
        "unassigned": {"colour": UNASSIGNED_COLOUR, "items": missed},
        "bounds": _bounds(points),
        "attribution": _places_attribution(routes),
    }
    _MapData(data, title=title).add_to(fmap)
    _number_elements(fmap)
    return fmap


def _places_attribution(routes: Sequence[Route]) -> str | None:
    """The errands' places drawn from an OpenStreetMap extract (``io.osm_places``: ids ``osm-…``) are its
    data, shown on the map: ODbL asks for the attribution wherever they are."""
    from_osm = any(e.place_id.startswith("osm-") for r in routes for s in r.stops for e in s.errands)
    return html.unescape(OSM_ATTRIBUTION) if from_osm else None


def _number_elements(root: Any) -> None:
    """Give the page's elements names by their place, not folium's random ones, so the same plan makes the
    same page byte for byte (a reproducible run, a night that reuses a plan, a diff between two runs)."""
    elements = [root]
    for i, element in enumerate(elements):
        element._id = f"{i:04d}"  # branca names an element ``<kind>_<_id>``
        elements.extend(element._children.values())


def _route_layer(route: Route, problem: Problem, label: Callable[[str], list[str]], lang: Lang) -> dict[str, Any]:
    """One worker-day: the start place, the numbered visits, the errands' places on the way (the path
    passes by them), the lunch break and the path."""
    worker = problem.worker(route.worker_id)
    start = [worker.start.lat, worker.start.lon]
    stops: list[dict[str, Any]] = []
    errands: list[dict[str, Any]] = []
    places = {p.id: p for p in problem.places}
    path = [start]
    ends = [0]  # where on the path each visit ends (the start place first)
    for seq, stop in enumerate(route.stops, start=1):
        for errand in stop.errands:
            place = places.get(errand.place_id)
            if place is None:  # a published plan's place the data no longer has: the path goes straight on
                continue
            path.append([place.location.lat, place.location.lon])
            kind = word(f"errand_{errand.kind}", lang, _WORDS)
            when = f"{time_text(errand.arrival)}–{time_text(errand.departure)}"
            errands.append(
                {
                    "at": path[-1],
                    "text": [f"{kind}: {place.name or place.id}", f"{when}, {word('errand_for', lang, _WORDS)} {seq}"],
                }
            )
        loc = problem.client(stop.client_id).location
        head, *rest = label(stop.client_id)
        times = f"{time_text(stop.start)}–{time_text(stop.end)} {'; '.join(service_names(problem, stop.services))}"
        if stop.substitute_for:
            rest = [*rest, f"{word('stands_in', lang, _WORDS)} {stop.substitute_for}"]
        path.append([loc.lat, loc.lon])
        ends.append(len(path) - 1)
        stops.append({"seq": seq, "at": path[-1], "text": [f"{seq}. {head}", times, *rest]})
    path.append(start)
    lunch = None
    if route.lunch is not None:
        at = path[ends[route.lunch.after]]  # where the last visit before it ended (or the start place)
        lunch = {
            "at": at,
            "text": [f"{word('lunch', lang, _WORDS)} {time_text(route.lunch.start)}–{time_text(route.lunch.end)}"],
        }
    who = _worker_label(worker)
    leaves = f"{word('leaves', lang, _WORDS)} {time_text(route.departure)}"
    back = f"{word('back', lang, _WORDS)} {time_text(route.finish)}"
    return {
        "day": route.date.isoformat(),
        "start": {"at": start, "text": [f"{who}: {leaves}, {back}"]},
        "stops": stops,
        "errands": errands,
        "lunch": lunch,
        "path": path,
    }


def _centre(points: Sequence[Sequence[float]]) -> tuple[float, float]:
    if not points:
        return (0.0, 0.0)
    return (
        round(sum(p[0] for p in points) / len(points), CENTRE_DECIMALS),
        round(sum(p[1] for p in points) / len(points), CENTRE_DECIMALS),
    )


def _tile_layer(tiles: str) -> folium.TileLayer:
    """A named provider (folium's names: ``OpenStreetMap``, ``CartoDB positron``) or the URL template of a
    tile server (a local one on a closed network); a URL's tiles are taken to be OpenStreetMap's data, whose
    licence asks for the attribution."""
    is_url = "{z}" in tiles
    attribution = OSM_ATTRIBUTION if is_url or tiles.lower() == "openstreetmap" else None
    return folium.TileLayer(tiles, attr=attribution)


def _bounds(points: Sequence[Sequence[float]]) -> list[list[float]] | None:
    if not points:
        return None
    return [
        [min(p[0] for p in points), min(p[1] for p in points)],
        [max(p[0] for p in points), max(p[1] for p in points)],
    ]


class _OfflineMap(folium.Map):
    """A folium map that links no script or stylesheet: ``_MapData`` inlines the pinned Leaflet instead
    of folium's CDN links (Leaflet, jQuery, Bootstrap, Font Awesome, none of which these maps need)."""

    default_js: list[tuple[str, str]] = []  # noqa: RUF012 - folium reads these class attributes
    default_css: list[tuple[str, str]] = []  # noqa: RUF012


@functools.cache
def _leaflet() -> tuple[str, str]:
    """Leaflet's script and stylesheet as text, ready to inline.

    The images the stylesheet names are for the collapsed layer control and Leaflet's default marker,
    neither of which these maps use: they are not shipped, and the page names no file to fetch.
    """
    folder = resources.files("lean_social") / "assets" / f"leaflet-{LEAFLET_VERSION}"
    script = (folder / "leaflet.js").read_text(encoding="utf-8")
    css = re.sub(r"url\(images/[\w.-]+\.png\)", "none", (folder / "leaflet.css").read_text(encoding="utf-8"))
    # Inlined as they are: neither may hold what would end its element early.
    if re.search(r"</script|<!--", script, re.IGNORECASE) or re.search(r"</style", css, re.IGNORECASE):
        msg = "the shipped Leaflet cannot be inlined: it contains an end tag"
        raise RuntimeError(msg)
    return script, css


class _MapData(MacroElement):
    """Inlined Leaflet, the map's data as one JSON block, and the fixed script that draws it.

    The script is the same for every map: the only values put into it are names this module makes
    (the map's variable and the data block's id), and they go in as JSON strings.
    """

    _template = Template(
        """
{% macro header(this, kwargs) %}
<title>{{ this.title }}</title>
<style>{{ this.leaflet_css }}</style>
<style>
.lean-social-stop {
  color: #fff; border-radius: 50%; width: 22px; height: 22px;
  text-align: center; font: bold 12px/22px sans-serif;
}
.lean-social-legend {
  background: #fff; padding: 6px 8px; font: 13px/1.35 sans-serif; max-height: 70vh; overflow-y: auto;
  max-width: 340px;
}
.lean-social-legend label { display: block; margin: 3px 0; cursor: pointer; }
.lean-social-legend select { margin: 0 0 4px 4px; }
.lean-social-swatch {
  display: inline-block; width: 22px; height: 0; margin: 0 6px 3px 2px; vertical-align: middle;
  border-top: 4px solid;
}
.lean-social-figures { display: block; margin-left: 52px; color: #444; font-size: 12px; }
</style>
<script>{{ this.leaflet_js }}</script>
{% endmacro %}

{% macro html(this, kwargs) %}
<script type="application/json" id="{{ this.get_name() }}">{{ this.data }}</script>
{% endmacro %}

{% macro script(this, kwargs) %}
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById({{ this.data_id }}).textContent);
  function escapeText(text) {  // Leaflet's attribution takes HTML: the data's words go in as text
    var node = document.createElement("span");
    node.textContent = String(text);
    return node.innerHTML;
  }
  var map = window[{{ this.map_name }}];
  // Every text from the data becomes a DOM text node: nothing of it is ever read as HTML or code.
  function lines(texts) {
    var box = document.createElement("div");
    texts.forEach(function (text, i) {
      if (i > 0) { box.appendChild(document.createElement("br")); }
      box.appendChild(document.createTextNode(String(text)));
    });
    return box;
  }
  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }
  var state = {department: "", day: data.days.length > 1 ? data.days[0].key : "", hidden: {}, missed: true};
  var shown = [];  // [layer, is it shown now?]: every layer, with the test that says whether it is
  data.routes.forEach(function (route) {
    var worker = data.workers[route.worker];
    var layer = L.featureGroup();
    L.polyline(route.path, {color: worker.colour, weight: 3, opacity: 0.8, dashArray: worker.dash || null})
      .addTo(layer);
    L.circleMarker(route.start.at, {radius: 7, color: worker.colour, fill: true, fillOpacity: 1.0,
                                    className: "lean-social-start"})
      .bindTooltip(lines(route.start.text)).addTo(layer);
    route.stops.forEach(function (stop) {
      var badge = element("div", "lean-social-stop", stop.seq);
      badge.style.background = worker.colour;
      badge.setAttribute("data-worker", String(route.worker));
      badge.setAttribute("data-day", route.day);
      L.marker(stop.at, {icon: L.divIcon({html: badge, className: "", iconSize: [22, 22], iconAnchor: [11, 11]})})
        .bindTooltip(lines(stop.text)).addTo(layer);
    });
    route.errands.forEach(function (errand) {
      L.circleMarker(errand.at, {radius: 4, color: worker.colour, weight: 2, fill: true, fillColor: worker.colour,
                                 fillOpacity: 0.5, className: "lean-social-errand"})
        .bindTooltip(lines(errand.text)).addTo(layer);
    });
    if (route.lunch !== null) {
      L.circleMarker(route.lunch.at, {radius: 5, color: worker.colour, weight: 3, fill: true, fillColor: "#fff",
                                      fillOpacity: 1.0, className: "lean-social-lunch"})
        .bindTooltip(lines(route.lunch.text)).addTo(layer);
    }
    shown.push([layer, function () {
      return !state.hidden[route.worker] && (state.day === "" || route.day === state.day) &&
        (state.department === "" || worker.department === state.department);
    }]);
  });
  data.unassigned.items.forEach(function (item) {
    var layer = L.circleMarker(item.at, {radius: 6, color: data.unassigned.colour, weight: 3, fill: false,
                                         className: "lean-social-missed"})
      .bindTooltip(lines(item.text));
    shown.push([layer, function () {
      return state.missed && (state.day === "" || item.day === state.day) &&
        (state.department === "" || item.department === state.department);
    }]);
  });
  var rows = [];
  function update() {
    shown.forEach(function (pair) {
      if (pair[1]()) { map.addLayer(pair[0]); } else { map.removeLayer(pair[0]); }
    });
    rows.forEach(function (pair) {
      pair[0].style.display = state.department === "" || pair[1] === state.department ? "" : "none";
    });
    map.getContainer().setAttribute("data-day", state.day);
    map.getContainer().setAttribute("data-department", state.department);
  }
  function filter(title, all, options, key) {
    var box = element("label", "", title);
    var select = element("select", "lean-social-" + key);
    select.appendChild(element("option", "", all)).value = "";
    options.forEach(function (option) { select.appendChild(element("option", "", option.label)).value = option.key; });
    select.value = state[key];
    select.addEventListener("change", function () { state[key] = select.value; update(); });
    box.appendChild(select);
    return box;
  }
  function toggle(row, checked, onChange) {
    var box = element("input");
    box.type = "checkbox";
    box.checked = checked;
    box.addEventListener("change", function () { onChange(box.checked); update(); });
    row.insertBefore(box, row.firstChild);
  }
  var Legend = L.Control.extend({
    options: {position: "topright"},
    onAdd: function () {
      var box = element("div", "lean-social-legend leaflet-bar");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      if (data.departments.length > 1) {
        box.appendChild(filter(data.words.department, data.words.all_departments,
                               data.departments.map(function (d) { return {key: d, label: d}; }), "department"));
      }
      if (data.days.length > 1) {
        box.appendChild(filter(data.words.day, data.words.all_days, data.days.map(function (d) {
          return {key: d.key, label: d.label};
        }), "day"));
      }
      data.workers.forEach(function (worker, i) {
        var row = element("label", "lean-social-worker");
        var swatch = element("span", "lean-social-swatch");
        swatch.style.borderTopColor = worker.colour;
        if (worker.dash) { swatch.style.borderTopStyle = "dashed"; }
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(worker.label));
        row.appendChild(element("span", "lean-social-figures", worker.figures));
        toggle(row, true, function (on) { state.hidden[i] = !on; });
        rows.push([row, worker.department]);
        box.appendChild(row);
      });
      if (data.unassigned.items.length > 0) {
        var row = element("label", "lean-social-missed-row");
        var swatch = element("span", "lean-social-swatch");
        swatch.style.borderTopColor = data.unassigned.colour;
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(data.words.unassigned + " (" + data.unassigned.items.length + ")"));
        toggle(row, true, function (on) { state.missed = on; });
        box.appendChild(row);
      }
      return box;
    }
  });
  new Legend().addTo(map);
  if (data.attribution) { map.attributionControl.addAttribution(escapeText(data.attribution)); }
  update();
  if (data.bounds !== null) { map.fitBounds(data.bounds); }
  map.getContainer().setAttribute("data-ready", "1");
})();
{% endmacro %}
"""
    )

    def __init__(self, data: object, *, title: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "lean_social_map_data"
        self.data = safe_json(data)
        self.title = html.escape(title)
        self.leaflet_js, self.leaflet_css = _leaflet()

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # branca's own returns None too
        # Known only once the element sits on its map.
        assert self._parent is not None
        self.data_id = safe_json(self.get_name())
        self.map_name = safe_json(self._parent.get_name())
        super().render(**kwargs)  # type: ignore[no-untyped-call]

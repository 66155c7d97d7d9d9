"""Folium maps of a day's routes. Draws only; never plans, never writes files.

The page works with no network: Leaflet is inlined from the pinned copy shipped in ``lean_social/assets``
(planners often sit on a closed network, and a CDN request would tell a third party that a plan was
opened). No map tiles by default either: a tile request tells a tile server where vulnerable people live.
Pass ``tiles="OpenStreetMap"`` (or any folium tile name or URL) to opt in.

No value from the data is ever spliced into code. Everything the map shows (client ids, names, addresses,
notes, worker ids, reasons, services) travels as one JSON data block, escaped so that no text can close
the ``<script>`` element it sits in; a fixed script reads it and builds the layers with Leaflet's API,
setting each text as a DOM text node (tooltips) or as escaped HTML (layer names). Folium's own
``Tooltip`` and ``Popup`` are not used for data: they put their text into a JavaScript template literal,
where ``${...}`` runs as code whatever ``html.escape`` did to it.
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

from lean_social.domain.model import Problem
from lean_social.domain.timefmt import format_hhmm
from lean_social.schedule import Schedule

__all__ = ["LEAFLET_VERSION", "PALETTE", "day_map", "safe_json"]

#: Colour-blind-safe qualitative palette (Okabe & Ito 2008), cycled over workers.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")
OSM_ATTRIBUTION = "&copy; OpenStreetMap contributors (ODbL)"
#: The Leaflet shipped in ``lean_social/assets/leaflet-<version>`` (BSD-2-Clause, see its LICENSE there).
LEAFLET_VERSION = "1.9.4"
UNASSIGNED_COLOUR = "#B00020"
#: The viewport's centre is rounded like pseudonymised coordinates (3 decimals, about 100 m): it is only
#: where the map opens, and an exact mean of a few homes would point at one of them.
CENTRE_DECIMALS = 3

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
) -> folium.Map:
    """One layer per worker: start place, numbered visits and the path between them; a layer of the
    visits nobody could make, with their reasons.

    ``client_label`` maps a client id to what the map shows (a pseudonym, say); by default the client's
    id, name and address, and their notes on a line of their own. Exports that must carry no personal
    data pass a pseudonymised problem and schedule (``lean_social.outputs.privacy.pseudonymised``) instead.
    """
    routes = [r for r in schedule.routes if r.date == day]
    unassigned = [u for u in schedule.unassigned if u.date == day]

    def label(client_id: str) -> list[str]:
        if client_label is not None:
            return [client_label(client_id)]
        client = problem.client(client_id)
        head = ", ".join(part for part in (client.id, client.name, client.address) if part)
        return [head, client.notes] if client.notes else [head]

    layers: list[dict[str, Any]] = []
    points: list[list[float]] = []
    for i, route in enumerate(routes):
        worker = problem.worker(route.worker_id)
        start = [worker.start.lat, worker.start.lon]
        who = f"{worker.id} {worker.name}" if worker.name and worker.name != worker.id else worker.id
        stops: list[dict[str, Any]] = []
        path = [start]
        for seq, stop in enumerate(route.stops, start=1):
            loc = problem.client(stop.client_id).location
            head, *rest = label(stop.client_id)
            times = f"{format_hhmm(stop.start)}-{format_hhmm(stop.end)} {'+'.join(stop.services)}"
            path.append([loc.lat, loc.lon])
            stops.append({"seq": seq, "at": path[-1], "text": [f"{seq}. {head}", times, *rest]})
        path.append(start)
        points += path
        layers.append(
            {
                "name": f"{who} ({len(route.stops)} visits)",
                "colour": PALETTE[i % len(PALETTE)],
                "start": {
                    "at": start,
                    "text": [f"{who}: leaves {format_hhmm(route.departure)}, back {format_hhmm(route.finish)}"],
                },
                "stops": stops,
                "path": path,
            }
        )
    missed = []
    for item in unassigned:
        loc = problem.client(item.client_id).location
        head, *rest = label(item.client_id)
        missed.append({"at": [loc.lat, loc.lon], "text": [f"{head}: {item.reason}", *rest]})
        points.append([loc.lat, loc.lon])

    centre = (
        (
            round(sum(p[0] for p in points) / len(points), CENTRE_DECIMALS),
            round(sum(p[1] for p in points) / len(points), CENTRE_DECIMALS),
        )
        if points
        else (0.0, 0.0)
    )
    fmap = _OfflineMap(location=centre, zoom_start=14, tiles=None, control_scale=True)
    if tiles is not None:
        attribution = OSM_ATTRIBUTION if tiles.lower() == "openstreetmap" else None
        folium.TileLayer(tiles, attr=attribution).add_to(fmap)
    data = {
        "routes": layers,
        "unassigned": {"name": f"unassigned ({len(missed)})", "colour": UNASSIGNED_COLOUR, "items": missed},
        "bounds": _bounds(points),
    }
    _MapData(data, title=f"lean_social: routes on {day.isoformat()}").add_to(fmap)
    return fmap


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
  var map = window[{{ this.map_name }}];
  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function lines(texts) {
    var box = document.createElement("div");
    texts.forEach(function (text, i) {
      if (i > 0) { box.appendChild(document.createElement("br")); }
      box.appendChild(document.createTextNode(String(text)));
    });
    return box;
  }
  var overlays = {};
  data.routes.forEach(function (route) {
    var layer = L.featureGroup();
    L.circleMarker(route.start.at, {radius: 7, color: route.colour, fill: true, fillOpacity: 1.0})
      .bindTooltip(lines(route.start.text)).addTo(layer);
    route.stops.forEach(function (stop) {
      var badge = document.createElement("div");
      badge.className = "lean-social-stop";
      badge.style.background = route.colour;
      badge.textContent = String(stop.seq);
      L.marker(stop.at, {icon: L.divIcon({html: badge, className: "", iconSize: [22, 22], iconAnchor: [11, 11]})})
        .bindTooltip(lines(stop.text)).addTo(layer);
    });
    L.polyline(route.path, {color: route.colour, weight: 3, opacity: 0.8}).addTo(layer);
    layer.addTo(map);
    overlays[escapeHtml(route.name)] = layer;  // the layer control sets names as HTML
  });
  if (data.unassigned.items.length > 0) {
    var missed = L.featureGroup();
    data.unassigned.items.forEach(function (item) {
      L.circleMarker(item.at, {radius: 6, color: data.unassigned.colour, fill: false})
        .bindTooltip(lines(item.text)).addTo(missed);
    });
    missed.addTo(map);
    overlays[escapeHtml(data.unassigned.name)] = missed;
  }
  L.control.layers(null, overlays, {collapsed: false}).addTo(map);
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

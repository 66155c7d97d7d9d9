"""Folium maps of a day's routes. Draws only; never plans, never writes files.

No map tiles by default: a tile request tells a tile server where vulnerable people live. Pass
``tiles="OpenStreetMap"`` (or any folium tile name or URL) to opt in. Every text shown is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

import folium

from lean_social.model import Problem
from lean_social.schedule import Schedule
from lean_social.timefmt import format_hhmm

__all__ = ["PALETTE", "day_map"]

#: Colour-blind-safe qualitative palette (Okabe & Ito 2008), cycled over workers.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#000000")
OSM_ATTRIBUTION = "&copy; OpenStreetMap contributors (ODbL)"


def day_map(
    schedule: Schedule,
    problem: Problem,
    day: dt.date,
    *,
    tiles: str | None = None,
    client_label: Callable[[str], str] | None = None,
) -> folium.Map:
    """One layer per worker: start place, numbered visits and the path between them.

    ``client_label`` maps a client id to what the map shows (pseudonyms for exports); by default the
    client's id and address.
    """
    routes = [r for r in schedule.routes if r.date == day]
    points = [
        (problem.client(s.client_id).location.lat, problem.client(s.client_id).location.lon)
        for r in routes
        for s in r.stops
    ]
    points += [(problem.worker(r.worker_id).start.lat, problem.worker(r.worker_id).start.lon) for r in routes]
    center = (
        (sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)) if points else (0.0, 0.0)
    )
    fmap = folium.Map(location=center, zoom_start=14, tiles=None, control_scale=True)
    if tiles is not None:
        attribution = OSM_ATTRIBUTION if tiles.lower() == "openstreetmap" else None
        folium.TileLayer(tiles, attr=attribution).add_to(fmap)

    def label(client_id: str) -> str:
        if client_label is not None:
            return client_label(client_id)
        client = problem.client(client_id)
        return f"{client.id}, {client.address}" if client.address else client.id

    for i, route in enumerate(routes):
        colour = PALETTE[i % len(PALETTE)]
        worker = problem.worker(route.worker_id)
        layer = folium.FeatureGroup(name=html.escape(f"{worker.id} ({len(route.stops)} visits)"))
        start = (worker.start.lat, worker.start.lon)
        path = [start]
        folium.CircleMarker(
            start,
            radius=7,
            color=colour,
            fill=True,
            fill_opacity=1.0,
            tooltip=html.escape(
                f"{worker.id}: leaves {format_hhmm(route.departure)}, back {format_hhmm(route.finish)}"
            ),
        ).add_to(layer)
        for seq, stop in enumerate(route.stops, start=1):
            loc = problem.client(stop.client_id).location
            path.append((loc.lat, loc.lon))
            text = (
                f"{seq}. {html.escape(label(stop.client_id))}<br>"
                f"{format_hhmm(stop.start)}-{format_hhmm(stop.end)} "
                f"{html.escape('+'.join(stop.services))}"
            )
            folium.Marker(
                (loc.lat, loc.lon),
                icon=folium.DivIcon(
                    html=(
                        f'<div style="background:{colour};color:#fff;border-radius:50%;'
                        f"width:22px;height:22px;"
                        f'text-align:center;font:bold 12px/22px sans-serif">{seq}</div>'
                    )
                ),
                tooltip=folium.Tooltip(text),
            ).add_to(layer)
        path.append(start)
        folium.PolyLine(  # type: ignore[no-untyped-call]
            path, color=colour, weight=3, opacity=0.8
        ).add_to(layer)
        layer.add_to(fmap)
    unassigned = [u for u in schedule.unassigned if u.date == day]
    if unassigned:
        layer = folium.FeatureGroup(name=f"unassigned ({len(unassigned)})")
        for item in unassigned:
            loc = problem.client(item.client_id).location
            folium.CircleMarker(
                (loc.lat, loc.lon),
                radius=6,
                color="#B00020",
                fill=False,
                tooltip=html.escape(f"{label(item.client_id)}: {item.reason}"),
            ).add_to(layer)
        layer.add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    if points:
        fmap.fit_bounds(
            [
                [min(p[0] for p in points), min(p[1] for p in points)],
                [max(p[0] for p in points), max(p[1] for p in points)],
            ]
        )
    return fmap

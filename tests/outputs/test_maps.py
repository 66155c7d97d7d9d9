"""The maps' page and data: nothing fetched, nothing from the data run as code, and what a planner reads
off it (colours within a department, visit numbers, lunch, the legend, filters) drawn from the plan.

The page as a browser runs it is tested in ``test_map_browser.py``; here the page's text and its JSON
data block are read directly.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import json
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import lean_social
from conftest import WORK, client, every_monday, problem, worker
from lean_social import day_map, plan_day, week_map
from lean_social.domain.model import Problem
from lean_social.outputs.maps import DASHES, LEAFLET_VERSION, PALETTE, safe_json, worker_styles
from lean_social.schedule import LunchBreak, Route, Schedule, Stop

MONDAY = dt.date(2026, 12, 7)


def _map_page(ident: str = "C1", *, tiles: str | None = None) -> str:
    evil = client(ident, lat=47.515, lon=42.155)
    p = problem([evil], [worker("W1")], every_monday(evil.id, "FOOD"))
    monday = dt.date(2026, 12, 7)
    return day_map(plan_day(p, monday, work_per_visit=WORK), p, monday, tiles=tiles).get_root().render()


def test_map_data_cannot_end_its_script_element() -> None:
    page = _map_page("</script><script>alert(1)</script>")
    assert "<script>alert(1)" not in page
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)" in page  # in the JSON data block, escaped


@pytest.mark.parametrize(
    ("value", "json_text"),
    [
        ("</script>", '"\\u003c/script\\u003e"'),  # would end the script element
        ("<!--", '"\\u003c!--"'),  # would start an HTML comment inside it
        ("a&b", '"a\\u0026b"'),  # an entity once in an HTML attribute (Jupyter's srcdoc)
        ("\u2028\u2029", '"\\u2028\\u2029"'),  # line ends to older JavaScript
        ("${x}`'\"", '"${x}`\'\\""'),  # harmless in JSON data: it is never code
    ],
)
def test_safe_json(value: str, json_text: str) -> None:
    assert safe_json(value) == json_text
    assert json.loads(safe_json(value)) == value


class _Links(HTMLParser):
    """Every script, stylesheet and image the page itself asks the browser to fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag in ("script", "img", "iframe") and found.get("src"):
            self.urls.append(str(found["src"]))
        if tag == "link" and found.get("href"):
            self.urls.append(str(found["href"]))


def test_map_fetches_nothing_and_draws_no_tiles() -> None:
    page = _map_page()
    links = _Links()
    links.feed(page)
    assert links.urls == []
    assert "<script>" in page and "L.map(" in page  # Leaflet and the map are in the page itself
    assert "@import" not in page and "cdn" not in page.lower()
    assert "L.tileLayer(" not in page.split("</head>", 1)[1]  # no tiles unless asked for


def test_map_tiles_only_when_asked() -> None:
    page = _map_page(tiles="OpenStreetMap")
    links = _Links()
    links.feed(page)
    assert links.urls == []  # tiles are loaded by Leaflet, not linked by the page
    assert "L.tileLayer(" in page.split("</head>", 1)[1]
    assert "tile.openstreetmap.org" in page


def test_leaflet_assets_ship_in_the_package() -> None:
    """pyproject's package-data lists the assets the maps inline, so a wheel has them too."""
    folder = Path(lean_social.__file__).parent / "assets" / f"leaflet-{LEAFLET_VERSION}"
    names = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {"leaflet.js", "leaflet.css", "LICENSE"} <= names
    data = tomllib.loads((Path(__file__).parent.parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["lean_social"]
    shipped = {n for n in names if any(fnmatch.fnmatch(f"assets/leaflet-{LEAFLET_VERSION}/{n}", g) for g in patterns)}
    assert shipped == names


def _data(page: str) -> dict[str, Any]:
    """The map's JSON data block, as the page's script reads it."""
    found = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', page, re.S)
    assert found is not None
    return dict(json.loads(found.group(1)))


def _staff(n: int, departments: tuple[str, ...] = ("D1",)) -> Problem:
    workers = [worker(f"W{d}{i:02d}", department=d) for d in departments for i in range(n)]
    return problem([], workers, [])


def test_workers_of_one_department_never_share_a_colour_and_dash() -> None:
    styles = worker_styles(_staff(15, ("D1", "D2")))
    for department in ("D1", "D2"):
        mine = [style for ident, style in styles.items() if ident.startswith(f"W{department}")]
        assert len(mine) == 15
        assert len(set(mine)) == 15  # twelve colours, then the first three again, dashed
        assert [colour for colour, _ in mine[:12]] == list(PALETTE)
        assert {dash for _, dash in mine[12:]} == {DASHES[1]}
    assert len(PALETTE) >= 12 and len(set(PALETTE)) == len(PALETTE)


def _route(worker_id: str, day: dt.date, clients: list[str], lunch_after: int | None) -> Route:
    stops = tuple(
        Stop(
            visit_id=f"v{i}",
            client_id=c,
            services=("FOOD",),
            arrival=(9 + 2 * i) * 3600,
            start=(9 + 2 * i) * 3600,
            end=(9 + 2 * i) * 3600 + 2400,
            travel_s=300,
            travel_m=400,
        )
        for i, c in enumerate(clients)
    )
    lunch = None if lunch_after is None else LunchBreak(start=12 * 3600, end=12 * 3600 + 2700, after=lunch_after)
    last = stops[-1].end if stops else 9 * 3600
    return Route(
        worker_id=worker_id,
        date=day,
        departure=8 * 3600 + 3300,
        stops=stops,
        lunch=lunch,
        return_travel_s=300,
        return_travel_m=400,
        return_arrival=last + 300,
    )


@pytest.fixture
def plan() -> tuple[Problem, Schedule]:
    """Two workers of D1 over two days, by hand: W1 visits A then B (lunch between) on Monday and C on
    Tuesday; W2 visits C on Monday, no lunch."""
    clients = [client(c, lat=47.51 + i / 1000, lon=42.15) for i, c in enumerate("ABC")]
    p = problem(clients, [worker("W1"), worker("W2")], [])
    tuesday = MONDAY + dt.timedelta(days=1)
    routes = (
        _route("W1", MONDAY, ["A", "B"], lunch_after=1),
        _route("W2", MONDAY, ["C"], lunch_after=None),
        _route("W1", tuesday, ["C"], lunch_after=1),
    )
    return p, Schedule(routes=routes, unassigned=())


def test_a_day_map_numbers_the_visits_shows_lunch_and_the_legend(plan: tuple[Problem, Schedule]) -> None:
    p, schedule = plan
    data = _data(day_map(schedule, p, MONDAY).get_root().render())
    assert [w["label"] for w in data["workers"]] == ["W1", "W2"]
    assert data["workers"][0]["colour"] != data["workers"][1]["colour"]
    # the legend's figures: W1's Monday, two visits of 40 minutes, 3 legs of 5 minutes and 400 m
    assert data["workers"][0]["figures"] == "2 посещ., услуги 1 ч 20 мин, дорога 15 мин, 1,2 км"
    w1 = data["routes"][0]
    assert [s["seq"] for s in w1["stops"]] == [1, 2]  # lunch between them is not numbered
    assert w1["stops"][0]["text"][0].startswith("1. A, name A")
    assert "09:00–09:40 groceries" in w1["stops"][0]["text"]  # the service by its name, not its code
    assert w1["lunch"] == {"at": w1["stops"][0]["at"], "text": ["обед 12:00–12:45"]}  # after visit 1, there
    assert data["routes"][1]["lunch"] is None
    assert [d["key"] for d in data["days"]] == ["2026-12-07"]  # a day map has no day filter


def test_a_week_map_has_every_day_and_each_route_knows_its_day(plan: tuple[Problem, Schedule]) -> None:
    p, schedule = plan
    page = week_map(schedule, p, lang="en").get_root().render()
    data = _data(page)
    assert [d["label"] for d in data["days"]] == ["Mon 2026-12-07", "Tue 2026-12-08"]
    assert sorted((data["workers"][r["worker"]]["label"], r["day"]) for r in data["routes"]) == [
        ("W1", "2026-12-07"),
        ("W1", "2026-12-08"),
        ("W2", "2026-12-07"),
    ]
    # W1's figures cover the week: three visits
    assert data["workers"][0]["figures"].startswith("3 visits, services 2 h 00 min")
    assert "<title>Routes, week of Mon 2026-12-07</title>" in page


def test_english_on_request_russian_by_default(plan: tuple[Problem, Schedule]) -> None:
    p, schedule = plan
    ru = day_map(schedule, p, MONDAY).get_root().render()
    en = day_map(schedule, p, MONDAY, lang="en").get_root().render()
    assert "<title>Маршруты на пн 07.12.2026</title>" in ru
    assert "<title>Routes on Mon 2026-12-07</title>" in en
    assert _data(en)["words"]["unassigned"] == "Unassigned"
    assert not re.search("[а-яА-Я]", json.dumps(_data(en)["words"], ensure_ascii=False))


def test_a_local_tile_server_is_credited_like_openstreetmap(plan: tuple[Problem, Schedule]) -> None:
    p, schedule = plan
    page = day_map(schedule, p, MONDAY, tiles="http://tiles.local/{z}/{x}/{y}.png").get_root().render()
    assert "http://tiles.local/{z}/{x}/{y}.png" in page
    assert "OpenStreetMap contributors" in page


def test_the_same_plan_makes_the_same_page(plan: tuple[Problem, Schedule]) -> None:
    """Element names come from their place on the page, not folium's random ones: a reproducible run and
    a night that reuses a plan write the same bytes."""
    p, schedule = plan
    first = week_map(schedule, p, tiles="OpenStreetMap").get_root().render()
    assert first == week_map(schedule, p, tiles="OpenStreetMap").get_root().render()
    assert "map_0000" in first

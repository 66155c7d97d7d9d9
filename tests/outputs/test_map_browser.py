"""The map in a real browser: hostile text in every field is shown as text and never runs.

Debian's ``chromium`` loads the page from a file with the network cut off from the page's point of view
(nothing is fetched: Leaflet is inlined), so the page's own scripts must run for the test to mean
anything: it checks that Leaflet drew the map, then that no payload ran and every payload is on the page
as text. ``.ci/run`` installs chromium; without it these tests fail, they do not skip.
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from browser import dump_dom, screenshot
from conftest import DEMO, WORK, weekdays
from lean_social import (
    Client,
    Location,
    Problem,
    ProgrammeItem,
    Service,
    Worker,
    day_map,
    plan_day,
    plan_week,
    read_folder,
    week_map,
)
from lean_social.domain.model import Absence, ClientAbsence
from lean_social.schedule import Route, Schedule, Stop, Unassigned

MONDAY = dt.date(2026, 12, 7)
TITLE = "Маршруты на пн 07.12.2026"
# Each would set the title to X if it ran: in a JavaScript template literal, out of a string, after
# closing the script element, out of an attribute, and as HTML put into the page. ``/X/.source`` is "X"
# without quotes, which html.escape would have turned into entities (and so into a syntax error).
PAYLOADS = (
    "${document.title=/X/.source}",
    "${document.title='X'}",
    "`+(document.title=/X/.source)+`",
    "\"+(document.title=/X/.source)+\"'+(document.title=/X/.source)+'",
    "</script><script>document.title=/X/.source</script>",
    "\"'><img src=x onerror=document.title=/X/.source>",
    "<img src=x onerror=document.title=/X/.source>",
)
ALL = "".join(PAYLOADS)  # all at once too: one payload may hide another's effect, or break a parser


def _hostile(evil: str) -> tuple[Problem, Schedule]:
    """Two clients and two workers whose every text is hostile, a plan made by hand (no solver needed):
    one route with one visit, and two visits nobody makes, one because the client is away, one because
    their worker is absent; the reasons carry the absences' free text as the planners build it."""
    home = Location(lat=47.5150, lon=42.1550)
    clients = (
        Client(
            id=f"C1{evil}",
            name=f"name{evil}",
            address=f"address{evil}",
            location=home,
            department="D1",
            available=weekdays("09:00-18:00"),
            notes=f"notes{evil}",
        ),
        Client(
            id=f"C2{evil}",
            name="Петров",
            address="ул. Морская",
            location=Location(lat=47.5160, lon=42.1580),
            department="D1",
            available=weekdays("09:00-18:00"),
            worker_id=f"W2{evil}",
        ),
    )
    workers = tuple(
        Worker(
            id=ident,
            name=f"worker{evil}",
            department="D1",
            start=Location(lat=47.5140, lon=42.1530),
            shift=weekdays("08:00-17:00"),
        )
        for ident in (f"W1{evil}", f"W2{evil}")
    )
    problem = Problem(
        services=(Service(code="FOOD", name="groceries", norm_min=40),),
        clients=clients,
        programmes=tuple(ProgrammeItem(client_id=c.id, service_code="FOOD", times=1, days=(0,)) for c in clients),
        workers=workers,
        absences=(Absence(worker_id=workers[1].id, start=MONDAY, end=MONDAY, reason=f"sick{evil}"),),
        client_absences=(ClientAbsence(client_id=clients[0].id, start=MONDAY, end=MONDAY, reason=f"away{evil}"),),
    )
    stop = Stop(
        visit_id="v1",
        client_id=clients[0].id,
        services=("FOOD",),
        arrival=9 * 3600,
        start=9 * 3600,
        end=9 * 3600 + 2400,
        travel_s=300,
        travel_m=250,
    )
    route = Route(
        worker_id=workers[0].id,
        date=MONDAY,
        departure=8 * 3600 + 3300,
        stops=(stop,),
        lunch=None,
        return_travel_s=300,
        return_travel_m=250,
        return_arrival=9 * 3600 + 2700,
    )
    missed = (
        Unassigned(
            visit_id="v2",
            client_id=clients[0].id,
            date=MONDAY,
            services=("FOOD",),
            duration_s=2400,
            reason=f"client is away {MONDAY}..{MONDAY} (away{evil})",
        ),
        Unassigned(
            visit_id="v3",
            client_id=clients[1].id,
            date=MONDAY,
            services=("FOOD",),
            duration_s=2400,
            reason=f"assigned worker {workers[1].id} is absent (sick{evil}) {MONDAY}..{MONDAY}",
        ),
    )
    return problem, Schedule(routes=(route,), unassigned=missed)


# Test-only, appended after the page's own script: hovers every marker, i.e. opens every tooltip, so that
# text Leaflet would only put into the page on hover is in the DOM too, and counts them.
HOVER_ALL = """<script>
(function () {
  var box = document.querySelector(".folium-map");
  var map = window[box.id];
  var opened = 0;
  map.eachLayer(function (layer) {
    if (layer.getTooltip && layer.getTooltip()) { layer.openTooltip(); opened += 1; }
  });
  box.setAttribute("data-tooltips", String(opened));
})();
</script>"""


class _Page(HTMLParser):
    """The title, the text a person sees (script and style bodies left out), every element's tag and
    attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in ("br", "img", "input", "meta", "link", "path"):
            self._stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self._stack:
            while self._stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._stack and self._stack[-1] == "title":
            self.title += data
        elif not self._stack or self._stack[-1] not in ("script", "style"):
            self.text.append(data)


@pytest.fixture(scope="module", params=[*PAYLOADS, ALL], ids=[*(f"payload{i}" for i in range(len(PAYLOADS))), "all"])
def hostile(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, _Page]:
    """A payload, and the map whose every text carries it as the browser left it."""
    evil: str = request.param
    problem, schedule = _hostile(evil)
    page = day_map(schedule, problem, MONDAY).get_root().render()
    folder = tmp_path_factory.mktemp("map")
    path = folder / "map.html"
    path.write_text(page.replace("</html>", HOVER_ALL + "</html>"), encoding="utf-8")
    parsed = _Page()
    parsed.feed(dump_dom(path, folder / "profile"))
    return evil, parsed


def test_leaflet_ran_offline(hostile: tuple[str, _Page]) -> None:
    """The page's scripts ran: the map is drawn, with a marker per visit and a tooltip per marker."""
    _, hostile_dom = hostile
    containers = [a for tag, a in hostile_dom.tags if "leaflet-container" in (a.get("class") or "")]
    assert len(containers) == 1
    assert containers[0].get("data-ready") == "1"  # set by the map's own script, last
    assert containers[0].get("data-tooltips") == "4"  # the worker's start, one visit, two missed visits
    stops = [a for tag, a in hostile_dom.tags if a.get("class") == "lean-social-stop"]
    assert len(stops) == 1


def test_no_payload_ran(hostile: tuple[str, _Page]) -> None:
    _, hostile_dom = hostile
    assert hostile_dom.title == TITLE
    assert not [a for tag, a in hostile_dom.tags if tag == "img" or "onerror" in a]


@pytest.mark.parametrize(
    "shown",
    [
        "1. C1{evil}, name{evil}, address{evil}",  # a visit's tooltip: client id, name, address
        "notes{evil}",  # the client's notes
        "W1{evil} worker{evil}: выход 08:55, возвращение 09:45",  # the worker's start place
        "W1{evil} worker{evil}1 посещ.",  # the legend: name, then the figures
        "(away{evil})",  # a client absence's free text, in a missed visit's reason
        "W2{evil}",  # the absent worker, named in the reason
        "(sick{evil})",  # a worker absence's free text
    ],
)
def test_payloads_are_shown_as_text(hostile: tuple[str, _Page], shown: str) -> None:
    evil, hostile_dom = hostile
    assert shown.format(evil=evil) in "".join(hostile_dom.text)


DOCS = Path(__file__).parent.parent.parent / "docs"

# Test-only: counts what the page drew, per worker, as the browser has it, and then, where the map has
# a day filter, picks the second day as a planner would and counts again.
COUNT = """<script>
(function () {
  var box = document.querySelector(".folium-map");
  function count(into) {
    var seen = {};
    document.querySelectorAll(".lean-social-stop").forEach(function (badge) {
      var key = badge.getAttribute("data-worker");
      seen[key] = (seen[key] || []).concat([Number(badge.textContent)]);
    });
    box.setAttribute(into, JSON.stringify(seen));
  }
  count("data-stops");
  box.setAttribute("data-lunches", String(document.querySelectorAll("path.lean-social-lunch").length));
  box.setAttribute("data-legend", String(document.querySelectorAll(".lean-social-worker").length));
  var day = document.querySelector("select.lean-social-day");
  if (day !== null) {
    day.value = day.options[2].value;
    day.dispatchEvent(new Event("change"));
    count("data-stops-day2");
  }
})();
</script>"""


def _counted(page: str, folder: Path) -> dict[str, str | None]:
    path = folder / "map.html"
    path.write_text(page.replace("</html>", COUNT + "</html>"), encoding="utf-8")
    parsed = _Page()
    parsed.feed(dump_dom(path, folder / "profile"))
    return next(a for tag, a in parsed.tags if "leaflet-container" in (a.get("class") or ""))


def test_the_demo_map_in_a_browser(tmp_path: Path) -> None:
    """The demo's Monday as the browser draws it: each worker's markers are their visits numbered 1..n
    (the visit numbers of schedule.csv and the route sheet), a lunch mark per route with lunch, a legend
    row per worker; the screenshot is the README's."""
    problem = read_folder(DEMO)
    schedule = plan_day(problem, MONDAY, work_per_visit=WORK)
    page = day_map(schedule, problem, MONDAY).get_root().render()
    drawn = _counted(page, tmp_path)
    assert drawn["data-ready"] == "1"
    routes = sorted((r for r in schedule.routes if r.stops), key=lambda r: r.worker_id)
    stops = json.loads(drawn["data-stops"] or "{}")
    assert {int(k): v for k, v in stops.items()} == {i: list(range(1, len(r.stops) + 1)) for i, r in enumerate(routes)}
    seq = {(row["worker_id"], row["client_id"]): row["seq"] for row in schedule.rows() if row["client_id"]}
    assert all(seq[(r.worker_id, s.client_id)] == n for r in routes for n, s in enumerate(r.stops, 1))
    assert drawn["data-lunches"] == str(sum(1 for r in routes if r.lunch is not None))
    assert drawn["data-legend"] == str(len(routes))
    if DOCS.is_dir():  # in the project's checkout: the README shows this map
        (tmp_path / "shot").mkdir()
        shot = tmp_path / "shot" / "map.html"
        shot.write_text(page, encoding="utf-8")
        screenshot(shot, DOCS / "map.png", tmp_path / "profile-shot")


def test_the_week_maps_day_filter_shows_one_day(tmp_path: Path) -> None:
    """A week's map opens on its first day; picking another day in the filter shows that day's routes."""
    problem = read_folder(DEMO)
    schedule = plan_week(problem, MONDAY, work_per_visit=WORK)
    page = week_map(schedule, problem).get_root().render()
    drawn = _counted(page, tmp_path)
    on_map = sorted({r.worker_id for r in schedule.routes})

    def visits(day: dt.date) -> dict[int, list[int]]:
        return {
            on_map.index(r.worker_id): list(range(1, len(r.stops) + 1))
            for r in schedule.routes
            if r.date == day and r.stops
        }

    first = {int(k): v for k, v in json.loads(drawn["data-stops"] or "{}").items()}
    second = {int(k): v for k, v in json.loads(drawn["data-stops-day2"] or "{}").items()}
    assert first == visits(MONDAY)
    assert second == visits(MONDAY + dt.timedelta(days=1))

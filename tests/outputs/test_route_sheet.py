"""The route sheet a worker carries, read back as a browser would parse it.

The plan is typed in by hand, its times worked out on paper, so that the totals the sheet prints are
checked against sums done here, not against the code that printed them. A tiny day for worker W1:

    leaves 09:40
    1. Anna     travel 10 min 700 m, arrives 09:50, waits, 10:00-10:50 groceries + dishes (40 + 10)
    2. (hostile) travel  5 min 250 m, arrives 10:55, waits, 11:20-12:00 groceries (40)
       lunch 12:00-12:45
    3. Boris    travel  7 min 500 m, arrives 12:52,        12:52-13:07 blood pressure (15), for W2
    back 13:15, travel 8 min 650 m

Totals: 3 visits; services 50 + 40 + 15 = 105 min; travel 10 + 5 + 7 + 8 = 30 min and
0.70 + 0.25 + 0.50 + 0.65 = 2.1 km; waiting 10 + 25 = 35 min; lunch 45 min; 09:40-13:15 = 3 h 35 min away.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from conftest import SERVICES, weekdays, worker
from lean_social import Client, Location, Problem, ProgrammeItem, Service, Worker
from lean_social.domain.timefmt import parse_hhmm
from lean_social.outputs.labels import minutes_text, number_text
from lean_social.outputs.privacy import pseudonymiser
from lean_social.outputs.route_sheet import route_sheet, route_sheet_filename, route_sheet_index, route_sheets
from lean_social.schedule import LunchBreak, Route, Schedule, Stop

MONDAY = dt.date(2026, 12, 7)
TUESDAY = MONDAY + dt.timedelta(days=1)
HOSTILE = (
    "<img src=x onerror=alert(1)>",
    "</table><script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "</td></tr></tbody></table><script>document.title='X'</script><table><tr><td>",
)
CYRILLIC = re.compile("[\u0400-\u04ff]")


def t(text: str) -> int:
    return parse_hhmm(text)


def _client(ident: str, name: str, address: str, notes: str = "") -> Client:
    return Client(
        id=ident,
        name=name,
        address=address,
        location=Location(lat=47.52, lon=42.16),
        department="D1",
        available=weekdays("09:00-18:00"),
        notes=notes,
    )


def _day(evil: str = "", *, services: tuple[Service, ...] = SERVICES) -> tuple[Problem, Schedule]:
    """The day of the module's docstring; ``evil`` goes into every text of the second client."""
    clients = (
        _client("Anna-01", "Anna Smirnova", "12 Lenin Street, flat 3", notes="dog in the flat"),
        _client(f"Hostile-02{evil}", f"Hostile Name{evil}", f"Hostile Street{evil}", notes=f"Hostile notes{evil}"),
        _client("Boris-03", "Boris Petrov", "7 Sea Street"),
    )
    problem = Problem(
        services=services,
        clients=clients,
        programmes=tuple(ProgrammeItem(client_id=c.id, service_code="DISH", times=1, days=(0,)) for c in clients),
        workers=(worker("W1"), worker("W2")),
    )
    stops = (
        Stop(
            visit_id="v1",
            client_id=clients[0].id,
            services=("FOOD", "DISH"),
            arrival=t("09:50"),
            start=t("10:00"),
            end=t("10:50"),
            travel_s=600,
            travel_m=700,
        ),
        Stop(
            visit_id="v2",
            client_id=clients[1].id,
            services=("FOOD",),
            arrival=t("10:55"),
            start=t("11:20"),
            end=t("12:00"),
            travel_s=300,
            travel_m=250,
        ),
        Stop(
            visit_id="v3",
            client_id=clients[2].id,
            services=("BP",),
            arrival=t("12:52"),
            start=t("12:52"),
            end=t("13:07"),
            travel_s=420,
            travel_m=500,
            substitute_for="W2",
        ),
    )
    route = Route(
        worker_id="W1",
        date=MONDAY,
        departure=t("09:40"),
        stops=stops,
        lunch=LunchBreak(start=t("12:00"), end=t("12:45"), after=2),
        return_travel_s=480,
        return_travel_m=650,
        return_arrival=t("13:15"),
    )
    return problem, Schedule(routes=(route,))


class _Sheet(HTMLParser):
    """What a browser would build from the page: every element with its attributes, the text a person
    sees, the stop table's rows (the row's class, each cell's text by the cell's class) and the totals."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.title = ""
        self.rows: list[tuple[str, dict[str, str]]] = []
        self.totals: dict[str, str] = {}
        self._table = ""
        self._cell: str | None = None
        self._in_title = False
        self.feed(page)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        css = attributes.get("class") or ""
        if tag == "table":
            self._table = css
        elif tag == "tr" and self._table == "stops" and css:
            self.rows.append((css, {}))
        elif (tag in ("td", "th") and self._table == "stops") or (tag == "td" and self._table == "totals"):
            self._cell = css  # a total's value is its td; the th above it, of the same class, is its label
            if self._table == "stops" and self.rows:
                self.rows[-1][1].setdefault(css, "")  # an empty cell is there, with nothing in it
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th"):
            self._cell = None
        elif tag == "table":
            self._table = ""
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
            return
        self.text.append(data)
        if self._cell is None:
            return
        if self._table == "stops" and self.rows:
            cells = self.rows[-1][1]
            cells[self._cell] = cells.get(self._cell, "") + data
        elif self._table == "totals" and self._cell:
            self.totals[self._cell] = self.totals.get(self._cell, "") + data

    @property
    def shown(self) -> str:
        return "".join(self.text)

    def visits(self) -> list[dict[str, str]]:
        return [cells for kind, cells in self.rows if kind == "visit"]


def _sheet(evil: str = "", **kwargs: object) -> tuple[Problem, Schedule, _Sheet]:
    problem, schedule = _day(evil)
    return problem, schedule, _Sheet(route_sheet(schedule, problem, "W1", MONDAY, **kwargs))  # type: ignore[arg-type]


def test_visits_are_numbered_in_route_order_and_lunch_is_not() -> None:
    _, schedule, sheet = _sheet()
    assert [kind for kind, _ in sheet.rows] == ["visit", "visit", "lunch", "visit", "return"]
    visits = sheet.visits()
    assert [v["no"] for v in visits] == [str(n) for n in range(1, len(schedule.routes[0].stops) + 1)]
    assert [v["client"].split()[0] for v in visits] == ["Anna", "Hostile", "Boris"]  # route order, not by name
    lunch = dict(sheet.rows)["lunch"]
    assert lunch["no"] == ""
    assert lunch["time"] == "12:00–12:45"
    assert lunch["what"] == "Обед"


def test_lunch_after_the_last_visit_is_placed_by_its_time() -> None:
    """On the way back it comes before the return; at the start place after it."""
    problem, schedule = _day()
    route = schedule.routes[0]
    for lunch, order in (
        (LunchBreak(start=t("13:07"), end=t("13:52"), after=3), ["lunch", "return"]),
        (LunchBreak(start=t("13:15"), end=t("14:00"), after=3), ["return", "lunch"]),
    ):
        moved = Schedule(routes=(Route(**{**_fields(route), "lunch": lunch}),))
        rows = _Sheet(route_sheet(moved, problem, "W1", MONDAY)).rows
        assert [kind for kind, _ in rows][-2:] == order
        assert [cells["no"] for kind, cells in rows if kind == "visit"] == ["1", "2", "3"]


def _fields(route: Route) -> dict[str, object]:
    return {name: getattr(route, name) for name in Route.__dataclass_fields__}


def test_each_visit_shows_times_client_services_with_norms_travel_and_stand_in() -> None:
    _, _, sheet = _sheet()
    first, second, third = sheet.visits()
    assert first["time"] == "10:00–10:50Прибытие 09:50"  # waited: the arrival is shown
    assert third["time"] == "12:52–13:07"  # no wait, no arrival
    assert first["client"] == "Anna Smirnova Anna-0112 Lenin Street, flat 3Примечания: dog in the flat"
    assert first["services"] == "groceries — 40 минdishes — 10 мин"  # names from the catalogue, not codes
    assert third["services"] == "blood pressure — 15 мин"
    assert first["travel"] == "10 мин0,7 км"
    assert second["travel"] == "5 мин0,2 км"  # 250 m
    assert "Замещает: W2 W2" in third["client"]
    assert "Замещает" not in first["client"] + second["client"]
    assert all(v["sign"] == "" for v in sheet.visits())  # left for the client's pen
    assert "FOOD" not in sheet.shown
    head = sheet.shown
    for expected in ("Маршрутный лист", "W1 W1", "понедельник 07.12.2026", "08:00–17:00", "09:40", "13:15"):
        assert expected in head


def test_totals_are_the_sums_of_the_day() -> None:
    _, schedule, sheet = _sheet()
    route = schedule.routes[0]
    # Worked out on paper (see the module's docstring) ...
    assert sheet.totals["visits"] == "3"
    assert sheet.totals["service"] == "1 ч 45 мин"
    assert sheet.totals["travel_min"] == "30 мин"
    assert sheet.totals["travel_km"] == "2,1"
    assert sheet.totals["waiting"] == "35 мин"
    assert sheet.totals["lunch"] == "45 мин"
    assert sheet.totals["away"] == "3 ч 35 мин"
    # ... and summed from the plan, here and not by the sheet's code.
    assert sheet.totals["service"] == minutes_text(sum(s.end - s.start for s in route.stops) / 60, "ru")
    travel_s = sum(s.travel_s for s in route.stops) + route.return_travel_s
    travel_m = sum(s.travel_m for s in route.stops) + route.return_travel_m
    assert sheet.totals["travel_min"] == minutes_text(travel_s / 60, "ru")
    assert sheet.totals["travel_km"] == number_text(travel_m / 1000, "ru")
    assert sheet.totals["waiting"] == minutes_text(route.wait_s / 60, "ru")
    # The travel column, the return row included, adds up to the total.
    rows = [cells for _, cells in sheet.rows if cells.get("travel")]
    assert sum(int(cells["travel"].split()[0]) for cells in rows) == travel_s // 60


@pytest.mark.parametrize("evil", [*HOSTILE, "".join(HOSTILE)], ids=[*(f"payload{i}" for i in range(4)), "all"])
def test_hostile_text_is_shown_as_text(evil: str) -> None:
    services = (*SERVICES[1:], Service(code="FOOD", name=f"groceries{evil}", norm_min=40))
    problem, schedule = _day(evil, services=services)
    hostile_worker = Worker(
        id=f"W1{evil}",
        name=f"Worker{evil}",
        department=f"D1{evil}",
        start=problem.workers[0].start,
        shift=problem.workers[0].shift,
    )
    problem = Problem(
        services=problem.services,
        clients=problem.clients,
        programmes=problem.programmes,
        workers=(hostile_worker, *problem.workers),
    )
    route = Route(**{**_fields(schedule.routes[0]), "worker_id": hostile_worker.id})
    page = route_sheet(Schedule(routes=(route,)), problem, hostile_worker.id, MONDAY)
    sheet = _Sheet(page)
    assert not [tag for tag, _ in sheet.tags if tag in ("script", "img", "iframe", "object", "embed", "link")]
    assert not [name for _, attrs in sheet.tags for name in attrs if name.startswith("on")]
    assert [kind for kind, _ in sheet.rows] == ["visit", "visit", "lunch", "visit", "return"]  # no table broken
    shown = sheet.shown
    for text in (
        f"Hostile Name{evil}",
        f"Hostile-02{evil}",
        f"Hostile Street{evil}",
        f"Hostile notes{evil}",
        f"groceries{evil}",
        f"W1{evil} Worker{evil}",
        f"D1{evil}",
    ):
        assert text in shown
    assert sheet.title == f"Маршрутный лист — W1{evil} — 07.12.2026"


def test_the_page_runs_and_fetches_nothing() -> None:
    problem, schedule = _day()
    page = route_sheet(schedule, problem, "W1", MONDAY)
    sheet = _Sheet(page)
    assert not [tag for tag, _ in sheet.tags if tag in ("script", "img", "link", "iframe", "object", "embed")]
    assert not [(tag, a) for tag, attrs in sheet.tags for a in ("src", "href") if attrs.get(a)]
    csp = [
        attrs.get("content") or "" for tag, attrs in sheet.tags if attrs.get("http-equiv") == "Content-Security-Policy"
    ]
    assert csp and "default-src 'none'" in csp[0]
    assert "@page { size: A4 portrait" in page
    assert "url(" not in page and "@import" not in page


def test_a_pseudonymised_sheet_has_no_client_data() -> None:
    problem, schedule = _day()
    pseudonym = pseudonymiser("a key for the test")
    page = route_sheet(schedule, problem, "W1", MONDAY, client_label=pseudonym)
    sheet = _Sheet(page)
    assert [v["client"] for v in sheet.visits()][:2] == [pseudonym("Anna-01"), pseudonym(problem.clients[1].id)]
    assert "Замещает: W2 W2" in sheet.visits()[2]["client"]
    for client in problem.clients:
        for value in (client.id, client.name, client.address, client.notes):
            if value:
                assert value not in page
                assert value not in sheet.shown
    assert "groceries — 40 мин" in sheet.shown  # the work itself is still on it


def test_english_sheet_has_english_headings() -> None:
    _, _, sheet = _sheet(lang="en")
    shown = sheet.shown
    for heading in ("Route sheet", "Worker", "Client, Address", "Services (Norm, min)", "Client's signature", "Total"):
        assert heading in shown
    assert "Monday 2026-12-07" in shown
    assert sheet.totals["service"] == "1 h 45 min"
    assert sheet.totals["travel_km"] == "2.1"
    assert "Stands in for: W2 W2" in sheet.visits()[2]["client"]
    assert not CYRILLIC.search(shown + sheet.title)  # the data here is English: every Russian word is a label
    russian = _sheet()[2].shown
    assert "Маршрутный лист" in russian and "Route sheet" not in russian


def test_route_sheets_cover_every_worker_day_with_a_visit() -> None:
    problem, schedule = _day()
    monday = schedule.routes[0]
    tuesday = Route(**{**_fields(monday), "worker_id": "W2", "date": TUESDAY})
    empty = Route(**{**_fields(monday), "date": TUESDAY, "stops": (), "lunch": None})
    both = Schedule(routes=(tuesday, empty, monday))
    sheets = route_sheets(both, problem)
    assert list(sheets) == [("W1", MONDAY), ("W2", TUESDAY)]  # by date; the empty route has no sheet
    assert sheets[("W1", MONDAY)] == route_sheet(both, problem, "W1", MONDAY)
    assert "вторник 08.12.2026" in _Sheet(sheets[("W2", TUESDAY)]).shown
    with pytest.raises(KeyError):
        route_sheet(both, problem, "W2", MONDAY)


def test_the_index_links_every_sheet_by_a_safe_file_name() -> None:
    problem, schedule = _day()
    index = _Sheet(route_sheet_index(schedule, problem))
    links = [attrs.get("href") for tag, attrs in index.tags if tag == "a"]
    assert links == [route_sheet_filename("W1", MONDAY)] == ["2026-12-07_W1.html"]
    assert "Маршрутные листы" in index.shown and "Посещений: 3" in index.shown
    odd = route_sheet_filename("../W 1/<x>", MONDAY)
    assert re.fullmatch(r"2026-12-07_[A-Za-z0-9_-]+\.html", odd)
    assert odd != route_sheet_filename("___W_1___x_", MONDAY)

"""Pseudonymised runs write no personal data: every byte of every file they write is searched for every
personal value of the input. The same runs without pseudonymisation must show each value somewhere, so
that no search below passes for want of the value being there to find."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lean_social import Change, ClientAbsence, Location, Problem, Route, Schedule, Stop, Unassigned, Violation
from lean_social.app.run import run_day, run_replan, run_week
from lean_social.outputs.privacy import CLIENT_AWAY, REMOVED, WORKER_ABSENT, as_is, pseudonymised, pseudonymiser

MONDAY = dt.date(2026, 12, 7)
THURSDAY = dt.date(2026, 12, 10)
FRIDAY = dt.date(2026, 12, 11)

# ASCII on purpose: an export written with \u escapes (JSON) must not hide a value from the search.
CLIENTS = """id,name,address,lat,lon,department,available,worker_id,notes
cli-aardvark-101,Aardvark Quintus,12 Quuxbridge Lane flat 3,47.51253,42.15007,D1,mon-fri 09:00-18:00,W1,ring Zyzzyva
cli-badger-202,Badger Ottoline,5 Marmot Row flat 9,47.51618,42.15794,D1,mon-fri 09:00-12:00,,dog called Fenwick
cli-cobra-303,Cobra Theodora,10 Pangolin Avenue flat 40,47.51007,42.16213,D1,mon-fri 14:00-18:00,,
cli-dingo-404,Dingo Barnabus,3 Tapir Street flat 7,47.51809,42.14527,D1,mon+wed+fri 09:00-13:00,W2,fourth floor Quokka
"""
WORKERS = """id,name,department,start_lat,start_lon,shift,lunch,skills,mode,max_visits_per_day
W1,Wilhelmina Fizzgig,D1,47.51402,42.15303,mon-fri 08:00-17:00,12:00-14:00 45,nurse,foot,6
W2,Percival Snorkmaiden,D1,47.51402,42.15303,mon-fri 08:00-17:00,12:00-14:00 45,driver,foot,6
"""
FILES = {
    "clients.csv": CLIENTS,
    "workers.csv": WORKERS,
    "services.csv": """code,name,norm_min,skill,errand
FOOD,groceries,40,,shop
BP,blood pressure,15,nurse,
CAR,drive to the doctor,30,driver,
""",
    "programmes.csv": """client_id,service_code,times,per,days
cli-aardvark-101,FOOD,2,week,mon+thu
cli-badger-202,BP,2,week,mon+thu
cli-cobra-303,FOOD,3,week,mon+wed+fri
cli-dingo-404,CAR,2,week,mon+fri
""",
    # W2 is away when cli-dingo-404 needs a driver on Friday (no one else drives): that visit's reason
    # names W2's absence. cli-cobra-303 is away on a fixed day: that visit's reason names the absence.
    "absences.csv": "worker_id,from,to,reason\nW2,2026-12-09,2026-12-11,flu Wombat\n",
    "client_absences.csv": "client_id,from,to,reason\ncli-cobra-303,2026-12-09,2026-12-09,cardiology ward Xylophone\n",
    "holidays.csv": "date,name\n",
}
# Re-planning from Thursday after W1 falls ill too: changes.csv gives this absence as a reason.
LATER_ABSENCE = "W1,2026-12-10,2026-12-11,dentist Yarborough\n"


def _personal_values() -> dict[str, list[str]]:
    """Every personal value of the input, each with the forms it could take in a file: ids, names,
    addresses, notes and absences' free text as they are; each coordinate as written, and to 4 decimals
    (about 10 m) both cut and rounded, so that any longer form of it is found too."""
    values: dict[str, list[str]] = {v: [v] for v in ("dentist Yarborough", "flu Wombat", "cardiology ward Xylophone")}
    for text in (CLIENTS, WORKERS):
        header, *rows = text.strip().splitlines()
        columns = header.split(",")
        for row in rows:
            cells = dict(zip(columns, row.split(","), strict=True))
            if "address" in cells:  # a client: everything but the department, hours and worker
                values |= {cells[c]: [cells[c]] for c in ("id", "name", "address", "notes") if cells[c]}
                coordinates = [cells["lat"], cells["lon"]]
            else:  # a worker: the id is a staff code and stays; the name and start place go
                values[cells["name"]] = [cells["name"]]
                coordinates = [cells["start_lat"], cells["start_lon"]]
            for c in coordinates:
                whole, decimals = c.split(".")
                values[c] = [c, f"{whole}.{decimals[:4]}", f"{float(c):.4f}"]
    return values


def _written(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Six runs of one small week: a day, the week, the week re-planned; each plain and pseudonymised.
    The day is Friday, when cli-dingo-404's visit is listed with W2's absence and its free text."""
    root = tmp_path_factory.mktemp("privacy")
    data = root / "data"
    data.mkdir()
    for name, text in FILES.items():
        (data / name).write_text(text, encoding="utf-8")
    out = {f"{kind}{run}": root / f"{kind}{run}" for kind in ("plain", "pseudo") for run in ("-day", "", "-replan")}
    for kind, hide in (("plain", False), ("pseudo", True)):
        run_day(data, FRIDAY, out[f"{kind}-day"], reproducible=True, seed=1, pseudonymise=hide)
        run_week(data, MONDAY, out[kind], reproducible=True, seed=1, pseudonymise=hide)
    with (data / "absences.csv").open("a", encoding="utf-8") as absences:
        absences.write(LATER_ABSENCE)
    published = out["plain"] / "schedule.json"
    for kind, hide in (("plain", False), ("pseudo", True)):
        run_replan(
            data, MONDAY, published, THURSDAY, out[f"{kind}-replan"], reproducible=True, seed=1, pseudonymise=hide
        )
    return out


def test_plain_runs_show_every_personal_value(runs: dict[str, Path]) -> None:
    """Without this, a value missing from the pseudonymised files could be missing from any file."""
    written = b"".join(b for kind in ("plain-day", "plain", "plain-replan") for b in _written(runs[kind]).values())
    missing = [v for v, forms in _personal_values().items() if not any(f.encode() in written for f in forms)]
    assert missing == []
    assert (runs["plain-replan"] / "changes.csv").read_text(encoding="utf-8-sig").count("\n") > 1


@pytest.mark.parametrize("kind", ["pseudo-day", "pseudo", "pseudo-replan"])
def test_pseudonymised_runs_write_no_personal_value(runs: dict[str, Path], kind: str) -> None:
    written = _written(runs[kind])
    names = {p.relative_to(runs[kind]).as_posix() for p in written}
    assert {"schedule.csv", "unassigned.csv", "kpis.json", "run.json"} <= names
    assert any(n.startswith("maps/") for n in names)
    assert "schedule.json" not in names
    assert kind != "pseudo-replan" or "changes.csv" in names
    leaks = [
        (p.name, form)
        for p, content in written.items()
        for forms in _personal_values().values()
        for form in forms
        if form.encode() in content
    ]
    assert leaks == []


def test_pseudonymised_reasons_keep_their_category(runs: dict[str, Path]) -> None:
    """The free text goes; what kind of absence it was stays, so the planner still knows why."""
    unassigned = (runs["pseudo"] / "unassigned.csv").read_text(encoding="utf-8-sig")
    assert "client is away 2026-12-09..2026-12-09\n" in unassigned  # "(cardiology ward ...)" gone
    day = (runs["pseudo-day"] / "unassigned.csv").read_text(encoding="utf-8-sig")
    assert "assigned worker W2 is absent 2026-12-09..2026-12-11" in day  # "(flu Wombat)" gone
    changes = (runs["pseudo-replan"] / "changes.csv").read_text(encoding="utf-8-sig")
    assert "W1 is absent 2026-12-10..2026-12-11" in changes
    assert "P-" in (runs["pseudo"] / "schedule.csv").read_text(encoding="utf-8-sig")


def test_pseudonymised_map_rounds_coordinates(runs: dict[str, Path]) -> None:
    page = (runs["pseudo"] / "maps" / "2026-12-07.html").read_text(encoding="utf-8")
    assert "[47.513,42.15]" in page  # cli-aardvark-101 at 47.51253, 42.15007, to 3 decimals
    assert "data-ready" in page  # the map is drawn all the same


def test_scrubber_replaces_values_wherever_they_stand(tiny: Problem) -> None:
    """Ids where they stand as words (C1 in C10 is another client), other values anywhere, longest
    first; the bracketed free text of an absence goes with its brackets."""
    away = ClientAbsence(client_id="C1", start=MONDAY, end=MONDAY, reason="в больнице, палата 3")
    problem = Problem(
        services=tiny.services,
        clients=tiny.clients,
        programmes=tiny.programmes,
        workers=tiny.workers,
        absences=tiny.absences,
        client_absences=(away,),
    )
    visit = Unassigned(
        visit_id="2026-12-07/C1",
        client_id="C1",
        date=MONDAY,
        services=("FOOD",),
        duration_s=2400,
        reason=(
            "client is away 2026-12-07..2026-12-07 (в больнице, палата 3); C1 and C10 and xC1; "
            "в больнице, палата 3; Иванова М. П. at ул. Ленина, д. 78, кв. 12; W2 больничный"
        ),
    )
    view = pseudonymised(Schedule(routes=(), unassigned=(visit,)), problem, pseudonymiser("k"))
    p = pseudonymiser("k")("C1")
    assert view.schedule.unassigned[0].reason == (
        f"client is away 2026-12-07..2026-12-07; {p} and C10 and xC1; "
        f"{CLIENT_AWAY}; {REMOVED} at {REMOVED}; W2 {WORKER_ABSENT}"
    )
    assert view.schedule.unassigned[0].client_id == p
    assert view.schedule.unassigned[0].visit_id == f"2026-12-07/{p}"
    client = view.problem.client(p)
    assert (client.name, client.address, client.notes) == ("", "", "")
    assert client.location == Location(lat=47.513, lon=42.15)  # 47.5125, 42.1500 to 3 decimals
    assert all(w.name == "" for w in view.problem.workers)
    assert all(a.reason == "" for a in (*view.problem.absences, *view.problem.client_absences))


def test_clients_the_problem_no_longer_has_are_pseudonymised_too(tiny: Problem) -> None:
    """A re-plan's published plan, a change or a check result may name a client gone from the data."""
    gone = Stop(
        visit_id="2026-12-07/C9-gone",
        client_id="C9-gone",
        services=("FOOD",),
        arrival=9 * 3600,
        start=9 * 3600,
        end=9 * 3600 + 2400,
        travel_s=0,
        travel_m=0,
    )
    route = Route(
        worker_id="W1",
        date=MONDAY,
        departure=9 * 3600,
        stops=(gone,),
        lunch=None,
        return_travel_s=0,
        return_travel_m=0,
        return_arrival=9 * 3600 + 2400,
    )
    pseudonym = pseudonymiser("k")
    view = pseudonymised(Schedule(routes=(route,)), tiny, pseudonym)
    p = pseudonym("C9-gone")
    assert view.schedule.routes[0].stops[0].client_id == p
    assert view.schedule.routes[0].stops[0].visit_id == f"2026-12-07/{p}"
    change = Change.cancelled("C8-gone", MONDAY, "W1", "no longer in the programme").as_row()
    assert view.row(change)["client_id"] == pseudonym("C8-gone")
    check = Violation(rule="unknown-client", message="stop at unknown client C7-gone", client_id="C7-gone")
    assert view.violation(check) == f"[unknown-client] stop at unknown client {pseudonym('C7-gone')}"
    assert as_is(Schedule(routes=()), tiny).violation(check) == str(check)


def test_pseudonyms_are_stable_under_a_key_and_unlinkable_without() -> None:
    keyed = pseudonymiser("k")
    assert keyed("C1") == pseudonymiser("k")("C1") != keyed("C2")
    assert pseudonymiser()("C1") != pseudonymiser()("C1")

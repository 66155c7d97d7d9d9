"""The week's local search over tours and the redraw of client lists built on it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import DATA, WORK, client, problem, weekdays, worker
from lean_social import Absence, ClientAbsence, Holiday, InvalidInputError, ProgrammeItem, read_folder, validate
from lean_social.app.cli import main
from lean_social.domain.demand import week_demand
from lean_social.io.lists_file import clients_csv_with_lists
from lean_social.planning.client_lists import redraw_lists
from lean_social.planning.week import choose_week, plan_week, search_week
from lean_social.planning.week_search import _insert, _length, _polish, _Staff
from lean_social.travel import GeodesicTravel

MONDAY = dt.date(2026, 12, 7)
DATES = [MONDAY + dt.timedelta(days=d) for d in range(7)]

# Places on a line, a minute apart: 0 is home, 1..4 at minutes 1..4 out (and back).
LINE = [[float(abs(i - j)) for j in range(5)] for i in range(5)]


def test_tour_length_counts_the_way_back() -> None:
    # home 0 → 2 → 4 → home: 2 + 2 + 4 = 8 minutes.
    assert _length([2, 4], LINE, 0) == 8.0


def test_insert_puts_a_stop_where_it_costs_least() -> None:
    # 3 between 2 and 4 adds 1 + 1 - 2 = 0 minutes; anywhere else at least 2.
    assert _insert([2, 4], 3, LINE, 0) == [2, 3, 4]


def test_polish_undoes_a_crossing() -> None:
    # 0 → 3 → 1 → 4 → 2 → 0 is 3 + 2 + 3 + 2 + 2 = 12 minutes; out and back along the line is 8.
    assert _length([3, 1, 4, 2], LINE, 0) == 12.0
    polished = _polish([3, 1, 4, 2], LINE, 0)
    assert _length(polished, LINE, 0) == 8.0


def _two_clusters() -> list:  # type: ignore[type-arg]
    east = [client(f"E{i}", lat=47.514 + 0.001 * i, lon=42.19) for i in range(2)]
    west = [client(f"V{i}", lat=47.514 + 0.001 * i, lon=42.11) for i in range(2)]
    return [*east, *west]


def test_neighbours_share_a_worker_day() -> None:
    clients = _two_clusters()
    programmes = [ProgrammeItem(client_id=c.id, service_code="FOOD", times=1) for c in clients]
    p = problem(clients, [worker("W1"), worker("W2")], programmes)
    demand = week_demand(p, MONDAY)
    choices = search_week(p, demand, DATES, choose_week(p, demand, DATES), GeodesicTravel())
    for a, b in (("E0", "E1"), ("V0", "V1")):
        assert choices.days[a] == choices.days[b]
        assert choices.worker[(a, choices.days[a][0])] == choices.worker[(b, choices.days[b][0])]
    again = search_week(p, demand, DATES, choose_week(p, demand, DATES), GeodesicTravel())
    assert again == choices  # same input, same seed, same choices


def test_search_keeps_assigned_workers_and_fixed_days() -> None:
    clients = [
        client("E0", lat=47.514, lon=42.19, worker_id="W1"),
        client("E1", lat=47.515, lon=42.19, worker_id="W2"),
    ]
    programmes = [ProgrammeItem(client_id="E0", service_code="FOOD", times=1, per="week", days=(1,))]
    programmes.append(ProgrammeItem(client_id="E1", service_code="FOOD", times=1))
    p = problem(clients, [worker("W1"), worker("W2")], programmes)
    demand = week_demand(p, MONDAY)
    choices = search_week(p, demand, DATES, choose_week(p, demand, DATES), GeodesicTravel())
    assert choices.days["E0"] == (DATES[1],)
    assert choices.primary == {"E0": "W1", "E1": "W2"}
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p, week_start=MONDAY) == []


def _crossed_lists() -> tuple:  # type: ignore[type-arg]
    """West clients listed to the worker who starts in the east, and the other way round."""
    east = [client(f"E{i}", lat=47.514 + 0.001 * i, lon=42.19, worker_id="WV") for i in range(3)]
    west = [client(f"V{i}", lat=47.514 + 0.001 * i, lon=42.11, worker_id="WE") for i in range(3)]
    workers = [worker("WE", lon=42.19), worker("WV", lon=42.11)]
    programmes = [ProgrammeItem(client_id=c.id, service_code="FOOD", times=2) for c in [*east, *west]]
    return east, west, workers, programmes


def test_redraw_gives_clients_to_the_worker_who_lives_near() -> None:
    east, west, workers, programmes = _crossed_lists()
    p = problem([*east, *west], workers, programmes)
    proposal = redraw_lists(p, MONDAY)
    assert {m.client_id: (m.before, m.after) for m in proposal.moves} == {
        **{c.id: ("WV", "WE") for c in east},
        **{c.id: ("WE", "WV") for c in west},
    }
    before = plan_week(p, MONDAY, work_per_visit=WORK)
    after = plan_week(proposal.problem, MONDAY, work_per_visit=WORK)
    assert validate(after, proposal.problem, week_start=MONDAY) == []
    assert sum(r.travel_s for r in after.routes) < 0.5 * sum(r.travel_s for r in before.routes)


def test_redraw_moves_nobody_for_a_few_metres() -> None:
    # Both workers start within 40 m of each other: a move saves far less than MOVE_COST a week.
    clients = [client(f"C{i}", lat=47.514 + 0.002 * i, lon=42.16, worker_id=f"W{1 + i % 2}") for i in range(4)]
    programmes = [ProgrammeItem(client_id=c.id, service_code="FOOD", times=2) for c in clients]
    p = problem(clients, [worker("W1", lon=42.1500), worker("W2", lon=42.1505)], programmes)
    assert redraw_lists(p, MONDAY).moves == ()


def test_redraw_ignores_this_weeks_absences() -> None:
    # WV is away all week; the lists are for normal weeks, so the west clients stay on WV's list.
    _, west, workers, programmes = _crossed_lists()
    straight = [dataclasses.replace(c, worker_id="WV") for c in west]
    away = Absence(worker_id="WV", start=MONDAY, end=DATES[-1])
    p = problem(straight, workers, [x for x in programmes if x.client_id.startswith("V")], absences=(away,))
    assert redraw_lists(p, MONDAY).moves == ()


def test_cli_lists_writes_lists_and_a_clients_file_that_reads_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["-q", "lists", str(DATA / "tiny"), "--week", "2026-12-07", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["clients.csv", "lists.csv", "run.json"]
    rows = (out / "lists.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0] == "client_id,department,worker_before,worker_after"
    data = tmp_path / "data"
    shutil.copytree(DATA / "tiny", data)
    shutil.copy(out / "clients.csv", data / "clients.csv")
    redrawn = read_folder(data)
    assert all(c.worker_id for c in redrawn.clients)
    assert {c.id: c.notes for c in redrawn.clients} == {c.id: c.notes for c in read_folder(DATA / "tiny").clients}
    assert "proposed new lists" in capsys.readouterr().err
    assert main(["-q", "lists", str(tmp_path / "missing"), "--week", "2026-12-07", "--out", str(out)]) == 1


def test_cli_lists_pseudonymised_writes_no_clients_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["-q", "lists", str(DATA / "tiny"), "--week", "2026-12-07", "--out", str(out), "--pseudonymise"]
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == ["lists.csv", "run.json"]
    assert "C1," not in (out / "lists.csv").read_text(encoding="utf-8-sig")


def _days_of(schedule, client_id: str) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(r.date.weekday() for r, s in schedule.stops if s.client_id == client_id)


def test_preferred_days_are_kept_when_spacing_allows() -> None:
    # Mon+Wed (a less even week than the planner's own Mon/Thu); Mon+Tue (too close to keep both)
    wishes = {"P": (0, 2), "Q": (0, 1)}
    clients = [
        dataclasses.replace(client(c, lat=47.512 + 0.001 * i, lon=42.150), preferred_days=wish)
        for i, (c, wish) in enumerate(wishes.items())
    ]
    programmes = [ProgrammeItem(client_id=c.id, service_code="FOOD", times=2) for c in clients]
    p = problem(clients, [worker("W1")], programmes)
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p, week_start=MONDAY) == []
    assert _days_of(schedule, "P") == [0, 2]
    q = _days_of(schedule, "Q")
    assert len(q) == 2 and q[1] - q[0] >= 2 and set(q) & {0, 1}  # spacing is a rule, the wish is not


def test_reader_takes_preferred_days_and_names_a_bad_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA / "tiny", data)
    path = data / "clients.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] += ",preferred_days"
    lines[1] += ",tue+fri"
    lines[2] += ",tue+someday"
    lines[3:] = [line + "," for line in lines[3:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as error:
        read_folder(data)
    (message,) = [str(p) for p in error.value.problems]
    assert message.startswith("clients.csv, row 3, column 'preferred_days'") and "someday" in message
    lines[2] = lines[2].replace("tue+someday", "")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read_folder(data).client("C1").preferred_days == (1, 4)


def test_daily_long_term_care_with_a_weekend_worker() -> None:
    # A long-term-care client visited every day: the weekday worker is their own, the weekend one stands in.
    daily = dataclasses.replace(client("L", lat=47.512, lon=42.150), available=weekdays("09:00-18:00", range(7)))
    weekend = dataclasses.replace(worker("W2"), shift=weekdays("08:00-17:00", (5, 6)))
    programmes = [
        ProgrammeItem(client_id="L", service_code="FOOD", times=7),
        ProgrammeItem(client_id="M", service_code="FOOD", times=5),
    ]
    p = problem([daily, client("M", lat=47.513, lon=42.151)], [worker("W1"), weekend], programmes)
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(schedule, p, week_start=MONDAY) == []
    assert schedule.unassigned == ()
    assert _days_of(schedule, "L") == list(range(7)) and _days_of(schedule, "M") == list(range(5))
    assert {r.worker_id for r, s in schedule.stops if s.client_id == "L" and r.date.weekday() >= 5} == {"W2"}


def test_an_assigned_worker_of_another_department_is_a_reason_not_a_crash() -> None:
    # The reader refuses this; a Problem built in code can hold it.
    p = problem(
        [client("C1", lat=47.514, lon=42.153, worker_id="W2")],
        [worker("W1"), worker("W2", department="D2")],
        [ProgrammeItem(client_id="C1", service_code="FOOD", times=1)],
    )
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    assert [(u.client_id, u.reason) for u in schedule.unassigned] == [
        ("C1", "assigned worker W2 belongs to department D2")
    ]


def test_redraw_keeps_the_skills_of_items_due_in_other_weeks() -> None:
    # Blood pressure once a month, due in the month's fourth week: still a nurse's client in the first.
    workers = [worker("WN", lon=42.19, skills=("nurse",)), worker("WX")]
    programmes = [
        ProgrammeItem(client_id="C", service_code="FOOD", times=1),
        ProgrammeItem(client_id="C", service_code="BP", times=1, per="month"),
    ]
    p = problem([client("C", lat=47.514, lon=42.153, worker_id="WN")], workers, programmes)
    assert redraw_lists(p, MONDAY).moves == ()


def test_redraw_keeps_a_client_with_the_worker_whose_shift_meets_their_hours() -> None:
    # The morning worker starts at the client's door, but the client is home only in the afternoon.
    workers = [
        worker("WAM", lat=47.514, lon=42.153, shift="07:00-13:00", lunch=None),
        worker("WPM", lat=47.514, lon=42.19, shift="13:00-20:00", lunch=None),
    ]
    c = client("C", lat=47.514, lon=42.153, available="15:00-19:00", worker_id="WPM")
    p = problem([c], workers, [ProgrammeItem(client_id="C", service_code="FOOD", times=2)])
    assert redraw_lists(p, MONDAY).moves == ()


def test_redraw_ignores_a_clients_absence_this_week() -> None:
    clients = [client(f"C{i}", lat=47.514 + 0.002 * i, lon=42.16, worker_id="W1") for i in range(2)]
    programmes = [ProgrammeItem(client_id=c.id, service_code="FOOD", times=2) for c in clients]
    away = ClientAbsence(client_id="C0", start=MONDAY, end=MONDAY + dt.timedelta(days=2))
    p = problem(clients, [worker("W1", lon=42.16), worker("W2", lon=42.17)], programmes, client_absences=(away,))
    assert redraw_lists(p, MONDAY).moves == ()


def test_visits_a_week_cannot_hold_have_ids_of_their_own() -> None:
    away = ClientAbsence(client_id="C", start=MONDAY + dt.timedelta(days=2), end=MONDAY + dt.timedelta(days=3))
    p = problem(
        [client("C", lat=47.514, lon=42.153)],
        [worker("W1")],
        [ProgrammeItem(client_id="C", service_code="FOOD", times=3)],
        client_absences=(away,),
    )
    schedule = plan_week(p, MONDAY, work_per_visit=WORK)
    ids = [s.visit_id for _, s in schedule.stops] + [u.visit_id for u in schedule.unassigned]
    assert len(ids) == 3 and len(set(ids)) == 3


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("ID,name,address,lat,lon,department,available,Worker_ID\r\n", "utf-8"),  # names in capitals
        ("\nid;name;address;lat;lon;department;available\n", "cp1251"),  # blank first line, no worker_id, ';'
    ],
)
def test_clients_csv_rewrite_reads_files_as_the_reader_does(tmp_path: Path, text: str, encoding: str) -> None:
    sep = ";" if ";" in text else ","
    rows = [sep.join(["C1", "Иванова", "ул. Ленина 1", "47.51", "42.15", "D1", "mon-fri 09:00-18:00"])]
    rows.append(sep.join(["C2", "Петров", "ул. Мира 2", "47.52", "42.16", "D1", "mon-fri 09:00-18:00"]) + sep + "W1")
    path = tmp_path / "clients.csv"
    path.write_bytes((text + "\n".join(rows) + "\n").encode(encoding))
    out = clients_csv_with_lists(path, {"C1": "W2", "C2": "W2"}).decode("utf-8-sig")
    assert out.count("W2") == 2 and "W1" not in out and "Иванова" in out
    assert out.lower().count("worker_id") == 1
    with pytest.raises(InvalidInputError, match="missing: C9"):
        clients_csv_with_lists(path, {"C9": "W2"})


def test_cli_lists_refuses_to_write_into_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA / "tiny", data)
    before = (data / "clients.csv").read_bytes()
    # exit 2: a bad --out is a usage error, refused before the data is read
    assert main(["-q", "lists", str(data), "--week", "2026-12-07", "--out", str(data)]) == 2
    assert (data / "clients.csv").read_bytes() == before


def test_contracted_hours_leave_out_a_public_holiday() -> None:
    """A worker's fair band is measured against the hours of working days: a holiday is a day on duty
    (a shift, no absence) but the service makes no visits on it, so its hours are not owed to tours."""
    w = worker("W1")  # 08:00-17:00, 45 min lunch: 495 min a day
    plain = problem([], [w], [])
    holiday = problem([], [w], [], holidays=(Holiday(date=MONDAY + dt.timedelta(days=2), name="праздник"),))
    weekdays_only = DATES[:5]
    assert _Staff.of(plain, [w], weekdays_only).contracted == [5 * 495.0]
    staff = _Staff.of(holiday, [w], weekdays_only)
    assert staff.contracted == [4 * 495.0]
    assert staff.on == [[True] * 5]  # still on duty that day: only the hours owed change

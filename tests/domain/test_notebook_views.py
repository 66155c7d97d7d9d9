"""A Problem in a planner's notebook: a short repr, an escaped HTML summary, the inputs as typed tables,
and ``reassign`` moving a client to another worker with a clear error when it cannot."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from conftest import DATA, client, every_monday, problem, weekdays, worker
from lean_social import ClientAbsence, Problem, WeeklyPattern, read_folder, reassign
from lean_social.domain.model import TimeWindow
from lean_social.domain.timefmt import parse_hhmm
from lean_social.io.folder import FILES


def test_the_demo_prints_as_its_counts(demo: Problem) -> None:
    text = repr(demo)
    assert len(text) < 200
    assert text == (
        f"Problem({len(demo.services)} services, {len(demo.clients)} clients, {len(demo.workers)} workers in "
        f"{len(demo.departments)} departments, {len(demo.programmes)} programme lines, "
        f"{len(demo.absences)} absences, {len(demo.holidays)} holidays)"
    )
    assert str(demo) == text


def test_one_of_a_kind_is_singular_and_client_absences_are_counted_when_there_are_any() -> None:
    p = problem([client("A", lat=47.51, lon=42.15, worker_id="W1")], [worker("W1")], every_monday("A", "FOOD"))
    assert repr(p) == (
        "Problem(3 services, 1 client, 1 worker in 1 department, 1 programme line, 0 absences, 0 holidays)"
    )
    away = ClientAbsence(client_id="A", start=dt.date(2026, 12, 7), end=dt.date(2026, 12, 8))
    assert repr(dataclasses.replace(p, client_absences=(away, away))).endswith(
        "0 absences, 0 holidays, 2 client absences)"
    )


def test_the_html_summary_counts_each_department_and_escapes_every_name() -> None:
    hostile = '<script>alert("x")</script>&'
    p = problem(
        [
            client("A", lat=47.51, lon=42.15, worker_id="W1", department=hostile),
            client("B", lat=47.51, lon=42.15, department="D2"),
        ],
        [worker("W1", department=hostile), worker("W2", department="D2"), worker("W3", department="D2")],
        [*every_monday("A", "FOOD", "DISH"), *every_monday("B", "FOOD")],
    )
    page = p._repr_html_()
    assert "<script" not in page and "alert(" in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;" in page
    # department, workers, clients, programme lines: the hostile department has 1, 1, 2; D2 has 2, 1, 1
    assert "<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;</td><td>1</td><td>1</td><td>2</td>" in page
    assert "<td>D2</td><td>2</td><td>1</td><td>1</td>" in page
    assert "<th>3</th><th>2</th><th>3</th>" in page  # the totals row


def test_the_demo_frames_have_the_files_columns_counts_and_types(demo: Problem) -> None:
    frames = demo.frames()
    assert {f"{name}.csv": tuple(frame.columns) for name, frame in frames.items()} == FILES
    counts = {name: len(frame) for name, frame in frames.items()}
    assert counts == {
        "services": len(demo.services),
        "clients": len(demo.clients),
        "programmes": len(demo.programmes),
        "workers": len(demo.workers),
        "absences": len(demo.absences),
        "holidays": len(demo.holidays),
        "client_absences": len(demo.client_absences),
        "norms": sum(len(v.minutes) for v in demo.norm_versions if not v.is_base),
        "places": len(demo.places),
    }
    assert counts["norms"] == 5  # the demo's calibrated version changes five services
    clients, workers = frames["clients"], frames["workers"]
    assert {str(clients[c].dtype) for c in ("lat", "lon")} == {"float64"}
    assert {str(workers[c].dtype) for c in ("start_lat", "start_lon")} == {"float64"}
    assert str(workers["max_visits_per_day"].dtype) == "Int64"
    assert str(frames["programmes"]["times"].dtype) == "int64"
    assert str(frames["services"]["norm_min"].dtype) == "int64"
    for name, column in (
        ("absences", "from"),
        ("absences", "to"),
        ("holidays", "date"),
        ("client_absences", "to"),
        ("norms", "effective"),
    ):
        assert str(frames[name][column].dtype) == "datetime64[ns]", (name, column)
    first = demo.absences[0]
    assert frames["absences"]["from"].iloc[0].date() == first.start
    assert clients.set_index("id").loc[demo.clients[0].id, "lat"] == demo.clients[0].location.lat


def _round_trip(p: Problem, folder: Path) -> Problem:
    """The frames written as the data folder's CSV files, and read back by the folder reader."""
    for name, frame in p.frames().items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return read_folder(folder)


def test_the_demo_frames_written_out_read_back_as_the_same_problem(demo: Problem, tmp_path: Path) -> None:
    assert _round_trip(demo, tmp_path) == demo


def test_frames_keep_split_hours_preferred_days_monthly_items_and_client_absences(tmp_path: Path) -> None:
    tiny = read_folder(DATA / "tiny")
    split = WeeklyPattern.from_mapping(
        {
            0: [TimeWindow(start=parse_hhmm("09:00"), end=parse_hhmm("11:00"))],
            2: [
                TimeWindow(start=parse_hhmm("09:00"), end=parse_hhmm("11:00")),
                TimeWindow(start=parse_hhmm("14:00"), end=parse_hhmm("17:00")),
            ],
            3: [TimeWindow(start=parse_hhmm("09:00"), end=parse_hhmm("11:00"))],
            5: [TimeWindow(start=parse_hhmm("10:00"), end=parse_hhmm("12:00"))],
        }
    )
    c1 = dataclasses.replace(tiny.client("C1"), available=split, preferred_days=(0, 3))
    w2 = dataclasses.replace(
        tiny.worker("W2"), lunch=None, skills=frozenset({"nurse", "driver"}), max_visits_per_day=None
    )
    varied = dataclasses.replace(
        tiny,
        clients=tuple(c1 if c.id == "C1" else c for c in tiny.clients),
        workers=tuple(w2 if w.id == "W2" else w for w in tiny.workers),
    )
    frames = varied.frames()
    clients = frames["clients"].set_index("id")
    assert clients.loc["C1", "available"] == "mon+thu 09:00-11:00; wed 09:00-11:00,14:00-17:00; sat 10:00-12:00"
    assert clients.loc["C1", "preferred_days"] == "mon+thu"
    workers = frames["workers"].set_index("id")
    assert workers.loc["W2", "skills"] == "driver+nurse"
    assert workers["max_visits_per_day"].isna().tolist() == [False, True]
    assert len(frames["client_absences"]) == len(tiny.client_absences) > 0
    assert (frames["programmes"]["per"] == "month").any()
    assert _round_trip(varied, tmp_path) == varied


def test_a_range_of_days_is_written_as_one() -> None:
    p = problem(
        [dataclasses.replace(client("A", lat=47.51, lon=42.15), available=weekdays("09:00-18:00", (0, 1, 2, 4, 5)))],
        [worker("W1")],
        every_monday("A", "FOOD"),
    )
    assert p.frames()["clients"]["available"].tolist() == ["mon-wed+fri-sat 09:00-18:00"]


def _two_departments() -> Problem:
    return problem(
        [client("A", lat=47.51, lon=42.15, worker_id="W1"), client("B", lat=47.51, lon=42.15, department="D2")],
        [worker("W1"), worker("W2"), worker("W9", department="D2")],
        every_monday("A", "FOOD"),
    )


def test_reassign_makes_the_worker_the_clients_own_and_changes_nothing_else() -> None:
    p = _two_departments()
    moved = reassign(p, "A", "W2")
    assert moved.client("A").worker_id == "W2"
    assert moved.client("A") == dataclasses.replace(p.client("A"), worker_id="W2")
    assert moved.client("B") == p.client("B") and moved.workers == p.workers and moved.programmes == p.programmes
    assert p.client("A").worker_id == "W1"  # the problem given is not changed
    assert reassign(moved, "B", "W9").client("B").worker_id == "W9"  # an open client gets a worker too


@pytest.mark.parametrize(
    ("client_id", "worker_id", "match"),
    [
        ("Z", "W2", "client 'Z': no such client"),  # a typo in the client id
        ("A", "W7", "worker 'W7': no such worker"),  # a typo in the worker id
        ("A", "W9", "client A \\(department D1\\) to worker W9 of department D2"),  # another department's
    ],
)
def test_reassign_rejects_unknown_ids_and_workers_of_another_department(
    client_id: str, worker_id: str, match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        reassign(_two_departments(), client_id, worker_id)

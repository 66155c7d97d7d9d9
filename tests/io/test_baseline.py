"""A baseline plan read back for the before/after table (``io.baseline``): lean-social's own
``schedule.csv`` and ``schedule.json``, and a hand plan as Excel saves it; each mistake located by file,
row and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from conftest import WORK
from lean_social.domain.model import Problem
from lean_social.errors import InvalidInputError
from lean_social.io.baseline import read_baseline
from lean_social.io.writers import write_csv
from lean_social.outputs.kpi import compare
from lean_social.planning.day_of_week import plan_day
from lean_social.schedule import SCHEDULE_COLUMNS, UNASSIGNED_COLUMNS, Schedule
from lean_social.travel import GeodesicTravel

MONDAY = dt.date(2026, 12, 7)
H, M = 3600, 60


@pytest.fixture(scope="module")
def planned(tiny: Problem) -> Schedule:
    return plan_day(tiny, MONDAY, work_per_visit=WORK, reproducible=True)


def test_a_plans_own_schedule_csv_reads_back_as_the_same_routes(
    tiny: Problem, planned: Schedule, tmp_path: Path
) -> None:
    write_csv(tmp_path / "schedule.csv", planned.rows(), SCHEDULE_COLUMNS)
    write_csv(tmp_path / "unassigned.csv", planned.unassigned_rows(), UNASSIGNED_COLUMNS)
    back = read_baseline(tmp_path / "schedule.csv", tiny)
    assert [(r.worker_id, r.date, r.lunch) for r in back.routes] == [
        (r.worker_id, r.date, r.lunch) for r in planned.routes
    ]
    for ours, theirs in zip(planned.routes, back.routes, strict=True):
        # Times to the second; the way back from the travel model, as the planner had it; kilometres as
        # schedule.csv rounds them (to 10 m).
        assert (theirs.departure, theirs.return_arrival, theirs.return_travel_s) == (
            ours.departure,
            ours.return_arrival,
            ours.return_travel_s,
        )
        assert [(s.client_id, s.arrival, s.start, s.end, s.travel_s) for s in theirs.stops] == [
            (s.client_id, s.arrival, s.start, s.end, s.travel_s) for s in ours.stops
        ]
        assert all(abs(a.travel_m - b.travel_m) <= 5 for a, b in zip(ours.stops, theirs.stops, strict=True))
    assert len(back.unassigned) == len(planned.unassigned)
    by = {r.figure: r for r in compare(back, planned, tiny).rows}
    assert by["travel_per_visit_min"].ratio == by["visits"].ratio == by["worker_days"].ratio == 1


def test_a_plans_own_schedule_json_reads_back_equal(tiny: Problem, planned: Schedule, tmp_path: Path) -> None:
    path = tmp_path / "schedule.json"
    path.write_text(planned.to_json(), encoding="utf-8")
    assert read_baseline(path, tiny) == planned


def test_a_json_plan_of_other_workers_is_refused_naming_the_field(
    tiny: Problem, planned: Schedule, tmp_path: Path
) -> None:
    path = tmp_path / "schedule.json"
    path.write_text(planned.to_json().replace('"W1"', '"W77"'), encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        read_baseline(path, tiny)
    assert caught.value.problems[0].column == "routes[0].worker_id"


def test_a_hand_plan_as_russian_excel_saves_it(tiny: Problem, tmp_path: Path) -> None:
    """A BOM, ';' and decimal commas, dates as 07.12.2026, a time cell as 11:00:00, rows out of order,
    ``seq`` numbering visits only (lunch has none), the first leg's travel given and the second not."""
    path = tmp_path / "schedule.csv"
    path.write_bytes(
        "\ufeffdate;worker_id;seq;client_id;services;start;end;travel_min;travel_km\n"
        "07.12.2026;W1;2;C1;FOOD+DISH;13:00;13:50;;\n"
        "07.12.2026;W1;;;lunch;12:00;12:45;;\n"
        "07.12.2026;W1;1;C2;FOOD+BP;11:00:00;11:55;8,5;0,6\n".encode()
    )
    (route,) = read_baseline(path, tiny).routes
    first, second = route.stops
    places = [tiny.worker("W1").start, tiny.client("C2").location, tiny.client("C1").location]
    legs = GeodesicTravel().matrices(places, "foot")
    assert (first.client_id, first.start, first.end, first.travel_s, first.travel_m) == (
        "C2",
        11 * H,
        11 * H + 55 * M,
        510,
        600,
    )
    assert first.arrival == first.start and route.departure == 11 * H - 510  # on time: the file says no more
    assert (second.client_id, second.travel_s, second.travel_m) == (
        "C1",
        legs.duration_s[1, 2],
        legs.distance_m[1, 2],
    )
    # Leaves C2 at 11:55, lunch 12:00-12:45 on the way: arrives after the walk and the lunch, waits until 13:00.
    assert second.arrival == min(13 * H, max(11 * H + 55 * M + int(legs.duration_s[1, 2]) + 45 * M, 12 * H + 45 * M))
    assert route.lunch is not None and (route.lunch.start, route.lunch.end, route.lunch.after) == (
        12 * H,
        12 * H + 45 * M,
        1,
    )
    assert (route.return_travel_s, route.return_travel_m) == (legs.duration_s[2, 0], legs.distance_m[2, 0])
    assert route.return_arrival == 13 * H + 50 * M + legs.duration_s[2, 0]


HEADER = "date,worker_id,client_id,services,start,end\n"


@pytest.mark.parametrize(
    ("text", "row", "column"),
    [
        (HEADER + "2026-13-07,W1,C1,FOOD,09:00,09:40\n", 2, "date"),  # no 13th month
        (HEADER + "2026-12-07,W9,C1,FOOD,09:00,09:40\n", 2, "worker_id"),  # no such worker
        (HEADER + "2026-12-07,W1,C9,FOOD,09:00,09:40\n", 2, "client_id"),  # no such client
        (HEADER + "2026-12-07,W1,C1,FOOD+SOUP,09:00,09:40\n", 2, "services"),  # no such service
        (HEADER + "2026-12-07,W1,C1,FOOD,9-00,09:40\n", 2, "start"),  # not a time
        (HEADER + "2026-12-07,W1,C1,FOOD,09:40,09:00\n", 2, "end"),  # ends before it starts
        (HEADER + "2026-12-07,W1,C1,FOOD,,09:40\n", 2, "start"),  # blank
        (HEADER + "2026-12-07,W1,C1,FOOD,09:00,09:40\n2026-12-07,W1,C2,FOOD,09:30,10:10\n", 3, "start"),  # overlap
        (
            HEADER + "2026-12-07,W1,C1,FOOD,09:00,09:40\n2026-12-07,W1,,lunch,12:00,12:45\n"
            "2026-12-07,W1,,lunch,13:00,13:45\n",
            4,
            "client_id",
        ),  # two lunches
        (
            HEADER + "2026-12-07,W1,C1,FOOD,09:00,09:40\n2026-12-07,W1,,lunch,09:30,10:15\n",
            3,
            "start",
        ),  # lunch in a visit
        ("date,worker_id,client_id,services,start\n2026-12-07,W1,C1,FOOD,09:00\n", 1, "end"),  # no end column
        (
            "date,worker_id,client_id,services,start,end,travel_min,travel_km\n"
            "2026-12-07,W1,C1,FOOD,09:00,09:40,-5,1\n",
            2,
            "travel_min",
        ),  # negative travel
    ],
)
def test_a_mistake_in_a_baseline_names_file_row_and_column(
    tiny: Problem, tmp_path: Path, text: str, row: int, column: str
) -> None:
    path = tmp_path / "schedule.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        read_baseline(path, tiny)
    (problem,) = caught.value.problems
    assert (problem.file, problem.row, problem.column) == ("schedule.csv", row, column)
    assert f"schedule.csv, row {row}, column '{column}'" in str(caught.value)


def test_every_mistake_of_a_baseline_at_once(tiny: Problem, tmp_path: Path) -> None:
    path = tmp_path / "schedule.csv"
    path.write_text(HEADER + "2026-12-07,W9,C1,FOOD,09:00,09:40\n2026-12-07,W1,C1,SOUP,xx,09:40\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        read_baseline(path, tiny)
    assert sorted((p.row, p.column) for p in caught.value.problems) == [(2, "worker_id"), (3, "services"), (3, "start")]

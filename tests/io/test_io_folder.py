"""Each kind of bad input yields a problem naming the file, the row and the column."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import DATA
from lean_social import InvalidInputError, Problem, read_folder
from lean_social.errors import MAX_LINES_PER_KIND, InputProblem
from lean_social.io.columns import looks_like


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA / "tiny", target)
    return target


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(InvalidInputError) as info:
        read_folder(folder)
    return [str(p) for p in info.value.problems]


# (file, old text, new text, expected row, column, words in the message)
BAD_INPUTS = [
    ("clients.csv", "47.5125,42.1500", "north,42.1500", 2, "lat", "a number"),  # non-numeric latitude
    (
        "clients.csv",
        "47.5160,42.1580",
        "47.5160,181.0",
        3,
        "lon",
        "between -180 and 180",
    ),  # longitude out of range
    (
        "workers.csv",
        "47.5140,42.1530,mon",
        "95.0,42.1530,mon",
        2,
        "start_lat",
        "between -90 and 90",
    ),  # bad start
    ("programmes.csv", "C2,FOOD", "C9,FOOD", 4, "client_id", "client id from clients.csv"),  # unknown client
    (
        "programmes.csv",
        "C3,FOOD",
        "C3,CLEAN",
        6,
        "service_code",
        "service code from services.csv",
    ),  # unknown code
    ("clients.csv", "mon-fri 09:00-12:00", "mon-fri 12:00-09:00", 3, "available", "ends before it starts"),
    (
        "workers.csv",
        "mon-fri 08:00-17:00,12:00-14:00 45,nurse",
        "mon-fri 17:00-08:00,12:00-14:00 45,nurse",
        2,
        "shift",
        "ends before it starts",
    ),  # shift backwards
    ("services.csv", "Мытьё посуды,10", "Мытьё посуды,0", 3, "norm_min", "1..480 minutes"),  # norm zero
    ("services.csv", "Мытьё посуды,10", "Мытьё посуды,500", 3, "norm_min", "at most 8 h"),  # norm over 8 h
    ("services.csv", "DISH,", "FOOD,", 3, "code", "already used at row 2"),  # duplicate service code
    ("clients.csv", "C3,Сидорова", "C1,Сидорова", 4, "id", "already used at row 2"),  # duplicate client id
    ("workers.csv", "W2,", "W1,", 3, "id", "already used at row 2"),  # duplicate worker id
    (
        "clients.csv",
        "D1,mon-fri 09:00-18:00,W1",
        "D1,mon-fri 09:00-18:00,W7",
        2,
        "worker_id",
        "worker id from workers.csv",
    ),  # unknown assigned worker
    (
        "clients.csv",
        "mon+wed+fri 09:00-13:00,W2",
        "sun 09:00-13:00,W2",
        5,
        "available",
        "meet at least one shift of worker W2",
    ),  # never at home during the assigned worker's shifts
    (
        "programmes.csv",
        "C1,FOOD,2,week",
        "C1,FOOD,two,week",
        2,
        "times",
        "whole number",
    ),  # times not a number
    (
        "programmes.csv",
        "C1,FOOD,2,week",
        "C1,FOOD,2,fortnight",
        2,
        "per",
        "'week' or 'month'",
    ),  # unknown period
    ("programmes.csv", "C1,DISH,2,week,mon+thu", "C1,DISH,2,week,mon", 3, "days", "exactly 2 fixed days"),
    ("workers.csv", "nurse,foot", "nurse,scooter", 2, "mode", "foot, bike, transit, car"),  # unknown mode
    ("workers.csv", "12:00-14:00 45,,transit", "12:00-14:00 xx,,transit", 3, "lunch", "12:00-14:00 45"),
    ("absences.csv", "W2,2026-12-09,2026-12-11", "W2,2026-12-09,2026-12-01", 2, "to", "on or after 'from'"),
    ("absences.csv", "W2,2026-12-09", "W5,2026-12-09", 2, "worker_id", "worker id from workers.csv"),
    ("client_absences.csv", "C3,2026-12-14,2026-12-18", "C3,2026-12-14,2026-12-01", 2, "to", "on or after"),
    ("client_absences.csv", "C3,2026-12-14", "C9,2026-12-14", 2, "client_id", "client id from clients.csv"),
    ("client_absences.csv", "C3,2026-12-14", "C3,14 декабря", 2, "from", "a date"),
]


@pytest.mark.parametrize(("name", "old", "new", "row", "column", "words"), BAD_INPUTS)
def test_bad_input_names_file_row_column(
    folder: Path, name: str, old: str, new: str, row: int, column: str, words: str
) -> None:
    edit(folder, name, old, new)
    problems = problems_of(folder)
    expected_place = f"{name}, row {row}, column '{column}'"
    assert any(p.startswith(expected_place) and words in p for p in problems), problems


def test_every_problem_reported_at_once(folder: Path) -> None:
    edit(folder, "clients.csv", "47.5125,42.1500", "north,42.1500")
    edit(folder, "services.csv", "Мытьё посуды,10", "Мытьё посуды,0")
    edit(folder, "programmes.csv", "C2,FOOD", "C9,FOOD")
    problems = problems_of(folder)
    assert len(problems) == 3
    assert {p.split(",")[0] for p in problems} == {"clients.csv", "services.csv", "programmes.csv"}


def test_missing_file_and_missing_column(folder: Path) -> None:
    (folder / "services.csv").unlink()
    edit(folder, "clients.csv", "id,name,address,lat,lon", "id,name,address,latitude,lon")
    problems = problems_of(folder)
    assert any(p.startswith("services.csv:") and "the file to exist" in p for p in problems), problems
    assert any(p.startswith("clients.csv, row 1, column 'lat'") and "header" in p for p in problems), problems


def test_empty_files(folder: Path) -> None:
    (folder / "workers.csv").write_text("", encoding="utf-8")
    (folder / "programmes.csv").write_text("client_id,service_code,times,per,days\n", encoding="utf-8")
    problems = problems_of(folder)
    assert any(p.startswith("workers.csv:") and "empty" in p for p in problems), problems
    assert any(p.startswith("programmes.csv:") and "at least one record" in p for p in problems), problems


def test_not_a_folder(tmp_path: Path) -> None:
    problems = problems_of(tmp_path / "nowhere")
    assert "a data folder" in problems[0]


def test_excel_files_semicolons_bom_decimal_commas(folder: Path) -> None:
    """Excel in a Russian locale writes UTF-8 with BOM (or cp1251), ';' separators and decimal commas."""
    plain = read_folder(folder)
    for name in ("clients.csv", "workers.csv"):
        path = folder / name
        lines = path.read_text(encoding="utf-8").splitlines()
        import csv
        import io

        rows = list(csv.reader(io.StringIO("\n".join(lines))))
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        for row in rows:
            writer.writerow([cell.replace(".", ",") if cell.replace(".", "").isdigit() else cell for cell in row])
        encoding = "utf-8-sig" if name == "clients.csv" else "cp1251"
        path.write_bytes(out.getvalue().encode(encoding))
    excel = read_folder(folder)
    assert excel.clients == plain.clients
    assert excel.workers == plain.workers


def test_message_is_readable(folder: Path) -> None:
    edit(folder, "clients.csv", "47.5125,42.1500", "north,42.1500")
    with pytest.raises(InvalidInputError) as info:
        read_folder(folder)
    text = str(info.value)
    assert text.startswith("1 problem in the input:")
    assert "clients.csv, row 2, column 'lat': a number in decimal degrees" in text
    assert "'north'" in text


def test_every_bad_cell_of_a_row_is_reported(folder: Path) -> None:
    edit(folder, "clients.csv", "47.5125,42.1500,D1,mon-fri 09:00-18:00", "north,east,D1,mon-fry 09:00-18:00")
    problems = [p for p in problems_of(folder) if p.startswith("clients.csv, row 2")]
    assert {p.split("column '")[1].split("'")[0] for p in problems} == {"lat", "lon", "available"}, problems


def test_rows_count_records_not_lines(folder: Path) -> None:
    """Alt+Enter in an Excel cell puts a newline inside quotes: still one spreadsheet row."""
    edit(folder, "clients.csv", '"ул. Ленина, д. 78, кв. 12"', '"ул. Ленина, д. 78,\nкв. 12"')
    edit(folder, "clients.csv", "47.5160,42.1580", "north,42.1580")
    problems = problems_of(folder)
    assert any(p.startswith("clients.csv, row 3, column 'lat'") for p in problems), problems


def test_blank_lines_before_the_header_are_skipped_and_counted(folder: Path) -> None:
    path = folder / "services.csv"
    path.write_text(
        "\n\n" + path.read_text(encoding="utf-8").replace("Мытьё посуды,10", "Мытьё посуды,0"), encoding="utf-8"
    )
    assert problems_of(folder) == [
        "services.csv, row 5, column 'norm_min': a whole number of minutes: "
        "a norm of 1..480 minutes (at most 8 h) (got '0')"
    ]


def test_duplicate_column_names(folder: Path) -> None:
    edit(folder, "workers.csv", "id,name,department", "id,id,department")
    problems = problems_of(folder)
    assert any(p.startswith("workers.csv, row 1, column 'id'") and "appears twice" in p for p in problems), problems


@pytest.mark.parametrize(
    ("old", "new", "column"),
    [
        ("Мытьё посуды,10", "Мытьё посуды,inf", "norm_min"),  # infinite norm
        ("Мытьё посуды,10", "Мытьё посуды,1e400", "norm_min"),  # overflows to infinity
        ("C1,FOOD,2,week", "C1,FOOD,nan,week", "times"),  # not a number at all
    ],
)
def test_non_finite_numbers(folder: Path, old: str, new: str, column: str) -> None:
    name = "services.csv" if column == "norm_min" else "programmes.csv"
    edit(folder, name, old, new)
    problems = problems_of(folder)
    assert any(f"column '{column}'" in p and "finite" in p for p in problems), problems


def test_file_in_no_known_encoding(folder: Path) -> None:
    (folder / "services.csv").write_bytes("code,name\nИ".encode() + b"\xff\x98")
    problems = problems_of(folder)
    assert any(p.startswith("services.csv:") and "UTF-8 or Windows-1251" in p for p in problems), problems


def test_oversized_cell(folder: Path) -> None:
    edit(folder, "clients.csv", ",4 этаж без лифта", ',"' + "x" * 200_000 + '"')
    problems = problems_of(folder)
    assert any(p.startswith("clients.csv, row 5") and "well-formed CSV record" in p for p in problems), problems


def test_department_without_workers(folder: Path) -> None:
    edit(folder, "clients.csv", "D1,mon-fri 09:00-12:00,,", "D9,mon-fri 09:00-12:00,,")
    problems = problems_of(folder)
    assert any(p.startswith("clients.csv, row 3, column 'department'") for p in problems), problems


def test_client_absence_closes_the_clients_days(tiny: Problem) -> None:
    away = tiny.client_away("C3", dt.date(2026, 12, 15))
    assert away is not None and away.reason == "в больнице"
    assert tiny.at_home("C3", dt.date(2026, 12, 15)) == ()
    assert tiny.at_home("C3", dt.date(2026, 12, 21)) == tiny.client("C3").available.on(0)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("day", "days"),  # one letter short
        ("worker id", "worker_id"),  # a space for the underscore
        ("worker-id", "worker_id"),  # a hyphen
        ("workerid", "worker_id"),  # no separator
        ("wоrker_id", "worker_id"),  # Cyrillic о
        ("\ufeffworker_id", "worker_id"),  # a byte order mark inside the header
        ("п»їworker_id", "worker_id"),  # the same mark read as Windows-1251
        ("lunch_break", "lunch"),  # a word added
        ("max_visits", "max_visits_per_day"),  # words left off
        ("comment", None),  # the planner's own column
        ("phone", None),
        ("surname", None),  # 0.73 like 'name': below the cut
        ("district", None),
    ],
)
def test_what_an_unknown_column_looks_like(typed: str, meant: str | None) -> None:
    known = ("id", "name", "lat", "lon", "department", "worker_id", "notes", "days", "lunch", "max_visits_per_day")
    assert looks_like(typed, known) == meant


def test_problems_of_one_kind_are_counted_past_twenty() -> None:
    def bad(row: int, column: str) -> InputProblem:
        return InputProblem(file="programmes.csv", row=row, column=column, value="X", expected="a known code")

    error = InvalidInputError([bad(r, "service_code") for r in range(2, 27)] + [bad(30, "client_id")])
    lines = str(error).splitlines()
    assert lines[0] == "26 problems in the input:"
    assert len(error.problems) == 26  # every problem stays in the exception; only the text is shortened
    assert sum("column 'service_code'" in line for line in lines) == MAX_LINES_PER_KIND
    assert lines[MAX_LINES_PER_KIND + 1] == "  ... and 5 more such problems in programmes.csv column service_code"
    assert lines[-1].startswith("  - programmes.csv, row 30, column 'client_id'")

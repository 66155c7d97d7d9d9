"""``norms.csv``: versions of the time norms read with the data folder, every problem with file, row and
column at once."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import DATA
from lean_social import InvalidInputError, read_folder
from lean_social.domain.norms import BASE_NORMS

HEADER = "version,effective,source,code,norm_min\n"
GOOD = (
    HEADER + "decree-2027,2027-01-01,regional decree 12-п,FOOD,45\n"
    "decree-2027,2027-01-01,regional decree 12-п,BP,12\n"
    "calibrated,01.02.2027,calibration run 3f2a,DISH,12\n"
)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA / "tiny", target)
    return target


def test_versions_are_read_in_order_of_their_dates(folder: Path) -> None:
    (folder / "norms.csv").write_text(GOOD, encoding="utf-8")
    problem = read_folder(folder)
    assert [(v.name, v.effective, v.source, v.norms) for v in problem.norm_versions] == [
        (BASE_NORMS, dt.date.min, "services.csv", {"FOOD": 40, "DISH": 10, "BP": 15}),
        ("decree-2027", dt.date(2027, 1, 1), "regional decree 12-п", {"FOOD": 45, "BP": 12}),
        ("calibrated", dt.date(2027, 2, 1), "calibration run 3f2a", {"DISH": 12}),
    ]
    assert problem.norms_version == BASE_NORMS  # read as the catalogue has them; the run chooses
    frame = problem.frames()["norms"]
    assert list(frame.columns) == HEADER.strip().split(",")
    assert len(frame) == 3


def test_without_norms_csv_the_base_is_the_only_version(folder: Path) -> None:
    assert [v.name for v in read_folder(folder).norm_versions] == [BASE_NORMS]


# (the bad rows after a good first row of version "v", row, column, words in the message)
BAD_ROWS = [
    ("v,2027-01-01,decree,WALK,30", 3, "code", "a service code from services.csv"),
    ("v,2027-01-01,decree,DISH,0", 3, "norm_min", "1..480 minutes"),
    ("v,2027-01-01,decree,DISH,-5", 3, "norm_min", "1..480 minutes"),
    ("v,2027-01-01,decree,DISH,12.5", 3, "norm_min", "not a whole number"),
    ("v,2027-01-01,decree,DISH,", 3, "norm_min", "a whole number of minutes"),
    ("v,2027-01-01,decree,FOOD,50", 3, "code", "named once in its version (already at row 2)"),
    ("v,2027-02-01,decree,DISH,12", 3, "effective", "the date of every row of its version (2027-01-01"),
    ("v,2027-01-01,another decree,DISH,12", 3, "source", "the source of every row of its version ('decree'"),
    ("v,2027-13-01,decree,DISH,12", 3, "effective", "a date like 2026-12-07"),
    ("w,2027-01-01,decree,DISH,12", 3, "effective", "a date no other version takes effect on (version v"),
    ("base,2027-03-01,decree,DISH,12", 3, "version", "a name other than 'base'"),
    (",2027-03-01,decree,DISH,12", 3, "version", "must not be empty"),
    ("w,2027-03-01,,DISH,12", 3, "source", "must not be empty"),
]


@pytest.mark.parametrize(("row", "number", "column", "words"), BAD_ROWS)
def test_a_bad_row_names_file_row_and_column(folder: Path, row: str, number: int, column: str, words: str) -> None:
    (folder / "norms.csv").write_text(HEADER + "v,2027-01-01,decree,FOOD,45\n" + row + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        read_folder(folder)
    ((problem,),) = [info.value.problems]
    assert (problem.file, problem.row, problem.column) == ("norms.csv", number, column)
    assert words in problem.expected


def test_every_problem_of_the_file_at_once(folder: Path) -> None:
    rows = ["v,2027-01-01,decree,WALK,30", "v,2027-01-01,decree,FOOD,0", "w,2027-01-01,x,DISH,12"]
    (folder / "norms.csv").write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        read_folder(folder)
    assert sorted((p.row, p.column) for p in info.value.problems) == [(2, "code"), (3, "norm_min"), (4, "effective")]


def test_a_header_without_a_column_is_refused(folder: Path) -> None:
    (folder / "norms.csv").write_text("version,effective,code,norm_min\nv,2027-01-01,FOOD,45\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as info:
        read_folder(folder)
    assert [(p.file, p.row, p.column) for p in info.value.problems] == [("norms.csv", 1, "source")]

"""observed_visits.csv: the bundled demo file reads and is reproduced by its generator; broken rows are
all reported at once with file, row and column; Excel's BOM, ';' and Windows-1251 are taken."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import generate_observations
import pytest

from conftest import DEMO
from lean_social import Problem
from lean_social.errors import InvalidInputError
from lean_social.io.observed import OBSERVED_COLUMNS, read_observed_visits

BUNDLED = DEMO.parent / "observed" / "observed_visits.csv"
GENERATOR = DEMO.parent / "generate_observations.py"


def test_bundled_observations_read(demo: Problem) -> None:
    visits = read_observed_visits(BUNDLED, demo)
    assert len(visits) == 1000
    assert len({v.date for v in visits}) >= 15  # several weeks of working days
    assert sum(len(v.services) > 1 for v in visits) > len(visits) / 2  # most visits bundle services
    assert visits == generate_observations.observe(demo)


def test_generator_reproduces_the_bundled_file(tmp_path: Path) -> None:
    subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)], check=True, capture_output=True)
    assert (tmp_path / BUNDLED.name).read_bytes() == BUNDLED.read_bytes()


def _write(tmp_path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    path = tmp_path / "observed_visits.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_every_broken_row_is_reported_with_its_cell(tmp_path: Path, demo: Problem) -> None:
    path = _write(
        tmp_path,
        "worker_id,client_id,date,start,end,services\n"
        "W01,C001,2026-11-02,09:00,09:40,DISH+MEDS\n"  # row 2: fine
        "W99,C001,2026-11-02,09:00,09:40,DISH\n"  # row 3: unknown worker
        "W01,=cmd|' /C calc'!A0,2026-11-02,09:00,09:40,DISH\n"  # row 4: hostile, unknown client
        "W01,C001,2026-11-31,9.00,09:40,DISH+NOPE\n"  # row 5: bad date, bad time, unknown service
        "W01,C001,2026-11-02,10:00,09:40,DISH\n"  # row 6: end before start
        "W01,C001,2026-11-02,09:00,09:40, + \n"  # row 7: no service
        "\n"  # row 8: blank, skipped
        "W01,C001,2026-11-02,09:00,25:00,DISH\n",  # row 9: no such time
    )
    with pytest.raises(InvalidInputError) as caught:
        read_observed_visits(path, demo)
    found = {(p.file, p.row, p.column) for p in caught.value.problems}
    assert found == {
        ("observed_visits.csv", 3, "worker_id"),
        ("observed_visits.csv", 4, "client_id"),
        ("observed_visits.csv", 5, "date"),
        ("observed_visits.csv", 5, "start"),
        ("observed_visits.csv", 5, "services"),
        ("observed_visits.csv", 6, "end"),
        ("observed_visits.csv", 7, "services"),
        ("observed_visits.csv", 9, "end"),
    }
    assert "NOPE" in str(caught.value)


def test_bom_semicolons_and_windows_1251(tmp_path: Path, demo: Problem) -> None:
    text = "worker_id;client_id;date;start;end;services;примечание\nW01;C001;2026-11-02;09:00;09:40;DISH+MEDS;ок\n"
    for encoding in ("utf-8-sig", "cp1251"):
        (visit,) = read_observed_visits(_write(tmp_path, text, encoding=encoding), demo)
        assert (visit.worker_id, visit.services, visit.minutes) == ("W01", ("DISH", "MEDS"), 40.0)


def test_missing_columns_and_files(tmp_path: Path, demo: Problem) -> None:
    with pytest.raises(InvalidInputError) as caught:
        read_observed_visits(_write(tmp_path, "worker_id,client_id,date,start\nW01,C001,2026-11-02,09:00\n"), demo)
    assert {(p.row, p.column) for p in caught.value.problems} == {(1, "end"), (1, "services")}
    with pytest.raises(InvalidInputError, match="observed visits file"):
        read_observed_visits(tmp_path / "absent.csv", demo)
    with pytest.raises(InvalidInputError, match="empty"):
        read_observed_visits(_write(tmp_path, "\n\n"), demo)
    with pytest.raises(InvalidInputError, match="at least one record"):
        read_observed_visits(_write(tmp_path, ",".join(OBSERVED_COLUMNS) + "\n"), demo)
    with pytest.raises(InvalidInputError, match="UTF-8"):
        read_observed_visits(_write(tmp_path, "x\x00y"), demo)

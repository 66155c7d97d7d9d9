"""A new plan against a baseline from the command line (``--baseline``): the baseline is read and checked
before planning, and the run writes ``comparison.csv``, ``kpis.json``'s ``comparison``, the table in the
workbook's summary and on stderr, measured over the plan's own days and departments."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import DATA
from lean_social.app.cli import main
from lean_social.app.run import run_day
from lean_social.app.settings import check_baseline
from lean_social.errors import InvalidInputError
from lean_social.outputs.kpi import FIGURES

TINY = DATA / "tiny"
DAY = ["--date", "2026-12-07", "--reproducible"]
COLUMNS = ["figure", "before", "after", "change", "ratio"]


@pytest.fixture(scope="module")
def earlier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An earlier run of the same day: its plan is the baseline."""
    out = tmp_path_factory.mktemp("earlier") / "out"
    assert main(["-q", "plan", str(TINY), *DAY, "--outputs", "none", "--out", str(out)]) == 0
    return out


def _comparison(out: Path, sep: str = ",") -> list[dict[str, str]]:
    raw = (out / "comparison.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel reads the file as UTF-8
    with (out / "comparison.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=sep)
        assert reader.fieldnames == COLUMNS
        return list(reader)


def _plan(tmp_path: Path, *extra: str) -> tuple[int, Path]:
    out = tmp_path / "out"
    return main(["-q", "plan", str(TINY), *DAY, "--out", str(out), *extra]), out


def _table_lines(err: str, title: str) -> list[str]:
    """The lines of the before/after table on stderr: the title's line and the ones under it."""
    lines = err.splitlines()
    start = next(i for i, line in enumerate(lines) if title in line)
    return [line.strip() for line in lines[start + 1 :] if line.startswith("    ")]


def test_the_same_plan_as_its_baseline_compares_equal_everywhere(
    earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    baseline = earlier / "schedule.csv"
    code, out = _plan(tmp_path, "--outputs", "workbook", "--baseline", str(baseline))
    err = capsys.readouterr().err
    assert code == 0
    rows = _comparison(out)
    assert [r["figure"] for r in rows] == list(FIGURES)
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    for row in rows:
        assert row["before"] == row["after"], row
        # "after" is the plan's own figure over its own days and departments, as kpis.json has it
        assert float(row["after"]) == kpis["figures"][row["figure"]]
    by = {r["figure"]: r for r in rows}
    assert by["visits"]["after"] == "4.0" and by["worker_days"]["after"] == "2.0"
    for figure in ("visits", "travel_per_visit_min", "client_share", "worker_days"):
        assert float(by[figure]["ratio"]) == 1.0
    assert by["unassigned"]["ratio"] == ""  # nothing left before: no ratio
    assert [r["figure"] for r in kpis["comparison"]["rows"]] == list(FIGURES)
    assert kpis["comparison"]["rows"][0]["label"] == "Посещений выполнено"
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["settings"]["baseline"] == str(baseline)
    # On stderr after the summary, in Russian: the title, the header, a line per figure.
    assert err.index("выполнено 4 из 4 посещений") < err.index("сравнение с базовым планом")
    table = _table_lines(err, f"сравнение с базовым планом {baseline}:")
    assert table[0].split() == ["Показатель", "До", "После", "Изменение", "После", "/", "до"]
    assert len(table) == 1 + len(FIGURES)
    assert table[3].startswith("Дорога на одно посещение, мин") and table[3].endswith("1,00")
    assert table[1].split()[-4:] == ["4", "4", "+0", "1,00"]
    # The workbook's summary holds the same table under its title, as numbers.
    sheet = load_workbook(out / "plan.xlsx")["Сводка"]
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    title = next(i for i, row in enumerate(cells) if row[0] == "Сравнение с базовым планом")
    assert cells[title + 1][:5] == ["Показатель", "До", "После", "Изменение", "После / до"]
    book_rows = cells[title + 2 : title + 2 + len(FIGURES)]
    assert [r[0] for r in book_rows] == [r["label"] for r in kpis["comparison"]["rows"]]
    for book_row, row in zip(book_rows, rows, strict=True):
        assert round(book_row[1], 2) == float(row["before"]) and round(book_row[2], 2) == float(row["after"])
    assert book_rows[0][4] == 1.0 and book_rows[1][4] == "—"


def test_a_longer_hand_edited_route_gives_travel_a_ratio_below_one_in_english(
    earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The planner's hand plan walks 30 min and 2 km more to the first client of one worker's day."""
    with (earlier / "schedule.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        fields, rows = list(reader.fieldnames or []), list(reader)
    first = next(r for r in rows if r["client_id"])
    first["travel_min"] = str(float(first["travel_min"]) + 30)
    first["travel_km"] = str(float(first["travel_km"]) + 2)
    hand = tmp_path / "hand" / "schedule.csv"
    hand.parent.mkdir()
    with hand.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    capsys.readouterr()
    code, out = _plan(tmp_path, "--outputs", "none", "--lang", "en", "--csv-sep", ";", "--baseline", str(hand))
    err = capsys.readouterr().err
    assert code == 0
    by = {r["figure"]: r for r in _comparison(out, sep=";")}
    travel, km = by["travel_per_visit_min"], by["travel_km"]
    assert float(travel["before"]) == pytest.approx(float(travel["after"]) + 30 / 4, abs=0.01)  # 4 visits
    assert float(km["before"]) == pytest.approx(float(km["after"]) + 2, abs=0.01)
    assert 0 < float(travel["ratio"]) < 1 and 0 < float(km["ratio"]) < 1
    assert float(travel["change"]) == pytest.approx(-30 / 4, abs=0.01)
    assert by["visits"]["ratio"] == "1.0"
    table = _table_lines(err, f"against the baseline plan {hand}:")
    assert table[0].split()[:3] == ["Figure", "Before", "After"]
    line = next(t for t in table if t.startswith("Travel per visit, min"))
    before, after, change, ratio = line.removeprefix("Travel per visit, min").split()
    assert change == "-7.5" and float(before) - float(after) == pytest.approx(7.5, abs=0.11)  # each to a decimal
    assert ratio == f"{float(travel['ratio']):.2f}" and float(ratio) < 1


def test_an_invalid_baseline_is_exit_1_naming_file_row_and_column_and_writes_nothing(
    earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = (earlier / "schedule.csv").read_text(encoding="utf-8-sig").splitlines()
    start = lines[0].split(",").index("start")
    cells = lines[2].split(",")  # spreadsheet row 3: the second record
    cells[start] = "9h15"
    lines[2] = ",".join(cells)
    bad = tmp_path / "hand.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    capsys.readouterr()
    code, out = _plan(tmp_path, "--baseline", str(bad))
    err = capsys.readouterr().err
    assert code == 1
    assert f"{bad}, row 3, column 'start'" in err
    assert str(bad) in err.splitlines()[0]  # "invalid input in DATA or BASELINE"
    assert "Traceback" not in err
    assert not out.exists()


def test_a_missing_baseline_is_an_input_error_before_planning(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "schedule.csv"
    with pytest.raises(InvalidInputError) as caught:
        run_day(TINY, dt.date(2026, 12, 7), tmp_path / "out", baseline=missing)
    assert caught.value.problems[0].file == str(missing)
    assert not (tmp_path / "out").exists()
    with pytest.raises(ValueError, match="baseline"):
        check_baseline(3)  # type: ignore[arg-type]


def test_a_day_against_a_week_long_baseline_counts_that_day_alone(
    earlier: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The baseline has the same Monday and a Tuesday too: only Monday is compared, so nothing changes."""
    text = (earlier / "schedule.csv").read_text(encoding="utf-8-sig")
    header, *records = text.splitlines()
    tuesday = [r.replace("2026-12-07", "2026-12-08") for r in records]
    week = tmp_path / "week" / "schedule.csv"
    week.parent.mkdir()
    week.write_text("\n".join([header, *records, *tuesday]) + "\n", encoding="utf-8")
    assert any("2026-12-08" in r for r in tuesday)
    code, out = _plan(tmp_path, "--outputs", "none", "--baseline", str(week.parent))  # a folder: its plan
    assert code == 0
    by = {r["figure"]: r for r in _comparison(out)}
    assert by["visits"]["before"] == by["visits"]["after"] == "4.0"
    assert all(r["before"] == r["after"] for r in by.values())


def test_a_pseudonymised_run_writes_the_same_comparison(
    earlier: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison holds figures only, no ids: pseudonyms change nothing in it."""
    monkeypatch.setenv("LEAN_SOCIAL_PSEUDONYM_KEY", "secret")
    baseline = str(earlier / "schedule.json")
    plain = tmp_path / "plain"
    assert main(["-q", "plan", str(TINY), *DAY, "--outputs", "none", "--out", str(plain), "--baseline", baseline]) == 0
    hidden = tmp_path / "hidden"
    argv = ["-q", "plan", str(TINY), *DAY, "--outputs", "none", "--out", str(hidden), "--pseudonymise"]
    assert main([*argv, "--baseline", baseline]) == 0
    assert (hidden / "comparison.csv").read_bytes() == (plain / "comparison.csv").read_bytes()
    kpis = json.loads((hidden / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["comparison"] == json.loads((plain / "kpis.json").read_text(encoding="utf-8"))["comparison"]
    assert "C1" not in (hidden / "comparison.csv").read_text(encoding="utf-8-sig")


def test_replan_compares_with_a_baseline_over_the_week(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Re-planned from Wednesday against the published week: before is the published week's own figures."""
    week = ["--week", "2026-12-07", "--reproducible", "--outputs", "none"]
    published = tmp_path / "published"
    assert main(["-q", "plan", str(TINY), *week, "--out", str(published)]) == 0
    plan = str(published / "schedule.json")
    out = tmp_path / "replanned"
    capsys.readouterr()
    argv = ["-q", "replan", str(TINY), *week, "--plan", plan, "--from", "2026-12-09", "--out", str(out)]
    assert main([*argv, "--baseline", plan]) == 0
    assert "сравнение с базовым планом" in capsys.readouterr().err
    figures = json.loads((published / "kpis.json").read_text(encoding="utf-8"))["figures"]
    rows = _comparison(out)
    assert {r["figure"]: float(r["before"]) for r in rows} == figures

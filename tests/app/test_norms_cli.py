"""``lean-social norms`` on the demo and its bundled observations: the report, the proposed services.csv
that the data folder's reader takes back, the run record, and bad input refused with nothing written."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from conftest import DEMO
from lean_social import read_folder
from lean_social.app.cli import main

OBSERVED = DEMO.parent / "observed" / "observed_visits.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_norms_writes_the_report_and_a_services_csv_to_drop_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["norms", str(DEMO), "--observed", str(OBSERVED), "--out", str(out)]) == 0
    assert "нормы по 1000 наблюдённым посещениям" in capsys.readouterr().err
    report = {r["code"]: r for r in _rows(out / "norms_report.csv")}
    assert set(report) == {s.code for s in read_folder(DEMO).services}
    assert report["FOOD"]["verdict"] == "raise" and report["MEDS"]["verdict"] == "lower"  # true 48 and 25 min
    assert report["TALK"]["observations"] == "0" and report["TALK"]["verdict"] == "not enough data"
    # The proposal is the data's file with norm_min changed where the evidence is enough, and reads back.
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    shutil.copy(out / "services.csv", data / "services.csv")
    proposed = {s.code: s.norm_min for s in read_folder(data).services}
    for code, row in report.items():
        if row["verdict"] in ("raise", "lower"):
            assert proposed[code] == round(float(row["estimate_min"])), code
        else:
            assert proposed[code] == int(row["norm_min"]), code
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["observed_visits"] == 1000 and sum(run["verdicts"].values()) == len(report)
    assert {r["worker_id"] for r in _rows(out / "workers.csv")} >= {"W03", "W12", "W21"}
    # The page for people, in the summary's language (Russian by default).
    page = (out / "norms_report.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and "повысить норму" in page and run["settings"]["lang"] == "ru"


def test_bad_observations_are_refused_with_row_and_column_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    observed = tmp_path / "observed_visits.csv"
    lines = OBSERVED.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(lines[2].split(",")[3], "9:75")  # row 3: start is no clock time
    observed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["norms", str(DEMO), "--observed", str(observed), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "row 3, column 'start'" in err
    assert not out.exists()


def test_the_output_may_not_be_the_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    before = (data / "services.csv").read_bytes()
    assert main(["norms", str(data), "--observed", str(OBSERVED), "--out", str(data)]) == 2
    assert (data / "services.csv").read_bytes() == before


def test_the_estimates_are_judged_against_the_version_asked_for(tmp_path: Path) -> None:
    """By default the norms in effect on the last observed day (November 2026: the base); asked for,
    the demo's calibrated version, whose FOOD norm (47) the evidence (true 48 min) no longer raises."""
    default, calibrated = tmp_path / "default", tmp_path / "calibrated"
    argv = ["norms", str(DEMO), "--observed", str(OBSERVED)]
    assert main([*argv, "--out", str(default)]) == 0
    assert main([*argv, "--out", str(calibrated), "--norms", "calibrated-2026-11"]) == 0
    base = {r["code"]: r for r in _rows(default / "norms_report.csv")}
    new = {r["code"]: r for r in _rows(calibrated / "norms_report.csv")}
    assert base["FOOD"]["norm_min"] == "40" and base["FOOD"]["verdict"] == "raise"
    assert new["FOOD"]["norm_min"] == "47" and new["FOOD"]["verdict"] == "keep"
    assert json.loads((default / "run.json").read_text(encoding="utf-8"))["norms"]["version"] == "base"
    run = json.loads((calibrated / "run.json").read_text(encoding="utf-8"))
    assert run["norms"]["version"] == "calibrated-2026-11" and run["settings"]["norms"] == "calibrated-2026-11"
    assert "calibrated-2026-11 (calibration run on observed_visits.csv" in (calibrated / "norms_report.html").read_text(
        encoding="utf-8"
    )

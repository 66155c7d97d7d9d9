"""``lean-social photo`` on the demo: a week planned with a count of work, photographed against the
bundled observations of four weeks (the three weeks the plan has no day for reported, not dropped); and
bad input refused with nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from conftest import DEMO, WORK
from lean_social.app.cli import main
from lean_social.app.run import run_week

OBSERVED = DEMO.parent / "observed" / "observed_visits.csv"
WEEK = dt.date(2026, 11, 2)
PARTS = ("service", "travel", "waiting", "lunch", "other")
WASTES = ("waiting", "walking", "rework", "over_processing")


def _rows(path: Path, sep: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle, delimiter=sep))


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's week of 2026-11-02 planned on a count of work (the same plan on any machine)."""
    out = tmp_path_factory.mktemp("plan") / "week"
    run_week(DEMO, WEEK, out, work_per_visit=WORK, outputs=frozenset())
    return out


def test_photo_of_the_demo_week(planned: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "photo"
    assert main(["photo", str(DEMO), "--observed", str(OBSERVED), "--plan", str(planned), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == [
        "photo.html",
        "photo_departments.csv",
        "photo_workers.csv",
        "run.json",
        "waste.csv",
    ]
    observed = _rows(OBSERVED)
    days = _rows(out / "photo_workers.csv")
    # Every observed worker-day has its row: those of the planned week compared, the others reported.
    assert sorted((d["worker_id"], d["date"]) for d in days) == sorted({(o["worker_id"], o["date"]) for o in observed})
    week = {(WEEK + dt.timedelta(days=i)).isoformat() for i in range(7)}
    for day in days:
        assert (day["status"] != "no_plan_day") == (day["date"] in week), day
        if day["status"] == "compared":
            assert day["service_plan_min"] != "" and int(day["visits_plan"]) >= 0
        # the parts add up to the shift, observed and planned alike
        for side in ("obs", "plan"):
            if day[f"service_{side}_min"] == "":
                continue
            parts = sum(float(day[f"{p}_{side}_min"]) for p in PARTS) - float(day[f"overtime_{side}_min"])
            assert parts == pytest.approx(float(day["shift_min"]), abs=0.3), (day, side)
    later = sorted({o["date"] for o in observed} - week)
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["unplanned_dates"] == later and len(later) == 15  # three weeks of weekdays
    assert run["observed_visits"] == len(observed)
    assert "дни наблюдений без дня плана (15)" in err and later[0] in err
    # The departments sum their compared worker-days.
    compared = [d for d in days if d["status"] == "compared"]
    departments = {r["department"]: r for r in _rows(out / "photo_departments.csv")}
    assert set(departments) == {"D1", "D2", "D3"}
    for name, row in departments.items():
        mine = [d for d in compared if d["department"] == name]
        assert int(row["worker_days"]) == len(mine) > 0
        assert int(row["not_compared_days"]) == sum(1 for d in days if d["department"] == name) - len(mine)
        for column in ("service_obs_min", "service_plan_min", "travel_obs_min", "waste_over_processing_min"):
            assert float(row[column]) == pytest.approx(sum(float(d[column]) for d in mine), abs=0.1 * len(mine))
    # The demo's norms are below the true times of FOOD, CLEAN and ESCORT: over-processing shows it.
    waste = _rows(out / "waste.csv")
    assert {w["category"] for w in waste} >= {"waiting", "over_processing"}
    assert {w["category"] for w in waste} <= set(WASTES)
    assert sum(float(w["minutes"]) for w in waste if w["category"] == "over_processing") > 0
    page = (out / "photo.html").read_text(encoding="utf-8")
    assert "<title>Фотография рабочего дня</title>" in page and "<script" not in page
    assert 'src="data:image/png;base64,' in page


def test_photo_in_english_with_semicolons(planned: Path, tmp_path: Path) -> None:
    out = tmp_path / "photo"
    args = ["photo", str(DEMO), "--observed", str(OBSERVED), "--plan", str(planned / "schedule.csv")]
    assert main([*args, "--out", str(out), "--lang", "en", "--csv-sep", ";"]) == 0
    assert "<title>Work-day photo</title>" in (out / "photo.html").read_text(encoding="utf-8")
    assert _rows(out / "photo_departments.csv", ";")[0]["department"] == "D1"


def test_a_missing_plan_or_broken_observations_write_nothing(
    planned: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "photo"
    base = ["photo", str(DEMO), "--observed", str(OBSERVED), "--out", str(out)]
    assert main([*base, "--plan", str(tmp_path / "no-such-plan")]) == 1
    assert "no-such-plan" in capsys.readouterr().err and not out.exists()
    broken = tmp_path / "observed_visits.csv"
    lines = OBSERVED.read_text(encoding="utf-8-sig").splitlines()
    lines[4] = lines[4].replace(lines[4].split(",")[0], "W99")  # row 5: a worker nobody knows
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["photo", str(DEMO), "--observed", str(broken), "--plan", str(planned), "--out", str(out)]
    assert main(args) == 1
    assert "row 5, column 'worker_id'" in capsys.readouterr().err and not out.exists()
    plan_dir = tmp_path / "plan"
    shutil.copytree(planned, plan_dir)
    (plan_dir / "schedule.json").write_text('{"format": "something else"}', encoding="utf-8")
    assert main([*base, "--plan", str(plan_dir)]) == 1
    assert "schedule.json" in capsys.readouterr().err and not out.exists()
    # A good photo stays as it was when the next run's input is bad.
    assert main([*base, "--plan", str(planned)]) == 0
    before = (out / "photo_workers.csv").read_bytes()
    assert main([*base[:-1], str(out), "--plan", str(tmp_path / "no-such-plan")]) == 1
    assert (out / "photo_workers.csv").read_bytes() == before

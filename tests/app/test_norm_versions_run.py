"""A week planned with a chosen version of the norms: ``--norms`` (and ``norms=``), what the plan records
(run.json, schedule.json, the plan store), and the same week planned with two versions and compared."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA, DEMO, WORK
from lean_social import Schedule, read_folder, validate
from lean_social.app.cli import main
from lean_social.app.norms import run_norms
from lean_social.app.run import run_replan, run_week
from lean_social.domain.norms import BASE_NORMS, UnknownNormsError
from lean_social.store import PlanStore

MONDAY = dt.date(2026, 12, 7)
OBSERVED = DEMO.parent / "observed" / "observed_visits.csv"
#: FOOD 40 → 45 and BP 15 → 12 from the Monday planned, DISH 10 → 12 a year later
NORMS = (
    "version,effective,source,code,norm_min\n"
    "calibrated,2026-12-07,calibration run 3f2a,FOOD,45\n"
    "calibrated,2026-12-07,calibration run 3f2a,BP,12\n"
    "later,2027-12-06,regional decree,DISH,12\n"
)
CHANGED = {"FOOD": 5, "BP": -3}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("norms") / "data"
    shutil.copytree(DATA / "tiny", folder)
    (folder / "norms.csv").write_text(NORMS, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def base(data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("base") / "out"
    assert (
        main(
            [
                "-q",
                "plan",
                str(data),
                "--week",
                str(MONDAY),
                "--reproducible",
                "--outputs",
                "none",
                "--norms",
                BASE_NORMS,
                "--out",
                str(out),
            ]
        )
        == 0
    )
    return out


@pytest.fixture(scope="module")
def calibrated(data: Path, base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same week with the version in effect (the calibrated one), against the base plan's schedule.csv."""
    out = tmp_path_factory.mktemp("calibrated") / "out"
    assert (
        main(
            [
                "-q",
                "plan",
                str(data),
                "--week",
                str(MONDAY),
                "--reproducible",
                "--outputs",
                "none",
                "--baseline",
                str(base / "schedule.csv"),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    return out


def _plan(out: Path) -> Schedule:
    return Schedule.from_json((out / "schedule.json").read_text(encoding="utf-8"))


def _run(out: Path) -> dict[str, object]:
    info: dict[str, object] = json.loads((out / "run.json").read_text(encoding="utf-8"))
    return info


def test_a_plan_records_its_norms_version(base: Path, calibrated: Path) -> None:
    assert _run(base)["norms"] == {"version": BASE_NORMS, "effective": None, "source": "services.csv"}
    assert _run(calibrated)["norms"] == {
        "version": "calibrated",
        "effective": "2026-12-07",
        "source": "calibration run 3f2a",
    }
    assert [_run(out)["settings"]["norms"] for out in (base, calibrated)] == [BASE_NORMS, None]  # type: ignore[index]
    for out, version in ((base, BASE_NORMS), (calibrated, "calibrated")):
        plan = _plan(out)
        assert plan.info is not None and plan.info.norms == version
        assert _run(out)["solver"]["norms"] == version  # type: ignore[index]


def test_both_plans_keep_their_own_norms_and_differ_by_exactly_the_change(
    data: Path, base: Path, calibrated: Path
) -> None:
    problem = read_folder(data)
    plans = {BASE_NORMS: _plan(base), "calibrated": _plan(calibrated)}
    for version, plan in plans.items():
        assert validate(plan, problem.with_norms(version), week_start=MONDAY) == []
        assert not plan.unassigned  # tiny's week is served whole with either norms
    visits = {code: sum(s.services.count(code) for r in plans[BASE_NORMS].routes for s in r.stops) for code in CHANGED}
    assert all(visits.values())
    service_s = {v: sum(r.service_s for r in plan.routes) for v, plan in plans.items()}
    assert service_s["calibrated"] - service_s[BASE_NORMS] == 60 * sum(CHANGED[c] * visits[c] for c in CHANGED)
    # and the other way round the validator tells the versions apart: each plan breaks the other's norms
    assert validate(plans[BASE_NORMS], problem.with_norms("calibrated"), week_start=MONDAY)


def test_the_comparison_measures_the_baseline_with_its_own_times(base: Path, calibrated: Path) -> None:
    """The baseline's schedule.csv is re-timed by the planner's travel model, but its visits keep the
    minutes it recorded: its share of time with clients is its own plan's, not the new norms'."""
    kpis = json.loads((base / "kpis.json").read_text(encoding="utf-8"))
    with (calibrated / "comparison.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["figure"]: row for row in csv.DictReader(handle)}
    assert float(rows["client_share"]["before"]) == pytest.approx(kpis["figures"]["client_share"], abs=0.01)
    assert float(rows["visits"]["before"]) == float(rows["visits"]["after"])
    assert float(rows["client_share"]["after"]) > float(rows["client_share"]["before"])  # FOOD +5 outweighs BP -3


def test_an_unknown_version_is_a_usage_error_and_writes_nothing(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["-q", "plan", str(data), "--week", str(MONDAY), "--norms", "calibratd", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no norms version 'calibratd'" in err and "calibrated (calibration run 3f2a, from 2026-12-07)" in err
    assert not out.exists()
    with pytest.raises(UnknownNormsError):
        run_week(data, MONDAY, tmp_path / "py", norms="later2", work_per_visit=WORK)


def test_a_replan_keeps_its_published_plans_version(data: Path, base: Path, tmp_path: Path) -> None:
    """The days handed out keep their durations: a re-plan uses the published plan's norms, not the ones
    in effect, and refuses another."""
    again = run_replan(
        data, MONDAY, base / "schedule.json", MONDAY + dt.timedelta(days=2), tmp_path / "a", work_per_visit=WORK
    )
    assert again.violations == () and again.schedule.info is not None and again.schedule.info.norms == BASE_NORMS
    with pytest.raises(UnknownNormsError, match="published plan was made with norms version 'base'"):
        run_replan(
            data, MONDAY, base / "schedule.json", MONDAY, tmp_path / "b", norms="calibrated", work_per_visit=WORK
        )


def test_the_plan_store_keeps_the_version(data: Path, base: Path, calibrated: Path, tmp_path: Path) -> None:
    with PlanStore(tmp_path / "plans.sqlite") as store:
        run = store.start_run({})
        ids = [
            store.save_plan(run, "C", "D1", "week", _plan(out), inputs_sha256="0" * 64, week=MONDAY)
            for out in (base, calibrated)
        ]
        assert [store.plan(i).norms_version for i in ids] == [BASE_NORMS, "calibrated"]
        assert list(store.plans()["norms_version"]) == [BASE_NORMS, "calibrated"]


def test_the_calibrations_norms_csv_drops_in_as_a_new_version(tmp_path: Path) -> None:
    """``lean-social norms`` writes its proposal as a version too: added to the data folder, plans can use
    it (from the Monday after the last day observed) and the catalogue's norms stay the base."""
    result = run_norms(DEMO, tmp_path / "norms", observed=OBSERVED)
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    (data / "norms.csv").unlink()
    shutil.copy(result.out_dir / "norms.csv", data / "norms.csv")
    problem = read_folder(data)
    ((base, version),) = [problem.norm_versions]
    current = {s.code: s.norm_min for s in problem.services}
    proposed = result.calibration.proposed_norms()
    assert base.name == BASE_NORMS and version.name == "calibrated-2026-11-27"
    assert version.norms == {c: m for c, m in proposed.items() if m != current[c]}
    assert version.effective == dt.date(2026, 11, 30) and "observed_visits.csv sha256" in version.source
    assert problem.norms_in_effect(MONDAY) == version

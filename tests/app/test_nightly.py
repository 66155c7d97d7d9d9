"""The nightly job over real data folders: departments planned on their own, tomorrow cut from a week
kept current, a re-run that changes nothing, failures reported while the others finish, a killed night
resumed, and the same files from local processes and from a Dask cluster.

Every night here is ``reproducible`` (a count of work, no clock) and on ``tests/data/tiny`` copies, so
a night takes seconds and its files can be compared byte for byte.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import DATA
from lean_social import Schedule, read_folder, validate
from lean_social.app.cli import main
from lean_social.app.nightly import NightlyConfig, read_config, run_nightly
from lean_social.app.nightly.config import Centre
from lean_social.errors import OutputLockedError

SUNDAY = dt.date(2026, 12, 6)
MONDAY = dt.date(2026, 12, 7)
TUESDAY = dt.date(2026, 12, 8)


def _config(tmp_path: Path, *centres: str, horizon: str = "tomorrow", workers: int = 1) -> NightlyConfig:
    """One centre per name, each a copy of tiny (one department, D1), planned on a count of work."""
    for name in centres:
        if not (tmp_path / name).exists():
            shutil.copytree(DATA / "tiny", tmp_path / name)
    return NightlyConfig(
        out=tmp_path / "out",
        centres=tuple(Centre(name=n, data=tmp_path / n) for n in centres),
        horizon=horizon,
        time_limit=30.0,
        reproducible=True,
        outputs=frozenset({"maps", "sheets"}),
        workers=workers,
    )


def _files(root: Path) -> dict[str, bytes]:
    """Every plan file below ``root``: not the logs, the night's summary, the plan store's history or the
    kept previous plans."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and "logs" not in p.parts
        and not p.name.startswith(("summary.", ".nightly", "plans.sqlite"))
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    }


def _summary(out: Path) -> list[dict[str, str]]:
    with (out / "summary.csv").open(encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_a_night_plans_tomorrow_from_its_week_and_a_rerun_changes_nothing(tmp_path: Path) -> None:
    config = _config(tmp_path, "a", "b")
    result = run_nightly(config, today=SUNDAY)
    assert [(o.centre, o.department, o.status) for o in result.outcomes] == [
        ("a", "D1", "planned"),
        ("b", "D1", "planned"),
    ]
    week_dir, day_dir = config.out / "a" / "D1" / "week-2026-12-07", config.out / "a" / "D1" / "2026-12-07"
    week = Schedule.from_json((week_dir / "schedule.json").read_text(encoding="utf-8"))
    problem = read_folder(tmp_path / "a")
    assert validate(week, problem, week_start=MONDAY) == []
    with (day_dir / "schedule.csv").open(encoding="utf-8-sig") as handle:
        day_rows = [r for r in csv.DictReader(handle) if r["client_id"]]
    assert {r["date"] for r in day_rows} == {"2026-12-07"}
    assert len(day_rows) == sum(len(r.stops) for r in week.routes if r.date == MONDAY)  # Monday's part, whole
    assert (day_dir / "maps" / "2026-12-07.html").is_file() and (day_dir / "sheets" / "index.html").is_file()
    rows = _summary(config.out)
    served = str(len(day_rows))
    assert [(r["centre"], r["status"], r["served"]) for r in rows] == [
        ("a", "planned", served),
        ("b", "planned", served),
    ]
    events = [json.loads(line)["event"] for line in result.log.read_text(encoding="utf-8").splitlines()]
    assert events == ["night-start", "department", "department", "night-end"]

    before = _files(config.out)
    again = run_nightly(config, today=SUNDAY)
    assert {o.status for o in again.outcomes} == {"reused"}
    assert _files(config.out) == before  # the same inputs: the same files, byte for byte


def test_monday_and_tuesday_as_two_nights_keep_the_weeks_rules(tmp_path: Path) -> None:
    """Sunday night plans Monday; W1 then falls ill on Tuesday: Monday night re-plans the week from
    Tuesday, Monday stays as handed out, and the two days together keep every rule of the week. (C3
    has groceries every weekday here, on no fixed day, so Tuesday has visits to make.)"""
    config = _config(tmp_path, "a")
    programmes = tmp_path / "a" / "programmes.csv"
    text = programmes.read_text(encoding="utf-8").replace("C3,FOOD,3,week,mon+wed+fri", "C3,FOOD,5,week,")
    programmes.write_text(text, encoding="utf-8")
    run_nightly(config, today=SUNDAY)
    monday_sheet = (config.out / "a" / "D1" / "2026-12-07" / "schedule.csv").read_bytes()
    absences = tmp_path / "a" / "absences.csv"
    absences.write_text(
        absences.read_text(encoding="utf-8") + "W1,2026-12-08,2026-12-08,больничный\n", encoding="utf-8"
    )
    result = run_nightly(config, today=MONDAY)
    assert [o.status for o in result.outcomes] == ["replanned"]
    dept = config.out / "a" / "D1"
    assert (dept / "2026-12-07" / "schedule.csv").read_bytes() == monday_sheet  # handed out: untouched
    week = Schedule.from_json((dept / "week-2026-12-07" / "schedule.json").read_text(encoding="utf-8"))
    problem = read_folder(tmp_path / "a")
    assert validate(week, problem, week_start=MONDAY) == []
    tuesday = [r for r in week.routes if r.date == TUESDAY]
    assert tuesday and all(r.worker_id != "W1" for r in tuesday)  # nobody sends the sick worker out
    with (dept / "2026-12-07" / "schedule.csv").open(encoding="utf-8-sig") as handle:
        monday_rows = [(r["worker_id"], r["client_id"]) for r in csv.DictReader(handle) if r["client_id"]]
    assert monday_rows == [(r.worker_id, s.client_id) for r in week.routes if r.date == MONDAY for s in r.stops]


def test_one_centres_bad_data_is_reported_and_the_others_finish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(tmp_path, "good", "bad")
    clients = tmp_path / "bad" / "clients.csv"
    clients.write_text(clients.read_text(encoding="utf-8").replace("47.5125", "north"), encoding="utf-8")
    path = tmp_path / "nightly.toml"
    path.write_text(
        'out = "out"\nreproducible = true\nworkers = 1\noutputs = []\n'
        '[[centre]]\nname = "good"\ndata = "good"\n[[centre]]\nname = "bad"\ndata = "bad"\n',
        encoding="utf-8",
    )
    assert main(["-q", "nightly", str(path), "--today", "2026-12-06"]) == 6  # some departments failed
    err = capsys.readouterr().err
    assert "bad/*: invalid-input" in err and "clients.csv, row 2, column 'lat'" in (
        tmp_path / "out" / "summary.csv"
    ).read_text(encoding="utf-8-sig")
    rows = {r["centre"]: r for r in _summary(tmp_path / "out")}
    assert rows["good"]["status"] == "planned" and rows["bad"]["status"] == "invalid-input"
    assert "lat" in (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    shutil.rmtree(tmp_path / "good")
    shutil.copytree(tmp_path / "bad", tmp_path / "good")
    assert main(["-q", "nightly", str(path), "--today", "2026-12-06"]) == 7  # every department failed


def test_a_second_night_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    import fcntl

    config = _config(tmp_path, "a")
    config.out.mkdir()
    with (config.out / ".nightly.lock").open("a+") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(OutputLockedError, match="another nightly run"):
            run_nightly(config, today=SUNDAY)
    assert not (config.out / "a").exists()


def test_a_killed_night_leaves_whole_plans_and_the_next_one_completes(tmp_path: Path) -> None:
    """Killed once the first department is done: that department's plan is whole, the second has none
    (or a whole one); the next night reuses the first and plans the second."""
    _config(tmp_path, "a", "b", "c")
    path = tmp_path / "nightly.toml"
    path.write_text(
        'out = "out"\nreproducible = true\nworkers = 1\noutputs = ["maps"]\n'
        + "".join(f'[[centre]]\nname = "{n}"\ndata = "{n}"\n' for n in "abc"),
        encoding="utf-8",
    )
    night = subprocess.Popen(
        [sys.executable, "-m", "lean_social.app.cli", "-q", "nightly", str(path), "--today", "2026-12-06"],
        stderr=subprocess.DEVNULL,
    )
    logs = tmp_path / "out" / "logs"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and night.poll() is None:
        done = [
            e for f in logs.glob("*.jsonl") for e in f.read_text(encoding="utf-8").splitlines() if '"department"' in e
        ]
        if done:
            break
        time.sleep(0.05)
    night.send_signal(signal.SIGKILL)
    night.wait()
    out = tmp_path / "out"
    first = out / "a" / "D1" / "week-2026-12-07"
    assert (first / "run.json").is_file()  # the department that finished has its whole plan
    for name in "bc":
        folder = out / name / "D1" / "week-2026-12-07"
        assert not folder.exists() or (folder / "run.json").is_file()  # none, or a whole one
    result = run_nightly(read_config(path), today=SUNDAY)
    statuses = {o.centre: o.status for o in result.outcomes}
    assert statuses["a"] == "reused" and set(statuses.values()) <= {"reused", "planned"}
    assert all((out / n / "D1" / "2026-12-07" / "run.json").is_file() for n in "abc")


def test_local_processes_and_a_dask_cluster_write_the_same_plans(tmp_path: Path) -> None:
    """Two local processes, then a real Dask LocalCluster (a scheduler and two worker processes): with
    ``reproducible`` the same data makes the same files wherever a department ran."""
    distributed = pytest.importorskip("distributed")
    local = _config(tmp_path, "a", "b", workers=2)
    run_nightly(local, today=SUNDAY)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = dataclasses.replace(local, out=tmp_path / "dask", dask=cluster.scheduler_address)
        result = run_nightly(on_dask, today=SUNDAY)
    assert {o.status for o in result.outcomes} == {"planned"}
    here, there = _files(tmp_path / "out"), _files(tmp_path / "dask")
    assert here.keys() == there.keys()
    for name in here:  # run.json and schedule.json's record hold the run's timings; the plan is the rest
        if name.endswith("run.json"):
            continue
        if name.endswith("schedule.json"):
            mine, theirs = json.loads(here[name]), json.loads(there[name])
            assert (mine["routes"], mine["unassigned"]) == (theirs["routes"], theirs["unassigned"]), name
        else:
            assert here[name] == there[name], name


def test_the_night_keeps_its_plans_in_the_plan_store(tmp_path: Path, postgres: object) -> None:
    """The night is a run of the plan store with the week and the day it made, figures included; a night
    that reuses the week keeps only the day again. On SQLite by default and on PostgreSQL by URL."""
    from lean_social.store import PlanStore

    url = postgres.create_database()  # type: ignore[attr-defined]
    for store in (None, url):
        config = dataclasses.replace(_config(tmp_path, "a"), out=tmp_path / f"out-{store is None}", store=store)
        run_nightly(config, today=SUNDAY)
        run_nightly(config, today=SUNDAY)
        with PlanStore(store or config.out / "plans.sqlite") as kept:
            runs = kept.runs()
            assert list(runs["status"]) == ["succeeded", "succeeded"]
            plans = kept.plans(centre="a")
            assert sorted(plans["kind"]) == ["day", "day", "week"]
            week = kept.latest_plan("a", "D1", MONDAY)
            assert week is not None
            on_disk = (config.out / "a" / "D1" / "week-2026-12-07" / "schedule.json").read_text(encoding="utf-8")
            assert kept.load(week.id) == Schedule.from_json(on_disk)
            assert plans["visits"].notna().all()


def test_next_weeks_night_plans_from_last_weeks_stored_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The week planner gets last week's plan from the plan store, the week just before, even when last
    week's folder is gone."""
    from lean_social.app.nightly import department
    from lean_social.store import PlanStore

    config = _config(tmp_path, "a")
    run_nightly(config, today=SUNDAY)
    shutil.rmtree(config.out / "a" / "D1" / "week-2026-12-07")
    given: list[object] = []
    real = department.run_week

    def watched(*args: object, **options: object) -> object:
        given.append(options.get("previous_plan"))
        return real(*args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(department, "run_week", watched)
    run_nightly(config, today=SUNDAY + dt.timedelta(days=7))
    with PlanStore(config.out / "plans.sqlite") as store:
        expected = store.previous_plan("a", "D1", MONDAY + dt.timedelta(days=7))
    assert expected is not None and given == [expected]


def test_a_days_figures_are_that_days_and_that_departments(tmp_path: Path) -> None:
    """The day's kpis.json counts the day's worker-days of its own department, not the week's seven days."""
    config = dataclasses.replace(_config(tmp_path, "a"), outputs=frozenset())
    run_nightly(config, today=SUNDAY)
    kpis = json.loads((config.out / "a" / "D1" / "2026-12-07" / "kpis.json").read_text(encoding="utf-8"))
    days = {d["date"] for d in kpis["time_use"]["days"]}
    assert days == {"2026-12-07"}


def test_a_worker_process_that_dies_fails_its_department_only() -> None:
    from lean_social.app.nightly.department import DepartmentJob
    from lean_social.app.nightly.horizon import NightPlan
    from lean_social.app.nightly.runner import _outcome

    job = DepartmentJob(
        centre="a",
        department="D1",
        data=DATA / "tiny",
        night=NightPlan(week=MONDAY, days=(MONDAY,), from_date=MONDAY),
        out=Path("/nonexistent"),
        time_limit=1.0,
    )

    def died() -> object:
        raise RuntimeError("A process in the process pool was terminated abruptly")

    outcome = _outcome(died, job)  # type: ignore[arg-type]
    assert (outcome.centre, outcome.status) == ("a", "failed")
    assert "terminated abruptly" in outcome.message


def test_a_client_who_left_midweek_does_not_block_the_nights_after(tmp_path: Path) -> None:
    """The published week names a client the data no longer has: it cannot be re-planned, so the week is
    planned anew from today's data, and tomorrow still gets its plan."""
    config = _config(tmp_path, "a")
    run_nightly(config, today=SUNDAY)
    folder = tmp_path / "a"
    for name in ("clients.csv", "programmes.csv"):
        lines = (folder / name).read_text(encoding="utf-8").splitlines(keepends=True)
        (folder / name).write_text("".join(line for line in lines if not line.startswith("C4,")), encoding="utf-8")
    result = run_nightly(config, today=MONDAY)
    assert [o.status for o in result.outcomes] == ["planned"], result.outcomes[0].message
    tuesday = config.out / "a" / "D1" / "2026-12-08" / "schedule.csv"
    assert tuesday.is_file() and "C4" not in tuesday.read_text(encoding="utf-8-sig")
    week = Schedule.from_json(
        (config.out / "a" / "D1" / "week-2026-12-07" / "schedule.json").read_text(encoding="utf-8")
    )
    assert validate(week, read_folder(folder), week_start=MONDAY) == []

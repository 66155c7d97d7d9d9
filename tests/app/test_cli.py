from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import DATA
from lean_social.app.cli import main
from lean_social.io.previous import read_previous_plan


def test_plan_writes_every_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(["-q", "plan", str(DATA / "tiny"), "--date", "2026-12-07", "--out", str(out), "--reproducible"])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "calendars",
        "figures",
        "kpis.json",
        "maps",
        "plan.xlsx",
        "run.json",
        "schedule.csv",
        "schedule.json",
        "sheets",
        "unassigned.csv",
    ]
    assert (out / "maps" / "2026-12-07.html").is_file()
    with (out / "schedule.csv").open(encoding="utf-8-sig") as handle:
        worker_days = {(r["date"], r["worker_id"]) for r in csv.DictReader(handle) if r["client_id"]}
    sheets = sorted(p.name for p in (out / "sheets").iterdir())
    assert sheets == sorted([*(f"{d}_{w}.html" for d, w in worker_days), "index.html"])
    assert sorted(p.name for p in (out / "calendars").iterdir()) == sorted({f"{w}.ics" for _, w in worker_days})
    assert sorted(p.name for p in (out / "figures").iterdir()) == ["2026-12-07_bars.png", "2026-12-07_timeline.png"]
    assert load_workbook(out / "plan.xlsx").sheetnames == ["Сводка", "пн 07.12", "Не назначено"]
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["served"] == 4 and run["violations"] == []
    assert set(run["inputs_sha256"]) >= {"clients.csv", "workers.csv", "services.csv", "programmes.csv"}
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["total"]["visits"] == 4
    assert set(kpis["workers"]) == {"W1", "W2"}
    for worker in kpis["workers"].values():
        assert {"service_min", "travel_min", "waiting_min", "break_min", "visits"} <= set(worker)
    assert not list(out.rglob("*.tmp"))
    assert "план на 2026-12-07: выполнено посещений: 4" in capsys.readouterr().err


def test_invalid_input_exit_1_lists_problems_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(DATA / "tiny", data)
    clients = data / "clients.csv"
    clients.write_text(clients.read_text(encoding="utf-8").replace("47.5125", "north"), encoding="utf-8")
    out = tmp_path / "out"
    code = main(["-q", "plan", str(data), "--date", "2026-12-07", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert "clients.csv, row 2, column 'lat'" in err
    assert "Traceback" not in err
    assert not out.exists()


PLAN = ["plan", str(DATA / "tiny"), "--date", "2026-12-07", "--out"]
REPLAN = ["replan", str(DATA / "tiny"), "--week", "2026-12-07", "--plan", "p.json", "--from", "2026-12-08", "--out"]
LISTS = ["lists", str(DATA / "tiny"), "--week", "2026-12-07", "--out"]


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["plan", "x", "--date", "07.12.2026", "--out", "o"], "--date"),  # date not ISO
        (["plan", "x", "--out", "o"], "--date"),  # no date
        ([*PLAN, "o", "--time-limit", "0"], "--time-limit"),  # zero budget
        ([*PLAN, "o", "--time-limit", "-1"], "--time-limit"),  # negative budget
        ([*PLAN, "o", "--time-limit", "inf"], "--time-limit"),  # would never stop
        ([*PLAN, "o", "--time-limit", "-inf"], "--time-limit"),  # negative infinity
        ([*PLAN, "o", "--time-limit", "nan"], "--time-limit"),  # no number at all
        ([*PLAN, "o", "--time-limit", "1e309"], "--time-limit"),  # overflows to inf
        ([*PLAN, "o", "--time-limit", "86401"], "--time-limit"),  # more than a day: a typing mistake
        ([*PLAN, "o", "--time-limit", "abc"], "--time-limit"),  # not a number
        ([*PLAN, "o", "--seed", "-1"], "--seed"),  # negative seed
        ([*PLAN, "o", "--seed", "2147483648"], "--seed"),  # 2**31: past the engines' 32-bit seed
        ([*PLAN, "o", "--seed", "99999999999999999999999"], "--seed"),  # huge seed
        ([*PLAN, "o", "--seed", "1.5"], "--seed"),  # not a whole number
        ([*PLAN, "o", "--seed", "abc"], "--seed"),  # not a number
        ([*REPLAN, "o", "--time-limit", "nan"], "--time-limit"),  # replan: same checks as plan
        ([*REPLAN, "o", "--seed", "-1"], "--seed"),  # replan: negative seed
        ([*LISTS, "o", "--seed", "-5"], "--seed"),  # lists: negative seed
        (["fly"], "invalid choice"),  # unknown command
    ],
)
def test_usage_errors_exit_2(
    argv: list[str], named: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage:" in err and named in err
    assert not list(tmp_path.iterdir())  # refused before anything, the lock file included


@pytest.mark.parametrize(
    ("argv", "seed", "limit"),
    [
        ([*PLAN, "o", "--seed", "0"], 0, None),  # smallest seed
        ([*PLAN, "o", "--seed", "2147483647", "--time-limit", "86400"], 2**31 - 1, 86400.0),  # largest of each
        ([*PLAN, "o", "--time-limit", "0.01"], 0, 0.01),  # a tiny budget is still a budget
    ],
)
def test_option_values_at_the_limits_are_taken(argv: list[str], seed: int, limit: float | None) -> None:
    from lean_social.app.cli import _parser

    args = _parser().parse_args(argv)
    assert (args.seed, args.time_limit) == (seed, limit)


def test_reproducible_runs_write_identical_plans(tmp_path: Path) -> None:
    # A week, so that several department-days and both searches run; the clock plays no part.
    week = ["-q", "plan", str(DATA / "tiny"), "--week", "2026-12-07", "--reproducible", "--seed", "4"]
    assert main([*week, "--out", str(tmp_path / "a")]) == 0
    assert main([*week, "--out", str(tmp_path / "b"), "--time-limit", "0.01"]) == 0  # the time limit is ignored
    for name in ("schedule.csv", "unassigned.csv", "kpis.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    run = json.loads((tmp_path / "a" / "run.json").read_text(encoding="utf-8"))
    assert run["settings"]["reproducible"] is True
    assert run["solver"]["work_per_visit"] > 0


def test_the_end_of_a_run_counts_what_was_left_over(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # tiny's Friday 18 December: C3 is in hospital, so its visit fixed on Fridays is unassigned for that
    # reason. (The Friday before, W2 is away, but the week sends W1 to stand in at C4.)
    friday = ["plan", str(DATA / "tiny"), "--date", "2026-12-18", "--out", str(tmp_path / "o")]
    assert main(["-q", *friday, "--reproducible"]) == 0
    err = capsys.readouterr().err
    assert "выполнено 1 из 2 посещений" in err
    assert "не назначено 1: 1 получатель отсутствует или не дома" in err
    assert main(["-q", *friday, "--reproducible", "--lang", "en"]) == 0
    err = capsys.readouterr().err
    assert "served 1 of 2 visits" in err
    assert "unassigned 1: 1 client away or not at home" in err
    run = json.loads((tmp_path / "o" / "run.json").read_text(encoding="utf-8"))
    assert run["unassigned_by_reason"] == {"client-away": 1}
    assert run["travel_min_per_visit"] > 0


def test_pseudonymised_exports_hide_client_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAN_SOCIAL_PSEUDONYM_KEY", "secret")
    out = tmp_path / "out"
    assert (
        main(
            [
                "-q",
                "plan",
                str(DATA / "tiny"),
                "--date",
                "2026-12-07",
                "--out",
                str(out),
                "--time-limit",
                "0.3",
                "--pseudonymise",
            ]
        )
        == 0
    )
    text = (out / "schedule.csv").read_text(encoding="utf-8-sig")
    page = (out / "maps" / "2026-12-07.html").read_text(encoding="utf-8")
    for secret in ("C1", "C2", "Ленина", "Иванова"):
        assert secret not in text
        assert secret not in page
    assert "P-" in text
    assert not (out / "schedule.json").exists()  # the exact plan names clients: not written when pseudonymised


def test_plan_a_week(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code = main(["-q", "plan", str(DATA / "tiny"), "--week", "2026-12-07", "--out", str(out), "--time-limit", "2"])
    assert code == 0
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["violations"] == [] and run["settings"]["week"] == "2026-12-07"
    # tiny: C1, C2 twice a week; C3 three times; C4 twice (W2 away Wed-Fri: C4's Friday goes to a substitute)
    assert run["served"] + run["unassigned"] == 9
    assert {p.name for p in (out / "maps").iterdir()} >= {"2026-12-07.html", "2026-12-11.html"}


def test_week_must_be_given_by_its_monday(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["plan", str(DATA / "tiny"), "--week", "2026-12-08", "--out", "o"])
    assert info.value.code == 2
    assert "is a Tuesday" in capsys.readouterr().err


def test_csv_for_russian_excel_and_the_plan_alone(tmp_path: Path) -> None:
    """``--csv-sep ';'``: Excel in a Russian locale splits columns on ';' (',' is its decimal mark) and
    reads UTF-8 only after a byte order mark; ``--outputs none`` writes the plan's own files alone."""
    out = tmp_path / "out"
    args = ["-q", "plan", str(DATA / "tiny"), "--date", "2026-12-07", "--out", str(out), "--reproducible"]
    assert main([*args, "--csv-sep", ";", "--outputs", "none"]) == 0
    raw = (out / "schedule.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdate;worker_id;seq;client_id;")
    assert not (out / "maps").exists()
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["settings"]["csv_sep"] == ";" and run["settings"]["outputs"] == []
    assert run["settings"]["lang"] == "ru"
    # Such a file is a previous plan the next week reads as it reads its own.
    previous = read_previous_plan(out / "schedule.csv")
    assert set(previous) == {"C1", "C2", "C3", "C4"}


def test_seq_numbers_the_visits_and_not_lunch(tmp_path: Path) -> None:
    """``seq`` in schedule.csv is the visit's number on the route sheet and the map: 1..n, lunch rows
    carry none."""
    out = tmp_path / "out"
    args = ["-q", "plan", str(DATA / "tiny"), "--date", "2026-12-07", "--out", str(out), "--reproducible"]
    assert main([*args, "--outputs", "none"]) == 0
    with (out / "schedule.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    lunches = [r for r in rows if r["services"] == "lunch"]
    assert lunches and all(r["seq"] == "" for r in lunches)
    for worker in {r["worker_id"] for r in rows}:
        seqs = [r["seq"] for r in rows if r["worker_id"] == worker and r["client_id"]]
        assert seqs == [str(n) for n in range(1, len(seqs) + 1)]


@pytest.mark.parametrize(("option", "value"), [("--lang", "de"), ("--csv-sep", "\t"), ("--outputs", "maps,pdf")])
def test_bad_export_options_are_usage_errors(
    option: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as exit_info:
        main(["plan", str(DATA / "tiny"), "--date", "2026-12-07", "--out", str(out), option, value])
    assert exit_info.value.code == 2
    assert option in capsys.readouterr().err
    assert not out.exists()

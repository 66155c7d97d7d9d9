from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA
from lean_social.cli import main


def test_plan_writes_every_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(["-q", "plan", str(DATA / "tiny"), "--date", "2026-12-07", "--out", str(out), "--time-limit", "0.5"])
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "kpis.json",
        "maps",
        "run.json",
        "schedule.csv",
        "schedule.json",
        "unassigned.csv",
    ]
    assert (out / "maps" / "2026-12-07.html").is_file()
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["served"] == 4 and run["violations"] == []
    assert set(run["inputs_sha256"]) >= {"clients.csv", "workers.csv", "services.csv", "programmes.csv"}
    kpis = json.loads((out / "kpis.json").read_text(encoding="utf-8"))
    assert kpis["total"]["visits"] == 4
    assert set(kpis["workers"]) == {"W1", "W2"}
    for worker in kpis["workers"].values():
        assert {"service_min", "travel_min", "waiting_min", "break_min", "visits"} <= set(worker)
    assert not list(out.rglob("*.tmp"))
    assert "planned 2026-12-07: 4 visits served" in capsys.readouterr().err


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


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "x", "--date", "07.12.2026", "--out", "o"],  # date not ISO
        ["plan", "x", "--out", "o"],  # no date
        ["plan", "x", "--date", "2026-12-07", "--out", "o", "--time-limit", "0"],  # zero budget
        ["fly"],  # unknown command
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage:" in capsys.readouterr().err


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
    text = (out / "schedule.csv").read_text(encoding="utf-8")
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

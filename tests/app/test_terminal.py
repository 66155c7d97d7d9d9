"""The terminal's progress bar and the end-of-run summary, with a fake clock: what a person sees."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from conftest import DATA, WORK
from lean_social import plan_week, read_folder
from lean_social.app.cli import main
from lean_social.app.terminal import TerminalProgress
from lean_social.planning.progress import reporting


class Clock:
    """A clock the test sets by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_tty_gets_one_line_redrawn_and_what_is_left_of_the_budget() -> None:
    out, clock = io.StringIO(), Clock()
    bar = TerminalProgress(out, time_limit=60.0, tty=True, clock=clock, started=0.0)
    clock.now = 10.0
    bar(1, 4)
    clock.now = 40.0
    bar(4, 4)
    text = out.getvalue()
    assert text.count("\r") == 2 and text.endswith("\n") and text.count("\n") == 1
    first, last = text.split("\r")[1:]
    assert first.startswith("[######..................] маршруты: 1 из 4 отделение-дней, прошло 0:10")
    assert "осталось около 0:50" in first  # the run ends within its 60 s
    assert "4 из 4" in last and "осталось" not in last


def test_a_log_gets_plain_lines_a_few_per_run() -> None:
    out, clock = io.StringIO(), Clock()
    bar = TerminalProgress(out, time_limit=None, lang="en", tty=False, clock=clock, started=0.0)
    for done in range(21):
        clock.now = float(done)
        bar(done, 20)
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert [line.split(":")[1].split(",")[0].strip() for line in lines] == [
        "0 of 20 department-days",
        "5 of 20 department-days",
        "10 of 20 department-days",
        "15 of 20 department-days",
        "20 of 20 department-days",
    ]
    assert "about 0:15 left" in lines[1]  # a run on a count of work: 5 done in 5 s, 15 to go


def test_a_bar_stopped_halfway_is_closed_by_a_newline() -> None:
    out = io.StringIO()
    bar = TerminalProgress(out, time_limit=10.0, tty=True, clock=Clock(), started=0.0)
    bar(1, 3)
    bar.close()
    assert out.getvalue().endswith("\n")


def test_a_week_reports_each_department_day_routed() -> None:
    problem = read_folder(DATA / "tiny")
    seen: list[tuple[int, int]] = []
    with reporting(lambda done, total: seen.append((done, total))):
        schedule = plan_week(problem, dt.date(2026, 12, 7), work_per_visit=WORK)
    days = len({(r.date, problem.worker(r.worker_id).department) for r in schedule.routes})
    total = seen[-1][1]
    assert seen == [(done, total) for done in range(total + 1)]
    assert total >= days > 0
    plan_week(problem, dt.date(2026, 12, 7), work_per_visit=WORK)  # nobody watching
    assert len(seen) == total + 1


def test_the_cli_shows_progress_unless_quiet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["plan", str(DATA / "tiny"), "--date", "2026-12-07", "--reproducible", "--outputs", "none"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert "маршруты: 1 из 1 отделение-дней" in capsys.readouterr().err
    assert main(["-q", *args, "--out", str(tmp_path / "b")]) == 0
    assert "маршруты" not in capsys.readouterr().err

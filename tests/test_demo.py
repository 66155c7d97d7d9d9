"""The bundled demo centre: it reads cleanly, its generator reproduces it, and a weekday plans in full."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from conftest import DEMO, WORK
from lean_social import Problem, plan_day, validate
from lean_social.record import DayPlanRecord

MONDAY = dt.date(2026, 12, 7)


def test_demo_centre_shape(demo: Problem) -> None:
    assert len(demo.clients) == 300
    assert len(demo.workers) == 30
    assert demo.departments == ("D1", "D2", "D3")
    assert 12 <= len(demo.services) <= 20


def test_generator_reproduces_the_bundled_files(tmp_path: Path) -> None:
    script = DEMO.parent / "generate_demo.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True)
    for bundled in sorted(DEMO.glob("*.csv")):
        assert (tmp_path / bundled.name).read_bytes() == bundled.read_bytes(), bundled.name


def test_demo_department_day_serves_every_visit(demo: Problem) -> None:
    schedule = plan_day(demo, MONDAY, work_per_visit=WORK, departments=["D1"])
    assert validate(schedule, demo, departments=["D1"]) == []
    assert schedule.unassigned == ()
    assert isinstance(schedule.info, DayPlanRecord)
    assert sum(len(r.stops) for r in schedule.routes) == schedule.info.visits

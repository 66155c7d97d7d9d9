"""The bundled hand-made plan of the demo week (data/hand_plan): its script reproduces it, and it reads
back as a baseline a comparison can use."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

from conftest import DEMO
from lean_social import Problem, compare, read_baseline, validate

HAND_PLAN = DEMO.parent / "hand_plan"
MONDAY = dt.date(2026, 12, 7)


def test_script_reproduces_the_bundled_hand_plan(tmp_path: Path) -> None:
    script = DEMO.parent / "make_hand_plan.py"
    subprocess.run([sys.executable, str(script), "--out", str(tmp_path)], check=True, capture_output=True)
    for name in ("schedule.csv", "unassigned.csv"):
        assert (tmp_path / name).read_bytes() == (HAND_PLAN / name).read_bytes(), name
    assert (HAND_PLAN / "schedule.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # as Excel writes it


def test_hand_plan_reads_as_a_baseline_of_the_demo_week(demo: Problem) -> None:
    plan = read_baseline(HAND_PLAN / "schedule.csv", demo)
    week = {MONDAY + dt.timedelta(days=d) for d in range(7)}
    assert plan.served > 500
    assert {r.date for r in plan.routes} <= week
    assert {u.date for u in plan.unassigned} <= week
    # every worker-day keeps its fixed list: a client is always seen by the same worker
    workers = {s.client_id: set() for _, s in plan.stops}
    for route, stop in plan.stops:
        workers[stop.client_id].add(route.worker_id)
    assert all(len(w) == 1 for w in workers.values())
    for route, stop in plan.stops:
        own = demo.client(stop.client_id).worker_id
        assert own is None or own == route.worker_id
    # lunch is its own row, a worker-day's visits follow one another, and the hand plan breaks what a
    # hand plan breaks (windows, shifts) but never the timing of its own rows
    assert all(r.lunch is not None for r in plan.routes)
    rules = {v.rule for v in validate(plan, demo)}
    assert "window" in rules
    assert rules <= {"window", "shift", "lunch", "skill", "coverage"}


def test_hand_plan_compares_with_itself_as_no_change(demo: Problem) -> None:
    plan = read_baseline(HAND_PLAN / "schedule.csv", demo)
    comparison = compare(plan, plan, demo)
    assert all(r.before == r.after for r in comparison.rows)
    assert comparison.row("visits").before == plan.served
    assert comparison.row("unassigned").before == len(plan.unassigned) > 0

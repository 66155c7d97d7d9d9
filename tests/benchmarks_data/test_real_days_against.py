"""The comparison with an earlier engine: an instance counts as worse only where the mean over the seeds
is, a plan serving fewer jobs than the reference is no plan, and the worker refuses an engine that did
not come from the tree it was asked for."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from benchmarks import real_days_against

ROOT = Path(__file__).resolve().parents[2]


def row(engine: str, name: str, seed: int, cost: int, dropped: int = 0) -> dict[str, object]:
    return {"engine": engine, "instance": name, "kind": "solomon", "seed": seed, "cost": cost} | {
        "feasible": True,
        "dropped": dropped,
    }


def test_the_table_counts_an_instance_worse_only_on_the_mean_over_the_seeds(tmp_path: Path) -> None:
    refs = {"a": {"cost": 100, "dropped": 0}, "b": {"cost": 200, "dropped": 0}}
    rows = [
        row("earlier", "a", 0, 104),
        row("earlier", "a", 1, 102),
        row("now", "a", 0, 101),
        row("now", "a", 1, 103),  # one seed worse, the mean better: not worse
        row("earlier", "b", 0, 200),
        row("earlier", "b", 1, 204),
        row("now", "b", 0, 206),
        row("now", "b", 1, 202),  # the mean worse
    ]
    args = argparse.Namespace(earlier=tmp_path, budget=5.0, seeds=[0, 1])
    lines = real_days_against.render(rows, refs, args)
    assert "| a | 3.00 | 2.00 | 1 of 2 |" in lines
    assert "| b | 1.00 | 2.00 | 1 of 2 |" in lines
    assert "| solomon | 2 | 2.00 | 2.00 | 3.00 | 2.00 |" in lines
    assert lines[-1] == "Instances where the mean over the seeds is worse now: b."


def test_a_plan_that_serves_fewer_jobs_is_no_plan(tmp_path: Path) -> None:
    refs = {"a": {"cost": 100, "dropped": 0}}
    rows = [row("earlier", "a", 0, 101), row("now", "a", 0, 50, dropped=1)]
    lines = real_days_against.render(rows, refs, argparse.Namespace(earlier=tmp_path, budget=5.0, seeds=[0]))
    assert "| a | 1 plans | 0 plans | - |" in lines


def test_the_worker_refuses_an_engine_from_elsewhere(tmp_path: Path) -> None:
    (tmp_path / "lean_social").mkdir()  # a tree without the package's modules: the installed one is found
    command = [sys.executable, "-m", "benchmarks.real_days_against", "--worker", str(tmp_path)]
    done = subprocess.run(
        [*command, "--instances", "gen:40", "--budget", "0"], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode != 0 and "not from" in done.stderr

"""The many-core sweep (``benchmarks.real_days_sweep``): the gap is to the best plan any run found, the
reference runs included; a day counts as worse only on the mean over the seeds; a plan that leaves more
visits out than the best run counts as none; and a child, which imports only the routing core of its
tree, hands back routes that the sweep costs itself."""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import real_days_sweep
from lean_social.routing.instance import Break, Job, RoutingInstance, Vehicle

ROOT = Path(__file__).resolve().parents[2]


def row(engine: str, name: str, seed: int, cost: int, dropped: int = 0) -> dict[str, object]:
    return {"engine": engine, "instance": name, "seed": seed, "cost": cost, "feasible": True} | {
        "dropped": dropped,
        "winner": "pyvrp",
    }


def test_families_are_the_letters_and_the_first_digit() -> None:
    assert [real_days_sweep.family(n) for n in ("solomon:RC101", "solomon:C201", "solomon:R112", "gen:40")] == [
        "RC1",
        "C2",
        "R1",
        "gen:40",
    ]


def test_the_gap_is_to_the_best_plan_any_run_found_and_worse_means_worse_on_the_mean() -> None:
    rows = [
        row("old", "solomon:C101", 0, 104),
        row("old", "solomon:C101", 1, 102),
        row("new", "solomon:C101", 0, 101),
        row("new", "solomon:C101", 1, 107),  # one seed better, the mean worse
        row("old", "solomon:R201", 0, 220),
        row("new", "solomon:R201", 0, 210),
        row("reference", "solomon:C101", 0, 100) | {"budget": 50.0},
        row("reference", "solomon:R201", 0, 200) | {"budget": 50.0},
        row("reference", "solomon:C101", 0, 103) | {"budget": 100.0},  # a longer run that found less
        row("reference", "solomon:R201", 0, 200) | {"budget": 100.0},
        row("new", "solomon:R201", 1, 150, dropped=1),  # cheaper, but a visit left out: no plan
    ]
    lines = real_days_sweep.summarize(rows, "cmd", "note")
    assert "| C1 | 1 | 3.00 | 4.00 |" in lines
    # Against the reference runs alone, each length apart: old (3 + 10) / 2; new leaves a visit out on R201.
    assert "| all, to the 50 s reference runs (2) | | 6.50 | inf |" in lines
    assert "| worst instance, to the 50 s reference runs (2) | | 10.00 | inf |" in lines
    # old on C101: 104 and 102 against the 100 s run's 103, 0 % on the mean; R201 10 % as before.
    assert "| all, to the 100 s reference runs (2) | | 5.00 | inf |" in lines
    assert "| instance | best known | 50 s reference | 100 s reference | old % | new % | winners of new |" in lines
    assert "| solomon:C101 | 100 | 100 | 103 | 3.00 | 4.00 | pyvrp, pyvrp |" in lines
    assert "| solomon:R201 | 200 | 200 | 200 | 10.00 | inf | pyvrp, pyvrp |" in lines
    assert (
        "Days where new is worse than old on the mean over the seeds: "
        "solomon:C101 (4.00 against 3.00), solomon:R201 (inf against 10.00)."
    ) in lines


def test_runs_of_some_days_are_compared_on_the_days_every_engine_ran() -> None:
    # A probe of one family against the reference runs of every day: the other days are left out, not a
    # missing mean (the summary once failed there), and the references count only the days compared.
    rows = [
        row("a", "solomon:C201", 0, 102),
        row("b", "solomon:C201", 0, 101),
        row("b", "solomon:R101", 0, 300),  # b alone ran R101: no comparison there
        row("reference", "solomon:C201", 0, 100) | {"budget": 100.0},
        row("reference", "solomon:R101", 0, 300) | {"budget": 100.0},
        row("reference", "solomon:RC101", 0, 400) | {"budget": 100.0},
    ]
    lines = real_days_sweep.summarize(rows, "cmd", "note")
    assert "| all | 1 | 2.00 | 1.00 |" in lines
    assert "| all, to the 100 s reference runs (1) | | 2.00 | 1.00 |" in lines
    assert not any("R101" in line for line in lines)


def test_a_file_of_reference_runs_alone_summarizes_without_engines() -> None:
    lines = real_days_sweep.summarize([row("reference", "solomon:C101", 0, 100) | {"budget": 100.0}], "cmd", "note")
    assert "| C1 | 1 |  |" in lines
    assert not any(line.startswith("Days where") for line in lines)


def test_a_run_plans_in_children_and_costs_their_routes_itself(tmp_path: Path) -> None:
    # Four places on a line a minute apart, three visits of half an hour, two workers 08:00-17:00 with a
    # lunch of 45 minutes starting 12:00-13:00.
    minutes = np.abs(np.arange(4)[:, None] - np.arange(4)[None, :])[None, :, :].astype(np.int64) * 60
    lunch = Break(earliest=12 * 3600, latest=13 * 3600, duration=45 * 60)
    worker = Vehicle(start_place=0, end_place=0, profile=0, shift_start=8 * 3600, shift_end=17 * 3600, breaks=(lunch,))
    visits = tuple(Job(place=p, service=1800, windows=((8 * 3600, 16 * 3600),), penalty=10**6) for p in (1, 2, 3))
    day = RoutingInstance(duration=minutes, cost=minutes, distance=minutes, jobs=visits, vehicles=(worker, worker))
    days = tmp_path / "days.pkl.gz"
    with gzip.open(days, "wb") as handle:
        pickle.dump({"line:3": day}, handle)
    out = tmp_path / "runs.jsonl"
    args = argparse.Namespace(
        pickle=days, engine=[f"here={ROOT}"], budget=0.3, seeds=[0, 1], reference_s=0.0, slots=1, stop_s=600.0, out=out
    )
    real_days_sweep.run(args)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["engine"], r["instance"], r["seed"]) for r in rows] == [("here", "line:3", 0), ("here", "line:3", 1)]
    assert all(r["feasible"] and r["dropped"] == 0 and r["cost"] > 0 for r in rows), rows


def test_summarize_writes_the_section_it_is_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Runs of another machine or day go to a section of their own, beside the sweep's, never into it.
    from benchmarks import report

    doc = tmp_path / "benchmarks.md"
    doc.write_text("# B\n\n<!-- begin real-days-sweep -->\nthe sweep\n<!-- end real-days-sweep -->\n", encoding="utf-8")
    runs = tmp_path / "runs.jsonl"
    runs.write_text(json.dumps(row("new", "solomon:C101", 0, 103)) + "\n", encoding="utf-8")
    monkeypatch.setattr(report, "DOC", doc)
    argv = ["real_days_sweep", "summarize", str(runs), "--write", "--section", "slow", "--title", "Slow days"]
    monkeypatch.setattr(sys, "argv", argv)
    real_days_sweep.main()
    text = doc.read_text(encoding="utf-8")
    assert "<!-- begin real-days-sweep -->\nthe sweep\n<!-- end real-days-sweep -->" in text
    assert "<!-- begin slow -->\n## Slow days\n" in text and text.rstrip().endswith("<!-- end slow -->")


def test_summarize_keeps_the_engines_it_is_told_in_that_order() -> None:
    rows = [row("a", "solomon:C101", 0, 100), row("b", "solomon:C101", 0, 110), row("c", "solomon:C101", 0, 105)]
    lines = real_days_sweep.summarize(rows, "cmd", "note", ["c", "a"])
    assert "| family | n | c mean % | a mean % |" in lines
    assert "Days where a is worse than c on the mean over the seeds: none." in lines
    with pytest.raises(SystemExit, match="no runs of d"):
        real_days_sweep.summarize(rows, "cmd", "note", ["d"])

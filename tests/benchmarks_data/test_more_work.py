"""The benchmark of more work on a count: a step is worse only against the cheapest plan of a smaller
count, a plan that breaks a rule is never a better one, and the table counts each engine's steps."""

from __future__ import annotations

import argparse

from benchmarks import more_work


def test_a_step_is_worse_against_the_cheapest_of_the_smaller_counts_not_the_one_before() -> None:
    assert more_work.steps_worse([10, 9, 9, 8]) == []
    assert more_work.steps_worse([10, 11, 9]) == [1]
    # 9 then 10 then 9.5: the third is better than the second, still worse than the first of them
    assert more_work.steps_worse([9.0, 10.0, 9.5]) == [1, 2]


def test_the_table_marks_the_worse_steps_and_counts_them_for_each_engine() -> None:
    grid = [8, 12, 25]

    def row(engine: str, per_visit: int, cost: int, *, feasible: bool = True, unproved: int = 0) -> dict[str, object]:
        return {"engine": engine, "instance": "solomon:R101-50", "per_visit": per_visit, "cost": cost} | {
            "feasible": feasible,
            "winner": "recombined",
            "unproved": unproved,
        }

    rows = [
        row("earlier", 8, 9753),
        row("earlier", 12, 9971),
        row("earlier", 25, 9971),
        row("now", 8, 9738),
        row("now", 12, 9738, unproved=1),
        row("now", 25, 1, feasible=False),  # a plan that breaks a rule counts as none, never as cheap
    ]
    args = argparse.Namespace(grid=grid, seed=0)
    lines = more_work.render(rows, args, [("earlier", "9de9f97"), ("now", "abc1234")])
    assert "| solomon:R101-50 | 9de9f97 | 9753 | 9971 * | 9971 * | 2 |" in lines
    assert lines[-2] == "- 9de9f97: 2 of 2 steps to more work gave a worse plan."
    assert "| solomon:R101-50 | abc1234 | 9738 | 9738 | no plan * | 1 |" in lines
    assert lines[-1].startswith("- abc1234: 1 of 2 steps to more work gave a worse plan; in 1 of its 3 runs")
    assert "--earlier <checkout of 9de9f97>" in lines[2]

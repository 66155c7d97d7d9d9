"""The real-shaped days of the routing benchmark: seeded, every lunch inside its shift and of a home-care
size, second windows apart from the first, and plans of them pass the routing core's own checks."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from benchmarks import real_days
from benchmarks.real_days_data import (
    LUNCH_MIN,
    LUNCH_WINDOW_MIN,
    SECOND_WINDOW_APART_MIN,
    SHIFT_MIN,
    Named,
    digest,
    generated_day,
    hours_day,
    instance,
    names,
    solomon_day,
)
from conftest import DATA
from lean_social.routing.construct import construct
from lean_social.routing.engine import EngineSettings, evaluate, solve
from lean_social.routing.instance import RoutingInstance
from lean_social.routing.solomon import read_solomon
from lean_social.routing.timing import time_route

SOLOMON = DATA / "solomon"


@pytest.fixture(scope="module")
def days() -> list[Named]:
    return [
        solomon_day(SOLOMON / "c101.txt", customers=25),
        solomon_day(SOLOMON / "r101.txt", customers=50),
        solomon_day(SOLOMON / "rc201.txt"),
    ]


def _unit(day: RoutingInstance) -> float:
    """Instance time units per minute of the 08:00-17:00 day its horizon is read as."""
    v = day.vehicles[0]
    return (v.shift_end - v.shift_start) / SHIFT_MIN


def test_the_same_name_and_seed_give_the_same_day(days: list[Named]) -> None:
    again = solomon_day(SOLOMON / "c101.txt", customers=25)
    assert (again.instance.jobs, again.instance.vehicles) == (days[0].instance.jobs, days[0].instance.vehicles)
    assert digest(again.instance) == digest(days[0].instance)
    assert digest(solomon_day(SOLOMON / "c101.txt", customers=25, seed=16).instance) != digest(days[0].instance)
    assert days[0].name == "solomon:C101-25" and len(days[0].instance.jobs) == 25


def test_every_vehicle_lunches_inside_its_shift_as_in_home_care(days: list[Named]) -> None:
    for day in days:
        unit = _unit(day.instance)
        lunches = set()
        for vehicle in day.instance.vehicles:
            (lunch,) = vehicle.breaks
            lunches.add(lunch)
            assert vehicle.shift_start <= lunch.earliest <= lunch.latest
            assert lunch.latest + lunch.duration <= vehicle.shift_end
            assert LUNCH_MIN[0] - 1 <= lunch.duration / unit <= LUNCH_MIN[1] + 1
            window = lunch.latest + lunch.duration - lunch.earliest
            assert LUNCH_WINDOW_MIN[0] - 1 <= window / unit <= LUNCH_WINDOW_MIN[1] + 1
            # the window's middle within 30 min of 13:00 (5 h into the day)
            middle = (lunch.earliest + lunch.latest + lunch.duration) / 2 - vehicle.shift_start
            assert abs(middle / unit - 300) <= 31
        assert len(lunches) > 1  # drawn per vehicle, not one for all


def test_second_windows_keep_the_first_and_lie_apart_from_it(days: list[Named]) -> None:
    plain = {
        "solomon:C101-25": read_solomon(SOLOMON / "c101.txt").instance,
        "solomon:R101-50": read_solomon(SOLOMON / "r101.txt").instance,
        "solomon:RC201": read_solomon(SOLOMON / "rc201.txt").instance,
    }
    for day in days:
        unit = _unit(day.instance)
        before = plain[day.name].jobs
        two = 0
        for j, job in enumerate(day.instance.jobs):
            assert before[j].windows[0] in job.windows  # the Solomon window is kept
            assert (job.service, job.place, job.demand) == (before[j].service, before[j].place, before[j].demand)
            if len(job.windows) == 1:
                continue
            two += 1
            (a1, b1), (a2, b2) = job.windows
            assert b1 < a2  # sorted and disjoint: the Job checks it too
            assert a2 - b1 >= SECOND_WINDOW_APART_MIN * unit - 1
            assert b1 - a1 == b2 - a2  # the same width
            # the new window can be reached from the depot, and left in time to get back
            (new_a, new_b) = next(w for w in job.windows if w != before[j].windows[0])
            vehicle = day.instance.vehicles[0]
            assert vehicle.shift_start + day.instance.duration[0, 0, job.place] <= new_a
            assert new_b + job.service + day.instance.duration[0, job.place, 0] <= vehicle.shift_end
        assert 0 < two <= round(0.3 * len(day.instance.jobs))
    # C101's windows are narrow: every client could take a second one, so 30 % do
    assert sum(len(j.windows) == 2 for j in days[0].instance.jobs) == round(0.3 * 25)


def test_a_planned_real_shaped_day_passes_the_core_checks(days: list[Named]) -> None:
    for day in [days[1], generated_day(40)]:
        problem = day.instance
        solution = solve(problem, EngineSettings(work=200))
        feasible, _ = evaluate(problem, solution)
        assert feasible and solution.dropped == ()
        for v, jobs in enumerate(solution.routes):
            if jobs:
                timed = time_route(problem, v, jobs, solution.break_after[v])
                assert timed.feasible and len(timed.breaks) == 1
                (lunch,) = timed.breaks
                assert problem.vehicles[v].breaks[0].earliest <= lunch.start <= problem.vehicles[v].breaks[0].latest


def test_generated_departments_are_real_department_days() -> None:
    day = generated_day(40)
    assert day.name == "gen:40" and day.kind == "generated"
    assert 30 <= len(day.instance.jobs) <= 50
    assert all(v.breaks and v.max_jobs for v in day.instance.vehicles)  # lunches and visit limits, as the demo
    assert digest(generated_day.__wrapped__(40).instance) == digest(day.instance)  # made again: the same day


def test_a_day_of_set_hours_ties_each_client_to_their_worker() -> None:
    day = instance("hours:1")
    assert day.kind == "hours" and names(["hours"]) == ["hours:0", "hours:1", "hours:2", "hours:3"]
    jobs = day.instance.jobs
    assert len(jobs) == 42 and len(day.instance.vehicles) == 3
    assert sorted(sum(job.allowed == frozenset({v}) for job in jobs) for v in range(3)) == [14, 14, 14]
    assert all(len(job.windows) == 1 and job.windows[0][1] - job.windows[0][0] == 2 * 3600 for job in jobs)
    assert digest(hours_day.__wrapped__(1).instance) == digest(day.instance)  # made again: the same day
    assert not construct(day.instance).dropped  # the planted day fits every visit, and so a plan does


def test_names_expand_groups_and_unknown_names_are_refused() -> None:
    assert names(["gen"]) == ["gen:40", "gen:100", "gen:200"]
    assert names(["gen:40", "gen"])[:2] == ["gen:40", "gen:100"]  # once each, in order
    assert digest(instance("gen:40").instance) == digest(generated_day(40).instance)
    with pytest.raises(ValueError, match="unknown instance"):
        instance("vrp:X1")


def test_a_cached_reference_is_reused_only_for_the_same_instance(
    days: list[Named], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = days[0]
    path = tmp_path / "refs.json"
    calls: list[str] = []

    def fake_run(named: Named, seconds: float, *, seed: int, config: str = "portfolio") -> dict[str, Any]:
        calls.append(config)
        cost = {"portfolio": 120, "ortools": 100}[config]
        return {"feasible": True, "dropped": 0, "cost": cost, "config": config, "winner": config}

    monkeypatch.setattr(real_days, "run", fake_run)
    refs: dict[str, dict[str, Any]] = {}
    first = real_days.reference(day, refs, seconds=100, configs=["portfolio", "ortools"], path=path)
    assert (first["cost"], first["config"], calls) == (100, "ortools", ["portfolio", "ortools"])
    assert real_days.load_references(path) == refs
    again = real_days.reference(day, real_days.load_references(path), seconds=100, configs=["portfolio"], path=path)
    assert again == first and len(calls) == 2  # cached: nothing run
    changed = solomon_day(SOLOMON / "c101.txt", customers=25, seed=16)
    real_days.reference(changed, refs, seconds=100, configs=["portfolio"], path=path)
    assert len(calls) == 3  # another instance under the same name: referenced again


def test_a_reference_run_again_keeps_the_better_plan(
    days: list[Named], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day, path = days[0], tmp_path / "refs.json"
    costs = iter([100, 130, 90])

    def fake_run(named: Named, seconds: float, *, seed: int, config: str = "portfolio") -> dict[str, Any]:
        return {"feasible": True, "dropped": 0, "cost": next(costs), "config": config, "winner": config}

    monkeypatch.setattr(real_days, "run", fake_run)
    refs: dict[str, dict[str, Any]] = {}
    real_days.reference(day, refs, seconds=100, configs=["portfolio"], path=path)
    worse = real_days.reference(day, refs, seconds=100, configs=["portfolio"], path=path, again=True)
    assert worse["cost"] == 100 and worse["tried"] == {"portfolio": 100, "portfolio (again)": 130}
    better = real_days.reference(day, refs, seconds=100, configs=["portfolio"], path=path, again=True)
    assert better["cost"] == 90 and better["tried"] == {"earlier": 100, "portfolio": 90}
    assert real_days.load_references(path)[day.name]["cost"] == 90


def test_the_table_gives_gaps_to_the_reference_and_counts_the_winners(days: list[Named]) -> None:
    name = days[0].name
    refs = {name: {"cost": 200, "dropped": 0, "config": "portfolio", "winner": "ortools"}}
    rows = [
        {"instance": name, "kind": "solomon", "budget": 5.0, "seed": s, "cost": c, "feasible": True, "dropped": d}
        | {"winner": w}
        for s, c, d, w in [(0, 210, 0, "ortools"), (1, 190, 0, "pyvrp+polish"), (2, 150, 1, "construction")]
    ]
    assert [real_days.gap(r, refs[name]) for r in rows] == [5.0, -5.0, None]  # fewer served: no gap
    args = argparse.Namespace(
        instances=[name],
        budgets=[5.0],
        seeds=[0, 1, 2],
        reference_factor=20.0,
        reference_configs=["portfolio"],
        note="",
        work_per_visit=[],
    )
    lines = real_days.render(rows, refs, args, 100.0)
    assert (
        "| solomon | 1 | 0.00 (1 worse coverage or infeasible) | 5.00 | construction 1, ortools 1, pyvrp+polish 1 |"
        in lines
    )
    assert any(
        line.startswith(f"| {name} | 25 | 25 | 8 | 200 (portfolio: ortools) | 5.00 (+10) / -5.00 (-10) / – |")
        for line in lines
    )
    assert "--seeds 0 1 2 --reference-configs portfolio --write`." in lines[2]


def test_a_run_on_a_count_of_work_is_the_same_run_again(days: list[Named]) -> None:
    first = real_days.run(days[0], None, seed=0, work_per_visit=20)
    again = real_days.run(days[0], None, seed=0, work_per_visit=20)
    assert first["feasible"] and first["dropped"] == 0
    assert first["travel"] == first["cost"]  # Solomon: travel time is the distance, the whole objective
    assert (first["cost"], first["winner"]) == (again["cost"], again["winner"])
    assert real_days.label(first) == "20 work/visit" and first["budget"] is None

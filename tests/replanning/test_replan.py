"""Re-planning a published week after an event: fewest changes, past days and untouched workers kept."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from conftest import DATA, WORK, client, problem, weekdays, worker
from lean_social import Absence, Holiday, Problem, ProgrammeItem, Schedule, validate
from lean_social.app.cli import main
from lean_social.domain.demand import make_visit
from lean_social.planning.week import plan_week
from lean_social.replanning.replan import Change, replan_week

MONDAY = dt.date(2026, 12, 7)
WEDNESDAY = MONDAY + dt.timedelta(days=2)


@pytest.fixture(scope="module")
def week() -> tuple[Problem, Schedule]:
    clients = [client(f"A{i}", lat=47.510 + 0.002 * i, lon=42.150, worker_id="W1") for i in range(3)]
    clients += [client(f"B{i}", lat=47.520 + 0.002 * i, lon=42.160, worker_id="W2") for i in range(3)]
    programmes = [ProgrammeItem(client_id=c.id, service_code="FOOD", times=3, days=(0, 2, 4)) for c in clients]
    p = problem(clients, [worker("W1"), worker("W2", lat=47.52), worker("W3", lat=47.515)], programmes)
    return p, plan_week(p, MONDAY, work_per_visit=WORK)


def stops(schedule: Schedule) -> dict[tuple[str, dt.date], str]:
    return {(s.client_id, r.date): r.worker_id for r, s in schedule.stops}


def test_worker_away_from_wednesday(week: tuple[Problem, Schedule]) -> None:
    p, published = week
    assert validate(published, p, week_start=MONDAY) == []
    sick = dataclasses.replace(
        p, absences=(Absence(worker_id="W1", start=WEDNESDAY, end=WEDNESDAY + dt.timedelta(days=4)),)
    )
    new, changes = replan_week(sick, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    assert validate(new, sick, week_start=MONDAY) == []
    before, after = stops(published), stops(new)
    # Monday and Tuesday exactly as published, times included
    assert [r for r in new.routes if r.date < WEDNESDAY] == [r for r in published.routes if r.date < WEDNESDAY]
    # W2 was not touched: its routes are the published ones
    assert [r for r in new.routes if r.worker_id == "W2"] == [r for r in published.routes if r.worker_id == "W2"]
    # W1's six visits on Wednesday and Friday go to one substitute, on the same days
    moved = {k: w for k, w in after.items() if before.get(k) != w}
    assert len(moved) == 6 and len(set(moved.values())) == 1
    assert {c.kind for c in changes} == {"substitute"} and len(changes) == 6
    kept = sum(1 for k, w in before.items() if after.get(k) == w)
    assert kept == len(before) - 6


def test_new_client_is_fitted_in_after_the_event(week: tuple[Problem, Schedule]) -> None:
    p, published = week
    newcomer = client("N1", lat=47.512, lon=42.151)
    grown = dataclasses.replace(
        p,
        clients=(*p.clients, newcomer),
        programmes=(*p.programmes, ProgrammeItem(client_id="N1", service_code="FOOD", times=1)),
    )
    new, changes = replan_week(grown, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    assert [c.kind for c in changes] == ["new"]
    assert changes[0].new_date is not None and changes[0].new_date >= WEDNESDAY
    assert validate(new, grown, week_start=MONDAY) == []
    assert stops(new).items() >= stops(published).items()  # nothing else moved


def test_client_away_on_a_fixed_day_cancels_that_visit(week: tuple[Problem, Schedule]) -> None:
    """B0's programme fixes Mon/Wed/Fri; B0 is now away on Wednesdays: that visit is cancelled with the
    reason, Friday stays as published."""
    p, published = week
    away = dataclasses.replace(
        p.client("B0"),
        available=dataclasses.replace(
            p.client("B0").available,
            days=tuple(() if d == 2 else w for d, w in enumerate(p.client("B0").available.days)),
        ),
    )
    changed = dataclasses.replace(p, clients=tuple(away if c.id == "B0" else c for c in p.clients))
    new, changes = replan_week(changed, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    assert [(c.kind, c.old_date, c.client_id) for c in changes] == [("cancelled", WEDNESDAY, "B0")]
    assert [(u.client_id, u.date) for u in new.unassigned] == [("B0", WEDNESDAY)]
    assert "client is not at home on Wednesdays" in new.unassigned[0].reason
    assert validate(new, changed, week_start=MONDAY) == []


def test_client_away_on_a_chosen_day_moves_to_another_day() -> None:
    clients = [client("F", lat=47.515, lon=42.155, worker_id="W1")]
    p = problem(clients, [worker("W1")], [ProgrammeItem(client_id="F", service_code="FOOD", times=2)])
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    (first, second) = sorted(r.date for r, _ in published.stops)
    away = dataclasses.replace(
        p.client("F"),
        available=dataclasses.replace(
            p.client("F").available,
            days=tuple(() if d == second.weekday() else w for d, w in enumerate(p.client("F").available.days)),
        ),
    )
    changed = dataclasses.replace(p, clients=(away,))
    new, changes = replan_week(changed, published, MONDAY, first + dt.timedelta(days=1), work_per_visit=WORK)
    assert [(c.kind, c.old_date) for c in changes] == [("moved", second)]
    assert changes[0].new_date not in (None, second)
    assert validate(new, changed, week_start=MONDAY) == []


def test_replan_command(tmp_path: Path) -> None:
    first = tmp_path / "first"
    assert (
        main(["-q", "plan", str(DATA / "tiny"), "--week", "2026-12-07", "--out", str(first), "--time-limit", "1"]) == 0
    )
    second = tmp_path / "second"
    assert (
        main(
            [
                "-q",
                "replan",
                str(DATA / "tiny"),
                "--week",
                "2026-12-07",
                "--plan",
                str(first / "schedule.json"),
                "--from",
                "2026-12-09",
                "--out",
                str(second),
                "--time-limit",
                "1",
            ]
        )
        == 0
    )
    run = json.loads((second / "run.json").read_text(encoding="utf-8"))
    assert run["violations"] == []
    assert (second / "changes.csv").read_text(encoding="utf-8-sig").startswith("client_id,change,from_date")


def test_replan_rejects_a_day_outside_the_week(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["replan", "x", "--week", "2026-12-07", "--plan", "p.json", "--from", "2026-12-15", "--out", "o"])
    assert info.value.code == 2


def test_a_closed_past_fixed_day_does_not_shift_the_visits_still_owed() -> None:
    """Fixed Mon/Wed/Fri with Monday a holiday: Monday is listed unassigned, Wednesday and Friday planned.
    Re-planning from Tuesday with nothing changed must keep both: the visits still owed are matched to
    the published ones by date, so the closed Monday cannot push Friday's visit out."""
    p = problem(
        [client("A", lat=47.515, lon=42.155)],
        [worker("W1")],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=3, days=(0, 2, 4))],
        holidays=(Holiday(date=MONDAY, name="hol"),),
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    new, changes = replan_week(p, published, MONDAY, MONDAY + dt.timedelta(days=1), work_per_visit=WORK)
    assert changes == []
    assert stops(new) == stops(published) == {("A", WEDNESDAY): "W1", ("A", MONDAY + dt.timedelta(days=4)): "W1"}
    assert validate(new, p, week_start=MONDAY) == []


def test_a_new_client_keeps_the_fixed_days_of_the_programme() -> None:
    """N joins on Wednesday with groceries fixed on Monday and Thursday: Thursday is planned, Monday
    (already past) is listed with the reason, no visit lands on a day the programme does not fix."""
    p = problem(
        [client("A", lat=47.515, lon=42.155)],
        [worker("W1")],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=1, days=(0,))],
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    grown = dataclasses.replace(
        p,
        clients=(*p.clients, client("N", lat=47.516, lon=42.156)),
        programmes=(*p.programmes, ProgrammeItem(client_id="N", service_code="FOOD", times=2, days=(0, 3))),
    )
    new, changes = replan_week(grown, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    assert validate(new, grown, week_start=MONDAY) == []
    thursday = MONDAY + dt.timedelta(days=3)
    assert {k: w for k, w in stops(new).items() if k[0] == "N"} == {("N", thursday): "W1"}
    assert [(u.client_id, u.date) for u in new.unassigned] == [("N", MONDAY)]
    assert [(c.kind, c.new_date, c.new_worker) for c in changes] == [("new", MONDAY, None), ("new", thursday, "W1")]


@pytest.mark.parametrize(
    ("worker_away", "expected"),
    [
        ((2, 2), {"moved": 4}),  # W1 away Wednesday: the move goes to Friday, where W1 works
        ((2, 4), {"unassigned": 3}),  # W1 away Wednesday to Friday: nowhere to move, listed on Thursday
    ],
)
def test_a_moved_visit_goes_to_a_day_with_a_worker_or_is_listed(
    worker_away: tuple[int, int], expected: dict[str, int]
) -> None:
    """Published Mon/Thu; the client is now away on Thursday. Wednesday keeps the spacing but W1, the
    only worker, is away that day: the visit must not be moved there and lost."""
    p = problem(
        [client("A", lat=47.515, lon=42.155)],
        [worker("W1")],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=2)],
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    assert sorted(d.weekday() for _, d in stops(published)) == [0, 3]
    home = p.client("A").available
    away = dataclasses.replace(home, days=tuple(() if d == 3 else w for d, w in enumerate(home.days)))
    first, last = (MONDAY + dt.timedelta(days=d) for d in worker_away)
    changed = dataclasses.replace(
        p,
        clients=(dataclasses.replace(p.client("A"), available=away),),
        absences=(Absence(worker_id="W1", start=first, end=last),),
    )
    new, changes = replan_week(changed, published, MONDAY, MONDAY + dt.timedelta(days=1), work_per_visit=WORK)
    assert validate(new, changed, week_start=MONDAY) == []
    if "moved" in expected:
        assert sorted(d.weekday() for _, d in stops(new)) == [0, expected["moved"]]
        assert [(c.kind, c.new_worker) for c in changes] == [("moved", "W1")]
    else:
        assert [(u.date.weekday(), u.reason) for u in new.unassigned] == [
            (expected["unassigned"], "client is away, and no worker is on duty on the other days that keep the spacing")
        ]


def test_visits_a_flexible_week_cannot_hold_are_matched_by_services() -> None:
    """At home Mon and Fri, blood pressure 3 a week and dishes once, no nurse: every visit is listed, the
    third one because only two days keep the spacing. Away on Fridays from now on, the week holds one
    visit: the visit listed with dishes stays the one with dishes, the count of each service holds."""
    home = client("A", lat=47.515, lon=42.155, available="09:00-18:00")
    home = dataclasses.replace(
        home,
        available=dataclasses.replace(
            home.available, days=tuple(w if d in (0, 4) else () for d, w in enumerate(home.available.days))
        ),
    )
    p = problem(
        [home],
        [worker("W1")],
        [
            ProgrammeItem(client_id="A", service_code="BP", times=3),
            ProgrammeItem(client_id="A", service_code="DISH", times=1),
        ],
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(published, p, week_start=MONDAY) == [] and len(published.unassigned) == 3
    monday_only = dataclasses.replace(
        home.available, days=tuple(w if d == 0 else () for d, w in enumerate(home.available.days))
    )
    away = dataclasses.replace(p, clients=(dataclasses.replace(home, available=monday_only),))
    new, _ = replan_week(away, published, MONDAY, MONDAY + dt.timedelta(days=1), work_per_visit=WORK)
    assert validate(new, away, week_start=MONDAY) == []
    assert sorted(u.services for u in new.unassigned) == [("BP",), ("BP",), ("DISH", "BP")]


def test_a_growing_absence_keeps_the_substitute_of_the_published_plan() -> None:
    """W1 was away on Monday and W2 stood in. The absence now lasts the week: Wednesday and Friday go to
    W2 as well, not to W3 (nearer the client), so the client sees one substitute, not two."""
    p = problem(
        [client("A", lat=47.515, lon=42.155, worker_id="W1")],
        [
            worker("W1"),
            worker("W2", lat=47.520),
            # nearer the client, but off on Mondays: the published plan can only send W2 on Monday
            dataclasses.replace(
                worker("W3", lat=47.515, lon=42.155, lunch=None), shift=weekdays("08:00-12:00", range(1, 5))
            ),
        ],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=3, days=(0, 2, 4))],
        absences=(Absence(worker_id="W1", start=MONDAY, end=MONDAY),),
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    assert stops(published)[("A", MONDAY)] == "W2"
    longer = dataclasses.replace(
        p, absences=(Absence(worker_id="W1", start=MONDAY, end=MONDAY + dt.timedelta(days=6)),)
    )
    new, changes = replan_week(longer, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    assert validate(new, longer, week_start=MONDAY) == []
    assert set(stops(new).values()) == {"W2"}
    assert {(c.kind, c.new_worker) for c in changes} == {("substitute", "W2")}


def assert_every_difference_is_a_change(published: Schedule, new: Schedule, changes: list[Change]) -> None:
    before, after = stops(published), stops(new)
    assert {(c.client_id, c.old_date) for c in changes if c.old_date} == {
        k for k, w in before.items() if after.get(k) != w
    }
    assert {(c.client_id, c.new_date, c.new_worker) for c in changes if c.new_worker} == {
        (*k, w) for k, w in after.items() if before.get(k) != w
    }


def test_a_visit_dropped_from_a_substitutes_full_day_is_a_change() -> None:
    """W1 is away on Wednesday; its client A0 goes to W2, the only colleague, who may make two visits a
    day and has two already. Routing W2's day again drops one visit: the change list says so, with the
    reason."""
    clients = [
        client("A0", lat=47.515, lon=42.155, worker_id="W1"),
        client("B0", lat=47.516, lon=42.156, worker_id="W2"),
        client("B1", lat=47.517, lon=42.154, worker_id="W2"),
    ]
    p = problem(
        clients,
        [worker("W1"), worker("W2", lat=47.5155, lon=42.1555, max_visits=2)],
        [ProgrammeItem(client_id=c.id, service_code="FOOD", times=1, days=(2,)) for c in clients],
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    sick = dataclasses.replace(p, absences=(Absence(worker_id="W1", start=WEDNESDAY, end=WEDNESDAY),))
    new, changes = replan_week(sick, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    assert validate(new, sick, week_start=MONDAY) == []
    assert_every_difference_is_a_change(published, new, changes)
    (dropped,) = new.unassigned
    assert [(c.kind, c.reason) for c in changes if c.client_id == dropped.client_id] == [("cancelled", dropped.reason)]
    assert "maximum of 2 visits" in dropped.reason


def test_a_substitute_must_have_the_skills_of_the_visit() -> None:
    """W1, the only nurse, is away from Wednesday: W2 cannot take A's blood pressure visit. No
    'substitute W2' change; the visit is cancelled and listed, both saying why."""
    p = problem(
        [client("A", lat=47.515, lon=42.155, worker_id="W1")],
        [worker("W1", skills=("nurse",)), worker("W2")],
        [ProgrammeItem(client_id="A", service_code="BP", times=1, days=(3,))],
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    sick = dataclasses.replace(
        p, absences=(Absence(worker_id="W1", start=WEDNESDAY, end=WEDNESDAY + dt.timedelta(days=4)),)
    )
    new, changes = replan_week(sick, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    assert validate(new, sick, week_start=MONDAY) == []
    assert new.routes == ()
    (left,) = new.unassigned
    assert "no substitute with skill nurse" in left.reason
    assert [(c.kind, c.new_worker, c.reason) for c in changes] == [("cancelled", None, left.reason)]


def test_an_untouched_route_keeps_its_lunch_and_times() -> None:
    """A published route whose lunch is in another gap than the one re-timing would pick first (the
    search may leave it anywhere it fits): re-planning with nothing changed for that worker-day returns
    the route as published, lunch and times included."""
    from lean_social.planning.compile import compile_day
    from lean_social.planning.day import to_schedule
    from lean_social.routing.engine import place_breaks
    from lean_social.routing.instance import RoutingSolution
    from lean_social.routing.timing import time_route
    from lean_social.travel import GeodesicTravel

    clients = [client(f"C{i}", lat=47.515 + 0.001 * i, lon=42.155, available="11:00-18:00") for i in range(3)]
    p = problem(
        clients,
        [worker("W1")],
        [ProgrammeItem(client_id=c.id, service_code="FOOD", times=1, days=(0,)) for c in clients],
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    (route,) = published.routes
    compiled = compile_day(
        p,
        MONDAY,
        [make_visit(p, s.client_id, MONDAY, s.services, worker_id="W1") for s in route.stops],
        [p.worker("W1")],
        GeodesicTravel(),
    )
    jobs = tuple(range(len(route.stops)))
    first = place_breaks(compiled.instance, 0, jobs)
    other = next(
        g for g in range(len(jobs) + 1) if (g,) != first and time_route(compiled.instance, 0, jobs, (g,)).feasible
    )
    moved_lunch = to_schedule(
        compiled,
        RoutingSolution(routes=(jobs,), break_after=((other,),), dropped=(), cost=0, status="TEST", wall_time_s=0.0),
        MONDAY,
    )
    published = dataclasses.replace(published, routes=moved_lunch.routes)
    assert validate(published, p, week_start=MONDAY) == []
    new, changes = replan_week(p, published, MONDAY, MONDAY, work_per_visit=WORK)
    assert changes == []
    assert new.routes == published.routes


def test_replanning_some_departments_keeps_the_others_as_published() -> None:
    """W1 (D1) is away on Thursday; only D1 is re-planned. D2's Thursday must come back as published,
    not be dropped as 'no longer in the programme'."""
    p = problem(
        [client("A", lat=47.515, lon=42.155), client("B", lat=47.515, lon=42.155, department="D2")],
        [worker("W1"), worker("W3", lat=47.52), worker("W2", department="D2")],
        [ProgrammeItem(client_id=c, service_code="FOOD", times=2, days=(0, 3)) for c in "AB"],
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    thursday = MONDAY + dt.timedelta(days=3)
    sick = dataclasses.replace(p, absences=(Absence(worker_id="W1", start=thursday, end=thursday),))
    new, changes = replan_week(sick, published, MONDAY, WEDNESDAY, work_per_visit=WORK, departments=["D1"])
    assert validate(new, sick, week_start=MONDAY) == []
    assert [r for r in new.routes if r.worker_id == "W2"] == [r for r in published.routes if r.worker_id == "W2"]
    assert [(c.client_id, c.kind, c.new_worker) for c in changes] == [("A", "substitute", "W3")]


def test_replan_command_takes_the_export_options_of_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("LEAN_SOCIAL_PSEUDONYM_KEY", "secret")
    first = tmp_path / "first"
    week = ["--week", "2026-12-07", "--time-limit", "1"]
    assert main(["-q", "plan", str(DATA / "tiny"), *week, "--out", str(first)]) == 0
    second = tmp_path / "second"
    replan = ["replan", str(DATA / "tiny"), *week, "--plan", str(first / "schedule.json"), "--from", "2026-12-09"]
    assert main(["-q", *replan, "--out", str(second), "--pseudonymise"]) == 0
    text = (second / "schedule.csv").read_text(encoding="utf-8-sig")
    assert "P-" in text and not any(c in text for c in ("C1", "C2", "C3", "C4"))
    assert not (second / "schedule.json").exists()
    assert "неделя с 2026-12-07 перепланирована" in capsys.readouterr().err


def test_a_visit_the_week_could_not_hold_is_not_listed_twice() -> None:
    """At home Mon to Wed, dishes 3 a week: Mon and Wed are made, the third is listed (on Monday). From
    Thursday, with nothing changed, the listed one stays the one listed: the visits made take the owed
    visits first, so the Monday entry is not taken for one of them and listed a second time."""
    home = client("A", lat=47.515, lon=42.155)
    home = dataclasses.replace(
        home,
        available=dataclasses.replace(
            home.available, days=tuple(w if d < 3 else () for d, w in enumerate(home.available.days))
        ),
    )
    p = problem([home], [worker("W1")], [ProgrammeItem(client_id="A", service_code="DISH", times=3)])
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    assert len(published.unassigned) == 1
    new, changes = replan_week(p, published, MONDAY, MONDAY + dt.timedelta(days=3), work_per_visit=WORK)
    assert validate(new, p, week_start=MONDAY) == []
    assert (new.unassigned, changes) == (published.unassigned, [])


def test_a_worker_removed_after_publishing_is_replaced_by_a_correctly_timed_substitute() -> None:
    """W1 leaves the data after the week is published. Thursday's visit goes to W2, who starts 10 km
    away: the route is timed from W2's own start (the review's reproducer renamed W1's route to W2
    without re-timing it, which is what failed the travel check). Monday, already past, stays W1's as
    published; the validator cannot check a route of a worker it no longer knows and says so."""
    p = problem(
        [client("A", lat=47.515, lon=42.155)],
        [worker("W1"), worker("W2", lat=47.6)],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=2, days=(0, 3))],
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    assert set(stops(published).values()) == {"W1"}
    gone = dataclasses.replace(p, workers=(p.worker("W2"),))
    new, changes = replan_week(gone, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    thursday = MONDAY + dt.timedelta(days=3)
    assert stops(new) == {("A", MONDAY): "W1", ("A", thursday): "W2"}
    assert [(v.rule, v.date) for v in validate(new, gone, week_start=MONDAY)] == [("unknown-worker", MONDAY)]
    assert [(c.kind, c.reason) for c in changes] == [("substitute", "W1 is no longer among the workers")]
    fresh, _ = replan_week(gone, published, MONDAY, MONDAY, work_per_visit=WORK)
    assert validate(fresh, gone, week_start=MONDAY) == []


def test_the_days_a_fixed_programme_leaves_free_are_matched_like_flexible_ones() -> None:
    """Dishes fixed on Monday, groceries three times: the week planner adds Wed and Fri around Monday.
    The client is now away on Fridays; from Thursday, Monday and Wednesday are past and Friday's visit
    moves to Thursday. The weekdays the demand would pick now (Mon/Tue/Thu) must not be taken for fixed
    days: that listed Tuesday as missed and Thursday as not placed, next to the visits made."""
    home = client("A", lat=47.515, lon=42.155)
    p = problem(
        [home],
        [worker("W1")],
        [
            ProgrammeItem(client_id="A", service_code="FOOD", times=3),
            ProgrammeItem(client_id="A", service_code="DISH", times=1, days=(0,)),
        ],
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    assert sorted(d.weekday() for _, d in stops(published)) == [0, 2, 4]
    no_friday = dataclasses.replace(
        home.available, days=tuple(() if d == 4 else w for d, w in enumerate(home.available.days))
    )
    away = dataclasses.replace(p, clients=(dataclasses.replace(home, available=no_friday),))
    thursday = MONDAY + dt.timedelta(days=3)
    new, changes = replan_week(away, published, MONDAY, thursday, work_per_visit=WORK)
    assert validate(new, away, week_start=MONDAY) == []
    assert sorted(d.weekday() for _, d in stops(new)) == [0, 2, 3] and new.unassigned == ()
    assert [(c.kind, c.new_date) for c in changes] == [("moved", thursday)]


def test_a_visit_moved_to_a_day_the_own_worker_works_goes_back_to_that_worker() -> None:
    """W1 is away on Friday, so W0 stood in for Friday's visit. The client is now away on Fridays (and
    the days no longer fixed): the visit moves to Thursday, where W1 works, so W1 makes it, not the
    Friday substitute (one substitute only on days the client's worker is away)."""
    friday = MONDAY + dt.timedelta(days=4)
    p = problem(
        [client("A", lat=47.515, lon=42.155, worker_id="W1")],
        [worker("W0", lat=47.52), worker("W1", lat=47.515, lon=42.155)],
        [ProgrammeItem(client_id="A", service_code="FOOD", times=2, days=(0, 4))],
        absences=(Absence(worker_id="W1", start=friday, end=friday),),
    )
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    assert stops(published) == {("A", MONDAY): "W1", ("A", friday): "W0"}
    flexible = dataclasses.replace(
        p,
        clients=(
            dataclasses.replace(
                p.client("A"),
                available=dataclasses.replace(
                    p.client("A").available,
                    days=tuple(() if d == 4 else w for d, w in enumerate(p.client("A").available.days)),
                ),
            ),
        ),
        programmes=(ProgrammeItem(client_id="A", service_code="FOOD", times=2),),
    )
    new, changes = replan_week(flexible, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    assert validate(new, flexible, week_start=MONDAY) == []
    assert [(c.kind, c.new_date, c.new_worker) for c in changes] == [("moved", WEDNESDAY + dt.timedelta(days=1), "W1")]


def test_substitutes_share_an_absent_workers_day_by_room() -> None:
    """W1 falls ill from Wednesday with four clients that day. W2 and W3 start at the same office and
    may make three visits a day, one already taken: sending all four to the first by id (nearest is a
    tie) would leave two out; shared by room, every visit is made."""
    clients = [client(f"A{i}", lat=47.512 + 0.001 * i, lon=42.150, worker_id="W1") for i in range(4)]
    clients += [client(f"B{i}", lat=47.518, lon=42.156 + 0.001 * i, worker_id=f"W{2 + i}") for i in range(2)]
    programmes = [ProgrammeItem(client_id=c.id, service_code="DISH", times=1, days=(2,)) for c in clients]
    workers = [worker("W1", max_visits=4), worker("W2", max_visits=3), worker("W3", max_visits=3)]
    p = problem(clients, workers, programmes)
    published = plan_week(p, MONDAY, work_per_visit=WORK)
    assert validate(published, p, week_start=MONDAY) == [] and published.unassigned == ()
    sick = dataclasses.replace(p, absences=(Absence(worker_id="W1", start=WEDNESDAY, end=WEDNESDAY),))
    new, changes = replan_week(sick, published, MONDAY, WEDNESDAY, work_per_visit=WORK)
    assert validate(new, sick, week_start=MONDAY) == []
    assert new.unassigned == ()
    assert sorted(c.new_worker or "" for c in changes) == ["W2", "W2", "W3", "W3"]

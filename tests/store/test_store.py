"""The plan store on SQLite and on a real PostgreSQL server (``postgres`` in tests/conftest.py): a week
saved and loaded back equal, found again by its data's digest, handed to next week's planner as
``read_previous_plan`` would read it, listed in the history, compared with another run's, in a schema
Alembic made; and a database it cannot reach named plainly, without its password."""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import math
import threading
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

import lean_social.store
from conftest import DATA, WORK
from lean_social import Problem, Schedule, plan_day, read_folder
from lean_social.io.previous import read_previous_plan
from lean_social.io.writers import write_csv
from lean_social.outputs.kpi import FIGURES, compare, lean_figures
from lean_social.planning.week import plan_week
from lean_social.schedule import SCHEDULE_COLUMNS
from lean_social.store import PlanStore, PlanStoreError, inputs_digest
from lean_social.store.migrate import head_revision
from lean_social.store.tables import Base
from postgres_server import PostgresServer, free_port

MONDAY = dt.date(2026, 12, 7)
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)
HASHES = {"clients.csv": "1" * 64, "workers.csv": "2" * 64}
CHANGED = {"clients.csv": "3" * 64, "workers.csv": "2" * 64}


@pytest.fixture(scope="module")
def problem() -> Problem:
    return read_folder(DATA / "tiny")


@pytest.fixture(scope="module")
def week(problem: Problem) -> Schedule:
    return plan_week(problem, MONDAY, work_per_visit=WORK)


@pytest.fixture(scope="module")
def other_week(problem: Problem) -> Schedule:
    """The same week planned again with another seed and no search: another run's plan."""
    return plan_week(problem, MONDAY, work_per_visit=0, seed=7)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'plans.sqlite'}"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database()


@pytest.fixture
def store(url: str) -> PlanStore:
    with PlanStore(url) as opened:
        yield opened  # type: ignore[misc]


def test_a_planned_week_loads_back_equal_with_its_figures(store: PlanStore, week: Schedule, problem: Problem) -> None:
    run = store.start_run({"horizon": "next-week", "week": MONDAY, "data": Path("data/tiny")})
    plan_id = store.save_plan(run, "Волгодонск", "D1", "week", week, problem, inputs_sha256=HASHES, week=MONDAY)
    store.finish_run(run, "succeeded")

    assert store.load(plan_id) == week
    stored = store.plan(plan_id)
    assert (stored.run_id, stored.centre, stored.department, stored.kind) == (run, "Волгодонск", "D1", "week")
    assert (stored.week, stored.day, stored.inputs_sha256) == (MONDAY, None, inputs_digest(HASHES))
    assert stored.created.tzinfo is not None
    assert dict(stored.figures) == lean_figures(week, problem)  # doubles, kept exactly
    assert set(stored.figures) == set(FIGURES)
    with pytest.raises(LookupError, match="no plan 999"):
        store.load(999)


def test_a_plan_is_found_again_only_from_the_same_data(store: PlanStore, week: Schedule, problem: Problem) -> None:
    run = store.start_run({})
    assert store.find_plan("C", "D1", MONDAY, HASHES) is None
    first = store.save_plan(run, "C", "D1", "week", week, inputs_sha256=HASHES, week=MONDAY)
    found = store.find_plan("C", "D1", MONDAY, HASHES)
    assert found is not None
    assert found.id == first
    assert found.schedule == week
    assert found.figures == {}  # saved without its problem
    assert store.find_plan("C", "D1", MONDAY, CHANGED) is None
    assert store.find_plan("C", "D1", NEXT_MONDAY, HASHES) is None
    assert store.find_plan("C", "D2", MONDAY, HASHES) is None
    assert store.find_plan("Other", "D1", MONDAY, HASHES) is None
    # one digest given as such finds what the files' digests by name saved
    assert store.find_plan("C", "D1", MONDAY, inputs_digest(HASHES)) == found

    tuesday = MONDAY + dt.timedelta(days=1)
    day_plan = plan_day(problem, tuesday, work_per_visit=WORK)
    day_id = store.save_plan(run, "C", "D1", "day", day_plan, inputs_sha256=HASHES, week=MONDAY, day=tuesday)
    latest = store.find_plan("C", "D1", MONDAY, HASHES)
    assert latest is not None
    assert latest.id == first  # a day is not the whole week
    by_day = store.find_plan("C", "D1", MONDAY, HASHES, kinds=("day",))
    assert by_day is not None
    assert (by_day.id, by_day.day) == (day_id, tuesday)

    changed = store.save_plan(run, "C", "D1", "replan", week, inputs_sha256=CHANGED, week=MONDAY, day=tuesday)
    latest = store.latest_plan("C", "D1", MONDAY)
    assert latest is not None
    assert latest.id == changed
    again = store.find_plan("C", "D1", MONDAY, HASHES)
    assert again is not None
    assert again.id == first


def test_last_weeks_plan_is_what_read_previous_plan_reads_from_its_schedule_csv(
    store: PlanStore, week: Schedule, tmp_path: Path
) -> None:
    # a substitute's visits must not make them the client's own worker, in the file as in the store
    first = week.routes[0]
    stood_in = dataclasses.replace(first, stops=tuple(dataclasses.replace(s, substitute_for="W9") for s in first.stops))
    plan = dataclasses.replace(week, routes=(stood_in, *week.routes[1:]))
    run = store.start_run({})
    store.save_plan(run, "C", "D1", "week", plan, inputs_sha256=HASHES, week=MONDAY)
    csv_file = write_csv(tmp_path / "schedule.csv", plan.rows(), SCHEDULE_COLUMNS)

    previous = store.previous_plan("C", "D1", NEXT_MONDAY)
    assert previous is not None
    assert len(previous) == len({s.client_id for _, s in plan.stops})
    assert previous == read_previous_plan(csv_file)
    assert store.previous_plan("C", "D1", MONDAY) is None  # the week before was never planned
    assert store.previous_plan("C", "D2", NEXT_MONDAY) is None


def test_the_history_lists_every_plan_with_its_figures_and_every_run(
    store: PlanStore, week: Schedule, other_week: Schedule, problem: Problem
) -> None:
    first = store.start_run({"run": 1})
    a = store.save_plan(first, "Волгодонск", "D1", "week", week, problem, inputs_sha256=HASHES, week=MONDAY)
    b = store.save_plan(first, "Зимовники", "D1", "week", other_week, inputs_sha256=HASHES, week=MONDAY)
    store.finish_run(first, "partial")
    second = store.start_run({"run": 2})  # never finished: killed midway
    c = store.save_plan(second, "Волгодонск", "D1", "week", other_week, problem, inputs_sha256=CHANGED, week=MONDAY)

    history = store.plans()
    assert list(history["plan_id"]) == [a, b, c]
    assert list(history["run_id"]) == [first, first, second]
    assert list(history["centre"]) == ["Волгодонск", "Зимовники", "Волгодонск"]
    assert set(FIGURES) <= set(history.columns)
    assert history.loc[0, "visits"] == lean_figures(week, problem)["visits"] == float(week.served)
    assert history.loc[2, "client_share"] == lean_figures(other_week, problem)["client_share"]
    assert all(math.isnan(history.loc[1, f]) for f in FIGURES)  # saved without its problem
    assert list(store.plans("Волгодонск")["plan_id"]) == [a, c]
    assert list(store.plans(department="D2")["plan_id"]) == []
    assert list(store.plans(run_id=first)["plan_id"]) == [a, b]

    runs = store.runs()
    assert list(runs["run_id"]) == [first, second]
    assert list(runs["status"]) == ["partial", "running"]
    assert list(runs["plans"]) == [2, 1]
    assert runs.loc[1, "finished"] is None or bool(runs.isna().loc[1, "finished"])


def test_two_runs_compare_as_the_lean_review_does(
    store: PlanStore, week: Schedule, other_week: Schedule, problem: Problem
) -> None:
    first, second = store.start_run({}), store.start_run({})
    a = store.save_plan(first, "C", "D1", "week", other_week, problem, inputs_sha256=HASHES, week=MONDAY)
    b = store.save_plan(second, "C", "D1", "week", week, problem, inputs_sha256=HASHES, week=MONDAY)
    comparison = store.compare(a, b, problem, lang="en")
    assert comparison == compare(other_week, week, problem, lang="en")
    assert [r.figure for r in comparison.rows] == list(FIGURES)
    assert comparison.row("visits").after == week.served


def test_the_schema_is_the_migrations_and_matches_the_tables(url: str, week: Schedule) -> None:
    with PlanStore(url) as store:
        assert store.revision == head_revision()
        run = store.start_run({})
        plan_id = store.save_plan(run, "C", "D1", "week", week, inputs_sha256=HASHES, week=MONDAY)
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["r0002"]
            assert {"runs", "plans", "figures"} <= set(inspect(connection).get_table_names())
            assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    finally:
        engine.dispose()
    with PlanStore(url) as reopened:  # opening a store at head again changes nothing and keeps the plans
        assert reopened.revision == head_revision()
        assert reopened.load(plan_id) == week


def test_stores_opened_at_once_on_a_new_database_take_turns_at_the_migration(url: str) -> None:
    """The nightly job's processes may open one new store together: one makes the schema, the others
    wait for it and find it made, instead of failing on a table that another just created."""
    barrier = threading.Barrier(4)

    def open_store(_: int) -> str | None:
        barrier.wait()
        with PlanStore(url) as store:
            return store.revision

    with ThreadPoolExecutor(max_workers=4) as pool:
        revisions = list(pool.map(open_store, range(4)))
    assert revisions == [head_revision()] * 4


def test_an_unreachable_database_is_named_without_its_password() -> None:
    port = free_port()
    with pytest.raises(PlanStoreError) as caught:
        PlanStore(f"postgresql+psycopg://planner:Sekret-9f3@127.0.0.1:{port}/plans")
    message = str(caught.value)
    assert f"cannot open the plan store at postgresql+psycopg://planner:***@127.0.0.1:{port}/plans" in message
    assert "refused" in message.lower()
    assert "Sekret-9f3" not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__  # no driver's traceback chained under it


def test_a_wrong_password_is_refused_without_repeating_it(postgres: PostgresServer) -> None:
    url = postgres.url(password="Wrong-pw-4711")
    with pytest.raises(PlanStoreError, match="password authentication failed") as caught:
        PlanStore(url)
    assert "Wrong-pw-4711" not in str(caught.value)
    assert postgres.password not in str(caught.value)


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql+psycopg://u:Sekret-9f3@host:notaport/db", "not a database URL"),
        ("nosuchdb://u:Sekret-9f3@host/db", "nosuchdb"),
    ],
    ids=["port-not-a-number", "unknown-database"],
)
def test_a_url_no_database_answers_is_named_without_its_password(url: str, says: str) -> None:
    with pytest.raises(PlanStoreError, match=says) as caught:
        PlanStore(url)
    assert "Sekret-9f3" not in str(caught.value)


def test_a_path_is_a_sqlite_file_made_with_its_folder(tmp_path: Path, week: Schedule) -> None:
    path = tmp_path / "store" / "plans.sqlite"
    with PlanStore(path) as store:
        run = store.start_run({})
        plan_id = store.save_plan(run, "C", "D1", "week", week, inputs_sha256=HASHES, week=MONDAY)
    assert path.is_file()
    with PlanStore(str(path)) as store:
        assert store.load(plan_id) == week


def test_what_a_plan_is_saved_as_is_checked(tmp_path: Path, week: Schedule) -> None:
    with PlanStore(tmp_path / "plans.sqlite") as store:
        run = store.start_run({})
        with pytest.raises(ValueError, match="named by its Monday"):
            store.save_plan(run, "C", "D1", "week", week, inputs_sha256=HASHES, week=MONDAY + dt.timedelta(days=1))
        with pytest.raises(ValueError, match="a day plan names its day"):
            store.save_plan(run, "C", "D1", "day", week, inputs_sha256=HASHES, week=MONDAY)
        with pytest.raises(ValueError, match="not in the week"):
            store.save_plan(run, "C", "D1", "day", week, inputs_sha256=HASHES, week=MONDAY, day=NEXT_MONDAY)
        with pytest.raises(ValueError, match="64 lowercase hexadecimal"):
            store.save_plan(run, "C", "D1", "week", week, inputs_sha256="abc", week=MONDAY)
        with pytest.raises(LookupError, match="start_run first"):
            store.save_plan(run + 1, "C", "D1", "week", week, inputs_sha256=HASHES, week=MONDAY)
        with pytest.raises(ValueError, match="a run ends as one of"):
            store.finish_run(run, "done")  # type: ignore[arg-type]
        assert store.plans().empty


def test_the_migrations_ship_in_the_package() -> None:
    """pyproject's package-data lists every migration file, so a wheel upgrades a store too."""
    package = Path(lean_social.store.__file__).parent
    names = {p.relative_to(package).as_posix() for p in (package / "migrations").rglob("*") if p.is_file()}
    names = {n for n in names if "__pycache__" not in n}
    assert {"migrations/env.py", "migrations/script.py.mako"} <= names
    assert any(n.startswith("migrations/versions/") for n in names)
    data = tomllib.loads((Path(__file__).parent.parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["lean_social.store"]
    assert {n for n in names if any(fnmatch.fnmatch(n, g) for g in patterns)} == names

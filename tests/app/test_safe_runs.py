"""Safe runs: --out always holds one whole plan, failures write nothing into it, a second run is refused,
options and hostile inputs are refused up front with their exit code, and a kill -9 at any moment
leaves either the old plan or the new one."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import fcntl
import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA
from lean_social.app.cli import main
from lean_social.app.run import run_day
from lean_social.errors import OutputFolderError
from lean_social.io import outfolder
from lean_social.io.outfolder import OutputFolder, find_plan_file
from lean_social.validate import Violation

ROOT = Path(__file__).parent.parent.parent
TINY = DATA / "tiny"
#: A department whose days are searched, not solved exactly (tests/data/busy/README.md): a run of it
#: spends its budget searching, in solver processes, where a run of ``TINY`` ends at once.
BUSY = DATA / "busy"
DAY = ["--date", "2026-12-07"]
WEEK = ["--week", "2026-12-07"]
DAY_FILES = ["kpis.json", "maps", "maps/2026-12-07.html", "run.json", "schedule.csv", "schedule.json", "unassigned.csv"]


def plan(out: Path, *extra: str, data: Path = TINY, when: list[str] = DAY) -> int:
    """A plan on a count of work (``--reproducible``), so no test here waits on the machine's speed; of the
    outputs for people only the maps, whose days tell one run's plan from another's."""
    return main(["-q", "plan", str(data), *when, "--out", str(out), "--reproducible", "--outputs", "maps", *extra])


def tree(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def snapshot(root: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every path under ``root`` (and root's siblings, where staging and lock files live) with its bytes."""
    entries = {str(root.parent / p.name): (None, p.stat().st_mode) for p in root.parent.iterdir() if p != root}
    for path in [root, *root.rglob("*")]:
        entries[str(path)] = (path.read_bytes() if path.is_file() else None, path.stat().st_mode)
    return entries


def contents(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def assert_one_plan(out: Path) -> dict[str, object]:
    """``out`` is one complete plan: run.json's counts are schedule.csv's and unassigned.csv's rows, and
    there is a map for every day the plan has routes on (none of another run's days)."""
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    with (out / "schedule.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    with (out / "unassigned.csv").open(encoding="utf-8-sig") as handle:
        unassigned = list(csv.DictReader(handle))
    assert run["served"] == sum(1 for r in rows if r["client_id"])
    assert run["unassigned"] == len(unassigned)
    days = {r["date"] for r in rows} | ({run["settings"]["date"]} if run["settings"]["date"] else set())
    maps = {p.stem for p in (out / "maps").iterdir()}
    assert maps - {"week"} == days
    assert ("week" in maps) == (run["settings"]["week"] is not None)  # a week's run: all days on one map too
    assert not list(out.rglob("*.tmp"))
    return dict(run)


def staging_folders(out: Path) -> list[Path]:
    return [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.new-")]


# --- one plan per folder ------------------------------------------------------------------------------


def test_a_run_leaves_nothing_of_the_plan_it_replaces(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()  # what a replan of a week left: changes.csv, a map per day, the exact plan
    (out / "run.json").write_text('{"lean_social": "0.1", "served": 7}', encoding="utf-8")
    (out / "changes.csv").write_text("client_id,change\nC1,moved\n", encoding="utf-8")
    (out / "maps").mkdir()
    (out / "maps" / "2026-12-09.html").write_text("<html>Wednesday</html>", encoding="utf-8")
    assert plan(out) == 0
    assert tree(out) == DAY_FILES
    assert (tmp_path / ".out.previous" / "changes.csv").is_file()  # the plan before, until the next run
    monkeypatch.setenv("LEAN_SOCIAL_PSEUDONYM_KEY", "secret")
    assert plan(out, "--pseudonymise") == 0
    # the plain run's schedule.json names every client: it must not survive a pseudonymised run
    assert tree(out) == [f for f in DAY_FILES if f != "schedule.json"]
    assert not (tmp_path / ".out.previous" / "changes.csv").exists()  # the next run removed the older plan
    assert (tmp_path / ".out.previous" / "schedule.json").is_file()
    assert_one_plan(out)
    assert not staging_folders(out)


def test_a_run_without_an_atomic_exchange_swaps_by_two_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outfolder, "_exchange", lambda a, b: False)  # a system without renameat2
    out = tmp_path / "out"
    assert plan(out) == 0
    first = (out / "run.json").read_bytes()
    assert plan(out, "--seed", "1") == 0
    assert (tmp_path / ".out.previous" / "run.json").read_bytes() == first
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["settings"]["seed"] == 1


def test_the_exchange_swaps_two_folders_in_one_step_where_the_system_can(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "from_a").touch()
    if not outfolder._exchange(tmp_path / "a", tmp_path / "b"):
        pytest.skip("no atomic exchange here: the swap is two renames (tested above)")
    assert [p.name for p in (tmp_path / "b").iterdir()] == ["from_a"]
    assert not list((tmp_path / "a").iterdir())


def test_a_run_killed_between_the_two_renames_finds_the_last_good_plan(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert plan(out) == 0
    good = (out / "schedule.csv").read_bytes()
    out.rename(tmp_path / ".out.previous")  # the state a kill between the renames leaves
    (tmp_path / ".out.new-deadbeef").mkdir()  # and its half-written staging folder
    # a reader asking for the plan gets the last good one, without waiting for the next run
    assert find_plan_file(out / "schedule.csv") == tmp_path / ".out.previous" / "schedule.csv"
    with OutputFolder(out):
        assert (out / "schedule.csv").read_bytes() == good  # restored before anything else
        assert not staging_folders(out)


def test_files_and_folders_follow_the_umask(tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = os.umask(0o027)
    try:
        assert plan(out) == 0
    finally:
        os.umask(old)
    modes = {str(p.relative_to(tmp_path)): p.stat().st_mode & 0o777 for p in [out, *out.rglob("*")]}
    # 0666 and 0777 less the umask 027; mkstemp's 0600 would show here
    assert modes == {str(Path("out") / f): 0o750 if (out / f).is_dir() else 0o640 for f in ["", *DAY_FILES]}


# --- failures write nothing into --out ----------------------------------------------------------------


@pytest.fixture
def good_plan(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    assert plan(out) == 0
    return out


def test_invalid_input_leaves_out_untouched(good_plan: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    (data / "workers.csv").write_text("id,name\n", encoding="utf-8")
    before = snapshot(good_plan)
    assert plan(good_plan, data=data) == 1
    assert snapshot(good_plan) == before


def test_a_plan_failing_its_check_is_set_aside_and_out_untouched(
    good_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = [Violation(rule="made-up", message="a rule the test says is broken")]
    monkeypatch.setattr("lean_social.app.run.validate", lambda *args, **kwargs: broken)
    before = snapshot(good_plan)
    capsys.readouterr()
    assert plan(good_plan) == 3
    err = capsys.readouterr().err
    assert {k: v for k, v in snapshot(good_plan).items() if "out.failed-" not in k} == before
    (aside,) = tmp_path.glob("out.failed-*")
    assert str(aside) in err and "nothing written to" in err
    run = assert_one_plan(aside)  # the failing plan, whole, for the bug report
    assert run["violations"] == ["[made-up] a rule the test says is broken"]
    # a first run that fails its check creates no --out at all
    assert plan(tmp_path / "fresh") == 3
    assert not (tmp_path / "fresh").exists()


def test_an_internal_error_is_one_line_exit_4_and_writes_nothing(
    good_plan: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken_map(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the map broke half-way through writing")

    monkeypatch.setattr("lean_social.app.exports.day_map", broken_map)  # fails after schedule.csv is written
    before = snapshot(good_plan)
    capsys.readouterr()
    assert plan(good_plan) == 4
    err = capsys.readouterr().err
    assert snapshot(good_plan) == before
    assert "internal error: RuntimeError: the map broke half-way" in err and "report it" in err
    assert "Traceback" not in err
    assert plan(good_plan, "--seed", "1") == 4
    assert "Traceback" not in capsys.readouterr().err
    assert main(["-q", "--debug", "plan", str(TINY), *DAY, "--out", str(good_plan), "--reproducible"]) == 4
    assert "Traceback" in capsys.readouterr().err


# --- --out checked before planning --------------------------------------------------------------------


@pytest.fixture
def no_planning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reading the data is the first step of planning: a refusal must come before it."""

    def refuse(*args: object) -> None:
        raise AssertionError("read the data although --out was refused")

    monkeypatch.setattr("lean_social.app.run.read_folder", refuse)


@pytest.mark.parametrize(
    ("make_out", "command", "expected"),
    [
        (lambda t: t / "file.txt", "plan", "is a file"),  # an existing file
        (lambda t: t / "notes", "plan", "lean-social did not write"),  # a folder of the user's own files
        (lambda t: t / "data", "plan", "is the data folder"),  # the data folder itself
        (lambda t: t, "plan", "holds the data folder"),  # a folder holding the data folder
        (lambda t: t / "data", "lists", "is the data folder"),  # lists: the data folder
        (lambda t: t / "data" / "lists", "lists", "inside the data folder"),  # lists: inside it
    ],
)
def test_an_unusable_out_is_refused_before_planning_with_exit_2(
    tmp_path: Path,
    no_planning: None,
    capsys: pytest.CaptureFixture[str],
    make_out: Callable[[Path], Path],
    command: str,
    expected: str,
) -> None:
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    (tmp_path / "file.txt").write_text("not a folder", encoding="utf-8")
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "mine.txt").write_text("my own notes", encoding="utf-8")
    out = make_out(tmp_path)
    before = snapshot(data)
    argv = [command, str(data), *(DAY if command == "plan" else WEEK), "--out", str(out)]
    assert main(["-q", *argv]) == 2
    assert expected in capsys.readouterr().err
    assert snapshot(data) == before
    assert (tmp_path / "notes" / "mine.txt").read_text(encoding="utf-8") == "my own notes"
    assert (tmp_path / "file.txt").read_text(encoding="utf-8") == "not a folder"


# --- the lock -----------------------------------------------------------------------------------------


def test_a_second_run_into_a_locked_folder_is_refused_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    with OutputFolder(out):  # a run in progress, in this process: flock conflicts between descriptors
        with monkeypatch.context() as patched:
            patched.setattr("lean_social.app.run.read_folder", lambda *a: pytest.fail("planned while locked"))
            assert plan(out) == 5
        err = capsys.readouterr().err
        assert f"output folder {out} is being written by another lean-social run (process {os.getpid()})" in err
        assert not out.exists()
    assert plan(out) == 0  # the lock went with the run that held it


def _hold_then_wait(ready: multiprocessing.synchronize.Event, done: multiprocessing.synchronize.Event) -> None:
    ready.set()
    done.wait(30)


def test_the_lock_is_not_held_by_a_forked_solver_process(tmp_path: Path) -> None:
    """A solver process forked during a run inherits its descriptors; if the run is killed and the solver
    lives on, the lock must still go with the run, or every later run would be refused."""
    context = multiprocessing.get_context("fork")
    ready, done = context.Event(), context.Event()
    out = tmp_path / "out"
    with OutputFolder(out):
        child = context.Process(target=_hold_then_wait, args=(ready, done))
        child.start()
        assert ready.wait(30)
    try:
        with OutputFolder(out):  # taken again while the forked child still lives
            assert child.is_alive()
    finally:
        done.set()
        child.join(30)


def test_python_api_refuses_a_bad_option_before_touching_out(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="time limit"):
        run_day(TINY, dt.date(2026, 12, 7), tmp_path / "out", time_limit=float("nan"))
    with pytest.raises(ValueError, match="seed"):
        run_day(TINY, dt.date(2026, 12, 7), tmp_path / "out", seed=-1)
    with pytest.raises(OutputFolderError, match="is a file"):
        run_day(TINY, dt.date(2026, 12, 7), TINY / "clients.csv")
    assert not list(tmp_path.iterdir())


# --- processes: two at once, and kill -9 --------------------------------------------------------------

CLI = [sys.executable, "-c", "import sys; from lean_social.app.cli import main; sys.exit(main())"]


def start(out: Path, *extra: str, limit: str = "3", data: Path = BUSY) -> subprocess.Popen[bytes]:
    """The CLI in a process of its own, on a department it spends its ``limit`` searching (``BUSY``); stderr
    to a file beside --out, since a pipe would stay open as long as any solver process the run forked
    lives."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    argv = [*CLI, "-q", "plan", str(data), *WEEK, "--out", str(out), "--time-limit", limit, *extra]
    with (out.parent / f"stderr-{time.monotonic_ns()}.txt").open("wb") as err:
        return subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=err)


def stderr_of(out: Path) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(out.parent.glob("stderr-*.txt")))


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], limit_s: float = 60.0) -> bool:
    """Poll ``condition`` until it holds (True) or the process ended first (False); the limit only stops a
    hung test, the result never depends on how fast the machine is."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if condition():
            return True
        if process.poll() is not None:
            return condition()
        time.sleep(0.005)
    pytest.fail("neither the condition nor the end of the run came")


def is_locked(out: Path) -> bool:
    lock = out.with_name(f".{out.name}.lock")
    if not lock.exists():
        return False
    fd = os.open(lock, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def descendants(pid: int) -> set[tuple[int, str]]:
    """Processes below ``pid`` as (pid, start time), so that a reused pid is not taken for a survivor."""
    parents: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = (int(fields[1]), fields[19])
    found: set[tuple[int, str]] = set()
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, started) in parents.items():
            if ppid == parent and (child, started) not in found:
                found.add((child, started))
                frontier.append(child)
    return found


def alive(processes: set[tuple[int, str]]) -> set[tuple[int, str]]:
    living = set()
    for pid, started in processes:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[19] == started and fields[0] != "Z":
            living.add((pid, started))
    return living


@pytest.fixture
def reap() -> Iterator[set[tuple[int, str]]]:
    """Processes a test started and could not stop, killed by pid at the end so that none outlives it."""
    started: set[tuple[int, str]] = set()
    yield started
    for pid, _ in alive(started):
        os.kill(pid, signal.SIGKILL)


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")


@needs_proc
def test_two_runs_into_one_folder_one_plans_the_other_is_refused(tmp_path: Path, reap: set[tuple[int, str]]) -> None:
    out = tmp_path / "out"
    assert plan(out, when=WEEK) == 0  # an earlier plan, which neither run may spoil
    old = contents(out)
    # The first run holds the lock for its whole (long) budget; the second comes while it does. Waiting
    # for the lock, not for a time, keeps this independent of the machine's speed.
    first = start(out, limit="120")
    reap.add((first.pid, ""))
    assert wait_for(lambda: is_locked(out), first)
    second = start(out, limit="1", data=TINY)
    assert second.wait(120) == 5, stderr_of(out)
    assert f"output folder {out} is being written by another lean-social run" in stderr_of(out)
    reap.update(descendants(first.pid))
    first.kill()
    first.wait(30)
    assert contents(out) == old  # the refused run wrote nothing, the killed one did not get to swap


@needs_proc
@pytest.mark.parametrize(
    "moment",
    [
        "0.5 s after the start",  # most likely still importing
        "1.5 s into the search",  # the solvers running
        "when the staging folder appears",  # writing the outputs
    ],
)
def test_a_kill_leaves_the_old_plan_or_the_new_one_never_a_mix(
    tmp_path: Path, moment: str, reap: set[tuple[int, str]]
) -> None:
    out = tmp_path / "out"
    assert plan(out) == 0  # the old plan: a day
    old = contents(out)
    run = start(out)
    if moment.startswith("0.5"):
        time.sleep(0.5)  # the moment of the kill, not a wait for a result
    elif moment.startswith("1.5"):
        wait_for(lambda: is_locked(out), run)
        time.sleep(1.5)
    else:
        wait_for(lambda: bool(staging_folders(out)), run)
    reap.update(descendants(run.pid))
    run.kill()
    run.wait(30)
    if not out.exists():  # killed between two renames, where the system has no atomic exchange
        with OutputFolder(out):
            pass
    if contents(out) != old:
        run_info = assert_one_plan(out)  # the new plan, whole
        assert run_info["settings"]["week"] == "2026-12-07"
    # the next run is not refused, even if solver processes of the killed one live on (their copy of the
    # lock is closed when they are forked), and it removes the killed run's staging folder
    assert plan(out, "--seed", "2") == 0
    assert not staging_folders(out)
    assert_one_plan(out)


@needs_proc
def test_a_kill_leaves_no_solver_process_behind(tmp_path: Path, reap: set[tuple[int, str]]) -> None:
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("with one core the engine runs its searches in the planning process")
    out = tmp_path / "out"
    run = start(out, limit="30")  # long enough that the kill finds the searches running
    wait_for(lambda: is_locked(out), run)
    assert wait_for(lambda: bool(descendants(run.pid)), run), "the run ended before its searches started"
    children = descendants(run.pid)
    reap.update(children)
    run.kill()
    run.wait(30)
    deadline = time.monotonic() + 5.0  # a bound on the wait, not a measure of speed
    while alive(children) and time.monotonic() < deadline:
        time.sleep(0.05)
    # the searches die with their parent (PR_SET_PDEATHSIG in routing/engine.py)
    assert not alive(children)


# --- hostile inputs to replan and to the week's previous plan -----------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    out = tmp_path_factory.mktemp("published") / "week"
    assert plan(out, when=WEEK) == 0
    return dict(json.loads((out / "schedule.json").read_text(encoding="utf-8")))


def _edit(change: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], str]:
    def make(plan_json: dict[str, Any]) -> str:
        edited = copy.deepcopy(plan_json)
        change(edited)
        return json.dumps(edited)

    return make


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """Set ``routes.0.worker_id`` style paths in the plan."""

    def change(plan_json: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = plan_json
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value

    return change


def _text(text: str) -> Callable[[dict[str, Any]], str]:
    return lambda plan_json: text


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (_edit(_set("routes.0.stops.0.client_id", "C99")), "stops[0].client_id': a client of"),  # unknown client
        (_edit(_set("routes.0.worker_id", "W99")), "routes[0].worker_id': a worker of workers.csv"),  # unknown worker
        (_edit(_set("routes.0.stops.0.services", ["NOPE"])), "'NOPE'"),  # unknown service
        (_edit(_set("routes.0.date", "2026-12-21")), "routes[0].date'"),  # a day of another week
        (_edit(_set("routes.0.worker_id", "W3")), "department D2"),  # a worker of another department
        # an unassigned visit without its fields
        (_edit(lambda p: p["routes"].clear() or p["unassigned"].append({"client_id": "C1"})), "missing field"),
        (_edit(_set("routes", 7)), "schedule.json written by lean-social"),  # wrong type
        (_text("[" * 100_000 + "]" * 100_000), "nested too deeply"),  # RecursionError in json
        (_text("date,worker_id\n2026-12-07,W1\n"), "not JSON"),  # a schedule.csv given by mistake
        (_text('{"routes": [{"worker_id": "W1"'), "not JSON"),  # cut off
        (_text("[1, 2, 3]"), "schedule.json written by lean-social"),  # JSON, but not a plan
        (lambda p: "\udcff", "schedule.json written by lean-social"),  # not UTF-8 (written as bytes below)
    ],
)
def test_replan_refuses_a_hostile_published_plan_with_exit_1(
    tmp_path: Path,
    published: dict[str, Any],
    capsys: pytest.CaptureFixture[str],
    make: Callable[[dict[str, Any]], str],
    named: str,
) -> None:
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    with (data / "workers.csv").open("a", encoding="utf-8") as handle:  # a worker of another department
        handle.write("W3,Третья,D2,47.5140,42.1530,mon-fri 08:00-17:00,12:00-14:00 45,,foot,6\n")
    text = make(published)
    path = tmp_path / "schedule.json"
    path.write_bytes(b"\xff\xfe{" if text == "\udcff" else text.encode("utf-8"))
    out = tmp_path / "out"
    week = ["--week", "2026-12-07", "--from", "2026-12-09", "--reproducible"]
    assert main(["-q", "replan", str(data), *week, "--plan", str(path), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and named in err
    assert "Traceback" not in err
    assert not out.exists()


def test_replan_with_the_published_plan_itself_refuses_nothing(
    tmp_path: Path, published: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """The checks refuse only what is wrong: the plan as published, re-planned into its own folder."""
    out = tmp_path / "week"
    out.mkdir()
    (out / "schedule.json").write_text(json.dumps(published), encoding="utf-8")
    (out / "run.json").write_text('{"lean_social": "test"}', encoding="utf-8")
    week = ["--week", "2026-12-07", "--from", "2026-12-09", "--reproducible"]
    plan_file = str(out / "schedule.json")
    assert main(["-q", "replan", str(TINY), *week, "--plan", plan_file, "--out", str(out)]) == 0
    assert (out / "changes.csv").is_file()
    assert_one_plan(out)


def test_a_previous_plan_cell_over_the_csv_limit_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    huge = "x" * 200_000  # the csv module's field limit is 131072
    (data / "previous_plan.csv").write_text(
        f"date,worker_id,client_id\n2026-11-30,W1,C1\n2026-11-30,W1,{huge}\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    assert plan(out, data=data, when=WEEK) == 1
    err = capsys.readouterr().err
    assert "previous_plan.csv, row 3" in err and "field larger than field limit" in err
    assert "Traceback" not in err
    assert not out.exists()

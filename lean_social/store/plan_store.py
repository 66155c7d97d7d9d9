"""The plan store: every nightly run, the plans it made and their lean figures, with history, in a SQLite
file or any database SQLAlchemy reaches (PostgreSQL through psycopg 3).

The store keeps what the nightly job needs to be stable and cheap: last week's plan for the week planner
(``previous_plan``), and the plan already made from the same data (``find_plan``), so a re-run reuses it
and writes identical files. For a planner at a notebook it lists the history as a DataFrame, loads any
past plan as the ``Schedule`` it was, and compares two plans on the lean figures.

A ``PlanStore`` holds a connection pool: open one per process (a worker process opens its own).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self, cast, get_args

import pandas as pd
from sqlalchemy import URL, Engine, create_engine, event, make_url, select
from sqlalchemy.exc import ArgumentError, InterfaceError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from lean_social.domain.model import PreviousPlan, Problem
from lean_social.errors import LeanSocialError
from lean_social.io.previous import previous_plan_of
from lean_social.outputs.kpi import FIGURES, Comparison, compare, lean_figures
from lean_social.outputs.labels import DEFAULT_LANG, Lang
from lean_social.schedule import Schedule
from lean_social.store import migrate
from lean_social.store.tables import PLAN_KINDS, FigureRow, PlanKind, PlanRow, RunRow
from lean_social.version import versions as current_versions

__all__ = [
    "WHOLE_WEEK",
    "PlanKind",
    "PlanStore",
    "PlanStoreError",
    "RunStatus",
    "StoredPlan",
    "database_url",
    "inputs_digest",
]

#: How a run ended, as ``finish_run`` records it; a run still "running" was interrupted or is going on.
RunStatus = Literal["succeeded", "partial", "failed", "interrupted"]
#: The kinds of plan that cover a whole week: the week's own plan, and the week re-planned from a day.
WHOLE_WEEK: tuple[PlanKind, ...] = ("week", "replan")

_SHA256 = re.compile(r"[0-9a-f]{64}")
#: the history's columns before the figures, one per ``FIGURES``
_PLAN_COLUMNS = (
    "plan_id",
    "run_id",
    "centre",
    "department",
    "kind",
    "week",
    "day",
    "inputs_sha256",
    "norms_version",
    "created",
)
_RUN_COLUMNS = ("run_id", "started", "finished", "status", "plans")


class PlanStoreError(LeanSocialError, RuntimeError):
    """The plan store cannot be opened or reached; the message names the database (never its password)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredPlan:
    """A plan as the store keeps it: where it belongs, which data it was made from, its figures (empty
    when it was saved without its problem) and the plan itself."""

    id: int
    run_id: int
    centre: str
    department: str
    kind: PlanKind
    #: the Monday of its week
    week: dt.date
    #: the day of a day plan, the first re-planned day of a re-plan, None for a week plan
    day: dt.date | None
    inputs_sha256: str
    #: the version of the time norms the plan was made with, as its record says (None: not recorded)
    norms_version: str | None
    created: dt.datetime
    figures: Mapping[str, float]
    schedule: Schedule


def database_url(url: str | Path) -> URL:
    """A SQLAlchemy URL as given (``postgresql+psycopg://user:password@host/db``, ``sqlite:///file``), or a
    path, which is a SQLite file."""
    if isinstance(url, Path) or "://" not in url:
        return URL.create("sqlite", database=str(Path(url).expanduser().resolve()))
    try:
        return make_url(url)
    except (ArgumentError, ValueError):  # the text may hold a password, so it is not repeated
        msg = (
            "the plan store's address is not a database URL: give a file, or one like postgresql+psycopg://USER@HOST/DB"
        )
        raise PlanStoreError(msg) from None


def inputs_digest(hashes: str | Mapping[str, str]) -> str:
    """One sha256 for a department's data: a digest as given, or one over the files' digests by name (as
    ``run.json``'s ``inputs_sha256`` has them), so that any file changed changes it."""
    if isinstance(hashes, str):
        if not _SHA256.fullmatch(hashes):
            msg = f"a sha256 digest is 64 lowercase hexadecimal digits, got {hashes!r}"
            raise ValueError(msg)
        return hashes
    lines = "".join(f"{name}\t{digest}\n" for name, digest in sorted(hashes.items()))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


class PlanStore:
    """Plans, runs and figures in a database; opening one brings its schema to the newest migration."""

    def __init__(self, url: str | Path) -> None:
        self._url = database_url(url)  # kept private: it holds the password
        #: the address to show people: the password hidden
        self.where = self._url.render_as_string(hide_password=True)
        self._engine = self._open()
        self._session = sessionmaker(self._engine, expire_on_commit=False)
        try:
            with self._reached("open"):
                migrate.upgrade(self._engine)
        except BaseException:
            self._engine.dispose()
            raise

    def _open(self) -> Engine:
        options: dict[str, Any] = {"json_serializer": _json}
        if self._url.get_backend_name() == "sqlite":
            if self._url.database and self._url.database != ":memory:":
                try:
                    Path(self._url.database).parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    msg = f"cannot open the plan store at {self.where}: {exc.strerror}"
                    raise PlanStoreError(msg) from None
            options["connect_args"] = {"timeout": 30}  # wait for another process's write, not fail
        elif self._url.get_backend_name() == "postgresql":
            options["connect_args"] = {"connect_timeout": 15}  # a host that drops packets fails, not hangs
        try:
            engine = create_engine(self._url, **options)
        except (NoSuchModuleError, ArgumentError, ImportError) as exc:
            msg = f"cannot open the plan store at {self.where}: {self._redacted(str(exc))}"
            raise PlanStoreError(msg) from None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_foreign_keys)
        return engine

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PlanStore({self.where!r})"

    @property
    def revision(self) -> str | None:
        """The schema's migration (``alembic_version``): ``migrate.head_revision()`` once open."""
        with self._reached("read"):
            return migrate.current_revision(self._engine)

    # --- runs

    def start_run(
        self,
        settings: Mapping[str, Any],
        versions: Mapping[str, str] | None = None,
        *,
        inputs_sha256: Mapping[str, Any] | None = None,
    ) -> int:
        """Record a run starting now, "running" until ``finish_run``; its id. ``versions`` are this
        process's by default (``lean_social.version.versions``); dates and paths in ``settings`` are
        kept as text."""
        row = RunRow(
            started=_now(),
            finished=None,
            status="running",
            settings=dict(settings),
            versions=dict(current_versions() if versions is None else versions),
            inputs_sha256=dict(inputs_sha256 or {}),
        )
        with self._transaction() as session:
            session.add(row)
            session.flush()
            return row.id

    def finish_run(self, run_id: int, status: RunStatus) -> None:
        if status not in get_args(RunStatus):
            msg = f"a run ends as one of {', '.join(get_args(RunStatus))}, got {status!r}"
            raise ValueError(msg)
        with self._transaction() as session:
            row = session.get(RunRow, run_id)
            if row is None:
                msg = f"no run {run_id} in the plan store at {self.where}"
                raise LookupError(msg)
            row.finished = _now()
            row.status = status

    def runs(self) -> pd.DataFrame:
        """Every run, the newest last, with the count of plans it saved."""
        with self._transaction() as session:
            rows = session.scalars(select(RunRow).order_by(RunRow.id)).all()
            counts: dict[int, int] = {}
            for run_id in session.scalars(select(PlanRow.run_id)):
                counts[run_id] = counts.get(run_id, 0) + 1
        return pd.DataFrame(
            [(r.id, r.started, r.finished, r.status, counts.get(r.id, 0)) for r in rows], columns=list(_RUN_COLUMNS)
        )

    # --- plans

    def save_plan(
        self,
        run_id: int,
        centre: str,
        department: str,
        kind: PlanKind,
        schedule: Schedule,
        problem: Problem | None = None,
        *,
        inputs_sha256: str | Mapping[str, str],
        week: dt.date,
        day: dt.date | None = None,
    ) -> int:
        """Keep a plan of ``department`` of ``centre`` made by run ``run_id`` from data whose digest is
        ``inputs_sha256`` (one digest, or the files' digests by name: ``inputs_digest``); its id. With
        the ``problem`` it was made for, its lean figures are measured and kept beside it. The version of
        the norms it was made with is kept as its record (``Schedule.info``) names it."""
        _check_week(week)
        if kind not in PLAN_KINDS:
            msg = f"a plan is one of {', '.join(PLAN_KINDS)}, got {kind!r}"
            raise ValueError(msg)
        if kind == "day" and day is None:
            msg = "a day plan names its day"
            raise ValueError(msg)
        if day is not None and not week <= day < week + dt.timedelta(days=7):
            msg = f"{day} is not in the week of {week}"
            raise ValueError(msg)
        figures = lean_figures(schedule, problem) if problem is not None else {}
        row = PlanRow(
            run_id=run_id,
            centre=centre,
            department=department,
            kind=kind,
            week=week,
            day=day,
            inputs_sha256=inputs_digest(inputs_sha256),
            norms_version=None if schedule.info is None else schedule.info.norms,
            schedule=schedule.to_json(),
            created=_now(),
        )
        with self._transaction() as session:
            if session.get(RunRow, run_id) is None:
                msg = f"no run {run_id} in the plan store at {self.where}: start_run first"
                raise LookupError(msg)
            session.add(row)
            session.flush()
            session.add_all(FigureRow(plan_id=row.id, figure=f, value=v) for f, v in figures.items())
            return row.id

    def plan(self, plan_id: int) -> StoredPlan:
        with self._transaction() as session:
            row = session.get(PlanRow, plan_id)
            if row is None:
                msg = f"no plan {plan_id} in the plan store at {self.where}"
                raise LookupError(msg)
            return self._stored(session, row)

    def load(self, plan_id: int) -> Schedule:
        """A stored plan as the ``Schedule`` it was when saved."""
        return self.plan(plan_id).schedule

    def find_plan(
        self,
        centre: str,
        department: str,
        week: dt.date,
        inputs_sha256: str | Mapping[str, str],
        *,
        kinds: Collection[PlanKind] = WHOLE_WEEK,
    ) -> StoredPlan | None:
        """The newest plan of the week made from the same data, for a run to reuse instead of planning
        again; None when the data changed since, or the week was never planned."""
        digest = inputs_digest(inputs_sha256)
        return self._newest(centre, department, week, kinds, PlanRow.inputs_sha256 == digest)

    def latest_plan(
        self, centre: str, department: str, week: dt.date, *, kinds: Collection[PlanKind] = WHOLE_WEEK
    ) -> StoredPlan | None:
        """The week's newest plan (of a whole week by default: its plan or a re-plan), None if none."""
        return self._newest(centre, department, week, kinds)

    def previous_plan(self, centre: str, department: str, week: dt.date) -> PreviousPlan | None:
        """Last week's plan as the week planner takes it (``plan_week(previous=...)``): the same as
        ``read_previous_plan`` of that plan's ``schedule.csv``; None when last week was not planned."""
        _check_week(week)
        stored = self.latest_plan(centre, department, week - dt.timedelta(days=7))
        return None if stored is None else previous_plan_of(stored.schedule)

    def plans(
        self, centre: str | None = None, department: str | None = None, *, run_id: int | None = None
    ) -> pd.DataFrame:
        """The history, a row per plan (the oldest first): where and when, from which data, and a column
        per lean figure (empty for a plan saved without its problem)."""
        query = select(PlanRow.id, PlanRow.run_id, PlanRow.centre, PlanRow.department, PlanRow.kind)
        query = query.add_columns(
            PlanRow.week, PlanRow.day, PlanRow.inputs_sha256, PlanRow.norms_version, PlanRow.created
        )
        if centre is not None:
            query = query.where(PlanRow.centre == centre)
        if department is not None:
            query = query.where(PlanRow.department == department)
        if run_id is not None:
            query = query.where(PlanRow.run_id == run_id)
        with self._transaction() as session:
            rows = session.execute(query.order_by(PlanRow.id)).all()
            figures = session.execute(
                select(FigureRow.plan_id, FigureRow.figure, FigureRow.value).where(
                    FigureRow.plan_id.in_(select(query.order_by(None).subquery().c.id))
                )
            ).all()
        measured: dict[int, dict[str, float]] = {}
        for plan_id, figure, value in figures:
            measured.setdefault(plan_id, {})[figure] = value
        frame = pd.DataFrame([tuple(r) for r in rows], columns=list(_PLAN_COLUMNS))
        for figure in FIGURES:
            frame[figure] = [measured.get(plan_id, {}).get(figure, float("nan")) for plan_id in frame["plan_id"]]
        return frame

    def compare(self, plan_a: int, plan_b: int, problem: Problem, *, lang: Lang = DEFAULT_LANG) -> Comparison:
        """Plan ``plan_b`` against ``plan_a`` (the before) on the lean figures (``outputs.kpi.compare``)."""
        return compare(self.load(plan_a), self.load(plan_b), problem, lang=lang)

    # --- the database

    def _newest(
        self, centre: str, department: str, week: dt.date, kinds: Collection[PlanKind], *more: Any
    ) -> StoredPlan | None:
        _check_week(week)
        query = select(PlanRow).where(
            PlanRow.centre == centre, PlanRow.department == department, PlanRow.week == week, *more
        )
        query = query.where(PlanRow.kind.in_(list(kinds))).order_by(PlanRow.id.desc()).limit(1)
        with self._transaction() as session:
            row = session.scalars(query).first()
            return None if row is None else self._stored(session, row)

    @staticmethod
    def _stored(session: Session, row: PlanRow) -> StoredPlan:
        figures = session.execute(select(FigureRow.figure, FigureRow.value).where(FigureRow.plan_id == row.id))
        return StoredPlan(
            id=row.id,
            run_id=row.run_id,
            centre=row.centre,
            department=row.department,
            kind=_kind(row.kind),
            week=row.week,
            day=row.day,
            inputs_sha256=row.inputs_sha256,
            norms_version=row.norms_version,
            created=row.created,
            figures=dict(figures.all()),
            schedule=Schedule.from_json(row.schedule),
        )

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._reached("use"), self._session.begin() as session:
            yield session

    @contextmanager
    def _reached(self, action: str) -> Iterator[None]:
        """A database that cannot be reached is a plain error naming it, not a driver's traceback."""
        try:
            yield
        except (OperationalError, InterfaceError) as exc:
            reason = " ".join(str(exc.orig if exc.orig is not None else exc).split())
            msg = f"cannot {action} the plan store at {self.where}: {self._redacted(reason)}"
            raise PlanStoreError(msg) from None

    def _redacted(self, text: str) -> str:
        password = self._url.password
        return text.replace(str(password), "***") if password else text


def _kind(text: str) -> PlanKind:
    if text not in PLAN_KINDS:  # the table's check constraint keeps others out
        msg = f"a stored plan of an unknown kind {text!r}"
        raise ValueError(msg)
    return cast(PlanKind, text)


def _check_week(week: dt.date) -> None:
    if week.weekday() != 0:
        msg = f"a week is named by its Monday, got {week} ({week:%A})"
        raise ValueError(msg)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _json(value: Any) -> str:
    """JSON for the settings and versions columns: a date, a moment or a path as text."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_as_text)


def _as_text(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    msg = f"not kept as JSON: {type(value).__name__}"
    raise TypeError(msg)


def _sqlite_foreign_keys(connection: Any, record: Any) -> None:
    """SQLite checks foreign keys only when asked, per connection."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()

"""The plan store's tables as typed SQLAlchemy classes: a nightly run, the plans it made, and each plan's
lean figures. The schema itself is made by the Alembic migrations beside this module (``migrations/``);
these classes are what the code reads and writes, and a test holds the two to the same schema."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, Literal, get_args

from sqlalchemy import JSON, CheckConstraint, Date, DateTime, Double, ForeignKey, Index, MetaData, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

__all__ = ["PLAN_KINDS", "Base", "FigureRow", "PlanKind", "PlanRow", "RunRow", "UtcDateTime"]

#: What a stored plan is: a day planned alone, a whole week, or a week re-planned from one of its days.
PlanKind = Literal["day", "week", "replan"]
PLAN_KINDS: tuple[str, ...] = get_args(PlanKind)

#: Constraint names fixed by rule, so that a migration names them the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC. SQLite keeps no time zone, so one read back without it is UTC, as it was written;
    a naive moment is refused on the way in, since nothing would say which clock it was read from."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = f"a moment with its time zone, got {value.isoformat()}"
            raise ValueError(msg)
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dict[str, Any]: JSON,
        dt.datetime: UtcDateTime,
        dt.date: Date,
        float: Double,
    }


class RunRow(Base):
    """One run of the nightly job: when, how it ended, what it was asked (settings), with what software
    (versions) and on which inputs (their sha256 digests, as the run chose to record them)."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started: Mapped[dt.datetime]
    finished: Mapped[dt.datetime | None]
    #: "running" until ``finish_run`` says how it ended; a run killed midway stays "running"
    status: Mapped[str] = mapped_column(String(16))
    settings: Mapped[dict[str, Any]]
    versions: Mapped[dict[str, Any]]
    inputs_sha256: Mapped[dict[str, Any]]


class PlanRow(Base):
    """A plan of one department of one centre, as ``Schedule.to_json`` writes it, so that it loads back
    equal. ``inputs_sha256`` is the digest of the department's data: the same digest, the same plan."""

    __tablename__ = "plans"
    __table_args__ = (
        CheckConstraint(f"kind IN ({', '.join(repr(k) for k in PLAN_KINDS)})", name="kind"),
        Index("ix_plans_week", "centre", "department", "week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    centre: Mapped[str] = mapped_column(String(200))
    department: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))
    #: the Monday of the plan's week
    week: Mapped[dt.date]
    #: the planned day of a day plan; the first re-planned day of a re-plan; none for a week
    day: Mapped[dt.date | None]
    inputs_sha256: Mapped[str] = mapped_column(String(64))
    #: the version of the time norms the plan was made with (``domain.norms``); none before plans recorded it
    norms_version: Mapped[str | None] = mapped_column(String(200))
    schedule: Mapped[str] = mapped_column(Text)
    created: Mapped[dt.datetime]


class FigureRow(Base):
    """One lean figure of a plan (``outputs.kpi.FIGURES``), kept so a history lists them without loading
    and re-measuring every plan."""

    __tablename__ = "figures"

    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), primary_key=True)
    figure: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[float]

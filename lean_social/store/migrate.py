"""The plan store's schema brought to the newest migration in code: the migrations ship inside the
package (``migrations/``), so an installed wheel upgrades a store without an ``alembic.ini`` or a
checkout beside it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

__all__ = ["current_revision", "head_revision", "upgrade"]

#: The advisory lock's key on PostgreSQL: any number the same for every process ("lean" in ASCII).
_LOCK = 0x6C65616E


@contextmanager
def _config(connection: Connection | None = None) -> Iterator[Config]:
    with as_file(files("lean_social.store").joinpath("migrations")) as folder:
        config = Config()
        config.set_main_option("script_location", str(Path(folder)))
        if connection is not None:
            config.attributes["connection"] = connection
        yield config


def upgrade(engine: Engine) -> None:
    """Run every migration the database lacks, in one transaction where the database allows (PostgreSQL
    does; SQLite commits each table as Alembic makes it). Stores opened at once (the nightly job's
    processes) take turns: PostgreSQL by a lock held to the transaction's end, SQLite by its write lock
    taken before Alembic reads the schema's revision, so the second finds the schema made."""
    with engine.begin() as connection, _config(connection) as config:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})
        elif connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        command.upgrade(config, "head")


def head_revision() -> str:
    """The newest migration shipped."""
    with _config() as config:
        head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:
        msg = "the plan store's migrations are missing from the package"
        raise RuntimeError(msg)
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (its ``alembic_version`` table), None before the first."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()

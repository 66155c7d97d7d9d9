"""Alembic's entry to the plan store's migrations. ``PlanStore`` runs them in code on an open connection
(``config.attributes["connection"]``); the ``sqlalchemy.url`` option serves the command line
(``alembic -x`` is not needed), and offline mode writes the SQL for a database administrator to run."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from lean_social.store.tables import Base

config = context.config
target = Base.metadata


def run_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(str(config.get_main_option("sqlalchemy.url")))
    with engine.connect() as opened:
        context.configure(connection=opened, target_metadata=target, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()

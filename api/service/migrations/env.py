"""Alembic environment: runs migrations on the app's connection, or on `DATABASE_URL`."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from api.service.db import Base, make_engine


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from api.service.settings import Settings

    url = context.config.get_main_option("sqlalchemy.url") or Settings().database_url
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.begin() as conn:
        _run(conn)
    engine.dispose()


_main()

"""Alembic environment: runs migrations on the engine handed over by content_library.db.migrate()."""

from alembic import context
from sqlmodel import SQLModel

from content_library import models  # noqa: F401  (registers the tables on SQLModel.metadata)

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()

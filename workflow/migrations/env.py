"""Alembic environment. The connection comes from ``workflow.persistence.migrate``."""

from __future__ import annotations

from alembic import context

from workflow.bootstrap import build_registries
from workflow.persistence.models import Base

# The installed programmes (entry points) put their tables onto Base.metadata.
build_registries()

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

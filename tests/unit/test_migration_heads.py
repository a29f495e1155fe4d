"""Migrations built side by side may branch (``hogatar db upgrade`` follows every head),
but main has one head: a merge revision joins the branches before they land."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory

from workflow.persistence.migrate import MIGRATIONS


def test_the_migrations_have_one_head():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"join these heads with a merge revision: {sorted(heads)}"

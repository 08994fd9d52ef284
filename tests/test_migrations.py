"""The Alembic migrations build exactly the schema the models declare (SQLite, PostgreSQL)."""

from __future__ import annotations

from alembic import command

from services.db import alembic_config, upgrade


def test_migrations_match_models(database_url):
    upgrade(database_url)
    command.check(alembic_config(database_url))  # raises when models and migrations differ

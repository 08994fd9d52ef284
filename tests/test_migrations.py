"""The Alembic migrations build exactly the schema the models declare."""

from __future__ import annotations

from alembic import command

from services.db import alembic_config, upgrade


def test_migrations_match_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    upgrade(url)
    command.check(alembic_config(url))  # raises when models and migrations differ

"""Settings come from IMC_* variables; a placeholder secret is refused outside development."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from config.settings import PLACEHOLDER_SECRET, Settings


def test_defaults_are_the_embedded_setup(tmp_path):
    s = Settings(_env_file=None, data_dir=tmp_path)
    assert s.sqlalchemy_url == f"sqlite:///{tmp_path / 'imc.db'}"
    assert s.mail_dir == tmp_path / "mail" and s.documents_dir == tmp_path / "documents"


def test_environment_variables_with_prefix(monkeypatch):
    monkeypatch.setenv("IMC_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("IMC_SMTP_PORT", "2525")
    monkeypatch.setenv("IMC_SMTP_STARTTLS", "true")
    monkeypatch.setenv("IMC_DATABASE_URL", "postgresql+psycopg://imc@db/imc")
    s = Settings(_env_file=None)
    assert (s.smtp_host, s.smtp_port, s.smtp_starttls) == ("smtp.example.org", 2525, True)
    assert s.sqlalchemy_url == "postgresql+psycopg://imc@db/imc"


@pytest.mark.parametrize("environment", ["test", "production"])
def test_placeholder_secret_refused_outside_development(environment):
    with pytest.raises(ValidationError, match="IMC_SECRET_KEY"):
        Settings(_env_file=None, environment=environment, secret_key=PLACEHOLDER_SECRET)
    with pytest.raises(ValidationError, match="слишком короткий"):
        Settings(_env_file=None, environment=environment, secret_key="short")


def test_placeholder_secret_allowed_in_development():
    assert Settings(_env_file=None, environment="development").secret_key == PLACEHOLDER_SECRET

"""Shared fixtures: a real SQLite store per test, a frozen clock, a real SMTP server."""

from __future__ import annotations

import os
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path

# Prefect reads its home at import time: give the test session its own, before any import.
_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="imc-prefect-"))
os.environ.setdefault("PREFECT_HOME", str(_PREFECT_HOME))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.pop("PREFECT_API_URL", None)

import pytest  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import models  # noqa: E402
import models.agreement_machine  # noqa: E402,F401
from adapters.clock import FrozenClock  # noqa: E402
from adapters.events import MemoryEventSink  # noqa: E402
from config.settings import Settings  # noqa: E402
from services.db import make_engine  # noqa: E402
from services.runtime import Runtime  # noqa: E402
from services.seed import load_centre  # noqa: E402

START = datetime(2024, 4, 1, 7, 0, tzinfo=UTC)  # 10:00 in Moscow, the plan's April


def make_settings(data_dir: Path, **overrides) -> Settings:
    values = dict(
        environment="test",
        data_dir=data_dir,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        smtp_host="127.0.0.1",
        smtp_port=1,  # replaced by the smtp fixture when a test sends
        mail_rate_per_minute=10_000,
        mail_rate_per_day=100_000,
        mail_retry_base_seconds=30,
        base_url="http://imc.test",
    )
    values.update(overrides)
    return Settings(_env_file=None, **values)


def make_runtime(data_dir: Path, **overrides) -> Runtime:
    settings = make_settings(data_dir, **overrides)
    engine = make_engine(settings.sqlalchemy_url)
    SQLModel.metadata.create_all(engine)
    return Runtime(settings=settings, clock=FrozenClock(START), events=MemoryEventSink(),
                   engine=engine)


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free port, shared by the whole session."""
    from tests.smtp_server import TestSmtpServer

    server = TestSmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server):
    """The SMTP server, emptied and running, for one test."""
    smtp_server.clear()
    smtp_server.start()
    yield smtp_server
    smtp_server.clear()
    smtp_server.start()


PG_URL = os.environ.get("IMC_TEST_DATABASE_URL", "")
DATABASES = [
    "sqlite",
    pytest.param("postgresql", marks=pytest.mark.skipif(
        not PG_URL, reason="PostgreSQL: IMC_TEST_DATABASE_URL не задан "
        "(make test запускает его сам, если PostgreSQL установлен)")),
]


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    """A fresh store: a SQLite file, or a schema of its own in the test PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'imc.db'}"
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA {schema} CASCADE")
    admin.dispose()


@pytest.fixture
def rt(tmp_path, smtp_server, database_url) -> Runtime:
    """A runtime over a fresh store (SQLite, and PostgreSQL when given) with the centre loaded."""
    runtime = make_runtime(tmp_path, smtp_port=smtp_server.port, database_url=database_url)
    load_centre(runtime)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def clock(rt) -> FrozenClock:
    return rt.clock

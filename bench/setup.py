"""What the benchmarks share: Prefect's environment and a throwaway Runtime.

A few lines copied from tests/conftest.py, so that `make bench` does not depend on tests.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

START = datetime(2024, 4, 1, 7, 0, tzinfo=UTC)


def prefect_env() -> None:
    """Prefect's settings for a local run; must happen before anything imports prefect."""
    if "PREFECT_HOME" not in os.environ:
        os.environ["PREFECT_HOME"] = tempfile.mkdtemp(prefix="imc-bench-prefect-")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.pop("PREFECT_API_URL", None)  # never a real server: the harness starts its own


def make_runtime(**overrides):
    """A Runtime over a fresh SQLite file in a temp dir, a frozen clock, the centre loaded."""
    from sqlmodel import SQLModel

    import models  # (registers the tables)
    import models.agreement_machine  # noqa: F401
    from adapters.clock import FrozenClock
    from adapters.events import MemoryEventSink
    from config.settings import Settings
    from services.db import make_engine
    from services.runtime import Runtime
    from services.seed import load_centre

    data_dir = Path(tempfile.mkdtemp(prefix="imc-bench-"))
    values = dict(environment="test", data_dir=data_dir,
                  secret_key="bench-secret-key-that-is-long-enough-0123456789",
                  smtp_host="127.0.0.1", base_url="http://imc.test",
                  mail_rate_per_minute=10**9, mail_rate_per_day=10**9)
    values.update(overrides)
    settings = Settings(_env_file=None, **values)
    engine = make_engine(settings.sqlalchemy_url)
    SQLModel.metadata.create_all(engine)
    rt = Runtime(settings=settings, clock=FrozenClock(START), events=MemoryEventSink(),
                 engine=engine)
    load_centre(rt)
    return rt


def make_partner(rt, n: int = 1) -> int:
    """A partner school with its head (as tests/factories.make_partner, trimmed)."""
    from models import Organisation, OrgKind, Person, PersonRole
    from services.org import fill_cases

    with rt.transaction() as tx:
        org = Organisation(kind=OrgKind.PARTNER,
                           full_name="Муниципальное бюджетное общеобразовательное учреждение "
                                     f"средняя общеобразовательная школа № {n}",
                           short_name=f"МБОУ СОШ № {n}", municipality="Кореновский район",
                           legal_address=f"353180, Краснодарский край, г. Кореновск, ул. Мира, {n}",
                           inn=None, phone="8 (86142) 4-00-00", email=f"school{n}@example.org",
                           created_at=tx.now)
        tx.session.add(org)
        tx.session.flush()
        head = Person(organisation_id=org.id, role=PersonRole.HEAD, position="Директор",
                      position_genitive="директора", email=f"head{n}@school{n}.example.org",
                      last_name="Петрова", first_name="Анна", middle_name="Сергеевна",
                      created_at=tx.now)
        tx.session.add(fill_cases(head))
        return org.id


def staff_actor(rt, login: str = "ivanova"):
    from sqlmodel import select

    from models import Person
    from services.actors import Actor

    with rt.session() as s:
        return Actor.person(s.exec(select(Person).where(Person.login == login)).one())


def dispose(rt) -> None:
    """Close the store and remove its temp directory."""
    rt.engine.dispose()
    shutil.rmtree(rt.settings.data_dir, ignore_errors=True)


def peak_mb(pid: int | str = "self") -> float:
    """Peak resident memory (VmHWM) of a process. Not ru_maxrss: after fork + exec that
    still holds the parent's high-water mark, so a small child would look as big as `make
    bench` itself."""
    import resource

    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def reset_peak() -> bool:
    """Start this process's peak from its current size (Linux: clear_refs 5)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def link_tokens(rt, template: str) -> list[str]:
    """The personal-link tokens in the queued emails of a template, in order."""
    from sqlmodel import select

    from models import OutboxEmail
    from services.links import tokens_in

    with rt.session() as s:
        bodies = s.exec(select(OutboxEmail.text_body).where(OutboxEmail.template == template)
                        .order_by(OutboxEmail.id))
        return [t for body in bodies for t in tokens_in(body)]

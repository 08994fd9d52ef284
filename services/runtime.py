"""The runtime every service receives: settings, clock, store, renderers, event sink."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from sqlmodel import Session

from adapters.clock import Clock, SystemClock
from adapters.events import EventSink, default_sink
from config.settings import PROJECT_ROOT, Settings, get_settings
from services.db import make_engine
from services.errors import DomainError

TEMPLATES_DIR = PROJECT_ROOT / "templates"


class Tx:
    """One business transaction: the session plus what to do after it commits."""

    def __init__(self, session: Session, rt: Runtime) -> None:
        self.session = session
        self.rt = rt
        self.events: list = []  # EventRecord rows written in this transaction
        self.cache: dict = {}  # what one transaction reads many times (the centre's card)

    @property
    def now(self):
        return self.rt.clock.now()


@dataclass
class Runtime:
    settings: Settings
    clock: Clock = field(default_factory=SystemClock)
    events: EventSink = field(default_factory=default_sink)
    engine: sa.Engine | None = None

    def __post_init__(self) -> None:
        if self.engine is None:
            self.engine = make_engine(self.settings.sqlalchemy_url)

    @cached_property
    def docx(self):
        from adapters.docx_render import DocxRenderer

        return DocxRenderer(TEMPLATES_DIR / "docx")

    @cached_property
    def mail_templates(self):
        from adapters.mail_templates import MailTemplates

        return MailTemplates(TEMPLATES_DIR / "email")

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """Commit on success; on a domain refusal roll back, then audit the attempt."""
        with self.session() as session:
            tx = Tx(session, self)
            try:
                yield tx
                session.commit()
            except DomainError as err:
                session.rollback()
                if err.audit:
                    from services.audit import record_refusal

                    record_refusal(self, err)
                raise
            except BaseException:
                session.rollback()
                raise
        if tx.events:
            from services.event_forwarding import deliver

            deliver(self, tx.events)


def default_runtime() -> Runtime:
    """The runtime of the CLI, the web app and the flows (settings from the environment)."""
    return Runtime(settings=get_settings())

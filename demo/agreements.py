"""`make demo`: the agreement process end to end for three partners, non-interactively.

One partner signs through the personal link, one sends the original on paper (after a
reminder), one declines. The run uses its own store under var/demo/ so it can be repeated.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlmodel import select

from adapters.clock import FrozenClock, SystemClock
from adapters.events import default_sink
from config.settings import PROJECT_ROOT, get_settings
from models import Agreement, Document, OutboxEmail
from models.outbox import MAIL_STATUS_LABELS
from services import agreement_links, agreement_timers, agreements, mail_delivery
from services.db import upgrade
from services.links import tokens_in
from services.org import staff_actor
from services.partners import import_partners
from services.runtime import Runtime
from services.seed import load_centre

SAMPLE = PROJECT_ROOT / "data" / "samples" / "partners.csv"
console = Console()


def _token(rt: Runtime, template: str, agreement_id: int) -> str:
    with rt.session() as s:
        mail = s.exec(select(OutboxEmail).where(OutboxEmail.template == template,
                                                OutboxEmail.object_id == agreement_id)
                      .order_by(OutboxEmail.id.desc())).first()
    return tokens_in(mail.text_body)[0]


def run_demo(data_dir: Path | None = None) -> None:
    with demo_runtime(data_dir or get_settings().data_dir / "demo",
                      SystemClock().now()) as (rt, clock, local_sink):
        _story(rt, clock)
        _report(rt, rt.settings, local_sink)


@contextmanager
def demo_runtime(data_dir: Path, start: datetime) -> Iterator[tuple[Runtime, FrozenClock, bool]]:
    """A fresh store in data_dir (wiped first), a frozen clock at `start`, and the local mail
    sink in data_dir/mail unless IMC_SMTP_HOST is set: (runtime, clock, local sink used)."""
    base = get_settings()
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    overrides: dict = {"data_dir": data_dir, "database_url": ""}
    sink = None
    if not base.smtp_host:
        from adapters.mail_sink import start_sink

        port = _free_port()
        sink = start_sink(data_dir / "mail", port=port)
        overrides.update(smtp_host="127.0.0.1", smtp_port=port)
    settings = base.model_copy(update=overrides)
    upgrade(settings.sqlalchemy_url)
    clock = FrozenClock(start)
    rt = Runtime(settings=settings, clock=clock, events=default_sink())
    try:
        yield rt, clock, sink is not None
    finally:
        rt.engine.dispose()
        if sink is not None:
            sink.stop()


def _story(rt: Runtime, clock: FrozenClock) -> None:
    send = lambda: asyncio.run(mail_delivery.drain(rt))  # noqa: E731
    load_centre(rt)
    methodologist, director = staff_actor(rt, "ivanova"), staff_actor(rt, "verzunova")
    report = import_partners(rt, SAMPLE.read_bytes(), SAMPLE.name, actor=methodologist)
    console.print(f"1. Загружены партнёры из {SAMPLE.name}: {report.created}")
    ids = [agreements.start(rt, partner_id=p, actor=methodologist) for p in report.ids[:3]]
    console.print(f"2. Проекты договоров №{', №'.join(map(str, ids))} направлены директору")
    send()
    token = _token(rt, "agreement_approval_request", ids[0])
    agreement_links.director_view(rt, token)
    agreement_links.director_act(rt, token, "approve")
    for ag_id in ids[1:]:
        agreements.approve(rt, ag_id, actor=director)
    console.print("3. Директор согласовал проекты (первый — по персональной ссылке)")
    send()
    first = _token(rt, "agreement_partner_invitation", ids[0])
    agreement_links.partner_view(rt, first)
    agreement_links.partner_act(rt, first, "confirm")
    console.print("4. Первый партнёр подтвердил подписание по ссылке — договор зарегистрирован")
    clock.advance(timedelta(days=8))
    timers = agreement_timers.sweep(rt)
    console.print(f"5. Прошло 8 дней: напоминания партнёрам по договорам №{timers.reminders}")
    send()
    third = _token(rt, "agreement_partner_reminder", ids[2])
    agreement_links.partner_act(rt, third, "decline",
                           reason="Организация не планирует участие в проекте в этом году")
    console.print("6. Третий партнёр отказался по ссылке из напоминания")
    clock.advance(timedelta(days=2))
    agreements.record_signed(rt, ids[1], actor=methodologist,
                             note="Оригинал получен почтой России")
    console.print("7. От второго партнёра пришёл оригинал на бумаге — отмечено, "
                  "договор зарегистрирован")
    send()


def _report(rt: Runtime, settings, local_sink: bool) -> None:
    with rt.session() as s:
        ags = list(s.exec(select(Agreement).order_by(Agreement.id)))
        mails = list(s.exec(select(OutboxEmail).order_by(OutboxEmail.id)))
        docs = list(s.exec(select(Document).order_by(Document.id)))
    table = Table("№", "Партнёр", "Состояние", "Рег. номер", title="Договоры")
    from services.agreement_queries import list_agreements

    for row in list_agreements(rt):
        table.add_row(str(row["id"]), row["partner"], row["state"], row["number"])
    console.print(table)
    mt = Table("№", "Кому", "Тема", "Статус", title=f"Письма ({len(mails)})")
    for m in mails:
        mt.add_row(str(m.id), m.to_addr, m.subject, MAIL_STATUS_LABELS[m.status])
    console.print(mt)
    console.print("[bold]Документы[/]")
    for d in docs:
        console.print(f"  {d.filename}\n    {settings.documents_dir / d.path}", soft_wrap=True)
    where = (f"сохранены в {settings.mail_dir}" if local_sink
             else f"отправлены на {settings.smtp_host}:{settings.smtp_port}")
    console.print(f"Письма {where}. База демо: {settings.sqlalchemy_url}")
    if len(ags) != 3:
        raise SystemExit("Демо: ожидалось три договора")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

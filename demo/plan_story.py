"""What part four of `make demo` (demo/plan.py) says: its content, its log and its printout.

The content: agendas and minutes of the five creative-group meetings, the February requests
for consultations, the results closed by hand. The log of the plan's own trail: every link,
reminder, overdue mark, escalation, closing and cancellation of a due date, read back from the
audit, so the log says what the system did on the day it did it. The printout: the plan's due
dates and states, the escalation letters, each report's headline figures and files, the
protocols, the documents and the mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

import yaml
from rich import box
from rich.console import Console
from rich.table import Table
from sqlalchemy import func
from sqlmodel import select

from adapters.clock import MOSCOW, moscow_date
from adapters.russian import date_long, plural
from models import AuditEntry, Document, MailStatus, OutboxEmail, Outcome
from models.plan import PlanItem, PlanOccurrence
from services import report_queries
from services.plan_queries import plan_view
from services.runtime import Runtime

if TYPE_CHECKING:
    from demo.plan import DemoResult

console = Console()
YEAR = 2024
PLACE = "МКУ ИМЦ Выселковский район, ст. Выселки, ул. Ленина, 37, методический кабинет"
RESPONSIBLE = {  # login → the plan items they answer for
    "verzunova": ("diag-1", "diag-2", "diag-3"),
    "remel": ("theor-1", "dissem-1", "dissem-2", "dissem-3"),
    "ivanova": ("theor-2", "theor-3", "theor-4", "pract-1", "pract-2", "pract-3", "meth-1",
                "meth-2"),
}
GUEST = "belousova@sosh1.vyselki-edu.example.org"  # head of school № 1 (schools.csv)


def at(day: int, month: int, hour: int = 10, minute: int = 0) -> datetime:
    """A moment of 2024 in Moscow time."""
    return datetime(YEAR, month, day, hour, minute, tzinfo=MOSCOW)


@dataclass(frozen=True)
class Question:
    title: str
    speaker: str  # login or e-mail of a member present or a guest
    heard: str
    decided: str
    responsible: str
    due: str | date


@dataclass(frozen=True)
class Meeting:
    scheduled: datetime  # when the secretary schedules it
    start: datetime
    questions: tuple[Question, ...]
    absent: tuple[tuple[str, str], ...] = ()  # (login, reason)
    guests: tuple[str, ...] = ()

    def minutes(self) -> str:
        """The minutes as staff type them into the YAML form (data/samples/meeting-minutes)."""
        away = {login for login, _ in self.absent}
        data = {"present": [x for x in ("verzunova", "ivanova", "remel") if x not in away],
                "absent": [{"who": login, "reason": why} for login, why in self.absent],
                "guests": list(self.guests),
                "decisions": [{"question": n, "speaker": q.speaker, "heard": q.heard,
                               "decided": q.decided, "responsible": q.responsible,
                               "due": q.due} for n, q in enumerate(self.questions, start=1)]}
        return yaml.safe_dump({k: v for k, v in data.items() if v}, allow_unicode=True,
                              sort_keys=False)


MEETINGS = {
    "январь": Meeting(at(9, 1, 11), at(30, 1, 14), (
        Question("О плане работы краевой инновационной площадки на 2024 год", "ivanova",
                 "о плане работы на 2024 год и назначении ответственных по его пунктам",
                 "План принять к исполнению. Сроки и результаты пунктов плана вести в "
                 "системе, напоминания ответственным — по её рассылке.",
                 "О.А. Верзунова", "в течение года"),
        Question("О консультациях участников сетевого взаимодействия", "remel",
                 "о порядке приёма запросов на консультации через страницу центра",
                 "Принимать запросы через страницу центра, назначать методиста в течение "
                 "трёх рабочих дней.", "Н.А. Иванова", "постоянно"))),
    "март": Meeting(at(20, 2), at(1, 3, 11), (
        Question("О проведении муниципального конкурса «Инновационный поиск 2024»", "ivanova",
                 "о Положении о конкурсе, сроках приёма заявок и составе экспертной комиссии",
                 "Объявить конкурс 1 марта 2024 г.; приём заявок — с 4 по 22 марта 2024 г.",
                 "Н.А. Иванова", date(2024, 3, 22)),
        Question("Об опыте школ в сетевом взаимодействии", GUEST,
                 "об участии школы в сетевых мероприятиях и запросах педагогов",
                 "Опыт принять к сведению; тему наставничества включить в осенний цикл "
                 "вебинаров.", "Н.А. Иванова", date(2024, 9, 30))),
        absent=(("remel", "курсы повышения квалификации"),), guests=(GUEST,)),
    "апрель": Meeting(at(17, 4, 10), at(24, 4, 14), (
        Question("Об итогах конкурса «Инновационный поиск 2024»", "ivanova",
                 "об итогах конкурса и присвоении победителю статуса муниципальной "
                 "инновационной площадки",
                 "Итоги принять к сведению; опыт победителя представить на осенних вебинарах.",
                 "Н.А. Иванова", "октябрь 2024 г."),
        Question("О договорах о сетевом взаимодействии", "remel",
                 "о проектах договоров с методическими службами соседних районов",
                 "Подготовить и согласовать с партнёрами договоры до 31 августа 2024 г.",
                 "О.Л. Ремель", date(2024, 8, 31)))),
    "сентябрь": Meeting(at(2, 9), at(19, 9, 14), (
        Question("О просрочке заключения договоров о сетевом взаимодействии", "remel",
                 "о причинах задержки: партнёры согласуют проекты договоров дольше "
                 "запланированного",
                 "Зарегистрировать договоры с МКУ ИМЦ Кореновский район и МБУ МЦ Тихорецкий "
                 "район до 1 октября 2024 г.", "О.Л. Ремель", date(2024, 10, 1)),
        Question("О межмуниципальном конкурсе на статус Лидера межмуниципального "
                 "взаимодействия", "verzunova",
                 "о сроках конкурса: положение конкурса не согласовано с партнёрами",
                 "Конкурс в октябре 2024 г. не проводить, перенести на 2025 год.",
                 "О.А. Верзунова", "2025 год"))),
    "ноябрь": Meeting(at(18, 11), at(26, 11, 14), (
        Question("Об итогах осеннего цикла сетевых методических вебинаров", "ivanova",
                 "об итогах цикла: три вебинара, явка, сертификаты участникам",
                 "Итоги принять к сведению; материалы вебинаров разместить на сайте центра.",
                 "О.Л. Ремель", date(2024, 12, 20)),
        Question("Об отчётах за 2024 год", "verzunova",
                 "о мониторингах и отчёте о выполнении плана работы за 2024 год",
                 "Подготовить справки мониторинга и отчёт о выполнении плана до 27 декабря "
                 "2024 г.", "Н.А. Иванова", date(2024, 12, 27)))),
}
REPORTS = {  # label → (kind, period start, period end)
    "effectiveness-1": ("effectiveness", date(YEAR, 1, 1), date(YEAR, 6, 30)),
    "effectiveness-2": ("effectiveness", date(YEAR, 7, 1), date(YEAR, 12, 31)),
    **{kind: (kind, date(YEAR, 1, 1), date(YEAR, 12, 31)) for kind in ("monitoring", "events",
                                                                        "plan")},
}
CANCEL_REASON = ("межмуниципальный конкурс на статус Лидера межмуниципального взаимодействия "
                 "перенесён на 2025 год (решение творческой группы, протокол № {n} от "
                 "{day})")

# February: (school line of schools.csv, day, topic, form, preferred dates)
CONSULTATIONS = [
    (1, 5, "Оформление заявки на конкурс «Инновационный поиск 2024»", "онлайн",
     "после 14:00"),
    (3, 6, "Порядок заключения договора о сетевом взаимодействии", "по телефону",
     "утро, 9:00–11:00"),
    (4, 7, "Аттестация педагогических работников на квалификационную категорию", "очно", ""),
]
HELD = {  # request № → (methodologist, scheduled, held, minutes, result)
    1: ("ivanova", at(12, 2, 15), 45, "Разобраны требования Положения к заявке и аннотации "
        "проекта; рекомендовано приложить план-график и измеримые результаты."),
    2: ("remel", at(13, 2, 10), 30, "Разъяснены порядок согласования и регистрации договора, "
        "направлен образец; рекомендовано назначить ответственного в школе."),
}
DECLINE = ("Вопросы аттестации педагогических работников не входят в тематику инновационного "
           "проекта; обратитесь, пожалуйста, в управление образования района.")

# By hand on 25 December: item → (text, link); theor-4 gets the contest's Положение.
CLOSED_BY_HAND = {
    "theor-3": ("Методические материалы по сетевому взаимодействию опубликованы на сайте ГБОУ "
                "ИРО Краснодарского края",
                "https://iro23.example.org/innovation/2024/imc-vyselki"),
    "theor-4": ("Положение о конкурсе «Инновационный поиск 2024» и план осеннего цикла "
                "вебинаров", ""),
    "meth-1": ("Сценарии трёх сетевых вебинаров и заседаний творческой группы", ""),
    "meth-2": ("Методические рекомендации по реализации инновационного проекта",
               "https://imc-vyselki.example.org/innovation/2024/recommendations"),
    "dissem-1": ("Выступление на краевом семинаре инновационных площадок (ноябрь 2024 г.)", ""),
    "dissem-2": ("Раздел «Инновационная площадка» на сайте МКУ ИМЦ: статьи, фотоотчёты, "
                 "презентации вебинаров", "https://imc-vyselki.example.org/innovation"),
    "dissem-3": ("Статья об итогах конкурса «Инновационный поиск 2024» в районной газете",
                 "https://vyselki-news.example.org/2024/innovative-search"),
}

TRAIL = {"link": "связан с записью процесса", "remind": "напоминание ответственному",
         "mark_overdue": "срок прошёл — просрочен", "escalate": "письма о просрочке",
         "close_on_time": "выполнено в срок", "close_late": "выполнено с опозданием",
         "cancel": "отменён"}


def say(when: str | datetime, text: str) -> None:
    day = date_long(moscow_date(when)).removesuffix(f" {YEAR} г.") \
        if isinstance(when, datetime) else when
    console.print(f"[dim]{day}[/] {text}", soft_wrap=True, highlight=False)


class Trail:
    """Prints what happened to the plan's due dates since the last call."""

    def __init__(self, rt: Runtime) -> None:
        self.rt, self.seen = rt, 0

    def show(self) -> None:
        with self.rt.session() as s:
            rows = s.exec(select(AuditEntry, PlanOccurrence, PlanItem)
                          .join(PlanOccurrence, PlanOccurrence.id == AuditEntry.object_id)
                          .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
                          .where(AuditEntry.object_kind == "plan_occurrence",
                                 AuditEntry.id > self.seen,
                                 AuditEntry.outcome == Outcome.DONE,
                                 AuditEntry.action.in_(TRAIL))
                          .order_by(AuditEntry.id)).all()
            mails = {m.id: m for m in s.exec(select(OutboxEmail).where(OutboxEmail.id.in_(
                {i for e, _, _ in rows for i in e.email_ids})))}
            self.seen = s.exec(select(func.max(AuditEntry.id))).one() or 0
        for entry, occ, item in rows:
            say(entry.at, f"План: {item.code} (срок {occ.due:%d.%m.%Y}) — "
                          f"{TRAIL[entry.action]}{self._what(entry, occ, mails)}")

    @staticmethod
    def _what(entry: AuditEntry, occ: PlanOccurrence, mails: dict) -> str:
        letters = [mails[i] for i in entry.email_ids if i in mails]
        if entry.action == "link":
            auto = " (сам, по датам)" if entry.details.get("auto") else ""
            return f"{auto}: {entry.details.get('record', '')}"
        if entry.action == "remind":
            n = entry.details.get("days_left", 0)
            return f" за {n} {plural(n, 'день', 'дня', 'дней')}: " + ", ".join(
                m.to_name for m in letters)
        if entry.action == "escalate":
            return ": " + "; ".join(f"{m.to_name} — «{m.subject}»" for m in letters)
        if entry.action.startswith("close"):
            return f": {occ.result_text or occ.result_url}"
        if entry.action == "cancel":
            return f": {entry.reason}"
        return ""


# -- the printout ------------------------------------------------------------------------


def print_report(rt: Runtime, result: DemoResult, local_sink: bool) -> None:
    """Print the year's outcome, keeping in `result` what was printed (rows, letters)."""
    view = plan_view(rt, YEAR)
    table = Table(box=box.SIMPLE_HEAD, expand=True,
                  title=f"{view['title']}: сроки и их состояние")
    for header, options in (("Пункт", {"width": 8}), ("Деятельность", _CUT),
                            ("Срок", {"width": 10}), ("Состояние", {"width": 11}),
                            ("Закрыт", {"width": 10}), ("Результат / причина", _CUT)):
        table.add_column(header, **options)
    for section in view["sections"]:
        for item in section["items"]:
            for occ in item["occurrences"]:
                result.rows.append({"code": item["code"], "due": occ["due"],
                                    "state": occ["state"]})
                table.add_row(item["code"], item["activity"].splitlines()[0], occ["due"],
                              occ["state"], occ["closed"], occ["cancel_reason"] or occ["result"])
    console.print(table)
    with rt.session() as s:
        letters = s.exec(select(OutboxEmail, PlanItem.code)
                         .join(PlanOccurrence, PlanOccurrence.id == OutboxEmail.object_id)
                         .join(PlanItem, PlanItem.id == PlanOccurrence.item_id)
                         .where(OutboxEmail.object_kind == "plan_occurrence",
                                OutboxEmail.template == "plan_escalation")
                         .order_by(OutboxEmail.id)).all()
        result.escalations = [{"item": code, "to": m.to_addr, "subject": m.subject}
                              for m, code in letters]
        mails = list(s.exec(select(OutboxEmail.status)))
        documents = len(s.exec(select(Document.id)).all())
    for e in result.escalations:
        console.print(f"Эскалация директору ({e['item']}): «{e['subject']}»", soft_wrap=True)
    for report_id in result.reports.values():
        view = report_queries.show(rt, report_id)
        console.print(f"[bold]{view['title']}[/] ({view['period_text']}), версия "
                      f"{view['version']}", soft_wrap=True)
        console.print("  " + "; ".join(f"{name}: {text}" for name, text, _ in view["figures"]),
                      soft_wrap=True, highlight=False)
        console.print(f"  .docx: {view['docx']}\n  .xlsx: {view['xlsx']}", soft_wrap=True)
    console.print("[bold]Протоколы заседаний творческой группы (.docx)[/]")
    for month, held in result.protocols.items():
        console.print(f"  № {held['number']} ({month}): {held['path']}", soft_wrap=True)
    result.emails, result.sent = len(mails), sum(m == MailStatus.SENT for m in mails)
    where = (f"сохранены в {rt.settings.mail_dir}" if local_sink
             else f"отправлены на {rt.settings.smtp_host}:{rt.settings.smtp_port}")
    console.print(f"Документов за год (с конкурсом и вебинарами): {documents}, в "
                  f"{rt.settings.documents_dir}", soft_wrap=True)
    console.print(f"Писем: {result.emails} (отправлено {result.sent}), {where}. База демо: "
                  f"{rt.settings.sqlalchemy_url}", soft_wrap=True)


_CUT = {"no_wrap": True, "overflow": "ellipsis", "ratio": 1}  # one line, cut to the width

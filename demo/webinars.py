"""`make demo`, part three: the autumn 2024 cycle of network webinars, plan to report.

The plan (data/samples/webinars-autumn-2024.yaml) has three sessions: heads of schools,
their deputies, network partners; partners are invited to every session in parallel.
Schools come from data/samples/schools.csv, partners from partners.csv (two of them sign
their agreements), deputies of six schools from deputies.csv. Invitations go out by
segment; people register through their links, one cancels, a guest registers on the open
page with the personal-data consent; the deputies' webinar is moved by a day (updated
invitations, SEQUENCE 1); the sweep sends the 24-hour and the 1-hour reminders; the
platform's export of the first webinar arrives in Windows-1251 with a person nobody
registered; the second webinar's export is a UTF-8 file, the third is marked by hand;
materials and the feedback form go to the attendees, two of them answer; the certificates
are issued (twice — the second run issues nothing); a school asks for a webinar of its
own, which is scheduled; the cycle report is printed and stored as .xlsx. The store is
var/demo/webinars/.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rich.console import Console
from sqlmodel import select

from adapters.clock import MOSCOW, FrozenClock
from cli.webinar_report import rich_table
from config.settings import PROJECT_ROOT, get_settings
from demo.agreements import demo_runtime
from models import (
    Document,
    OrgKind,
    OutboxEmail,
    Person,
    PersonRole,
    Registration,
    WebinarSession,
)
from services import (
    agreements,
    mail_delivery,
    webinar_attendance,
    webinar_certificates,
    webinar_feedback,
    webinar_materials,
    webinar_report,
    webinar_report_xlsx,
    webinar_schedule,
)
from services.links import tokens_in
from services.org import staff_actor
from services.partners import import_partners
from services.people_import import import_people
from services.runtime import Runtime
from services.seed import load_centre
from services.sweep import fire_timers
from services.webinar_invitations import announce
from services.webinar_open_registration import register_open
from services.webinar_plan import load_plan
from services.webinar_registration import cancel, register
from services.webinar_report_tables import municipalities, summary
from services.webinar_request_decisions import schedule_request
from services.webinar_requests import submit_request

SAMPLES = PROJECT_ROOT / "data" / "samples"
PLAN = SAMPLES / "webinars-autumn-2024.yaml"
console = Console()


@dataclass
class DemoResult:
    cycle_id: int = 0
    sessions: list[int] = field(default_factory=list)
    unknown: list[dict] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)
    second_run: int = 0
    report: object = None
    report_path: Path | None = None
    request_session: int = 0
    emails: int = 0


def at(day: int, month: int = 10, hour: int = 10, minute: int = 0) -> datetime:
    """A moment of 2024 in Moscow time."""
    return datetime(2024, month, day, hour, minute, tzinfo=MOSCOW)


def run_demo(data_dir: Path | None = None) -> DemoResult:
    data_dir = data_dir or get_settings().data_dir / "demo" / "webinars"
    with demo_runtime(data_dir, at(1)) as (rt, clock, local_sink):
        story = _Story(rt, clock)
        story.run()
        story.print_report(local_sink)
        return story.result


class _Story:
    def __init__(self, rt: Runtime, clock: FrozenClock,
                 organisations: tuple[list[int], list[int]] | None = None) -> None:
        """`organisations`: the ids of (schools.csv, partners.csv) when the store already
        has them (part four of the demo), in the files' order; else the story imports them."""
        self.rt, self.clock = rt, clock
        self.result = DemoResult()
        self.imported = organisations

    def send(self) -> None:
        asyncio.run(mail_delivery.drain(self.rt))

    def run(self) -> None:
        rt, clock = self.rt, self.clock
        load_centre(rt)
        self.staff, director = staff_actor(rt, "ivanova"), staff_actor(rt, "verzunova")
        if self.imported is None:
            schools = import_partners(rt, (SAMPLES / "schools.csv").read_bytes(),
                                      "schools.csv", actor=self.staff, kind=OrgKind.SCHOOL).ids
            partners = import_partners(rt, (SAMPLES / "partners.csv").read_bytes(),
                                       "partners.csv", actor=self.staff).ids
        else:
            schools, partners = self.imported
        for partner in partners[:2]:
            ag = agreements.start(rt, partner_id=partner, actor=self.staff)
            agreements.approve(rt, ag, actor=director)
            agreements.record_signed(rt, ag, actor=self.staff, note="Подписан на бумаге")
        deputies = import_people(rt, (SAMPLES / "deputies.csv").read_bytes(), "deputies.csv",
                                 actor=self.staff)
        say("1 октября", f"Школ района: {len(schools)}, сетевых партнёров: {len(partners)} "
                         f"(договоры действуют у двух), заместителей: {deputies.created}")

        cycle = self.result.cycle_id = load_plan(rt, PLAN, actor=self.staff)
        invited = announce(rt, cycle, actor=self.staff)
        self.result.sessions = first, second, third = list(invited)
        say("1 октября", f"Цикл №{cycle} объявлен; приглашения по вебинарам: "
                         + ", ".join(f"№{k} — {v}" for k, v in invited.items()))
        self.send()

        clock.set(at(3))
        heads = self._links(first)
        for _email, token in heads[:10]:
            register(rt, token)
        cancel(rt, heads[9][1])
        register_open(rt, first, last_name="Лебедева", first_name="Ксения",
                      middle_name="Андреевна", email="lebedeva@guest.example.org",
                      organisation="МБДОУ детский сад № 7 ст. Выселки",
                      position="старший воспитатель", consent=True)
        for _email, token in self._links(second)[:8]:
            register(rt, token)
        for _email, token in self._links(third):
            register(rt, token)
        say("3 октября", "Регистрация по персональным ссылкам: на первый вебинар — 10 "
                         "(одна отмена), по открытой странице с согласием — гость; "
                         "на второй — 8, на третий — партнёры")
        self.send()

        clock.set(at(7))
        moved = webinar_schedule.reschedule(rt, second, start=at(30, hour=16), actor=self.staff,
                                            reason="Совпадение с районным совещанием")
        say("7 октября", f"Вебинар №{second} перенесён на 30.10.2024 16:00: обновлённое "
                         f"приглашение (.ics, SEQUENCE {moved['sequence']}) получили "
                         f"{moved['notified']}")
        self.send()

        clock.set(at(14, hour=15, minute=5))
        day_before = fire_timers(rt)["webinar_reminders"]["sent"]
        clock.set(at(15, hour=14, minute=5))
        hour_before = fire_timers(rt)["webinar_reminders"]["sent"]
        say("14–15 октября", f"Напоминания за сутки: {day_before}, за час: {hour_before}")
        self.send()

        clock.set(at(15, hour=17))
        first_import = webinar_attendance.import_attendance(
            rt, first, self._export_cp1251(heads), "участники_15.10.csv", actor=self.staff)
        self.result.unknown = first_import.unknown
        say("15 октября", f"Выгрузка платформы (Windows-1251): участвовали "
                          f"{first_import.attended}, не пришли {first_import.no_show}, "
                          f"неизвестных в файле: {len(first_import.unknown)}")
        webinar_materials.add_material(rt, first, title="Презентация вебинара",
                                       url="https://imc-vyselki.example.org/webinar-1.pdf",
                                       actor=self.staff)
        webinar_materials.send_materials(rt, first, actor=self.staff)
        self.send()
        for token in self._feedback_tokens(first)[:2]:
            webinar_feedback.submit_feedback(rt, token, rating=5, usefulness=4,
                                             comment="Полезно, ждём продолжения")
        say("16 октября", "Материалы и анкета обратной связи отправлены участникам; "
                          "ответили двое")

        clock.set(at(30, hour=18))
        deputies = [e for e, _ in self._links(second)[:8]]
        csv = "Имя;E-mail;Длительность\n" + "".join(
            f"Участник;{e};{'1:10' if i < 6 else '0:20'}\n" for i, e in enumerate(deputies))
        webinar_attendance.import_attendance(rt, second, csv.encode("utf-8"),
                                             "участники_30.10.csv", actor=self.staff)
        clock.set(at(12, month=11, hour=16))
        partner_mails = [e for e, _ in self._links(third)]
        webinar_attendance.mark(rt, third, attended=partner_mails, absent=[], actor=self.staff)
        say("30 октября, 12 ноября", "Явка на второй вебинар — из выгрузки (UTF-8), "
                                     "на третий отмечена вручную")

        clock.set(at(13, month=11))
        issued = webinar_certificates.issue_certificates(rt, cycle, actor=self.staff)
        again = webinar_certificates.issue_certificates(rt, cycle, actor=self.staff)
        self.result.certificates, self.result.second_run = issued.numbers, len(again.numbers)
        say("13 ноября", f"Сертификаты выданы: {len(issued.numbers)} "
                         f"({issued.numbers[0]} … {issued.numbers[-1]}); повторный запуск "
                         f"выдал {len(again.numbers)}")
        self.send()

        self._request(schools[2])
        self.result.report = webinar_report.cycle_report(rt, cycle)
        doc = webinar_report_xlsx.export_report(rt, cycle, actor=self.staff)
        self.result.report_path = rt.settings.documents_dir / doc.path
        with rt.session() as s:
            self.result.emails = len(s.exec(select(OutboxEmail.id)).all())

    # -- steps -------------------------------------------------------------------------

    def _links(self, session_id: int) -> list[tuple[str, str]]:
        """(address, personal-link token) of everyone invited to a session, in order."""
        with self.rt.session() as s:
            mails = s.exec(select(OutboxEmail).where(
                OutboxEmail.template == "webinar_invitation",
                OutboxEmail.object_id == session_id).order_by(OutboxEmail.id))
            return [(m.to_addr, tokens_in(m.text_body)[0])
                    for m in mails]

    def _export_cp1251(self, heads: list[tuple[str, str]]) -> bytes:
        """The platform's export of the first webinar: seven heads long enough, one for
        12 minutes, the guest, and someone who never registered."""
        lines = ["Участник;Электронная почта;Время присутствия, мин"]
        for i, (email, _) in enumerate(heads[:8]):
            lines.append(f"Участник {i + 1};{email};{'12' if i == 7 else '85'}")
        lines.append("Лебедева Ксения Андреевна;lebedeva@guest.example.org;90")
        lines.append("Сидоренко Пётр Ильич;sidorenko@mail.example.org;64")
        return ("\r\n".join(lines) + "\r\n").encode("cp1251")

    def _feedback_tokens(self, session_id: int) -> list[str]:
        """The personal feedback links in the materials letters of a session's attendees."""
        with self.rt.session() as s:
            regs = select(Registration.id).where(Registration.session_id == session_id)
            bodies = s.exec(select(OutboxEmail.text_body).where(
                OutboxEmail.template == "webinar_materials",
                OutboxEmail.object_id.in_(regs)).order_by(OutboxEmail.id))
            return [t for b in bodies for t in tokens_in(b)]

    def _request(self, school: int) -> None:
        rt, clock = self.rt, self.clock
        with rt.session() as s:
            head = s.exec(select(Person).where(Person.organisation_id == school,
                                               Person.role == PersonRole.HEAD)).one()
        clock.set(at(14, month=11))
        request = submit_request(
            rt, organisation="МБОУ СОШ № 3 им. А.П. Чехова ст. Выселки",
            requester_name=head.full_name, email=head.email,
            topic="Наставничество молодых педагогов в сетевом проекте",
            audience="педагоги школы", preferred_dates="конец ноября, после 14:00",
            consent=True)
        clock.set(at(15, month=11))
        self.result.request_session = schedule_request(
            rt, request, start=datetime(2024, 11, 27, 14, 30), duration_minutes=60,
            meeting_url="https://meet.example.org/imc-request-1", speaker="Иванова Н. А.",
            capacity=40, actor=self.staff)
        say("14–15 ноября", f"Школа запросила вебинар (запрос №{request}); он назначен на "
                            "27.11.2024 14:30, приглашения ушли педагогам школы")
        self.send()

    # -- the report --------------------------------------------------------------------

    def print_report(self, local_sink: bool) -> None:
        rt, result = self.rt, self.result
        report = result.report
        for table in (summary(report), municipalities(report)):
            console.print(rich_table(table))
        console.print("Неизвестные в выгрузке первого вебинара: "
                      + ", ".join(f"строка {u['line']} — {u['name']} <{u['email']}>"
                                  for u in result.unknown))
        with rt.session() as s:
            moved = s.get(WebinarSession, result.sessions[1])
            docs = s.exec(select(Document).where(Document.kind == "webinar_certificate")
                          .order_by(Document.id)).all()
        console.print(f"Перенесённый вебинар: SEQUENCE {moved.sequence}, "
                      f"{moved.starts_at.astimezone(MOSCOW):%d.%m.%Y %H:%M}")
        if docs:
            console.print("Сертификаты (.docx), первый: "
                          f"{rt.settings.documents_dir / docs[0].path}", soft_wrap=True)
        console.print(f"Отчёт по циклу (.xlsx): {result.report_path}", soft_wrap=True)
        where = (f"сохранены в {rt.settings.mail_dir}" if local_sink
                 else f"отправлены на {rt.settings.smtp_host}:{rt.settings.smtp_port}")
        console.print(f"Писем: {result.emails}, {where}. База демо: "
                      f"{rt.settings.sqlalchemy_url}", soft_wrap=True)


def say(when: str, text: str) -> None:
    console.print(f"[bold cyan]{when}[/] · {text}")

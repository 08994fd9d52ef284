"""`make demo`, part two: «Инновационный поиск 2024» from the Положение to the status registry.

Twelve schools of the district (data/samples/schools.csv) are invited; eleven applications
are registered (nine through the invitation link, two from paper by staff import), one
school is late and one sends a duplicate — both refused with the reason. Screening returns
one application (resubmitted through its link) and rejects one; five experts (one from a
school, one with a declared conflict) review the other ten; one expert is late and reminded
by the sweep. Two applications tie on the total and the rules' first tie-break criterion
(«Новизна») decides which of them is the laureate. The jury meets, the results are approved
and the status is awarded. The clock follows the rules' dates (March–April 2024), so every
run prints the same story. The store is its own, under var/demo/contest/, wiped per run.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from rich import box
from rich.console import Console
from rich.table import Table
from sqlmodel import select

from adapters.clock import MOSCOW, FrozenClock
from adapters.russian import date_long, date_short
from config.settings import PROJECT_ROOT, get_settings
from demo.agreements import demo_runtime
from models import Application, Contest, Document, MailStatus, Organisation, OrgKind, OutboxEmail
from services import (
    contest_experts,
    contest_results,
    contest_review,
    contest_screening,
    contests,
    mail_delivery,
    org as orgs,
)
from services.contest_forms import ApplicationForm
from services.contest_import import import_applications
from services.contest_intake import apply, apply_view
from services.contest_rules import load_rules
from services.contest_rules_checks import plain
from services.errors import DomainError
from services.links import tokens_in
from services.org import staff_actor
from services.partners import import_partners
from services.runtime import Runtime
from services.seed import load_centre
from services.sweep import fire_timers

SCHOOLS = PROJECT_ROOT / "data" / "samples" / "schools.csv"
RULES = PROJECT_ROOT / "data" / "contests" / "innovative-search-2024.yaml"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CRITERIA = ("relevance", "novelty", "practical_value", "feasibility", "scalability")
# Each expert of an application differs a little on two criteria; the offsets sum to zero,
# so the averages (and the totals below) are exactly the project's scores.
OFFSETS = ({"feasibility": 1, "scalability": 0}, {"feasibility": -1, "scalability": 1},
           {"feasibility": 0, "scalability": -1})
console = Console()


@dataclass(frozen=True)
class Project:
    school: int  # line of data/samples/schools.csv (1 = the first school)
    title: str
    annotation: str
    contact: str
    mailbox: str  # the contact's mailbox at the school's domain
    scores: tuple[int, ...] = ()  # relevance, novelty, practical value, feasibility, scalability


# Totals (weights 1; 1,5; 1,5; 1; 1 — max 60): №3 54, №5 51,5, №1 48 and №8 48 (a tie that
# «Новизна» breaks: 9 against 8), №4 44,5, №6 42,5, №2 40,5, №7 39,5, №9 36, №10 34,5.
PROJECTS = {
    1: Project(1, "Читающая станица: сетевой литературный проект школьников и родителей",
               "Совместные читательские марафоны, буктрейлеры и семейные чтения с участием "
               "библиотек станицы; электронный дневник читателя для 1–9 классов.",
               "Гладкова Марина Юрьевна", "gladkova", (8, 9, 7, 8, 8)),
    2: Project(2, "Цифровая лаборатория естественных наук в основной школе",
               "Лабораторные работы по физике, химии и биологии с цифровыми датчиками; "
               "банк сценариев уроков для учителей района.",
               "Рябова Анастасия Игоревна", "ryabova", (7, 6, 7, 8, 6)),
    3: Project(3, "Школа — технопарк: проектная инженерия для учащихся 5–9 классов",
               "Модульная программа инженерных проектов (робототехника, 3D-моделирование, "
               "прототипирование) с защитой проектов перед предприятиями района.",
               "Мельник Андрей Викторович", "melnik", (10, 9, 9, 9, 8)),
    4: Project(4, "Кадетское братство: модель патриотического воспитания в сельской школе",
               "Кадетские классы с казачьим компонентом, шефство над памятниками, "
               "наставничество старших кадет над младшими.",
               "Кривошеева Оксана Петровна", "krivosheeva", (8, 7, 8, 7, 7)),
    5: Project(5, "Агрошкола: профориентация на профессии АПК через школьное опытное поле",
               "Опытное поле и теплица как учебная площадка: исследовательские проекты по "
               "агрономии с хозяйствами станицы, профильные пробы для 8–9 классов.",
               "Степаненко Юлия Андреевна", "stepanenko", (9, 9, 8, 8, 9)),
    6: Project(6, "Космос рядом: астрономический клуб и школьная обсерватория",
               "Внеурочный курс астрономии, наблюдения с телескопом, сетевые онлайн-занятия "
               "для малокомплектных школ района.",
               "Ермоленко Павел Сергеевич", "ermolenko", (7, 8, 7, 7, 6)),
    7: Project(7, "Наставничество «учитель — учитель»: сопровождение молодых педагогов",
               "Пары «наставник — молодой педагог», взаимопосещение уроков, методический "
               "кейс-клуб.",
               "Дьяченко Наталья Владимировна", "dyachenko", (7, 7, 6, 6, 7)),
    8: Project(8, "Финансовая грамотность через игру: школьный банк",
               "Деловая игра «Школьный банк» на весь учебный год: вклады, кредиты и бюджет "
               "класса; интеграция в уроки математики и обществознания.",
               "Ломакина Ирина Васильевна", "lomakina", (8, 8, 8, 8, 8)),
    9: Project(9, "Медиацентр «Голос станицы»: школьные газета, радио и видеостудия",
               "Редакция из учащихся 7–11 классов, курс медиаграмотности, новости станицы "
               "для жителей.",
               "Арутюнян Карина Левоновна", "arutyunyan", (6, 6, 6, 7, 5)),
    10: Project(10, "Малокомплектная школа: разновозрастное обучение на основе модулей",
                "Модульное расписание и разновозрастные группы в основной школе с малым "
                "числом учащихся; методические рекомендации для таких школ района.",
                "Шевчук Галина Владимировна", "shevchuk", (6, 5, 6, 6, 6)),
    11: Project(11, "Обновление кабинета информатики",
                "Закупка 12 ноутбуков и интерактивной панели для кабинета информатики.",
                "Коваленко Дмитрий Сергеевич", "kovalenko"),
    12: Project(12, "Семейная школа выходного дня",
                "Субботние мастерские для детей и родителей: ремёсла, спорт, краеведение.",
                "Пономаренко Светлана Юрьевна", "ponomarenko"),
}
# Through the invitation link: (school, day of March, hour); a school met twice sends a
# duplicate the second time.
ONLINE = [(1, 5, 11), (3, 6, 9), (4, 7, 14), (6, 11, 10), (4, 12, 9), (2, 13, 16),
          (5, 14, 12), (7, 15, 10), (9, 18, 15), (11, 20, 11)]
PAPER = [(8, "21.03.2024"), (10, "22.03.2024")]  # came by post, entered by staff on 22 March
LATE, RETURNED, REJECTED = 12, 7, 11
RETURN_REASONS = ("нет календарного плана-графика реализации проекта и не указаны "
                  "измеримые результаты")
REJECT_REASON = ("заявка описывает закупку оборудования, а не инновационный проект: нет "
                 "новизны и ожидаемых образовательных результатов")

EXPERTS = [  # (last, first, middle, email, position, school line or None)
    ("Сидоренко", "Елена", "Викторовна", "sidorenko.expert@sosh2.vyselki-edu.example.org",
     "заместитель директора по УВР МБОУ СОШ № 2 им. М.Ю. Лермонтова ст. Выселки", 2),
    ("Полищук", "Андрей", "Николаевич", "polishchuk@kubsu.example.org",
     "доцент кафедры педагогики и психологии", None),
    ("Демченко", "Марина", "Игоревна", "demchenko@rmo-vyselki.example.org",
     "руководитель районного методического объединения учителей начальных классов", None),
    ("Лысенко", "Виктор", "Павлович", "lysenko@uo-vyselki.example.org",
     "главный специалист управления образования", None),
    ("Бондаренко", "Ирина", "Сергеевна", "bondarenko@iro23.example.org",
     "методист регионального института развития образования", None),
]
CONFLICT = (2, 6, "до 2023 года работала в этой школе заместителем директора")  # expert, school
LATE_EXPERT = 3  # Лысенко: reminded by the sweep on 7 April, scores on 8 April
COMMENTS = ("Проект соответствует задачам развития образования района; план реалистичен.",
            "Сильная сторона — практическая значимость; стоит уточнить показатели.",
            "Опыт может быть перенесён в другие школы района; ресурсы достаточны.")
MAIL_LABELS = {
    "contest_invitation": "приглашения", "contest_application_receipt": "о регистрации",
    "contest_application_accepted": "о допуске", "contest_application_returned": "о возврате",
    "contest_application_rejected": "об отклонении", "contest_intake_closed": "итог приёма",
    "contest_expert_assignments": "экспертам", "contest_expert_reminder": "напоминания",
    "contest_result": "об итогах",
}


@dataclass
class DemoResult:
    """What the run produced, for the smoke test."""

    contest_id: int = 0
    refusals: list[str] = field(default_factory=list)
    ranking: list[dict] = field(default_factory=list)  # place, number, school, total, …
    registry: list[dict] = field(default_factory=list)
    emails: int = 0
    sent: int = 0
    documents: dict[str, list[Path]] = field(default_factory=dict)


def at(day: int, month: int = 3, hour: int = 10, minute: int = 0) -> datetime:
    """A moment of 2024 in Moscow time."""
    return datetime(2024, month, day, hour, minute, tzinfo=MOSCOW)


def run_demo(data_dir: Path | None = None) -> DemoResult:
    data_dir = data_dir or get_settings().data_dir / "demo" / "contest"
    with demo_runtime(data_dir, at(1, hour=9)) as (rt, clock, local_sink):
        story = _Story(rt, clock)
        story.run()
        return story.report(local_sink)


class _Story:
    def __init__(self, rt: Runtime, clock: FrozenClock,
                 schools: list[int] | None = None) -> None:
        """`schools`: the ids of schools.csv's organisations when the store already has
        them (part four of the demo), in the file's order; else the story imports them."""
        self.rt, self.clock = rt, clock
        self.result = DemoResult()
        self.imported = schools
        self.schools: dict[int, int] = {}  # csv line → organisation id
        self.apps: dict[int, int] = {}  # school → application id
        self.experts: list[int] = []

    # -- the story ---------------------------------------------------------------------

    def run(self) -> None:
        rt, clock = self.rt, self.clock
        load_centre(rt)
        self.staff, self.director = staff_actor(rt, "ivanova"), staff_actor(rt, "verzunova")
        if self.imported is None:
            report = import_partners(rt, SCHOOLS.read_bytes(), SCHOOLS.name,
                                     actor=self.staff, kind=OrgKind.SCHOOL)
            self.schools = dict(enumerate(report.ids, start=1))
            say("1 марта", f"Загружены школы района из {SCHOOLS.name}: {report.created}")
        else:
            self.schools = dict(enumerate(self.imported, start=1))
        _, version, _ = load_rules(rt, RULES, actor=self.staff)
        cid = self.result.contest_id = contests.create(rt, rules_code="innovative-search",
                                                       actor=self.staff)
        contests.announce(rt, cid, actor=self.director)
        with rt.transaction() as tx:
            contest, _ = contests.get(tx, cid)
        say("1 марта", f"Положение (версия {version}) загружено; приказ № "
                       f"{contest.order_number} о проведении конкурса; приглашения всем школам")
        self._panel(cid)
        self.send()

        clock.set(at(4, hour=0, minute=5))
        fire_timers(rt)
        say("4 марта", "Сроки наступили: приём заявок открыт")
        for school, day, hour in ONLINE:
            clock.set(at(day, hour=hour))
            token = self._invitation(school)
            if school in self.apps:
                self._refused(f"{self._short(school)}, повторная заявка",
                              lambda t=token, s=school: apply(rt, t, self._form(s), []))
                continue
            apply_view(rt, token)
            self.apps[school] = apply(rt, token, self._form(school), [("Проект.pdf", PDF)])
            self.send()
        say("5–20 марта", f"По ссылкам из приглашений подано заявок: {len(self.apps)}")

        clock.set(at(22, hour=15))
        ids = import_applications(rt, cid, self._paper_csv(), "заявки на бумаге.csv",
                                  actor=self.staff)
        self.apps.update(zip([s for s, _ in PAPER], ids, strict=True))
        say("22 марта", f"Внесены заявки, пришедшие почтой: {len(ids)}")
        self.send()

        clock.set(at(23, hour=0, minute=5))
        fire_timers(rt)
        say("23 марта", f"Приём закрыт по сроку; зарегистрировано заявок: {len(self.apps)}")
        clock.set(at(23, hour=10))
        self._refused(f"{self._short(LATE)}, заявка после срока",
                      lambda: apply(rt, self._invitation(LATE), self._form(LATE), []))
        self.send()

        self._screening()
        self._review(cid)

        clock.set(at(15, month=4, hour=10))
        contest_results.start_deliberation(rt, cid, actor=self.staff)
        clock.set(at(15, month=4, hour=12))
        contest_results.approve_results(rt, cid, actor=self.director)
        say("15 апреля", "Заседание жюри: экспертные листы, сводная ведомость, протокол; "
                         "итоги утверждены")
        clock.set(at(16, month=4, hour=10))
        awarded = contest_results.award(rt, cid, actor=self.director)
        self.send()
        with rt.session() as s:
            contest = s.get(Contest, cid)
        say("16 апреля", f"Приказ № {contest.results_order_number} об итогах; дипломов и "
                         f"сертификатов: {awarded}; письма с итогами отправлены")

    def _panel(self, cid: int) -> None:
        for last, first, middle, email, position, school in EXPERTS:
            self.experts.append(contest_experts.add_expert(
                self.rt, cid, last_name=last, first_name=first, middle_name=middle,
                email=email, position=position,
                organisation_id=self.schools[school] if school else None, actor=self.staff))
        expert, school, note = CONFLICT
        contest_experts.declare_conflict(self.rt, cid, self.experts[expert],
                                         self.schools[school], note=note, actor=self.staff)
        say("1 марта", f"Экспертов: {len(EXPERTS)}; {EXPERTS[0][0]} — из "
                       f"{self._short(EXPERTS[0][5])}; {EXPERTS[expert][0]} заявила конфликт "
                       f"интересов с {self._short(school)}")

    def _screening(self) -> None:
        rt, clock = self.rt, self.clock
        clock.set(at(25, hour=11))
        for school, app_id in self.apps.items():
            if school == RETURNED:
                until = contest_screening.return_for_revision(rt, app_id, actor=self.staff,
                                                              reasons=RETURN_REASONS)
                say("25 марта", f"{self._number(app_id)} ({self._short(school)}) возвращена "
                                f"на доработку до {date_long(until)}: {RETURN_REASONS}")
            elif school == REJECTED:
                contest_screening.reject(rt, app_id, actor=self.staff, reason=REJECT_REASON)
                line = (f"{self._number(app_id)} ({self._short(school)}) отклонена: "
                        f"{REJECT_REASON}")
                self.result.refusals.append(line)
                say("25 марта", line)
            else:
                contest_screening.accept(rt, app_id, actor=self.staff)
        self.send()
        clock.set(at(26, hour=16))
        token = self._link("contest_application_returned", self.apps[RETURNED])
        contest_screening.application_view(rt, token)
        p = PROJECTS[RETURNED]
        form = self._form(RETURNED, annotation=p.annotation + " План-график на 2024–2026 годы "
                          "и показатели результативности приложены.")
        contest_screening.resubmit(rt, token, form, [("План-график.pdf", PDF)])
        clock.set(at(27, hour=10))
        contest_screening.accept(rt, self.apps[RETURNED], actor=self.staff)
        say("26–27 марта", f"{self._number(self.apps[RETURNED])} доработана по той же ссылке "
                           "и принята к экспертизе")
        self.send()

    def _review(self, cid: int) -> None:
        rt, clock = self.rt, self.clock
        clock.set(at(28, hour=10))
        table = contest_review.start_review(rt, cid, actor=self.staff)
        loads = Counter(e for ids in table.values() for e in ids)
        school_expert, (conflicted, conflict_school, _) = self.experts[0], CONFLICT
        if (school_expert in table[self.apps[EXPERTS[0][5]]]
                or self.experts[conflicted] in table[self.apps[conflict_school]]):
            raise SystemExit("Демо: эксперт назначен вопреки конфликту интересов")
        say("28 марта", f"Экспертиза: {len(table)} заявок × 3 эксперта, нагрузка "
                        f"{'/'.join(str(loads[e]) for e in self.experts)}; {EXPERTS[0][0]} не "
                        f"оценивает заявку своей школы, {EXPERTS[conflicted][0]} — заявку "
                        f"{self._short(conflict_school)}")
        self.send()
        by_number = {self._number(a): (school, a) for school, a in self.apps.items()}
        on_time = [e for n, e in enumerate(self.experts) if n != LATE_EXPERT]
        for day, expert_id in enumerate(on_time, start=1):
            clock.set(at(day, month=4, hour=14))
            self._score(expert_id, table, by_number)
        say(f"1–{len(on_time)} апреля", f"Оценки по ссылкам из писем прислали "
                                         f"{len(on_time)} эксперта из {len(self.experts)}")
        clock.set(at(7, month=4, hour=0, minute=5))
        reminded = fire_timers(rt)["experts_reminded"]
        self.send()
        late = EXPERTS[LATE_EXPERT]
        name = f"{late[0]} {late[1][0]}. {late[2][0]}."
        say("7 апреля", f"До срока экспертизы 3 дня: напоминаний {len(reminded)} ({name})")
        clock.set(at(8, month=4, hour=17))
        self._score(self.experts[LATE_EXPERT], table, by_number)
        say("8 апреля", f"{name} прислал оценки; экспертиза завершена: "
                        f"{sum(len(v) for v in table.values())} оценок")

    def _score(self, expert_id: int, table: dict, by_number: dict) -> None:
        for number, token in self._review_links(expert_id).items():
            school, app_id = by_number[number]
            position = table[app_id].index(expert_id)
            contest_review.review_view(self.rt, token)
            scores = dict(zip(CRITERIA, PROJECTS[school].scores, strict=True))
            for code, delta in OFFSETS[position].items():
                scores[code] += delta
            contest_review.submit_review(self.rt, token, scores, COMMENTS[position])

    # -- helpers -----------------------------------------------------------------------

    def send(self) -> None:
        asyncio.run(mail_delivery.drain(self.rt))

    def _refused(self, who: str, attempt) -> None:
        try:
            attempt()
        except DomainError as err:
            line = f"{who}: {err.message}"
            self.result.refusals.append(line)
            say(date_long(self.clock.now()).removesuffix(" 2024 г."), line, refusal=True)
        else:
            raise SystemExit(f"Демо: заявка {who} должна была получить отказ")

    def _form(self, school: int, **changes) -> ApplicationForm:
        p = PROJECTS[school]
        with self.rt.transaction() as tx:
            head = orgs.head_of(tx, self.schools[school])
        values = dict(project_title=p.title, annotation=p.annotation, head_name=head.full_name,
                      head_position=head.position, contact_name=p.contact,
                      contact_email=self._mailbox(school, head.email),
                      contact_phone=f"8 (86157) 7-00-{school:02d}", consent=True)
        return ApplicationForm(**{**values, **changes})

    @staticmethod
    def _mailbox(school: int, head_email: str) -> str:
        return f"{PROJECTS[school].mailbox}@{head_email.rpartition('@')[2]}"

    def _paper_csv(self) -> bytes:
        """The paper applications as staff type them into a table (what Excel saves)."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(["ИНН", "Организация", "Название проекта", "Аннотация",
                         "ФИО руководителя", "Должность руководителя", "Контактное лицо",
                         "Email", "Телефон", "Согласие", "Дата подачи"])
        for school, day in PAPER:
            with self.rt.session() as s:
                org = s.get(Organisation, self.schools[school])
            form = self._form(school)
            writer.writerow([org.inn or "", org.short_name, form.project_title, form.annotation,
                             form.head_name, form.head_position, form.contact_name,
                             form.contact_email, form.contact_phone, "да", day])
        return out.getvalue().encode("utf-8")

    def _invitation(self, school: int) -> str:
        with self.rt.transaction() as tx:
            head = orgs.head_of(tx, self.schools[school])
        return self._link("contest_invitation", self.result.contest_id, to_addr=head.email)

    def _link(self, template: str, object_id: int, to_addr: str | None = None) -> str:
        with self.rt.session() as s:
            stmt = select(OutboxEmail).where(OutboxEmail.template == template,
                                             OutboxEmail.object_id == object_id)
            if to_addr:
                stmt = stmt.where(OutboxEmail.to_addr == to_addr)
            mail = s.exec(stmt.order_by(OutboxEmail.id.desc())).first()
        return tokens_in(mail.text_body)[0]

    def _review_links(self, expert_id: int) -> dict[str, str]:
        """Registration number → review link, from the one email the expert got."""
        with self.rt.session() as s:
            mail = s.exec(select(OutboxEmail).where(
                OutboxEmail.template == "contest_expert_assignments",
                OutboxEmail.object_id == self.result.contest_id,
                OutboxEmail.to_addr == EXPERTS[self.experts.index(expert_id)][3])).one()
        return dict(re.findall(r"(ИП-\d+/2024) — .*?\n\s+Оценить: \S+/l/(\S+)", mail.text_body))

    def _short(self, school: int) -> str:
        with self.rt.session() as s:
            return s.get(Organisation, self.schools[school]).short_name

    def _number(self, app_id: int) -> str:
        with self.rt.session() as s:
            return s.get(Application, app_id).number

    # -- the report --------------------------------------------------------------------

    def report(self, local_sink: bool) -> DemoResult:
        rt, result, cid = self.rt, self.result, self.result.contest_id
        ranking, apps = contest_results.ranking(rt, cid)
        registry = contest_results.registry(rt)
        with rt.session() as s:
            names = {a.id: s.get(Organisation, a.organisation_id).short_name
                     for a in apps.values()}
            mails = list(s.exec(select(OutboxEmail).order_by(OutboxEmail.id)))
            docs = list(s.exec(select(Document).order_by(Document.id)))
            entries = [(e, s.get(Organisation, e.organisation_id).short_name)
                       for e in registry]
        labels = {"winner": "победитель", "laureate": "лауреат", "participant": "участник"}
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False,
                      title="Рейтинг «Инновационный поиск 2024» (максимум 60 баллов)")
        for header, options in (("Место", {"justify": "right"}), ("Заявка", {"no_wrap": True}),
                                ("Школа", {"min_width": 24}),
                                ("Баллы", {"justify": "right"}), ("Итог", {}),
                                ("Равенство", {})):
            table.add_column(header, **options)
        for r in ranking.rows:
            row = {"place": r.rank, "number": apps[r.application_id].number,
                   "school": names[r.application_id], "total": plain(r.total),
                   "outcome": labels[str(r.outcome)], "tie": r.tie_rule or ""}
            result.ranking.append(row)
            table.add_row(str(row["place"]), row["number"], row["school"], row["total"],
                          row["outcome"], row["tie"].replace("по критерию ", "критерий "))
        console.print(table)
        novelty = "novelty"
        for t in ranking.ties:
            hi, lo = ranking.row(t.higher), ranking.row(t.lower)
            console.print(f"Равенство: {apps[t.higher].number} и {apps[t.lower].number} набрали "
                          f"по {plain(t.total)}; выше {apps[t.higher].number} — {t.rule} "
                          f"(средний балл {plain(hi.averages[novelty])} против "
                          f"{plain(lo.averages[novelty])})", soft_wrap=True)
        for note in ranking.notes:
            console.print(note)

        console.print("[bold]Реестр статусов[/]")
        for e, name in entries:
            result.registry.append({"organisation": name, "status": e.status,
                                    "order": e.order_number, "valid_to": e.valid_to})
            console.print(f"  {name} — «{e.status}», приказ № {e.order_number} от "
                          f"{date_short(e.order_date)}, действует с {date_short(e.valid_from)} "
                          f"по {date_short(e.valid_to)}; обязательств: {len(e.obligations)}",
                          soft_wrap=True)

        result.emails = len(mails)
        result.sent = sum(m.status == MailStatus.SENT for m in mails)
        kinds = Counter(m.template for m in mails)
        parts = ", ".join(f"{MAIL_LABELS.get(k, k)} {n}" for k, n in kinds.items())
        where = (f"сохранены в {rt.settings.mail_dir}" if local_sink
                 else f"отправлены на {rt.settings.smtp_host}:{rt.settings.smtp_port}")
        console.print(f"[bold]Писем: {len(mails)}[/] (отправлено {result.sent}) — {parts}. "
                      f"Письма {where}", soft_wrap=True)

        by_kind: dict[str, list[Path]] = {}
        for d in docs:
            by_kind.setdefault(d.kind, []).append(rt.settings.documents_dir / d.path)
        result.documents = by_kind
        console.print("[bold]Документы конкурса[/]")
        for kind, label in (("contest_regulations", "Положение"),
                            ("contest_order", "Приказ о проведении"),
                            ("expert_sheet", "Экспертные листы"),
                            ("contest_summary", "Сводная ведомость (.docx)"),
                            ("contest_summary_xlsx", "Сводная ведомость (.xlsx)"),
                            ("contest_protocol", "Протокол заседания жюри"),
                            ("contest_results_order", "Приказ об итогах"),
                            ("contest_diploma", "Дипломы"),
                            ("contest_certificate", "Сертификаты участников")):
            paths = by_kind.get(kind, [])
            shown = paths if kind in ("contest_diploma",) else paths[:1]
            count = f" ({len(paths)}, например)" if len(paths) > len(shown) else (
                f" ({len(paths)})" if len(paths) > 1 else "")
            console.print(f"  {label}{count}:")
            for path in shown:
                console.print(f"    {path}", soft_wrap=True)
        console.print(f"База демо: {rt.settings.sqlalchemy_url}", soft_wrap=True)
        winner = next((r for r in result.ranking if r["outcome"] == "победитель"), None)
        if winner is None or len(result.registry) != 1:
            raise SystemExit("Демо: ожидались один победитель и одна запись в реестре статусов")
        return result


def say(when: str, text: str, *, refusal: bool = False) -> None:
    mark = "[red]Отказ[/] " if refusal else ""
    console.print(f"[dim]{when}[/] {mark}{text}", soft_wrap=True, highlight=False)

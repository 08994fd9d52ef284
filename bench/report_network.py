"""The year 2024 of a large network, inserted in bulk for bench_report (issue 5).

Row dicts through insert(), 1,000 rows a statement (as services.outbox.queue_many does), not
the service layer per item: what bench_report measures is the report, not the seeding. Every
row is one the processes could have made: valid states, the required columns filled.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench.setup import staff_actor

ROOT = Path(__file__).resolve().parent.parent
CHUNK = 1000
MUNICIPALITIES = (
    ("Выселковский район", "ст-ца Выселки", "353100"),
    ("Тихорецкий район", "г. Тихорецк", "352120"),
    ("Кореновский район", "г. Кореновск", "353180"),
    ("Усть-Лабинский район", "г. Усть-Лабинск", "352330"),
    ("Брюховецкий район", "ст-ца Брюховецкая", "352750"),
    ("Тимашевский район", "г. Тимашевск", "352700"), ("Динской район", "ст-ца Динская", "353200"),
    ("Павловский район", "ст-ца Павловская", "352040"),
    ("Ленинградский район", "ст-ца Ленинградская", "353740"),
    ("Каневской район", "ст-ца Каневская", "353730"))
NAMES = (("Кузнецова", "Мария", "Ивановна"), ("Петрова", "Анна", "Сергеевна"),
         ("Соколова", "Елена", "Викторовна"), ("Морозов", "Андрей", "Петрович"),
         ("Волкова", "Ольга", "Николаевна"), ("Лебедев", "Игорь", "Александрович"),
         ("Новикова", "Татьяна", "Юрьевна"), ("Козлова", "Наталья", "Михайловна"))
TOPICS = ("Функциональная грамотность: сетевые практики", "Наставничество в сетевой школе",
          "Цифровая образовательная среда", "Проектная деятельность обучающихся",
          "Оценка качества образования", "Инклюзивное образование в сети")
FORMS = ("online", "in_person", "phone", "written")


def _insert(conn, model, rows: list[dict]) -> None:
    import sqlalchemy as sa

    for start in range(0, len(rows), CHUNK):
        conn.execute(sa.insert(model), rows[start:start + CHUNK])


def _at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _people_fields() -> list[dict]:
    """The ФИО pool with its cases, declined once each (pytrovich is not measured here)."""
    from models import Person, PersonRole
    from services.org import fill_cases

    out = []
    for last, first, middle in NAMES:
        p = fill_cases(Person(role=PersonRole.HEAD, last_name=last, first_name=first,
                              middle_name=middle))
        out.append({k: getattr(p, k) for k in (
            "last_name", "first_name", "middle_name", "gender", "fio_genitive", "fio_dative",
            "fio_accusative", "fio_instrumental", "fio_prepositional")})
    return out


def _organisations(conn, n: int, now: datetime) -> dict:
    """n organisations (every third a partner) with a head and one or two deputies each."""
    import sqlalchemy as sa

    from models import Organisation, OrgKind, Person, PersonRole

    rows = []
    for i in range(1, n + 1):
        municipality, town, index = MUNICIPALITIES[i % len(MUNICIPALITIES)]
        partner = i % 3 == 0
        rows.append(dict(
            kind=OrgKind.PARTNER if partner else OrgKind.SCHOOL,
            full_name=("Муниципальное автономное общеобразовательное учреждение лицей"
                       if partner else "Муниципальное бюджетное общеобразовательное "
                       "учреждение средняя общеобразовательная школа") + f" № {i}",
            short_name=f"{'МАОУ лицей' if partner else 'МБОУ СОШ'} № {i}",
            municipality=municipality, legal_address=f"{index}, Краснодарский край, {town}, "
            f"ул. Школьная, {i}", inn=None, phone="8 (86157) 7-00-00",
            email=f"org{i}@example.org", basis_genitive="Устава", created_at=now))
    _insert(conn, Organisation, rows)
    orgs = conn.execute(sa.select(Organisation.id, Organisation.kind).where(
        Organisation.kind != OrgKind.CENTRE).order_by(Organisation.id)).all()
    names, people = _people_fields(), []
    for i, (org_id, _kind) in enumerate(orgs, start=1):
        for k in range(2 + i % 2):  # the head, then one or two deputies
            people.append(dict(
                organisation_id=org_id, role=PersonRole.DEPUTY if k else PersonRole.HEAD,
                position="Заместитель директора" if k else "Директор",
                position_genitive="заместителя директора" if k else "директора",
                email=f"org{i}.{'deputy' + str(k) if k else 'head'}@example.org",
                active=True, created_at=now, **names[(i + k) % len(names)]))
    _insert(conn, Person, people)
    rows = conn.execute(sa.select(Person.id, Person.organisation_id, Person.role, Person.email)
                        .where(Person.role.in_((PersonRole.HEAD, PersonRole.DEPUTY)))
                        .order_by(Person.id)).all()
    partners = {org_id for org_id, kind in orgs if kind == OrgKind.PARTNER}
    by_org = {r.organisation_id: r for r in rows if r.role == PersonRole.HEAD}
    return {"orgs": [o for o, _ in orgs], "partners": sorted(partners), "head_of": by_org,
            "heads": [r.id for r in rows if r.role == PersonRole.HEAD],
            "deputies": [r.id for r in rows if r.role == PersonRole.DEPUTY],
            "partner_heads": [r.id for r in rows if r.role == PersonRole.HEAD
                              and r.organisation_id in partners],
            "partner_deputies": [r.id for r in rows if r.role == PersonRole.DEPUTY
                                 and r.organisation_id in partners]}


def _agreements(conn, net: dict, staff_id: int) -> dict:
    """Nine in ten partners registered during 2024; the rest sent or declined in December."""
    from models import Agreement, AgreementState as A, SignedVia

    rows, n = [], len(net["partners"])
    for j, partner in enumerate(net["partners"]):
        sent = date(2024, 1, 10) + timedelta(days=j * 330 // n)
        row = dict(partner_id=partner, subject="Сетевое взаимодействие в сфере методического "
                   "сопровождения педагогов", obligations_centre="Проводить вебинары",
                   obligations_partner="Участвовать в мероприятиях сети", term_years=3,
                   responsible_id=staff_id, draft_version=1, return_comment="",
                   decline_reason="", close_reason="", sent_at=_at(sent),
                   created_at=_at(sent - timedelta(days=3)), updated_at=_at(sent),
                   number=None, registered_on=None, starts_on=None, ends_on=None,
                   signed_via=None, signed_at=None)  # one statement: the same keys in every row
        if j < n * 9 // 10:
            on = sent + timedelta(days=7)
            row.update(state=A.REGISTERED, number=f"СВ-{j + 1}/2024", registered_on=on,
                       starts_on=on, ends_on=on + timedelta(days=3 * 365),  # the 3-year term
                       signed_via=tuple(SignedVia)[j % 3], signed_at=_at(on), updated_at=_at(on))
        elif j % 2:
            row.update(state=A.SENT_TO_PARTNER, sent_at=_at(date(2024, 12, 2)),
                       updated_at=_at(date(2024, 12, 2)))
        else:
            row.update(state=A.DECLINED, decline_reason="Нет возможности участвовать в 2024 году",
                       sent_at=_at(date(2024, 12, 2)), updated_at=_at(date(2024, 12, 9)))
        rows.append(row)
    _insert(conn, Agreement, rows)
    return {"agreements": len(rows),
            "agreements_registered": sum(r["state"] == A.REGISTERED for r in rows)}


def _sessions(conn, count: int, staff_id: int) -> list:
    """Two cycles (spring, autumn), all sessions held; the last five without certificates."""
    import sqlalchemy as sa

    from models import CycleState, Segment, SessionState as S, WebinarCycle, WebinarSession

    half = count // 2
    cycles = [("Весенний цикл сетевых методических вебинаров", date(2024, 1, 16), 5,
               CycleState.CLOSED), ("Осенний цикл сетевых методических вебинаров",
                                    date(2024, 9, 3), 4, CycleState.ANNOUNCED)]
    _insert(conn, WebinarCycle, [dict(
        title=title, goal="Методическое сопровождение педагогов сети", year=2024,
        certificate_rule="per_session", partners_in_parallel=True, min_minutes=30, state=state,
        source="", source_name="", created_by=staff_id, created_at=_at(first - timedelta(30)),
        updated_at=_at(first)) for title, first, _step, state in cycles])
    cycle_ids = list(conn.execute(sa.select(WebinarCycle.id).order_by(WebinarCycle.id)).scalars())
    rows = []
    for c, (cycle_id, (_t, first, step, _s)) in enumerate(zip(cycle_ids, cycles, strict=True)):
        for p in range(1, (half if c == 0 else count - half) + 1):
            n = c * half + p
            starts = _at(first + timedelta(days=(p - 1) * step), 12)
            rows.append(dict(
                cycle_id=cycle_id, position=p, topic=f"{TOPICS[n % len(TOPICS)]} (часть {n})",
                speaker="Иванова Н. А., методист МКУ ИМЦ",
                segment=Segment.HEADS if n % 2 else Segment.DEPUTIES, starts_at=starts,
                duration_minutes=90, meeting_url=f"https://meet.example.org/imc-{n}",
                capacity=1000, sequence=0, cancel_reason="",
                state=S.HELD if n > count - 5 else S.CERTIFICATES_ISSUED,
                created_at=_at(first - timedelta(30)), updated_at=starts))
    _insert(conn, WebinarSession, rows)
    return conn.execute(sa.select(WebinarSession.id, WebinarSession.cycle_id,
                                  WebinarSession.segment, WebinarSession.starts_at,
                                  WebinarSession.state).order_by(WebinarSession.id)).all()


def _webinars(conn, net: dict, sizes: dict, staff_id: int) -> dict:
    """Invitations, registrations with minutes (the attendance rows) and certificates."""
    from models import (
        Certificate,
        MailStatus,
        OutboxEmail,
        Registration,
        RegistrationState as R,
        Segment,
        SessionState,
    )

    sessions = _sessions(conn, sizes["sessions"], staff_id)
    per = sizes["attendance"] // len(sessions)  # attendance rows per session
    invitations, registrations, certificates, number = [], [], [], 0
    for s, session in enumerate(sessions):
        audience = (net["heads"] + net["partner_deputies"] if session.segment == Segment.HEADS
                    else net["deputies"] + net["partner_heads"])
        when = session.starts_at - timedelta(days=14)
        invitations += [dict(
            key=f"bench:webinar_invitation:{session.id}:{p}", template="webinar_invitation",
            to_addr=f"person{p}@example.org", to_name="", person_id=p,
            subject="Приглашение на сетевой вебинар", text_body="Приглашаем на вебинар.",
            html_body="", attachment_ids=[], object_kind="webinar_session", object_id=session.id,
            status=MailStatus.SENT, attempts=1, next_attempt_at=when, last_error="",
            sent_at=when, created_at=when) for p in audience]
        turn = s * 37 % len(audience)
        ordered = audience[turn:] + audience[:turn]
        issued = session.state == SessionState.CERTIFICATES_ISSUED
        attended = per * 33 // 40
        for k, person in enumerate(ordered[:per + per // 20 + per // 50]):
            if k < attended:
                state, minutes = (R.CERTIFICATE_ISSUED if issued else R.ATTENDED), 35 + k % 56
            elif k < per:
                state, minutes = R.NO_SHOW, 3 + k % 26
            else:
                state, minutes = (R.NO_SHOW if k < per + per // 20 else R.CANCELLED), None
            registrations.append(dict(
                session_id=session.id, person_id=person, state=state, source="link",
                registered_at=when + timedelta(days=1 + k % 10), round=1,
                minutes_attended=minutes, created_at=when, updated_at=session.starts_at))
            if k < attended and issued:
                number += 1
                certificates.append(dict(
                    cycle_id=session.cycle_id, person_id=person, session_id=session.id,
                    scope=f"session:{session.id}", number=f"ВС-{number}/2024",
                    sessions_attended=1, issued_at=session.starts_at + timedelta(days=2)))
    _insert(conn, OutboxEmail, invitations)
    _insert(conn, Registration, registrations)
    _insert(conn, Certificate, certificates)
    return {"sessions": len(sessions), "invitations": len(invitations),
            "registrations": len(registrations), "certificates": len(certificates),
            "cancelled": sum(r["state"] == R.CANCELLED for r in registrations),
            "attendances": sum(r["state"] in (R.ATTENDED, R.CERTIFICATE_ISSUED)
                               for r in registrations),
            "attendance_rows": sum(r["minutes_attended"] is not None for r in registrations)}


def _contests(conn, net: dict, total: int) -> dict:
    """Four contests of 2024 (two per shipped Положение: 300 organisations can make at most
    one application each to a contest), awarded: rejected, winners, laureates, participants."""
    import hashlib

    import sqlalchemy as sa

    from models import Application, ApplicationState as AS, Contest, ContestRules, ContestState

    rules = []
    for code, name in (("innovative-search", "innovative-search-2024.yaml"),
                       ("network-leader", "network-leader-2024.yaml")):
        text = (ROOT / "data" / "contests" / name).read_text(encoding="utf-8")
        rules.append(dict(code=code, version=1, title=code, source=text, loaded_by="bench",
                          sha256=hashlib.sha256(text.encode()).hexdigest(),
                          loaded_at=_at(date(2024, 2, 1))))
    _insert(conn, ContestRules, rules)
    rule_ids = list(conn.execute(sa.select(ContestRules.id).order_by(ContestRules.id)).scalars())
    plan = [(0, "Муниципальный образовательный конкурс «Инновационный поиск 2024»",
             date(2024, 3, 5)),
            (1, "Межмуниципальный конкурс «Лидер межмуниципального взаимодействия 2024»",
             date(2024, 10, 1)),
            (0, "Муниципальный образовательный конкурс «Инновационный поиск 2024» "
                "(осенняя сессия)", date(2024, 9, 10)),
            (1, "Межмуниципальный конкурс «Лидер межмуниципального взаимодействия 2024» "
                "(весенняя сессия)", date(2024, 4, 2))]
    _insert(conn, Contest, [dict(
        rules_id=rule_ids[r], code=rules[r]["code"], title=title, year=2024,
        state=ContestState.AWARDED, order_number=f"{100 + c}-о", order_date=opens,
        protocol_number=f"{c + 1}", protocol_date=opens + timedelta(days=45),
        results_order_number=f"{200 + c}-о", results_order_date=opens + timedelta(days=47),
        created_at=_at(opens), updated_at=_at(opens + timedelta(days=47)))
        for c, (r, title, opens) in enumerate(plan)])
    contest_ids = list(conn.execute(sa.select(Contest.id).order_by(Contest.id)).scalars())
    per, orgs, rows, numbers = total // len(plan), net["orgs"], [], {0: 0, 1: 0}
    states = {"winner": 0, "laureate": 0, "participant": 0, "rejected": 0}
    for c, (contest_id, (r, _title, opens)) in enumerate(zip(contest_ids, plan, strict=True)):
        for j in range(per):
            org = orgs[(c * 75 + j) % len(orgs)]
            head = net["head_of"][org]
            numbers[r] += 1
            rank = j - per // 20 + 1
            state = (AS.REJECTED if rank < 1 else AS.WINNER if rank <= max(1, per // 30)
                     else AS.LAUREATE if rank <= per // 8 else AS.PARTICIPANT)
            states[state.value] += 1
            at = _at(opens + timedelta(days=1 + j % 14))
            rows.append(dict(
                contest_id=contest_id, organisation_id=org, state=state,
                number=f"{('ИП', 'ЛМВ')[r]}-{numbers[r]}/2024",
                project_title=f"Сетевой проект № {j + 1}: школа полного дня",
                annotation="Проект о развитии внеурочной деятельности в сети.",
                head_name="Кузнецова Мария Ивановна", head_position="Директор",
                contact_name="Кузнецова Мария Ивановна", contact_email=head.email,
                contact_phone="", consent_text="Согласие на обработку персональных данных",
                consent_at=at, submitted_at=at, source="link", return_reasons="",
                reject_reason="Заявка не соответствует требованиям" if rank < 1 else "",
                total=None if rank < 1 else round(95 - rank * 0.25, 2),
                rank=None if rank < 1 else rank, averages={}, flagged=False, tie_rule="",
                outcome_note="", created_at=at, updated_at=at + timedelta(days=40)))
    _insert(conn, Application, rows)
    return {"contests": len(contest_ids), "applications": len(rows), **states}


def _consultations(conn, net: dict, held: int, methodologists: list[int]) -> dict:
    """`held` consultations held through 2024, and a tenth more still open or declined."""
    from models import Consultation, ConsultationState as C

    rows, orgs = [], net["orgs"]
    for k in range(held + held // 10):
        org = orgs[k * 7 % len(orgs)]
        head = net["head_of"][org]
        asked = _at(date(2024, 1, 9) + timedelta(days=k * 330 // (held + held // 10)), 8)
        state = C.HELD if k < held else (C.ASSIGNED, C.SUBMITTED, C.DECLINED)[k % 3]
        methodologist = methodologists[k % len(methodologists)] if state != C.SUBMITTED else None
        rows.append(dict(
            state=state, organisation_id=org, organisation_name=f"организация № {org}",
            person_id=head.id, requester_name="Кузнецова Мария Ивановна", email=head.email,
            phone="", topic=TOPICS[k % len(TOPICS)], question="", form=FORMS[k % len(FORMS)],
            preferred_dates="", source=("page", "api")[k % 2], consent_at=asked,
            methodologist_id=methodologist,
            scheduled_at=asked + timedelta(days=5) if methodologist else None,
            held_at=asked + timedelta(days=5) if state == C.HELD else None,
            duration_minutes=30 + k % 4 * 10 if state == C.HELD else None,
            result="Даны рекомендации по теме запроса" if state == C.HELD else "",
            decline_reason="Тема вне компетенции центра" if state == C.DECLINED else "",
            submitted_at=asked, decided_by=methodologist, updated_at=asked + timedelta(days=5)))
    _insert(conn, Consultation, rows)
    return {"consultations": len(rows), "consultations_held": held}


def seed(rt, sizes: dict) -> dict:
    """The year of the network, in bulk; the time of each part and what was made."""
    from sqlmodel import select

    from models import Person
    from services.plan import load_plan_file

    staff = staff_actor(rt, "ivanova")
    with rt.session() as s:
        methodologists = list(s.exec(select(Person.id).where(
            Person.login.in_(("ivanova", "remel")))))
    counts, times = {}, {}
    started = time.perf_counter()
    with rt.transaction() as tx:
        conn = tx.session.connection()
        net = _organisations(conn, sizes["organisations"], _at(date(2023, 12, 1)))
        times["organisations"] = time.perf_counter() - started
        counts.update(organisations=len(net["orgs"]), partners=len(net["partners"]),
                      people=len(net["heads"]) + len(net["deputies"]),
                      **_agreements(conn, net, staff.person_id))
        times["agreements"] = time.perf_counter() - started - sum(times.values())
        counts.update(_webinars(conn, net, sizes, staff.person_id))
        times["webinars"] = time.perf_counter() - started - sum(times.values())
        counts.update(_contests(conn, net, sizes["applications"]))
        counts.update(_consultations(conn, net, sizes["consultations"], methodologists))
        times["contests, consultations"] = time.perf_counter() - started - sum(times.values())
    load_plan_file(rt, ROOT / "data" / "plan" / "plan-2024.yaml", year=2024, actor=staff)
    times["plan 2024 (service)"] = time.perf_counter() - started - sum(times.values())
    return {"counts": counts, "seconds": {k: round(v, 2) for k, v in times.items()},
            "total_s": round(time.perf_counter() - started, 2), "net": net}


def one_more_consultation(rt, net: dict) -> None:
    """A consultation held on 20 December: the figures change, so a new version is due."""
    from models import Consultation, ConsultationState

    org = net["orgs"][0]
    head = net["head_of"][org]
    with rt.transaction() as tx:
        _insert(tx.session.connection(), Consultation, [dict(
            state=ConsultationState.HELD, organisation_id=org, organisation_name="организация",
            person_id=head.id, requester_name="Кузнецова Мария Ивановна", email=head.email,
            phone="", topic=TOPICS[0], question="", form="online", preferred_dates="",
            source="page", consent_at=_at(date(2024, 12, 16)), methodologist_id=None,
            scheduled_at=None, submitted_at=_at(date(2024, 12, 16)),
            held_at=_at(date(2024, 12, 20)), duration_minutes=40, result="Даны рекомендации",
            decline_reason="", decided_by=None, updated_at=_at(date(2024, 12, 20)))])

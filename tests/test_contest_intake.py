"""A contest from its rules to screened applications: announce, intake, screening, refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from adapters.docx_render import docx_text
from config.settings import PROJECT_ROOT
from models import Application, ApplicationState as A, Contest, ContestState as C, Document
from services import contest_screening, contests
from services.audit import trail
from services.contest_forms import ApplicationForm
from services.contest_import import import_applications
from services.contest_intake import apply, apply_view
from services.contest_rules import load_rules
from services.documents import read_bytes
from services.errors import DomainError, IllegalTransition, ImportRefused
from services.sweep import fire_timers
from tests.factories import emails, link_token, make_partner, make_school, staff_actor

RULES = PROJECT_ROOT / "data" / "contests" / "innovative-search-2024.yaml"
MARCH_1 = datetime(2024, 3, 1, 7, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n%%EOF\n"


def form(n: int = 1, **overrides) -> ApplicationForm:
    values = dict(project_title=f"Школа полного дня «Успех & рост» №{n}",
                  annotation="Проект о развитии внеурочной деятельности.",
                  head_name="Кузнецова Мария Ивановна", head_position="Директор",
                  contact_name="Орлова Анна Петровна", contact_email=f"orlova{n}@sosh.example.org",
                  contact_phone="+7 900 000-00-00", consent=True)
    return ApplicationForm(**{**values, **overrides})


@pytest.fixture
def contest(rt, clock):
    """«Инновационный поиск 2024» announced on 1 March with three schools invited."""
    clock.set(MARCH_1)
    for n in (1, 2, 3):
        make_school(rt, n)
    load_rules(rt, RULES, actor=staff_actor(rt))
    contest_id = contests.create(rt, rules_code="innovative-search", actor=staff_actor(rt))
    contests.announce(rt, contest_id, actor=staff_actor(rt))
    return contest_id


def state(rt, model, object_id):
    with rt.session() as s:
        return s.get(model, object_id).state


def invitation(rt, n: int) -> str:
    mail = next(m for m in emails(rt, template="contest_invitation")
                if m.to_addr == f"director@sosh{n}.example.org")
    return link_token(mail)


def test_announce_issues_order_regulations_and_invitations(rt, contest):
    assert state(rt, Contest, contest) == C.ANNOUNCED
    with rt.session() as s:
        stmt = select(Document).where(Document.object_kind == "contest")
        docs = {d.kind: d for d in s.exec(stmt)}
    regulations = docx_text(read_bytes(rt, docs["contest_regulations"]))
    assert "УТВЕРЖДЕНО" in regulations and "1-ОД" in regulations
    assert "Новизна" in regulations and "1 марта 2024 г." in regulations
    order = docx_text(read_bytes(rt, docs["contest_order"]))
    assert "ПРИКАЗ" in order and "1-ОД" in order and "{{" not in order
    invitations = emails(rt, template="contest_invitation")
    assert sorted(m.to_addr for m in invitations) == [
        f"director@sosh{n}.example.org" for n in (1, 2, 3)]
    assert all(m.attachment_ids == [docs["contest_regulations"].id] for m in invitations)


def test_intake_opens_on_its_date_and_registers_numbered_applications(rt, contest, clock):
    with pytest.raises(DomainError, match="ещё не открыт"):
        apply(rt, invitation(rt, 1), form(1), [])
    clock.set(datetime(2024, 3, 4, 6, 0, tzinfo=UTC))
    fire_timers(rt)
    assert state(rt, Contest, contest) == C.ACCEPTING
    first = apply(rt, invitation(rt, 1), form(1), [("проект.pdf", PDF)])
    second = apply(rt, invitation(rt, 2), form(2), [])
    with rt.session() as s:
        numbers = [s.get(Application, i).number for i in (first, second)]
    assert numbers == ["ИП-1/2024", "ИП-2/2024"]
    receipt = emails(rt, template="contest_application_receipt")[0]
    assert receipt.to_addr == "orlova1@sosh.example.org" and "ИП-1/2024" in receipt.subject
    view = apply_view(rt, invitation(rt, 1))
    assert view["existing"] == "ИП-1/2024" and not view["can_apply"]


def test_duplicate_ineligible_late_and_incomplete_applications_are_refused(rt, contest, clock):
    clock.set(datetime(2024, 3, 5, 6, 0, tzinfo=UTC))
    fire_timers(rt)
    apply(rt, invitation(rt, 1), form(1), [])
    with pytest.raises(DomainError, match="уже подана заявка № ИП-1/2024"):
        apply(rt, invitation(rt, 1), form(1), [])
    with pytest.raises(DomainError, match="согласия на обработку персональных данных"):
        apply(rt, invitation(rt, 2), form(2, consent=False, project_title=""), [])
    with pytest.raises(DomainError, match="не принят"):
        apply(rt, invitation(rt, 2), form(2), [("вирус.exe", b"MZ\x90\x00")])
    clock.set(datetime(2024, 3, 23, 6, 0, tzinfo=UTC))
    with pytest.raises(DomainError, match="подана после срока"):
        apply(rt, invitation(rt, 3), form(3), [])
    refused = [e for e in trail(rt, "contest", contest) if e.outcome == "refused"]
    assert [e.action for e in refused] == ["apply"] * 4
    with rt.session() as s:
        assert len(list(s.exec(select(Application)))) == 1


def test_intake_is_closed_by_the_sweep_and_staff_are_told(rt, contest, clock):
    clock.set(datetime(2024, 3, 5, 6, 0, tzinfo=UTC))
    fire_timers(rt)
    apply(rt, invitation(rt, 1), form(1), [])
    clock.set(datetime(2024, 3, 22, 20, 0, tzinfo=UTC))  # 23:00 in Moscow: still the 22nd
    fire_timers(rt)
    assert state(rt, Contest, contest) == C.ACCEPTING
    clock.advance(timedelta(hours=2))
    fire_timers(rt)
    fire_timers(rt)
    assert state(rt, Contest, contest) == C.SCREENING
    closed = emails(rt, template="contest_intake_closed")
    assert len(closed) == 2 and "Получено заявок: 1" in closed[0].text_body


def test_screening_accept_return_resubmit_and_reject(rt, contest, clock):
    clock.set(datetime(2024, 3, 5, 6, 0, tzinfo=UTC))
    fire_timers(rt)
    a1 = apply(rt, invitation(rt, 1), form(1), [])
    a2 = apply(rt, invitation(rt, 2), form(2), [])
    a3 = apply(rt, invitation(rt, 3), form(3), [])
    staff = staff_actor(rt)
    contest_screening.accept(rt, a1, actor=staff)
    deadline = contest_screening.return_for_revision(rt, a2, actor=staff,
                                                     reasons="Нет плана-графика")
    assert deadline.isoformat() == "2024-03-10"
    returned = emails(rt, template="contest_application_returned")[0]
    assert "Нет плана-графика" in returned.text_body and "10 марта 2024 г." in returned.text_body
    token = link_token(returned)
    assert contest_screening.resubmit(rt, token, form(2, annotation="С планом-графиком."),
                                      [("план.pdf", PDF)]) == "submitted"
    contest_screening.accept(rt, a2, actor=staff)
    with pytest.raises(IllegalTransition, match="укажите причину"):
        contest_screening.reject(rt, a3, actor=staff, reason=" ")
    contest_screening.reject(rt, a3, actor=staff, reason="Не соответствует тематике")
    assert [state(rt, Application, a) for a in (a1, a2, a3)] == [A.ACCEPTED, A.ACCEPTED,
                                                                 A.REJECTED]
    templates = [m.template for m in emails(rt)]
    assert templates.count("contest_application_accepted") == 2
    assert templates.count("contest_application_rejected") == 1


def test_a_return_not_resubmitted_in_time_is_rejected(rt, contest, clock):
    clock.set(datetime(2024, 3, 5, 6, 0, tzinfo=UTC))
    fire_timers(rt)
    app_id = apply(rt, invitation(rt, 1), form(1), [])
    contest_screening.return_for_revision(rt, app_id, actor=staff_actor(rt), reasons="Подпись")
    token = link_token(emails(rt, template="contest_application_returned")[0])
    clock.advance(timedelta(days=6))
    with pytest.raises(IllegalTransition, match="срок доработки истёк"):
        contest_screening.resubmit(rt, token, form(1), [])
    fire_timers(rt)
    assert state(rt, Application, app_id) == A.REJECTED
    rejected = emails(rt, template="contest_application_rejected")[0]
    assert "не доработана в срок" in rejected.text_body


def test_a_partner_cannot_enter_the_district_contest(rt, contest, clock):
    from models import Organisation
    from services.contest_intake import refusal

    partner = make_partner(rt, 9)
    clock.set(datetime(2024, 3, 5, 6, 0, tzinfo=UTC))
    fire_timers(rt)
    with rt.transaction() as tx:
        c, spec = contests.get(tx, contest)
        assert tx.session.get(Organisation, partner) is not None
        assert "не может участвовать" in refusal(tx, c, spec, partner, tx.now)


CSV = ("ИНН;Организация;Название проекта;Аннотация;ФИО руководителя;Должность руководителя;"
       "Контактное лицо;Email;Телефон;Согласие;Дата подачи\n"
       ";МБОУ СОШ № 1 ст. Выселки;Проект 1;Аннотация 1;Кузнецова М.И.;Директор;Орлова А.П.;"
       "a1@sosh.example.org;;да;20.03.2024\n"
       ";МБОУ СОШ № 2 ст. Выселки;Проект 2;Аннотация 2;Кузнецова М.И.;Директор;Орлова А.П.;"
       "a2@sosh.example.org;;да;{late}\n"
       ";МБОУ СОШ № 404;Проект 3;;Кузнецова М.И.;Директор;Орлова А.П.;a3@sosh.example.org;;нет;"
       "21.03.2024\n")


def test_import_refuses_the_whole_file_with_every_problem_then_registers(rt, contest, clock):
    clock.set(datetime(2024, 3, 25, 6, 0, tzinfo=UTC))
    fire_timers(rt)  # opened, then closed: paper applications dated in time still count
    bad = CSV.format(late="23.03.2024").encode("cp1251")
    with pytest.raises(ImportRefused) as err:
        import_applications(rt, contest, bad, "заявки.csv", actor=staff_actor(rt))
    text = err.value.message
    assert "строка 3: приём заявок закрыт" in text
    assert "строка 4: организация «МБОУ СОШ № 404» не найдена" in text
    assert "Аннотация проекта" in text and "согласия" in text
    with rt.session() as s:
        assert list(s.exec(select(Application))) == []
    good = "\n".join(CSV.format(late="22.03.2024").splitlines()[:3]).encode("utf-8-sig")
    ids = import_applications(rt, contest, good, "заявки.csv", actor=staff_actor(rt))
    assert len(ids) == 2
    assert len(emails(rt, template="contest_application_receipt")) == 2


def test_a_running_contest_keeps_the_rules_it_started_with(rt, contest):
    from services.contest_rules import latest_rules

    changed = RULES.read_text(encoding="utf-8").replace("max_files: 5", "max_files: 2")
    _, version, created = load_rules(rt, changed, actor=staff_actor(rt))
    assert (version, created) == (2, True)
    with rt.transaction() as tx:
        _, spec = contests.get(tx, contest)
    assert spec.application.max_files == 5
    assert latest_rules(rt, "innovative-search").version == 2
    newer = contests.create(rt, rules_code="innovative-search", actor=staff_actor(rt))
    with rt.transaction() as tx:
        assert contests.get(tx, newer)[1].application.max_files == 2

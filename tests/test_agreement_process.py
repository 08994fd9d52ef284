"""The whole agreement process through the services, reloaded from the store at every step."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from adapters.docx_render import docx_text
from models import Agreement, AgreementState as S, AuditEntry, Document
from models.fsm import DirectStateWriteError
from services import agreement_links, agreements
from services.audit import inconsistencies, trail
from services.documents import read_bytes
from services.errors import IllegalTransition
from tests.factories import director_actor, emails, link_token, make_partner, staff_actor


def load(rt, agreement_id) -> Agreement:
    with rt.session() as s:
        return s.get(Agreement, agreement_id)


def docs(rt, agreement_id) -> list[Document]:
    from sqlmodel import select

    with rt.session() as s:
        return list(s.exec(select(Document).where(Document.object_id == agreement_id)
                           .order_by(Document.id)))


def test_start_makes_draft_and_asks_director(rt):
    partner = make_partner(rt)
    ag_id = agreements.start(rt, partner_id=partner, actor=staff_actor(rt))
    ag = load(rt, ag_id)
    assert ag.state == S.AWAITING_APPROVAL
    (draft,) = docs(rt, ag_id)
    text = docx_text(read_bytes(rt, draft))
    assert "«Истоки & Ко»" in text and "Петровой Анны Сергеевны" in text
    assert "{{" not in text and "{%" not in text
    (mail,) = emails(rt)
    assert mail.to_addr == "director@imc-vyselki.example.org"
    assert mail.attachment_ids == [draft.id]
    assert "/l/" in mail.text_body
    actions = [e.action for e in trail(rt, "agreement", ag_id)]
    assert actions == ["create", "submit"]


def test_happy_path_through_link_registers_with_number(rt):
    partner = make_partner(rt)
    ag_id = agreements.start(rt, partner_id=partner, actor=staff_actor(rt))
    agreements.approve(rt, ag_id, actor=director_actor(rt))
    assert load(rt, ag_id).state == S.SENT_TO_PARTNER
    invitation = emails(rt, template="agreement_partner_invitation")[0]
    assert invitation.to_addr == "head1@school1.example.org"
    view = agreement_links.partner_view(rt, link_token(invitation))
    assert view["can_act"] and load(rt, ag_id).state == S.SENT_TO_PARTNER  # GET does not act
    state = agreement_links.partner_act(rt, link_token(invitation), "confirm")
    assert state == "registered"
    ag = load(rt, ag_id)
    assert ag.number == "СВ-1/2024" and ag.registered_on.isoformat() == "2024-04-01"
    registered = next(d for d in docs(rt, ag_id) if d.kind == "agreement_registered")
    text = docx_text(read_bytes(rt, registered))
    assert "СВ-1/2024" in text and "1 апреля 2024 г." in text and "ПРОЕКТ" not in text
    templates = [m.template for m in emails(rt)]
    assert "agreement_registered_partner" in templates
    assert "agreement_registered_staff" in templates
    assert inconsistencies(rt, "agreement", Agreement) == []


def test_numbers_have_no_gaps_and_restart_each_year(rt, clock):
    numbers = []
    for n in range(1, 4):
        ag_id = agreements.start(rt, partner_id=make_partner(rt, n), actor=staff_actor(rt))
        agreements.approve(rt, ag_id, actor=director_actor(rt))
        if n == 3:
            clock.advance(timedelta(days=300))  # registered in January 2025
        agreements.record_signed(rt, ag_id, actor=staff_actor(rt))
        numbers.append(load(rt, ag_id).number)
    assert numbers == ["СВ-1/2024", "СВ-2/2024", "СВ-1/2025"]


def test_return_then_resubmit_makes_a_new_draft_version(rt):
    ag_id = agreements.start(rt, partner_id=make_partner(rt), actor=staff_actor(rt))
    agreements.return_draft(rt, ag_id, actor=director_actor(rt), comment="Уточнить предмет")
    ag = load(rt, ag_id)
    assert ag.state == S.DRAFT and ag.return_comment == "Уточнить предмет"
    assert [m.template for m in emails(rt)][-1] == "agreement_returned"
    agreements.submit(rt, ag_id, actor=staff_actor(rt), subject="Совместные вебинары")
    assert [d.version for d in docs(rt, ag_id)] == [1, 2]
    assert len(emails(rt, template="agreement_approval_request")) == 2


def test_only_director_approves_and_refusal_is_audited(rt):
    ag_id = agreements.start(rt, partner_id=make_partner(rt), actor=staff_actor(rt))
    with pytest.raises(IllegalTransition, match="только директор"):
        agreements.approve(rt, ag_id, actor=staff_actor(rt))
    assert load(rt, ag_id).state == S.AWAITING_APPROVAL
    last = trail(rt, "agreement", ag_id)[-1]
    assert last.outcome == "refused" and last.action == "approve"


def test_direct_state_assignment_is_refused(rt):
    ag_id = agreements.start(rt, partner_id=make_partner(rt), actor=staff_actor(rt))
    with rt.session() as s:
        ag = s.get(Agreement, ag_id)
        with pytest.raises(DirectStateWriteError):
            ag.state = S.REGISTERED


def test_state_written_around_the_transitions_is_detected(rt):
    ag_id = agreements.start(rt, partner_id=make_partner(rt), actor=staff_actor(rt))
    with rt.engine.begin() as conn:
        conn.execute(sa.text("UPDATE agreements SET state='registered' WHERE id=:id"),
                     {"id": ag_id})
    (problem,) = inconsistencies(rt, "agreement", Agreement)
    assert "в обход переходов" in problem


def test_audit_entries_cannot_be_changed(rt):
    ag_id = agreements.start(rt, partner_id=make_partner(rt), actor=staff_actor(rt))
    with rt.session() as s:
        from sqlmodel import select

        entry = s.exec(select(AuditEntry).where(AuditEntry.object_id == ag_id)).first()
        entry.reason = "подделка"
        s.add(entry)
        with pytest.raises(Exception, match="нельзя изменять"):
            s.commit()


def test_corrected_cases_are_used_in_the_next_draft(rt):
    from services import people

    partner = make_partner(rt)
    with rt.session() as s:
        from sqlmodel import select

        from models import Person

        head = s.exec(select(Person).where(Person.organisation_id == partner)).one()
    diff = people.edit(rt, head.id, {"fio_genitive": "Петровой-Водкиной Анны Сергеевны"},
                       actor=staff_actor(rt))
    assert diff["fio_genitive"]["стало"] == "Петровой-Водкиной Анны Сергеевны"
    assert trail(rt, "person", head.id)[-1].action == "edit"
    ag_id = agreements.start(rt, partner_id=partner, actor=staff_actor(rt))
    (draft,) = docs(rt, ag_id)
    assert "в лице директора Петровой-Водкиной Анны Сергеевны" in docx_text(read_bytes(rt, draft))

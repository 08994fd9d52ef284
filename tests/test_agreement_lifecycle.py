"""Timers by moving the clock, the end of an agreement's life, events and retries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models import Agreement, AgreementState as S, Document, OutboxEmail
from services import agreement_links, agreement_timers, agreements
from services.audit import trail
from services.errors import IllegalTransition
from tests.factories import director_actor, emails, link_token, make_partner, staff_actor


def load(rt, ag_id) -> Agreement:
    with rt.session() as s:
        return s.get(Agreement, ag_id)


def sent(rt, n=1) -> int:
    ag_id = agreements.start(rt, partner_id=make_partner(rt, n), actor=staff_actor(rt))
    agreements.approve(rt, ag_id, actor=director_actor(rt))
    return ag_id


def registered(rt, n=1) -> int:
    ag_id = sent(rt, n)
    agreements.record_signed(rt, ag_id, actor=staff_actor(rt), note="оригинал по почте")
    return ag_id


def test_reminders_at_n_days_escalation_at_m_days_each_once(rt, clock):
    ag_id = sent(rt)
    clock.advance(timedelta(days=6, hours=23))
    assert agreement_timers.sweep(rt).total() == 0
    clock.advance(timedelta(hours=2))
    assert agreement_timers.sweep(rt).reminders == [ag_id]
    assert agreement_timers.sweep(rt).total() == 0  # the same moment again: nothing
    clock.advance(timedelta(days=7))
    report = agreement_timers.sweep(rt)
    assert report.escalations == [ag_id] and report.reminders == []
    clock.advance(timedelta(days=30))
    assert agreement_timers.sweep(rt).total() == 0
    assert len(emails(rt, template="agreement_partner_reminder")) == 1
    (escalation,) = emails(rt, template="agreement_escalation")
    assert escalation.to_addr == "ivanova@imc-vyselki.example.org"
    assert [e.action for e in trail(rt, "agreement", ag_id)][-2:] == ["remind_partner", "escalate"]


def test_no_reminder_after_the_partner_has_signed(rt, clock):
    ag_id = sent(rt)
    invitation = emails(rt, template="agreement_partner_invitation")[0]
    agreement_links.partner_act(rt, link_token(invitation), "confirm")
    clock.advance(timedelta(days=20))
    assert agreement_timers.sweep(rt).total() == 0
    assert load(rt, ag_id).state == S.REGISTERED


def test_expiry_notice_then_expiry(rt, clock):
    ag_id = registered(rt)
    ends = load(rt, ag_id).ends_on
    assert ends.isoformat() == "2027-03-31"  # three years from 1 April 2024
    clock.advance(timedelta(days=365 * 3 - 40))
    assert agreement_timers.sweep(rt).total() == 0
    clock.advance(timedelta(days=15))
    assert agreement_timers.sweep(rt).expiring == [ag_id]
    assert load(rt, ag_id).state == S.EXPIRING
    clock.advance(timedelta(days=40))
    assert agreement_timers.sweep(rt).expired == [ag_id]
    assert load(rt, ag_id).state == S.EXPIRED
    templates = [m.template for m in emails(rt)]
    assert templates.count("agreement_expiring") == 1 and templates.count("agreement_expired") == 1


def test_renewal_links_a_new_agreement(rt, clock):
    old_id = registered(rt)
    new_id = agreements.renew(rt, old_id, actor=staff_actor(rt))
    old, new = load(rt, old_id), load(rt, new_id)
    assert old.state == S.RENEWED
    assert new.renewed_from_id == old_id and new.state == S.AWAITING_APPROVAL
    assert new.starts_on == old.ends_on + timedelta(days=1)


def test_cancel_before_registration_tells_the_partner(rt):
    ag_id = sent(rt)
    with pytest.raises(IllegalTransition, match="укажите причину"):
        agreements.cancel(rt, ag_id, actor=staff_actor(rt), reason="  ")
    agreements.cancel(rt, ag_id, actor=staff_actor(rt), reason="Партнёр реорганизован")
    assert load(rt, ag_id).state == S.CANCELLED
    assert emails(rt, template="agreement_cancelled_partner")
    invitation = emails(rt, template="agreement_partner_invitation")[0]
    with pytest.raises(IllegalTransition):
        agreement_links.partner_act(rt, link_token(invitation), "confirm")


def test_terminate_only_in_force(rt):
    ag_id = sent(rt)
    with pytest.raises(IllegalTransition, match="направлен партнёру"):
        agreements.terminate(rt, ag_id, actor=staff_actor(rt), reason="нарушение условий")
    other = registered(rt, 2)
    agreements.terminate(rt, other, actor=staff_actor(rt), reason="По соглашению сторон")
    assert load(rt, other).state == S.TERMINATED
    assert emails(rt, template="agreement_terminated_partner")


ILLEGAL = [
    ("approve", S.SENT_TO_PARTNER),
    ("return_draft", S.SENT_TO_PARTNER),
    ("record_signed", S.AWAITING_APPROVAL),
    ("renew", S.AWAITING_APPROVAL),
    ("terminate", S.AWAITING_APPROVAL),
    ("submit", S.AWAITING_APPROVAL),
]


@pytest.mark.parametrize(("operation", "state"), ILLEGAL)
def test_illegal_transitions_are_refused_audited_and_change_nothing(rt, operation, state):
    ag_id = agreements.start(rt, partner_id=make_partner(rt), actor=staff_actor(rt))
    if state == S.SENT_TO_PARTNER:
        agreements.approve(rt, ag_id, actor=director_actor(rt))
    before = (load(rt, ag_id).state, len(emails(rt)))
    kwargs = {"actor": director_actor(rt)}
    if operation == "return_draft":
        kwargs["comment"] = "замечания"
    if operation == "terminate":
        kwargs["reason"] = "причина"
    with pytest.raises(IllegalTransition):
        getattr(agreements, operation)(rt, ag_id, **kwargs)
    assert (load(rt, ag_id).state, len(emails(rt))) == before
    assert trail(rt, "agreement", ag_id)[-1].outcome == "refused"


def test_each_transition_emits_a_business_event(rt):
    ag_id = sent(rt)
    names = [e.name for e in rt.events.events]
    assert names == ["imc.agreement.create", "imc.agreement.submit", "imc.agreement.approve"]
    assert rt.events.events[-1].resource_id == f"imc.agreement.{ag_id}"
    assert rt.events.events[-1].payload["state"] == "sent_to_partner"


def test_a_failure_in_the_middle_leaves_nothing_and_a_retry_does_it_once(rt, monkeypatch):
    ag_id = agreements.start(rt, partner_id=make_partner(rt), actor=staff_actor(rt))
    from services import outbox

    real = outbox.queue_email

    def crash(*args, **kwargs):
        raise ConnectionError("сбой посреди шага")

    monkeypatch.setattr("services.agreements.queue_to_person", crash)
    with pytest.raises(ConnectionError):
        agreements.approve(rt, ag_id, actor=director_actor(rt))
    assert load(rt, ag_id).state == S.AWAITING_APPROVAL
    assert not emails(rt, template="agreement_partner_invitation")
    monkeypatch.undo()
    assert outbox.queue_email is real
    agreements.approve(rt, ag_id, actor=director_actor(rt))
    agreements.advance(rt, ag_id)
    agreements.advance(rt, ag_id)
    with rt.session() as s:
        keys = [d.key for d in s.exec(select(Document))]
        mails = [m.key for m in s.exec(select(OutboxEmail))]
    assert len(keys) == len(set(keys)) == 1
    assert mails.count(f"agreement:{ag_id}:partner_invitation") == 1


def test_advance_twice_after_signing_registers_once(rt):
    ag_id = sent(rt)
    invitation = emails(rt, template="agreement_partner_invitation")[0]
    agreement_links.partner_act(rt, link_token(invitation), "confirm")
    for _ in range(3):
        assert agreements.advance(rt, ag_id) == "registered"
    assert len(emails(rt, template="agreement_registered_partner")) == 1
    assert [e.action for e in trail(rt, "agreement", ag_id)].count("register") == 1


def test_pending_events_are_forwarded_once(rt):
    from adapters.events import MemoryEventSink, PendingEventSink
    from services.event_forwarding import forward_pending, pending_count

    rt.events = PendingEventSink()
    sent(rt)
    assert pending_count(rt) == 3
    feed = MemoryEventSink()
    assert forward_pending(rt, feed) == 3
    assert forward_pending(rt, feed) == 0
    assert [e.name for e in feed.events] == ["imc.agreement.create", "imc.agreement.submit",
                                             "imc.agreement.approve"]
    assert len({e.event_id for e in feed.events}) == 3


def test_a_failed_renewal_leaves_the_old_agreement_in_force(rt):
    from models import Person, PersonRole

    old_id = registered(rt)
    with rt.transaction() as tx:  # the partner's head left: no draft can be made
        head = tx.session.exec(select(Person).where(Person.role == PersonRole.HEAD)).one()
        head.active = False
        tx.session.add(head)
    with pytest.raises(Exception, match="не указан руководитель"):
        agreements.renew(rt, old_id, actor=staff_actor(rt))
    assert load(rt, old_id).state == S.REGISTERED
    with rt.session() as s:
        assert len(list(s.exec(select(Agreement)))) == 1


def test_a_renewed_agreement_stays_in_force_until_its_end(rt, clock):
    from adapters.clock import moscow_date
    from models.agreement import in_force_clause

    old_id = registered(rt)
    agreements.renew(rt, old_id, actor=staff_actor(rt))
    with rt.session() as s:
        def in_force():
            today = moscow_date(clock.now())
            return list(s.exec(select(Agreement.id).where(in_force_clause(today))))

        assert in_force() == [old_id]
        clock.advance(timedelta(days=365 * 3 + 1))
        assert in_force() == []


def test_an_approval_link_for_an_earlier_draft_is_refused(rt):
    ag_id = agreements.start(rt, partner_id=make_partner(rt), actor=staff_actor(rt))
    first = link_token(emails(rt, template="agreement_approval_request")[0])
    agreements.return_draft(rt, ag_id, actor=director_actor(rt), comment="Уточнить срок")
    agreements.submit(rt, ag_id, actor=staff_actor(rt))
    from services.errors import LinkRefused

    with pytest.raises(LinkRefused, match="прежней редакции"):
        agreement_links.director_act(rt, first, "approve")
    assert load(rt, ag_id).state == S.AWAITING_APPROVAL
    assert trail(rt, "agreement", ag_id)[-1].outcome == "refused"
    latest = link_token(emails(rt, template="agreement_approval_request")[-1])
    assert agreement_links.director_act(rt, latest, "approve") == "sent_to_partner"


def test_a_late_sweep_sends_no_burst_of_reminders(rt, clock):
    ag_id = sent(rt)
    clock.advance(timedelta(days=22))  # the sweep did not run for three weeks
    report = agreement_timers.sweep(rt)
    assert report.reminders == [] and report.escalations == [ag_id]
    assert emails(rt, template="agreement_partner_reminder") == []


def test_a_download_through_an_expired_link_is_refused_and_audited(rt, clock):
    from services.errors import LinkRefused

    ag_id = sent(rt)
    token = link_token(emails(rt, template="agreement_partner_invitation")[0])
    clock.advance(timedelta(days=rt.settings.link_ttl_days + 1))
    with pytest.raises(LinkRefused, match="истёк"):
        agreement_links.link_document(rt, token)
    last = trail(rt, "agreement", ag_id)[-1]
    assert (last.action, last.outcome) == ("download", "refused")

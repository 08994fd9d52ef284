"""The agreement's timers, fired by the sweep: reminders, escalation, expiry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlmodel import select

from adapters.clock import as_utc, moscow_date
from models import Agreement, AgreementState as S
from models.agreement_machine import IN_FORCE, agreement_machine as M
from services import documents, org as orgs
from services.actors import Actor
from services.agreement_context import mail_context
from services.agreements import KIND, responsible
from services.outbox import queue_to_person, queued
from services.runtime import Runtime, Tx
from services.transitions import transition


@dataclass
class SweepReport:
    reminders: list[int] = field(default_factory=list)
    escalations: list[int] = field(default_factory=list)
    expiring: list[int] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)

    def total(self) -> int:
        return len(self.reminders) + len(self.escalations) + len(self.expiring) + len(self.expired)


def sweep(rt: Runtime) -> SweepReport:
    """Fire every due timer once; a second sweep at the same moment does nothing."""
    report = SweepReport()
    with rt.session() as s:
        waiting = list(s.exec(select(Agreement.id).where(Agreement.state == S.SENT_TO_PARTNER)))
        in_force = list(s.exec(select(Agreement.id).where(Agreement.state.in_(IN_FORCE))))
    for agreement_id in waiting:
        with rt.transaction() as tx:
            _partner_timers(tx, tx.session.get(Agreement, agreement_id), report)
    for agreement_id in in_force:
        with rt.transaction() as tx:
            _term_timers(tx, tx.session.get(Agreement, agreement_id), report)
    return report


def _partner_timers(tx: Tx, ag: Agreement, report: SweepReport) -> None:
    settings = tx.rt.settings
    waited = tx.now - as_utc(ag.sent_at)
    every = timedelta(days=settings.agreement_remind_after_days)
    escalate_at = timedelta(days=settings.agreement_escalate_after_days)
    due = min(int(waited / every), max(int((escalate_at - timedelta(seconds=1)) / every), 1))
    # Only the latest due reminder, and none once escalation is due: a sweep that ran late
    # must not send the partner a burst of identical letters.
    key = f"{KIND}:{ag.id}:reminder:{due}"
    if due >= 1 and waited < escalate_at and not queued(tx, key):
        with transition(tx, M, ag, "remind_partner", actor=Actor.scheduler()) as step:
            step.details["reminder"] = due
            doc = documents.find(tx, f"{KIND}:{ag.id}:draft:v{ag.draft_version}")
            head = orgs.head_of(tx, ag.partner_id)
            queue_to_person(tx, head, key=key, template="agreement_partner_reminder",
                            context=mail_context(tx, ag, reminder=due, days=waited.days,
                                                 link=_partner_link(tx, ag, head)),
                            attachment_ids=[doc.id] if doc else [], object_kind=KIND,
                            object_id=ag.id, step=step)
        report.reminders.append(ag.id)
    if waited >= escalate_at and not queued(tx, _escalation_key(tx, ag)):
        with transition(tx, M, ag, "escalate", actor=Actor.scheduler()) as step:
            for person in responsible(tx, ag):
                queue_to_person(tx, person, key=f"{KIND}:{ag.id}:escalation:to:{person.id}",
                                template="agreement_escalation",
                                context=mail_context(tx, ag, staff=person, days=waited.days),
                                object_kind=KIND, object_id=ag.id, step=step)
        report.escalations.append(ag.id)


def _escalation_key(tx: Tx, ag: Agreement) -> str:
    first = responsible(tx, ag)[0]
    return f"{KIND}:{ag.id}:escalation:to:{first.id}"


def _partner_link(tx: Tx, ag: Agreement, head) -> str:
    from services.agreements import PURPOSE_PARTNER
    from services.links import link_url

    return link_url(tx.rt, person_id=head.id, object_kind=KIND, object_id=ag.id,
                    purpose=PURPOSE_PARTNER)


def _term_timers(tx: Tx, ag: Agreement, report: SweepReport) -> None:
    today = moscow_date(tx.now)
    notice = timedelta(days=tx.rt.settings.agreement_expiry_notice_days)
    if ag.state == S.REGISTERED and today >= ag.ends_on - notice:
        with transition(tx, M, ag, "expiry_notice", actor=Actor.scheduler()) as step:
            _mail_staff(tx, ag, "agreement_expiring", "expiring", step)
        report.expiring.append(ag.id)
    if today > ag.ends_on:
        with transition(tx, M, ag, "expire", actor=Actor.scheduler()) as step:
            _mail_staff(tx, ag, "agreement_expired", "expired", step)
        report.expired.append(ag.id)


def _mail_staff(tx: Tx, ag: Agreement, template: str, key: str, step) -> None:
    for person in responsible(tx, ag):
        queue_to_person(tx, person, key=f"{KIND}:{ag.id}:{key}:to:{person.id}",
                        template=template, context=mail_context(tx, ag, staff=person),
                        object_kind=KIND, object_id=ag.id, step=step)

"""Participants' certificates of a webinar cycle (сертификат участника), issued idempotently.

The cycle's rule decides who qualifies:
- per_session: one certificate for each attended registration of a session that is held
  (or later), scope «session:<id>»;
- min_sessions: one certificate per person who attended at least `cycle.min_sessions` of
  the cycle's sessions, scope «cycle»; issued as soon as the person qualifies.

Each certificate gets a number «ВС-n/year» (services.numbering, no gaps; the year is that of
issue in Moscow, like every registry number, not the cycle's), a row, a .docx
rendered in one batch with the others, a letter with the .docx attached, and its attended
registrations move to «сертификат выдан». All of one batch is one transaction: a retry after a
crash finds either the whole batch (and skips it) or none of it (and the same numbers again).
A session moves to «сертификаты выданы» once none of its attendees waits for a certificate
(per_session), or, under min_sessions, once every session of the cycle has ended. A session
with no attendance marked at all (everyone still «зарегистрирован») is left as it is.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import select

from adapters.clock import moscow_date
from adapters.russian import date_long
from models import Organisation, Person
from models.webinar import (
    CertificateRule,
    Registration,
    RegistrationState as R,
    SessionState as S,
    WebinarCycle,
    WebinarSession,
)
from models.webinar_followup import Certificate
from models.webinar_machine import registration_machine, session_machine
from services import documents, numbering, webinar_certificate_context as ctx
from services.actors import Actor
from services.org import centre_card
from services.outbox import queue_to_person
from services.runtime import Runtime, Tx
from services.transitions import transition
from services.webinar_certificate_context import CYCLE_SCOPE, Unit
from services.webinar_queries import get_cycle

BATCH = 1000  # certificates per transaction
HELD = (S.HELD, S.MATERIALS_SENT, S.CERTIFICATES_ISSUED, S.CLOSED)
FINISHING = (S.HELD, S.MATERIALS_SENT)  # the sources of «issue_certificates»
MARKED = (R.ATTENDED, R.NO_SHOW, R.CERTIFICATE_ISSUED)


@dataclass
class IssueResult:
    cycle_id: int
    already: int = 0  # certificates the cycle had before this run
    numbers: list[str] = field(default_factory=list)  # issued now, in order
    without_email: list[str] = field(default_factory=list)  # numbers not mailed: no address
    sessions_done: list[int] = field(default_factory=list)  # moved to «сертификаты выданы»
    sessions_waiting: list[int] = field(default_factory=list)  # min_sessions: not all ended

    @property
    def issued(self) -> int:
        return len(self.numbers)


def issue_certificates(rt: Runtime, cycle_id: int, *, actor: Actor,
                       batch: int = BATCH) -> IssueResult:
    """Issue the certificates due and not yet issued; a repeat issues nothing new."""
    with rt.session() as s:
        get_cycle(s, cycle_id)
        result = IssueResult(cycle_id, already=s.exec(select(func.count(Certificate.id)).where(
            Certificate.cycle_id == cycle_id)).one())
    while True:
        with rt.transaction() as tx:
            cycle = tx.session.get(WebinarCycle, cycle_id)
            sessions = _sessions(tx, cycle_id)
            units = pending(tx, cycle, sessions)
            _issue(tx, cycle, sessions, units[:batch], actor, result)
        if len(units) <= batch:
            break
    with rt.transaction() as tx:
        _finish_sessions(tx, tx.session.get(WebinarCycle, cycle_id), _sessions(tx, cycle_id),
                         actor, result)
    return result


def pending(tx: Tx, cycle: WebinarCycle, sessions: dict[int, WebinarSession]) -> list[Unit]:
    """The certificates due now: new ones in number order, then registrations to close."""
    held = [sid for sid, row in sessions.items() if row.state in HELD]
    if not held:
        return []
    per_cycle = cycle.certificate_rule == CertificateRule.MIN_SESSIONS
    counted = (R.ATTENDED, R.CERTIFICATE_ISSUED) if per_cycle else (R.ATTENDED,)
    rows = tx.session.exec(
        select(Registration, Person, Organisation.short_name)
        .join(Person, Person.id == Registration.person_id)
        .outerjoin(Organisation, Organisation.id == Person.organisation_id)
        .where(Registration.session_id.in_(held), Registration.state.in_(counted)))
    issued = {(person_id, scope): number for person_id, scope, number in tx.session.exec(
        select(Certificate.person_id, Certificate.scope, Certificate.number)
        .where(Certificate.cycle_id == cycle.id))}
    units: list[Unit] = []
    if per_cycle:
        by_person: dict[int, list] = defaultdict(list)
        for reg, person, org in rows:
            by_person[person.id].append((reg, person, org))
        for person_id, regs in by_person.items():
            _, person, org = regs[0]
            attended = sorted((r for r, _, _ in regs if r.state == R.ATTENDED),
                              key=lambda r: r.id)
            number = issued.get((person_id, CYCLE_SCOPE))
            if number is None and len(regs) >= (cycle.min_sessions or 1):
                covered = sorted((sessions[r.session_id] for r, _, _ in regs),
                                 key=lambda row: row.position)
                units.append(Unit(person, org or "", CYCLE_SCOPE, covered, attended))
            elif number is not None and attended:
                units.append(Unit(person, org or "", CYCLE_SCOPE, [], attended, number, False))
    else:
        for reg, person, org in rows:
            scope = ctx.session_scope(reg.session_id)
            number = issued.get((person.id, scope))
            units.append(Unit(person, org or "", scope, [sessions[reg.session_id]], [reg],
                              number or "", number is None))
    return sorted(units, key=_unit_order)


def _issue(tx: Tx, cycle: WebinarCycle, sessions: dict[int, WebinarSession], units: list[Unit],
           actor: Actor, result: IssueResult) -> None:
    new = [u for u in units if u.new]
    total = sum(1 for row in sessions.values() if row.state != S.CANCELLED)
    cards = [ctx.certificate_card(cycle, u, total) for u in new]
    docs: list = []
    if new:
        centre, issued_on = centre_card(tx), date_long(tx.now)
        year = moscow_date(tx.now).year  # the registry year: that of issue
        for unit in new:
            unit.number = ctx.certificate_number(
                numbering.next_number(tx, ctx.NUMBER_KIND, year), year)
        docs = documents.render_documents(
            tx, template=ctx.TEMPLATE, object_kind="webinar_cycle", kind="webinar_certificate",
            items=[{"key": ctx.document_key(cycle.id, u), "object_id": cycle.id,
                    "filename": ctx.filename(u),
                    "context": ctx.document_context(centre, cycle, u, card, issued_on)}
                   for u, card in zip(new, cards, strict=True)])
        tx.session.add_all([
            Certificate(cycle_id=cycle.id, person_id=u.person.id, session_id=u.session_id,
                        scope=u.scope, number=u.number, sessions_attended=len(u.sessions),
                        document_id=doc.id, issued_at=tx.now)
            for u, doc in zip(new, docs, strict=True)])
        tx.session.flush()
    # The letters first, then the transitions: a letter's lookup of its key would otherwise
    # flush the pending audit rows of every transition one by one.
    for unit, doc, card in zip(new, docs, cards, strict=True):
        if unit.person.email:
            unit.email_ids.append(_mail(tx, cycle, unit, doc, card).id)
        else:
            result.without_email.append(unit.number)
        result.numbers.append(unit.number)
    made = {id(u): doc for u, doc in zip(new, docs, strict=True)}
    for unit in units:
        doc = made.get(id(unit))
        for index, reg in enumerate(unit.registrations):
            with transition(tx, registration_machine, reg, "issue_certificate",
                            actor=actor) as step:
                step.details.update(certificate=unit.number, scope=unit.scope)
                if doc is not None:
                    step.document_ids.append(doc.id)
                if index == 0:  # the letter is recorded with the first registration
                    step.email_ids.extend(unit.email_ids)


def _mail(tx: Tx, cycle: WebinarCycle, unit: Unit, doc, card: dict):
    return queue_to_person(tx, unit.person, key=ctx.email_key(cycle.id, unit),
                           template="webinar_certificate",
                           context={"person": unit.person, "cycle": cycle,
                                    "certificate": {**card, "number": unit.number},
                                    "sessions_word": ctx.sessions_word(
                                        card["sessions_attended"])},
                           attachment_ids=[doc.id], object_kind="webinar_cycle",
                           object_id=cycle.id)


def _finish_sessions(tx: Tx, cycle: WebinarCycle, sessions: dict[int, WebinarSession],
                     actor: Actor, result: IssueResult) -> None:
    finishing = [row for row in sessions.values() if row.state in FINISHING]
    if cycle.certificate_rule == CertificateRule.MIN_SESSIONS:
        open_ = [row.id for row in sessions.values()
                 if row.state not in HELD and row.state != S.CANCELLED]
        if open_:
            result.sessions_waiting = sorted(row.id for row in finishing)
            return
    counts: dict[tuple[int, str], int] = {
        (sid, str(state)): n for sid, state, n in tx.session.exec(
            select(Registration.session_id, Registration.state, func.count(Registration.id))
            .where(Registration.session_id.in_([row.id for row in finishing]))
            .group_by(Registration.session_id, Registration.state))} if finishing else {}
    for row in sorted(finishing, key=lambda r: r.position):
        marked = sum(counts.get((row.id, str(state)), 0) for state in MARKED)
        waiting = counts.get((row.id, str(R.ATTENDED)), 0)
        per_session = cycle.certificate_rule != CertificateRule.MIN_SESSIONS
        if marked == 0 or (per_session and waiting):
            continue
        with transition(tx, session_machine, row, "issue_certificates", actor=actor) as step:
            step.details["certificates"] = counts.get((row.id, str(R.CERTIFICATE_ISSUED)), 0)
        result.sessions_done.append(row.id)


def certificate_list(rt: Runtime, cycle_id: int) -> list[dict]:
    """The cycle's certificates in number order: number, ФИО, organisation, scope."""
    with rt.session() as s:
        get_cycle(s, cycle_id)
        sessions = {row.id: row for row in s.exec(
            select(WebinarSession).where(WebinarSession.cycle_id == cycle_id))}
        rows = s.exec(select(Certificate, Person, Organisation.short_name)
                      .join(Person, Person.id == Certificate.person_id)
                      .outerjoin(Organisation, Organisation.id == Person.organisation_id)
                      .where(Certificate.cycle_id == cycle_id))
        out = [{"number": c.number, "name": p.full_name, "organisation": org or "",
                "scope": ctx.scope_label(c.scope, sessions), "email": p.email,
                "sessions_attended": c.sessions_attended, "issued_at": c.issued_at,
                "document_id": c.document_id} for c, p, org in rows]
        return sorted(out, key=lambda r: ctx.number_order(r["number"]))


def _sessions(tx: Tx, cycle_id: int) -> dict[int, WebinarSession]:
    return {row.id: row for row in tx.session.exec(
        select(WebinarSession).where(WebinarSession.cycle_id == cycle_id))}


def _unit_order(unit: Unit) -> tuple:
    """New certificates first, by session then name (so numbers follow the list)."""
    position = unit.sessions[0].position if unit.scope != CYCLE_SCOPE and unit.sessions else 0
    p = unit.person
    return (not unit.new, position, p.last_name, p.first_name, p.middle_name, p.id)

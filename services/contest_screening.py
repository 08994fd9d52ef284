"""Screening by staff (accept, return, reject) and the applicant's resubmission."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from adapters.clock import moscow_date
from adapters.russian import date_long, file_size
from models import Application, ApplicationState as A, ContestState as C, Person
from models.contest_machine import application_machine as AM
from services import contests, links
from services.actors import Actor
from services.audit import record_event
from services.contest_forms import CONSENT_TEXT, ApplicationForm
from services.contest_intake import (
    KIND,
    PURPOSE_APPLICATION,
    file_problems,
    head_for,
    mail_applicant,
    store_files,
)
from services.errors import DomainError, NotFound
from services.runtime import Runtime, Tx
from services.transitions import refusal_audit, transition


def accept(rt: Runtime, application_id: int, *, actor: Actor) -> None:
    with rt.transaction() as tx:
        app = get(tx, application_id)
        with transition(tx, AM, app, "accept", actor=actor) as step:
            mail_applicant(tx, app, head_for(tx, app.organisation_id),
                            "contest_application_accepted", "accepted", step)


def return_for_revision(rt: Runtime, application_id: int, *, actor: Actor, reasons: str,
                        until: date | None = None) -> date:
    """Send back with reasons and a resubmit deadline (the rules' default when not given)."""
    with rt.transaction() as tx:
        app = get(tx, application_id)
        _, spec = contests.get(tx, app.contest_id)
        deadline = until or moscow_date(tx.now) + timedelta(days=spec.application.resubmit_days)
        rounds = _rounds(tx, app.id)
        with transition(tx, AM, app, "return", actor=actor, reason=reasons) as step:
            app.return_reasons, app.resubmit_until = reasons.strip(), deadline
            step.details["resubmit_until"] = deadline.isoformat()
            mail_applicant(tx, app, head_for(tx, app.organisation_id),
                            "contest_application_returned", f"returned:{rounds + 1}", step,
                            deadline=date_long(deadline))
        return deadline


def reject(rt: Runtime, application_id: int, *, actor: Actor, reason: str) -> None:
    with rt.transaction() as tx:
        _reject(tx, get(tx, application_id), actor, reason)


def expire_returns(rt: Runtime) -> list[int]:
    """Returned applications whose deadline passed are rejected (by the sweep)."""
    today = moscow_date(rt.clock.now())
    with rt.session() as s:
        stmt = select(Application.id).where(Application.state == A.RETURNED,
                                             Application.resubmit_until < today)
        ids = list(s.exec(stmt))
    for app_id in ids:
        with rt.transaction() as tx:
            app = get(tx, app_id)
            _reject(tx, app, Actor.scheduler(),
                    f"заявка не доработана в срок до {date_long(app.resubmit_until)}")
    return ids


RESULTS_PUBLISHED = (C.AWARDED, C.CLOSED)
OUTCOMES = (A.WINNER, A.LAUREATE, A.PARTICIPANT)


def application_view(rt: Runtime, token: str) -> dict:
    with rt.transaction() as tx:
        _, app, person = _claims(tx, token, "open")
        record_event(tx, object_kind=KIND, object_id=app.id, action="link_opened",
                     actor=Actor.participant(person), state=str(app.state))
        contest, spec = contests.get(tx, app.contest_id)
        # Scores, rank and outcome only once the results are announced (the award order):
        # before that the applicant sees none of them, whatever the jury has done so far.
        published = contest.state in RESULTS_PUBLISHED and app.state in OUTCOMES
        return {"application_id": app.id, "number": app.number, "contest": contest.title,
                "state": str(app.state), "state_label": _public_label(app, contest),
                "project_title": app.project_title, "annotation": app.annotation,
                "head_name": app.head_name, "head_position": app.head_position,
                "contact_name": app.contact_name, "contact_email": app.contact_email,
                "contact_phone": app.contact_phone, "return_reasons": app.return_reasons,
                "resubmit_until": date_long(app.resubmit_until) if app.resubmit_until else "",
                "consent_text": CONSENT_TEXT,
                "allowed": ", ".join(spec.application.allowed_extensions),
                "max_file": file_size(spec.application.max_file_mb * 1048576),
                "max_files": spec.application.max_files,
                "can_resubmit": app.state == A.RETURNED and (
                    app.resubmit_until is None
                    or moscow_date(tx.now) <= app.resubmit_until),
                "results_published": published,
                "total": app.total if published else None,
                "max_total": float(spec.max_total) if published else None,
                "rank": app.rank if published else None,
                "outcome": app.state.label if published else None}


def resubmit(rt: Runtime, token: str, form: ApplicationForm,
             files: list[tuple[str, bytes]]) -> str:
    """The applicant sends the corrected application through the same link."""
    with rt.transaction() as tx:
        _, app, person = _claims(tx, token, "resubmit")
        _, spec = contests.get(tx, app.contest_id)
        actor = Actor.participant(person)
        problems = form.problems() + file_problems(spec, files)
        if problems:
            raise DomainError("Заявка не принята: " + "; ".join(problems), obj=app,
                              audit=refusal_audit(AM, app, "resubmit", actor, ""))
        rounds = _rounds(tx, app.id)
        with transition(tx, AM, app, "resubmit", actor=actor, today=moscow_date(tx.now)) as step:
            for field in ("project_title", "annotation", "head_name", "head_position",
                          "contact_name", "contact_phone"):
                setattr(app, field, getattr(form, field))
            app.contact_email, app.submitted_at = form.contact_email.lower(), tx.now
            store_files(tx, app, spec, files, rounds + 1, step)
            mail_applicant(tx, app, person, "contest_application_receipt",
                            f"resubmitted:{rounds}", step, resubmitted=True)
        return str(app.state)


def get(tx: Tx, application_id: int) -> Application:
    app = tx.session.get(Application, application_id)
    if app is None:
        raise NotFound(f"Заявка №{application_id} не найдена")
    return app


def _reject(tx: Tx, app: Application, actor: Actor, reason: str) -> None:
    with transition(tx, AM, app, "reject", actor=actor, reason=reason) as step:
        app.reject_reason = reason.strip()
        mail_applicant(tx, app, head_for(tx, app.organisation_id),
                        "contest_application_rejected", "rejected", step)


def _rounds(tx: Tx, application_id: int) -> int:
    """How many times the application was returned so far (keys of repeated mail)."""
    from models import AuditEntry

    stmt = select(AuditEntry.id).where(AuditEntry.object_kind == KIND,
                                       AuditEntry.object_id == application_id,
                                       AuditEntry.action == "return",
                                       AuditEntry.outcome == "done")
    return len(list(tx.session.exec(stmt)))


def _claims(tx: Tx, token: str, action: str):
    claims = links.checked_claims(tx, token, purpose=PURPOSE_APPLICATION, object_kind=KIND,
                                  action=action)
    app = get(tx, claims.object_id)
    person = tx.session.get(Person, claims.person_id)
    if person is None or person.organisation_id != app.organisation_id:
        links.refuse(claims, action, "Ссылка выдана другому лицу: действие недоступно")
    return claims, app, person


def _public_label(app: Application, contest) -> str:
    """The outcome is announced with the award: until then it reads «экспертиза завершена»."""
    from models import ContestState

    decided = app.state in (A.WINNER, A.LAUREATE, A.PARTICIPANT)
    if decided and contest.state not in (ContestState.AWARDED, ContestState.CLOSED):
        return A.REVIEWED.label
    return app.state.label

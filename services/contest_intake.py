"""Applications coming in: through the personal link, the JSON API or a staff import."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from adapters.clock import moscow_date
from adapters.russian import date_long, file_size
from models import Application, Contest, ContestState as C, Person
from models.contest_machine import application_machine as AM, contest_machine as CM
from services import contests, documents, links, numbering, org as orgs
from services.actors import Actor
from services.audit import record_event
from services.contest_forms import CONSENT_TEXT, ApplicationForm
from services.contest_rules import RulesSpec
from services.errors import DomainError, NotFound
from services.outbox import queue_email
from services.runtime import Runtime, Tx
from services.transitions import Step, refusal_audit, transition

KIND = "application"
PURPOSE_APPLICATION = "contest.application"  # see the application, resubmit it
OPEN_FOR_IMPORT = (C.ACCEPTING, C.SCREENING)
ELIGIBILITY_TEXT = {
    "district": "конкурс проводится для образовательных организаций Выселковского района",
    "registered_partners": "в конкурсе участвуют сетевые партнёры с действующим договором "
                           "о сетевом взаимодействии",
}


def apply_view(rt: Runtime, token: str) -> dict:
    """What the invitation link's page shows; opening it is audited."""
    with rt.transaction() as tx:
        _, contest, spec, person = _apply_claims(tx, token, "open")
        existing = _existing(tx, contest.id, person.organisation_id)
        record_event(tx, object_kind="contest", object_id=contest.id, action="link_opened",
                     actor=Actor.participant(person), state=str(contest.state))
        return {"contest": contest.title, "contest_id": contest.id, "state": str(contest.state),
                "state_label": contest.state.label, "organisation": _org_name(tx, person),
                "person": person.full_name, "intake_closes": date_long(spec.dates.intake_closes),
                "can_apply": existing is None and contest.state == C.ACCEPTING,
                "existing": existing.number if existing else None,
                "consent_text": CONSENT_TEXT,
                "allowed": ", ".join(spec.application.allowed_extensions),
                "max_file": file_size(spec.application.max_file_mb * 1048576),
                "max_files": spec.application.max_files}


def apply(rt: Runtime, token: str, form: ApplicationForm, files: list[tuple[str, bytes]],
          *, source: str = "link") -> int:
    """Register an application from the invitation link; refusals say why and are audited."""
    with rt.transaction() as tx:
        _, contest, spec, person = _apply_claims(tx, token, "apply")
        return _register(tx, contest, spec, person, form, files, Actor.participant(person),
                         source=source, submitted_at=tx.now)


def register_paper(tx: Tx, contest: Contest, spec: RulesSpec, head: Person,
                   form: ApplicationForm, actor: Actor, submitted_at: datetime) -> int:
    """An application that arrived on paper or by e-mail, entered by staff (imports)."""
    return _register(tx, contest, spec, head, form, [], actor, source="import",
                     submitted_at=submitted_at)


def refusal(tx: Tx, contest: Contest, spec: RulesSpec, organisation_id: int,
            submitted_at: datetime, *, paper: bool = False) -> str | None:
    """Why an application of this organisation cannot be registered, or None."""
    day = moscow_date(submitted_at)
    if contest.state in (C.DRAFT, C.ANNOUNCED) or day < spec.dates.intake_opens:
        return f"приём заявок ещё не открыт (откроется {date_long(spec.dates.intake_opens)})"
    open_states = OPEN_FOR_IMPORT if paper else (C.ACCEPTING,)
    if day > spec.dates.intake_closes or contest.state not in open_states:
        return (f"приём заявок закрыт {date_long(spec.dates.intake_closes)}: "
                "заявка подана после срока")
    if not contests.is_eligible(tx, spec, organisation_id):
        return f"организация не может участвовать: {ELIGIBILITY_TEXT[spec.eligibility]}"
    existing = _existing(tx, contest.id, organisation_id)
    if existing is not None:
        return f"от этой организации уже подана заявка № {existing.number}"
    return None


def file_problems(spec: RulesSpec, files: list[tuple[str, bytes]]) -> list[str]:
    rules = spec.application
    allowed = tuple(rules.allowed_extensions)
    found = []
    if len(files) > rules.max_files:
        found.append(f"приложено файлов: {len(files)}, допустимо не более {rules.max_files}")
    for name, data in files:
        if len(data) > rules.max_file_mb * 1048576:
            found.append(f"файл «{name}» больше {rules.max_file_mb} МБ")
        elif documents.detect_type(name, data, allowed) is None:
            found.append(f"файл «{name}» не принят: допустимы {documents.allowed_labels(allowed)}")
    return found


def _register(tx: Tx, contest: Contest, spec: RulesSpec, person: Person, form: ApplicationForm,
              files: list[tuple[str, bytes]], actor: Actor, *, source: str,
              submitted_at: datetime) -> int:
    why = refusal(tx, contest, spec, person.organisation_id, submitted_at,
                  paper=source == "import")
    problems = [why] if why else form.problems() + file_problems(spec, files)
    if problems:
        raise DomainError("Заявка не принята: " + "; ".join(problems), obj=contest,
                          audit={**refusal_audit(CM, contest, "apply", actor, ""),
                                 "details": {"organisation_id": person.organisation_id,
                                             "source": source}})
    n = numbering.next_number(tx, f"application:{spec.code}", spec.year)
    app = Application(
        contest_id=contest.id, organisation_id=person.organisation_id,
        number=f"{spec.application.number_prefix}-{n}/{spec.year}",
        project_title=form.project_title, annotation=form.annotation, head_name=form.head_name,
        head_position=form.head_position, contact_name=form.contact_name,
        contact_email=form.contact_email.lower(), contact_phone=form.contact_phone,
        consent_text=CONSENT_TEXT, consent_at=tx.now, submitted_at=submitted_at, source=source,
        created_at=tx.now, updated_at=tx.now)
    try:
        with tx.session.begin_nested():  # two submissions at once: the second one is told why
            tx.session.add(app)
            tx.session.flush()
    except IntegrityError as err:
        raise DomainError("Заявка не принята: от этой организации уже подана заявка",
                          obj=contest, audit={**refusal_audit(CM, contest, "apply", actor, ""),
                                              "details": {"organisation_id": app.organisation_id,
                                                          "source": source}}) from err
    with transition(tx, AM, app, "submit", actor=actor) as step:
        step.details.update(number=app.number, source=source)
        store_files(tx, app, spec, files, 1, step)
        mail_applicant(tx, app, person, "contest_application_receipt", "receipt", step)
    return app.id


def store_files(tx: Tx, app: Application, spec: RulesSpec, files, version: int, step: Step):
    for i, (name, data) in enumerate(files, start=1):
        documents.store_upload(
            tx, key=f"{KIND}:{app.id}:file:v{version}:{i}", kind="application_file",
            object_kind=KIND, object_id=app.id, filename=name, data=data,
            allowed=tuple(spec.application.allowed_extensions),
            max_bytes=spec.application.max_file_mb * 1048576, what="заявки", step=step)


def mail_applicant(tx: Tx, app: Application, person: Person, template: str, key: str,
                    step: Step, **extra) -> None:
    contest, spec = contests.get(tx, app.contest_id)
    url = links.link_url(tx.rt, person_id=person.id, object_kind=KIND, object_id=app.id,
                         purpose=PURPOSE_APPLICATION)
    queue_email(tx, key=f"{KIND}:{app.id}:{key}", template=template, to_addr=app.contact_email,
                to_name=app.contact_name,
                context={"application": app, "contest": contest, "spec": spec, "link": url,
                         "state_label": app.state.label, **extra},
                object_kind=KIND, object_id=app.id, step=step)


def _apply_claims(tx: Tx, token: str, action: str):
    claims = links.checked_claims(tx, token, purpose=contests.PURPOSE_APPLY,
                                  object_kind="contest", action=action)
    contest, spec = contests.get(tx, claims.object_id)
    person = tx.session.get(Person, claims.person_id)
    if person is None or person.organisation_id is None:
        links.refuse(claims, action, "Ссылка выдана другому лицу: действие недоступно")
    return claims, contest, spec, person


def _existing(tx: Tx, contest_id: int, organisation_id: int) -> Application | None:
    stmt = select(Application).where(Application.contest_id == contest_id,
                                     Application.organisation_id == organisation_id)
    return tx.session.exec(stmt).first()


def _org_name(tx: Tx, person: Person) -> str:
    from models import Organisation

    return tx.session.get(Organisation, person.organisation_id).full_name


def head_for(tx: Tx, organisation_id: int) -> Person:
    try:
        return orgs.head_of(tx, organisation_id)
    except NotFound as err:
        raise DomainError(err.message) from err



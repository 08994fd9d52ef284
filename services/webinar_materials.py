"""After a webinar session: its materials (links and files) and the feedback link, to attendees.

Staff add materials to a session (`add_material`: a link or a file), then send them once the
session is held (`send_materials`: «проведён» → «материалы разосланы»). Every attendee
(«участвовал» or «сертификат выдан») gets one letter with the list of materials, the files
attached and a personal link to the feedback form (purpose `webinar.feedback`, object the
registration, 30 days). A second call is refused by the machine; materials added afterwards
(or attendees marked late) are sent with `again=True`: a letter's key names the newest
material it lists, so each attendee gets each set of materials at most once.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

from sqlmodel import select

from models import AuditEntry, Document, Outcome, Person
from models.webinar import (
    Registration,
    RegistrationState as R,
    SessionState as S,
    WebinarCycle,
    WebinarSession,
)
from models.webinar_followup import WebinarMaterial
from models.webinar_machine import session_machine
from services import documents, links
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, GuardRefused, IllegalTransition, UploadRefused
from services.outbox import queue_many
from services.runtime import Runtime, Tx
from services.transitions import Step, refusal_audit, transition
from services.webinar_invitations import KIND, session_card
from services.webinar_queries import get_session

PURPOSE_FEEDBACK = "webinar.feedback"
REG_KIND = "webinar_registration"
FEEDBACK_TTL = timedelta(days=30)
ATTENDED = (R.ATTENDED, R.CERTIFICATE_ISSUED)
# What a material file may be; a zip archive is checked here (documents.FILE_TYPES has none).
FILE_KINDS = ("pdf", "docx", "pptx", "xlsx", "jpg", "png")
ZIP_MEDIA_TYPE = "application/zip"
ALLOWED_TEXT = "PDF, DOCX, PPTX, XLSX, ZIP, JPEG и PNG"
AFTER_SENDING = (S.MATERIALS_SENT, S.CERTIFICATES_ISSUED, S.CLOSED)


def feedback_link(tx: Tx, registration: Registration, person: Person) -> str:
    """The attendee's personal link to the feedback form of their session (30 days)."""
    return links.link_url(tx.rt, person_id=person.id, object_kind=REG_KIND,
                          object_id=registration.id, purpose=PURPOSE_FEEDBACK, ttl=FEEDBACK_TTL)


def add_material(rt: Runtime, session_id: int, *, title: str, url: str = "",
                 upload: tuple[str, bytes] | None = None, actor: Actor) -> int:
    """Add a link or a file (PDF, DOCX, PPTX, XLSX, ZIP, JPEG, PNG) to a session; its id.

    Every refusal about an existing session (bad input, a file refused, a cancelled session)
    is audited against it (action «add_material», outcome refused)."""
    title, url = title.strip(), url.strip()
    with rt.transaction() as tx:
        row = get_session(tx.session, session_id)
        try:
            material = _new_material(tx, row, title, url, upload, actor)
        except DomainError as err:
            if err.audit is None:
                err.audit = {**refusal_audit(session_machine, row, "add_material", actor, ""),
                             "details": {"title": title[:300], "url": url[:500],
                                         "file": upload[0][:300] if upload else ""}}
            raise
        record_event(tx, object_kind=KIND, object_id=row.id, action="add_material",
                     actor=actor, state=str(row.state),
                     details={"material_id": material.id, "title": title,
                              **({"url": url} if url else {"file": upload[0]})},
                     document_ids=[material.document_id] if material.document_id else [])
        return material.id


def _new_material(tx: Tx, row: WebinarSession, title: str, url: str,
                  upload: tuple[str, bytes] | None, actor: Actor) -> WebinarMaterial:
    if not title:
        raise DomainError("Укажите название материала", obj=row)
    if bool(url) == (upload is not None):
        raise DomainError("Укажите для материала либо ссылку, либо файл (одно из двух)", obj=row)
    if url and (urlparse(url).scheme not in ("http", "https") or not urlparse(url).netloc):
        raise DomainError(f"Ссылка «{url}» не принята: нужен адрес вида https://…", obj=row)
    if row.state == S.CANCELLED:
        raise IllegalTransition(f"Вебинар №{row.id} отменён: материалы к нему не добавляют",
                                obj=row)
    material = WebinarMaterial(session_id=row.id, title=title, url=url,
                               added_by=actor.person_id, added_at=tx.now)
    tx.session.add(material)
    tx.session.flush()
    if upload is not None:
        material.document_id = _store_file(tx, row, material, *upload).id
    return material


def materials(rt: Runtime, session_id: int) -> list[WebinarMaterial]:
    with rt.session() as s:
        return list(s.exec(select(WebinarMaterial).where(WebinarMaterial.session_id == session_id)
                           .order_by(WebinarMaterial.id)))


def send_materials(rt: Runtime, session_id: int, *, actor: Actor, again: bool = False) -> int:
    """Mail the materials and the feedback link to every attendee; how many letters queued.

    The first sending moves a held session to «материалы разосланы»; a repeat is refused.
    `again=True` (after that) sends the current set to those who have not had it yet. A
    session whose certificates went out first gets its first sending without a transition.
    """
    with rt.transaction() as tx:
        row = get_session(tx.session, session_id)
        items = _materials(tx, row.id)
        action = "send_materials_again" if again else "send_materials"
        sent_before = row.state == S.MATERIALS_SENT or _sent_before(tx, row)
        if row.state not in (S.HELD, *AFTER_SENDING):
            _refuse(row, actor, action, f"Материалы рассылают после вебинара: вебинар "
                                        f"№{row.id} в состоянии «{row.state.label}»")
        if not again and sent_before:
            _refuse(row, actor, action,
                    f"Материалы вебинара №{row.id} уже разосланы; новые материалы и "
                    "участников, отмеченных позже, охватит повторная рассылка (--again)")
        if again and not sent_before:
            _refuse(row, actor, action, f"Повторная рассылка невозможна: материалы вебинара "
                                        f"№{row.id} ещё не рассылались")
        if not items:
            _refuse(row, actor, action, f"Рассылать нечего: у вебинара №{row.id} нет "
                                        "материалов (добавьте их: imc webinar material)")
        if row.state != S.HELD:  # after the certificates, or a repeat: no state to change
            sent = _mail_attendees(tx, row, items, None, again=again)
            record_event(tx, object_kind=KIND, object_id=row.id, action=action, actor=actor,
                         state=str(row.state),
                         details={"sent": sent, "materials": [m.id for m in items]})
            return sent
        with transition(tx, session_machine, row, "send_materials", actor=actor) as step:
            sent = _mail_attendees(tx, row, items, step, again=False)
            step.details.update(sent=sent, materials=[m.id for m in items])
        return sent


def _sent_before(tx: Tx, row: WebinarSession) -> bool:
    """Whether materials of this session were ever sent (by the transition or again)."""
    stmt = select(AuditEntry.id).where(
        AuditEntry.object_kind == KIND, AuditEntry.object_id == row.id,
        AuditEntry.action.in_(("send_materials", "send_materials_again")),
        AuditEntry.outcome == Outcome.DONE)
    return tx.session.exec(stmt).first() is not None


def _mail_attendees(tx: Tx, row: WebinarSession, items: list[WebinarMaterial],
                    step: Step | None, *, again: bool) -> int:
    cycle = tx.session.get(WebinarCycle, row.cycle_id)
    attachments = [m.document_id for m in items if m.document_id]
    files = {d.id: d for d in tx.session.exec(
        select(Document).where(Document.id.in_(attachments)))} if attachments else {}
    listed = [{"title": m.title, "url": m.url,
               "filename": files[m.document_id].filename if m.document_id else ""}
              for m in items]
    newest = max(m.id for m in items)
    attendees = tx.session.exec(
        select(Registration, Person).join(Person, Person.id == Registration.person_id)
        .where(Registration.session_id == row.id, Registration.state.in_(ATTENDED))
        .order_by(Registration.id))
    letters = [{"key": f"{REG_KIND}:{reg.id}:materials:upto:{newest}", "person": person,
                "context": {"feedback_link": feedback_link(tx, reg, person)},
                "attachment_ids": attachments, "object_kind": REG_KIND, "object_id": reg.id}
               for reg, person in attendees]
    return len(queue_many(tx, letters, template="webinar_materials", step=step, common={
        "cycle": cycle, "webinar": session_card(row), "materials": listed, "again": again,
        "feedback_days": FEEDBACK_TTL.days}))


def _store_file(tx: Tx, row: WebinarSession, material: WebinarMaterial, filename: str,
                data: bytes):
    key = f"{KIND}:{row.id}:material:{material.id}"
    common = dict(key=key, kind="webinar_material", object_kind=KIND, object_id=row.id,
                  filename=filename, data=data)
    if filename.lower().endswith(".zip"):
        limit = tx.rt.settings.upload_max_bytes
        if data and len(data) <= limit and data.startswith(documents.ZIP):
            return documents.store_file(tx, media_type=ZIP_MEDIA_TYPE, **common)
        if len(data) <= limit:
            raise UploadRefused(f"Файл «{filename}» не принят: это не архив ZIP")
    elif documents.detect_type(filename, data, FILE_KINDS) is None and data:
        raise UploadRefused(f"Файл «{filename}» не принят: допустимы только {ALLOWED_TEXT}")
    return documents.store_upload(tx, allowed=FILE_KINDS, what="с материалом вебинара",
                                  **common)


def _materials(tx: Tx, session_id: int) -> list[WebinarMaterial]:
    return list(tx.session.exec(select(WebinarMaterial)
                                .where(WebinarMaterial.session_id == session_id)
                                .order_by(WebinarMaterial.id)))


def _refuse(row: WebinarSession, actor: Actor, action: str, message: str):
    cls = GuardRefused if row.state == S.HELD and action == "send_materials" else \
        IllegalTransition
    raise cls(message, obj=row, audit=refusal_audit(session_machine, row, action, actor, ""))

"""Queueing mail in the caller's transaction, once per idempotency key."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import select

from models import MailStatus, OutboxEmail, Person
from services.runtime import Tx
from services.transitions import Step


def queue_email(
    tx: Tx,
    *,
    key: str,
    template: str,
    to_addr: str,
    to_name: str = "",
    context: dict,
    attachment_ids: list[int] | None = None,
    object_kind: str = "",
    object_id: int | None = None,
    person_id: int | None = None,
    step: Step | None = None,
) -> OutboxEmail:
    """Render and queue one email; a key already queued returns the existing row."""
    existing = tx.session.exec(select(OutboxEmail).where(OutboxEmail.key == key)).first()
    if existing is not None:
        return existing
    mail = tx.rt.mail_templates.render(template, {**base_context(tx), **context})
    row = OutboxEmail(
        key=key,
        template=template,
        to_addr=to_addr,
        to_name=to_name,
        person_id=person_id,
        subject=mail.subject,
        text_body=mail.text,
        html_body=mail.html,
        attachment_ids=list(attachment_ids or []),
        object_kind=object_kind,
        object_id=object_id,
        status=MailStatus.QUEUED,
        next_attempt_at=tx.now,
        created_at=tx.now,
    )
    tx.session.add(row)
    tx.session.flush()
    if step is not None:
        step.email_ids.append(row.id)
    return row


INSERT_CHUNK = 1000  # rows per INSERT statement of a wave


def queue_many(tx: Tx, letters: list[dict], *, template: str, common: dict,
               expires_at: datetime | None = None, step: Step | None = None) -> list[int]:
    """A wave of one template (reminders, a reschedule), rendered here and inserted 1,000
    rows to a statement; keys already queued are skipped (a retried step sends nothing
    twice). Each letter: key, person, context (beside `common`), and optionally
    attachment_ids, object_kind, object_id. Mail after `expires_at` is never sent. The ids
    of the new rows, in the letters' order."""
    keys = [letter["key"] for letter in letters]
    made = _existing(tx, keys)
    base = {**base_context(tx), **common}
    render = tx.rt.mail_templates.render
    rows = []
    for letter in letters:
        person = letter["person"]
        if letter["key"] in made or not person.email:
            continue
        mail = render(template, {**base, "person": person, **letter.get("context", {})})
        rows.append({"key": letter["key"], "template": template, "to_addr": person.email,
                     "to_name": person.full_name, "person_id": person.id,
                     "subject": mail.subject,
                     "text_body": mail.text, "html_body": mail.html,
                     "attachment_ids": list(letter.get("attachment_ids", ())),
                     "object_kind": letter.get("object_kind", ""),
                     "object_id": letter.get("object_id"), "status": MailStatus.QUEUED,
                     "attempts": 0, "next_attempt_at": tx.now, "expires_at": expires_at,
                     "last_error": "", "created_at": tx.now})
    for start in range(0, len(rows), INSERT_CHUNK):
        tx.session.execute(sa.insert(OutboxEmail), rows[start:start + INSERT_CHUNK])
    new = _existing(tx, [r["key"] for r in rows]) if rows else {}
    ids = [new[r["key"]] for r in rows]
    if step is not None:
        step.email_ids.extend(ids)
    return ids


def _existing(tx: Tx, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), INSERT_CHUNK):
        found.update(tx.session.exec(select(OutboxEmail.key, OutboxEmail.id).where(
            OutboxEmail.key.in_(keys[start:start + INSERT_CHUNK]))).all())
    return found


def queued(tx: Tx, key: str) -> bool:
    """Whether mail with this idempotency key exists already (sent or not)."""
    return tx.session.exec(select(OutboxEmail.id).where(OutboxEmail.key == key)).first() is not None


def queue_to_person(tx: Tx, person: Person, **kwargs) -> OutboxEmail:
    return queue_email(tx, to_addr=person.email, to_name=person.full_name,
                       person_id=person.id, **kwargs)


def base_context(tx: Tx) -> dict:
    """What every email template may use."""
    from services.org import centre_card

    # The centre's card is read once per transaction: a transaction that queues the letters
    # of a whole contest (invitations, results) would otherwise read it once per letter.
    card = tx.cache.get("centre_card")
    if card is None:
        card = tx.cache["centre_card"] = centre_card(tx)
    return {"centre": card, "base_url": tx.rt.settings.base_url, "today": tx.now}

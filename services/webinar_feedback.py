"""The feedback form of a webinar session behind the personal link of the materials letter.

Link purpose "webinar.feedback" (minted by `webinar_materials.feedback_link`), object the
registration. Only those who attended (and those with a certificate) may answer; one answer
per registration, a second one replaces the first (the audit keeps the previous values).
Refusals are Russian and audited.
"""

from __future__ import annotations

from sqlmodel import select

from models import Person
from models.webinar import Registration, RegistrationState as R, WebinarSession
from models.webinar_followup import Feedback
from services import links
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, IllegalTransition, NotFound
from services.runtime import Runtime, Tx
from services.webinar_links import session_card
from services.webinar_materials import PURPOSE_FEEDBACK
from services.webinar_registration import REG_KIND

__all__ = ["PURPOSE_FEEDBACK", "feedback_view", "submit_feedback"]
ANSWERING = (R.ATTENDED, R.CERTIFICATE_ISSUED)
SCALE = range(1, 6)
COMMENT_LIMIT = 5000


def feedback_view(rt: Runtime, token: str) -> dict:
    """The form's page: the session, whether this person may answer, their current answer."""
    with rt.transaction() as tx:
        reg, row, person = _claimed(tx, token, "open")
        record_event(tx, object_kind=REG_KIND, object_id=reg.id, action="link_opened",
                     actor=Actor.participant(person), state=str(reg.state),
                     details={"purpose": PURPOSE_FEEDBACK})
        answer = _answer(tx, reg.id)
        return {"purpose": PURPOSE_FEEDBACK, "person": person.full_name,
                "webinar": session_card(tx, row), "registration_id": reg.id,
                "state": str(reg.state), "state_label": reg.state.label,
                "can_answer": reg.state in ANSWERING,
                "feedback": _shown(answer) if answer else None}


def submit_feedback(rt: Runtime, token: str, *, rating: int, usefulness: int | None,
                    comment: str) -> dict:
    """Store the answer (or replace the earlier one); the stored answer and `replaced`."""
    with rt.transaction() as tx:
        reg, row, person = _claimed(tx, token, "feedback")
        actor = Actor.participant(person)
        audit = {"object_kind": REG_KIND, "object_id": reg.id, "action": "feedback",
                 "from_state": str(reg.state), "actor": actor,
                 "details": {"session_id": row.id}}
        if reg.state not in ANSWERING:
            raise IllegalTransition(
                "Отзыв не сохранён: оставить отзыв могут только участники вебинара, а ваша "
                f"регистрация в состоянии «{reg.state.label}»", obj=reg, audit=audit)
        rating_value, problem_r = _score(rating, ("оценку вебинара", "Оценка вебинара"),
                                        required=True)
        useful_value, problem_u = _score(usefulness, ("полезность", "Полезность"),
                                        required=False)
        comment = comment.strip() if isinstance(comment, str) else ""
        problems = [p for p in (problem_r, problem_u) if p]
        if len(comment) > COMMENT_LIMIT:
            problems.append(f"комментарий длиннее {COMMENT_LIMIT} символов")
        if problems:
            raise DomainError("Отзыв не сохранён: " + "; ".join(problems), obj=reg, audit=audit)
        answer = _answer(tx, reg.id)
        previous = _shown(answer) if answer else None
        answer = answer or Feedback(registration_id=reg.id, session_id=row.id,
                                    rating=rating_value, submitted_at=tx.now)
        answer.rating, answer.usefulness, answer.comment = rating_value, useful_value, comment
        answer.submitted_at = answer.updated_at = tx.now
        tx.session.add(answer)
        record_event(tx, object_kind=REG_KIND, object_id=reg.id,
                     action="feedback_replaced" if previous else "feedback", actor=actor,
                     state=str(reg.state),
                     details={"session_id": row.id, "rating": rating_value,
                              "usefulness": useful_value, "comment_length": len(comment),
                              **({"previous": previous} if previous else {})})
        return {**_shown(answer), "replaced": previous is not None}


def _claimed(tx: Tx, token: str, action: str) -> tuple[Registration, WebinarSession, Person]:
    claims = links.checked_claims(tx, token, purpose=PURPOSE_FEEDBACK, object_kind=REG_KIND,
                                  action=action)
    reg = tx.session.get(Registration, claims.object_id)
    person = tx.session.get(Person, claims.person_id)
    if reg is None or person is None:
        raise NotFound("Регистрация на вебинар по этой ссылке не найдена")
    if reg.person_id != person.id:
        links.refuse(claims, action, "Ссылка выдана другому лицу: отзыв по ней оставить нельзя")
    return reg, tx.session.get(WebinarSession, reg.session_id), person


def _answer(tx: Tx, registration_id: int) -> Feedback | None:
    return tx.session.exec(select(Feedback).where(
        Feedback.registration_id == registration_id)).first()


def _shown(answer: Feedback) -> dict:
    return {"rating": answer.rating, "usefulness": answer.usefulness,
            "comment": answer.comment, "submitted_at": answer.submitted_at.isoformat()}


def _score(value, what: tuple[str, str], *, required: bool) -> tuple[int | None, str]:
    """A 1–5 score from an int or its text; (value, "") or (None, the Russian problem)."""
    if isinstance(value, str):
        value = value.strip()
        if value.isdigit():
            value = int(value)
    if value is None or value == "":
        return None, f"укажите {what[0]} от 1 до 5" if required else ""
    if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
        return None, f"{what[1]} — целое число от 1 до 5, а указано «{value}»"
    return value, ""

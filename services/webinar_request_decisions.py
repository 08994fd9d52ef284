"""Staff decide on a webinar request: schedule it (a cycle of one session, announced to the
organisation's people) or decline it with a reason. A decided request is not decided again.

Scheduling takes two transactions: the first creates the cycle «Вебинар по запросу: <тема>»
and its one session (segment on_request, created the way a plan is loaded), marks the request
scheduled and queues the requester's letter; the second is the cycle's ordinary announcement
(services.webinar_invitations.announce), whose audience for on_request is the requesting
organisation's people and the requester. Should the announcement fail, calling
`schedule_request` again for that request only announces what was created.
"""

from __future__ import annotations

from datetime import datetime

from adapters.clock import MOSCOW, as_utc
from models import Person
from models.webinar import (
    CertificateRule,
    CycleState,
    Segment,
    WebinarCycle,
    WebinarSession,
)
from models.webinar_machine import cycle_machine, request_machine, session_machine
from models.webinar_request import RequestState, WebinarRequest
from services.actors import Actor
from services.errors import DomainError, IllegalTransition
from services.outbox import queue_to_person
from services.runtime import Runtime, Tx
from services.transitions import Step, refusal_audit, transition
from services.webinar_invitations import announce, personal_link, session_card
from services.webinar_requests import KIND, RequestRefused, card_of, get

TITLE = "Вебинар по запросу: {topic}"
MAX_DURATION = 8 * 60


def parse_moscow(text: str) -> datetime:
    """«15.10.2024 15:00» (Europe/Moscow) → an aware datetime; a Russian refusal otherwise."""
    try:
        local = datetime.strptime(" ".join(text.split()), "%d.%m.%Y %H:%M")
    except ValueError as err:
        raise DomainError(f"Начало «{text}» не распознано: укажите ДД.ММ.ГГГГ ЧЧ:ММ "
                          "(московское время)") from err
    return local.replace(tzinfo=MOSCOW)


def schedule_request(rt: Runtime, request_id: int, *, start: datetime, duration_minutes: int,
                     meeting_url: str, speaker: str, capacity: int = 100,
                     topic: str | None = None, actor: Actor) -> int:
    """Accept the request: create and announce its webinar; the session's id.

    `start` is Moscow time (a naive datetime is read as such)."""
    with rt.transaction() as tx:
        req = get(tx, request_id)
        created = _unannounced(tx, req)
        if created is None:
            created = _schedule(tx, req, start=start, duration=duration_minutes,
                                url=meeting_url.strip(), speaker=" ".join(speaker.split()),
                                capacity=capacity, topic=topic, actor=actor)
    session_id, cycle_id = created
    announce(rt, cycle_id, actor=actor)
    return session_id


def decline_request(rt: Runtime, request_id: int, *, reason: str, actor: Actor) -> None:
    """Decline the request with a reason (required); the requester is told why."""
    reason = (reason or "").strip()
    with rt.transaction() as tx:
        req = get(tx, request_id)
        _refuse_decided(tx, req, "decline", actor, reason)
        with transition(tx, request_machine, req, "decline", actor=actor,
                        reason=reason) as step:
            req.decline_reason = reason
            _decided(tx, req, actor)
            person = tx.session.get(Person, req.person_id)
            queue_to_person(tx, person, key=f"{KIND}:{req.id}:declined",
                            template="webinar_request_declined",
                            context={"request": card_of(tx, req), "person": person},
                            object_kind=KIND, object_id=req.id, step=step)


def _schedule(tx: Tx, req: WebinarRequest, *, start: datetime, duration: int, url: str,
              speaker: str, capacity: int, topic: str | None, actor: Actor) -> tuple[int, int]:
    _refuse_decided(tx, req, "schedule", actor)
    starts_at = as_utc(start.replace(tzinfo=MOSCOW) if start.tzinfo is None else start)
    topic = req.topic if topic is None else " ".join(topic.split())
    problems = _problems(tx, starts_at, duration, url, speaker, capacity, topic)
    if problems:
        raise RequestRefused(problems, head="Вебинар не назначен", audit={
            **refusal_audit(request_machine, req, "schedule", actor, ""),
            "details": {"problems": problems}})
    local = starts_at.astimezone(MOSCOW)
    cycle = WebinarCycle(
        title=TITLE.format(topic=topic)[:500], goal=_goal(req), year=local.year,
        certificate_rule=CertificateRule.PER_SESSION, partners_in_parallel=False,
        source_name=f"запрос на вебинар №{req.id}", created_by=actor.person_id,
        created_at=tx.now, updated_at=tx.now)
    tx.session.add(cycle)
    tx.session.flush()
    with transition(tx, cycle_machine, cycle, "create", actor=actor) as step:
        step.details.update(source=cycle.source_name, sessions=1, request_id=req.id)
    row = WebinarSession(
        cycle_id=cycle.id, position=1, topic=topic, speaker=speaker, segment=Segment.ON_REQUEST,
        starts_at=starts_at, duration_minutes=duration, meeting_url=url, capacity=capacity,
        created_at=tx.now, updated_at=tx.now)
    tx.session.add(row)
    tx.session.flush()
    with transition(tx, session_machine, row, "create", actor=actor) as step:
        step.details.update(cycle_id=cycle.id, position=1, segment=str(Segment.ON_REQUEST),
                            start=local.strftime("%d.%m.%Y %H:%M"), request_id=req.id)
    with transition(tx, request_machine, req, "schedule", actor=actor) as step:
        req.session_id = row.id
        _decided(tx, req, actor)
        step.details.update(session_id=row.id, cycle_id=cycle.id,
                            start=local.strftime("%d.%m.%Y %H:%M"))
        _tell_scheduled(tx, req, cycle, row, step)
    return row.id, cycle.id


def _problems(tx: Tx, starts_at: datetime, duration: int, url: str, speaker: str,
              capacity: int, topic: str) -> list[str]:
    found = []
    if starts_at <= tx.now:
        found.append(f"начало {starts_at.astimezone(MOSCOW):%d.%m.%Y %H:%M} уже прошло — "
                     "вебинар в прошлом не назначается")
    if not 0 < duration <= MAX_DURATION:
        found.append(f"продолжительность должна быть от 1 до {MAX_DURATION} минут, "
                     f"а указано {duration}")
    if not url.startswith(("https://", "http://")) or len(url) > 1000 or " " in url:
        found.append(f"ссылка на подключение «{url}» должна быть адресом вида https://…")
    if not speaker:
        found.append("не указан ведущий")
    elif len(speaker) > 300:
        found.append("имя ведущего длиннее 300 символов")
    if capacity < 1:
        found.append(f"число мест должно быть не меньше 1, а указано {capacity}")
    if not topic:
        found.append("тема вебинара не может быть пустой")
    elif len(topic) > 500:
        found.append("тема вебинара длиннее 500 символов")
    return found


def _tell_scheduled(tx: Tx, req: WebinarRequest, cycle: WebinarCycle, row: WebinarSession,
                    step: Step) -> None:
    person = tx.session.get(Person, req.person_id)
    link = personal_link(tx, row, person)
    queue_to_person(tx, person, key=f"{KIND}:{req.id}:scheduled",
                    template="webinar_request_scheduled",
                    context={"request": card_of(tx, req), "person": person, "cycle": cycle,
                             "webinar": session_card(row), "link": link},
                    object_kind=KIND, object_id=req.id, step=step)


def _unannounced(tx: Tx, req: WebinarRequest) -> tuple[int, int] | None:
    """(session, cycle) of a request scheduled whose cycle was never announced, else None."""
    if req.state != RequestState.SCHEDULED or req.session_id is None:
        return None
    row = tx.session.get(WebinarSession, req.session_id)
    cycle = tx.session.get(WebinarCycle, row.cycle_id) if row else None
    if cycle is None or cycle.state != CycleState.DRAFT:
        return None
    return row.id, cycle.id


def _refuse_decided(tx: Tx, req: WebinarRequest, action: str, actor: Actor,
                    reason: str = "") -> None:
    if req.state == RequestState.SUBMITTED:
        return
    if req.state == RequestState.SCHEDULED:
        card = card_of(tx, req)
        what = (f"вебинар уже назначен на {card['session_start']} (цикл №{card['cycle_id']}, "
                f"вебинар №{req.session_id})")
    else:
        what = f"он уже отклонён (причина: {req.decline_reason})"
    raise IllegalTransition(f"Запрос на вебинар №{req.id} уже рассмотрен: {what}", obj=req,
                            audit=refusal_audit(request_machine, req, action, actor, reason))


def _decided(tx: Tx, req: WebinarRequest, actor: Actor) -> None:
    req.decided_by = actor.person_id
    req.decided_at = tx.now


def _goal(req: WebinarRequest) -> str:
    goal = f"Вебинар по запросу организации «{req.organisation_name}» (запрос №{req.id})"
    return goal + (f"; аудитория: {req.audience}" if req.audience else "")


__all__ = ["decline_request", "parse_moscow", "schedule_request"]

"""Transition tables of a webinar cycle, its sessions and registrations (DOMAIN.md, process 3).

A reschedule moves a session (before it begins) to «перенесён»: everyone registered gets an
updated invite and registration goes on; a further reschedule is allowed. Rescheduling or
cancelling an announced session is refused once it has begun (the caller passes `now`). A
registration is created «зарегистрирован»; when the session is full it goes straight to the
waiting list (`queue`) in the same transaction and is moved up (`move_up`) when a place frees.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from models.fsm import Machine
from models.webinar import (
    CycleState as Y,
    Registration,
    RegistrationState as R,
    SessionState as S,
    WebinarCycle,
    WebinarSession,
)
from models.webinar_request import RequestState as Q, WebinarRequest

MOSCOW = ZoneInfo("Europe/Moscow")


def _reason_required(obj, ctx):
    return None if ctx.get("reason", "").strip() else "укажите причину"


def _started(obj, ctx):
    now = ctx.get("now")
    if now is not None and now < obj.starts_at:
        return "вебинар ещё не начался"
    return None


def _not_started(obj, ctx):
    now = ctx.get("now")
    if now is not None and now >= obj.starts_at:
        return "вебинар уже начался или прошёл"
    return None


def _before_start(obj, ctx):
    """An announced session is moved or cancelled only before it begins (when `now` is
    given). One still planned was never announced, so nothing took place: it may be moved to
    a new date or cancelled whenever."""
    now = ctx.get("now")
    if now is None or obj.state == S.PLANNED or now < obj.starts_at:
        return None
    if now >= obj.ends_at:
        return f"вебинар уже прошёл (закончился {_moscow(obj.ends_at)} по Москве)"
    return (f"вебинар уже идёт (начался {_moscow(obj.starts_at)} по Москве): перенести или "
            "отменить его можно только до начала")


def _before_start_with_reason(obj, ctx):
    return _before_start(obj, ctx) or _reason_required(obj, ctx)


def _moscow(moment) -> str:
    return f"{moment.astimezone(MOSCOW):%d.%m.%Y в %H:%M}"


cycle_machine = Machine("webinar_cycle", WebinarCycle, "state", Y.DRAFT)
m = cycle_machine
m.add("create", {Y.DRAFT}, Y.DRAFT, "создание цикла вебинаров")
m.add("announce", {Y.DRAFT}, Y.ANNOUNCED, "объявить цикл")
m.add("close", {Y.ANNOUNCED}, Y.CLOSED, "завершить цикл")
cycle_machine.protect()

BEFORE = {S.PLANNED, S.ANNOUNCED, S.REGISTRATION_OPEN, S.RESCHEDULED}
session_machine = Machine("webinar_session", WebinarSession, "state", S.PLANNED)
m = session_machine
m.add("create", {S.PLANNED}, S.PLANNED, "создание вебинара")
m.add("announce", {S.PLANNED}, S.ANNOUNCED, "объявить вебинар")
m.add("open_registration", {S.ANNOUNCED, S.RESCHEDULED}, S.REGISTRATION_OPEN,
      "открыть регистрацию", _not_started)
m.add("move", {S.PLANNED}, S.PLANNED, "перенести вебинар до объявления", _reason_required)
m.add("reschedule", BEFORE - {S.PLANNED}, S.RESCHEDULED, "перенести вебинар",
      _before_start_with_reason)
m.add("cancel", BEFORE, S.CANCELLED, "отменить вебинар", _before_start_with_reason)
m.add("hold", {S.ANNOUNCED, S.REGISTRATION_OPEN, S.RESCHEDULED}, S.HELD, "отметить проведение",
      _started)
m.add("send_materials", {S.HELD}, S.MATERIALS_SENT, "разослать материалы")
m.add("issue_certificates", {S.HELD, S.MATERIALS_SENT}, S.CERTIFICATES_ISSUED,
      "выдать сертификаты")
m.add("close", {S.HELD, S.MATERIALS_SENT, S.CERTIFICATES_ISSUED}, S.CLOSED, "завершить вебинар")
session_machine.protect()

registration_machine = Machine("webinar_registration", Registration, "state", R.REGISTERED)
m = registration_machine
m.add("register", {R.REGISTERED}, R.REGISTERED, "регистрация на вебинар")
m.add("queue", {R.REGISTERED}, R.WAITING, "в лист ожидания (мест нет)")
m.add("move_up", {R.WAITING}, R.REGISTERED, "перевод из листа ожидания")
m.add("cancel", {R.REGISTERED, R.WAITING}, R.CANCELLED, "отменить регистрацию")
m.add("register_again", {R.CANCELLED}, R.REGISTERED, "повторная регистрация после отмены")
m.add("mark_attended", {R.REGISTERED, R.NO_SHOW, R.WAITING}, R.ATTENDED, "отметить участие")
m.add("mark_no_show", {R.REGISTERED, R.ATTENDED}, R.NO_SHOW, "отметить неявку")
m.add("issue_certificate", {R.ATTENDED}, R.CERTIFICATE_ISSUED, "выдать сертификат")
registration_machine.protect()

request_machine = Machine("webinar_request", WebinarRequest, "state", Q.SUBMITTED)
m = request_machine
m.add("submit", {Q.SUBMITTED}, Q.SUBMITTED, "запрос на вебинар")
m.add("schedule", {Q.SUBMITTED}, Q.SCHEDULED, "принять запрос и назначить вебинар")
m.add("decline", {Q.SUBMITTED}, Q.DECLINED, "отклонить запрос", _reason_required)
request_machine.protect()
del m

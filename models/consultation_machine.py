"""Transition table of a consultation on request (plan item pract-2, DOMAIN.md process 4).

A request arrives «получен запрос» (`submit`, from the page or the API). Staff `assign` a
methodologist — an active member of the centre's staff or the director — optionally for a
moment in the future; `reassign` hands it to another one or moves the time. The consultation
is then `hold`: its result is required, the moment it was held is never in the future nor
before the day of the request. `decline` (not yet assigned) and `cancel` (before it is held,
e.g. the requester withdrew) need a reason.

Guards read the context the services pass: `methodologist` (a Person), `scheduled_at`,
`held_at` and `now` (aware datetimes), `held_day` / `submitted_day` (Moscow days), `result`,
`duration`.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from models.consultation import Consultation, ConsultationState as C
from models.fsm import Machine
from models.org import PersonRole

MOSCOW = ZoneInfo("Europe/Moscow")

STAFF_ROLES = (PersonRole.STAFF, PersonRole.DIRECTOR)
MAX_MINUTES = 8 * 60


def _reason_required(obj, ctx):
    return None if ctx.get("reason", "").strip() else "укажите причину"


def _methodologist(obj, ctx):
    person = ctx.get("methodologist")
    if person is None:
        return "не указан методист"
    if person.role not in STAFF_ROLES or not person.active:
        return (f"{person.full_name} — не сотрудник МКУ ИМЦ: консультацию проводит методист "
                "или директор центра")
    at, now = ctx.get("scheduled_at"), ctx.get("now")
    if at is not None and now is not None and at <= now:
        return (f"время консультации {at.astimezone(MOSCOW):%d.%m.%Y %H:%M} уже прошло — "
                "укажите время в будущем (московское)")
    return None


def _another(obj, ctx):
    why = _methodologist(obj, ctx)
    person = ctx.get("methodologist")
    if why is None and person.id == obj.methodologist_id and ctx.get("scheduled_at") in (
            None, obj.scheduled_at):
        why = f"консультация уже назначена: методист {person.full_name}"
    return why


def _held(obj, ctx):
    if not " ".join(str(ctx.get("result") or "").split()):
        return "опишите результат консультации: что обсуждали и что рекомендовано"
    held_at, now = ctx.get("held_at"), ctx.get("now")
    if held_at is None or now is None:
        return "не указано, когда проведена консультация"
    if held_at > now:
        return (f"{held_at.astimezone(MOSCOW):%d.%m.%Y %H:%M} ещё не наступило — проведение "
                "отмечается после консультации")
    submitted = ctx.get("submitted_day")
    if submitted is not None and ctx["held_day"] < submitted:
        return (f"дата проведения {ctx['held_day']:%d.%m.%Y} раньше, чем поступил запрос "
                f"({submitted:%d.%m.%Y})")
    duration = ctx.get("duration")
    if duration is not None and not 0 < duration <= MAX_MINUTES:
        return (f"продолжительность должна быть от 1 до {MAX_MINUTES} минут, а указано "
                f"{duration}")
    return None


consultation_machine = Machine("consultation", Consultation, "state", C.SUBMITTED)
m = consultation_machine
m.add("submit", {C.SUBMITTED}, C.SUBMITTED, "запрос на консультацию")
m.add("assign", {C.SUBMITTED}, C.ASSIGNED, "назначить методиста", _methodologist)
m.add("reassign", {C.ASSIGNED}, C.ASSIGNED, "передать другому методисту или перенести",
      _another)
m.add("hold", {C.ASSIGNED}, C.HELD, "отметить проведение консультации", _held)
m.add("decline", {C.SUBMITTED}, C.DECLINED, "отклонить запрос на консультацию",
      _reason_required)
m.add("cancel", {C.SUBMITTED, C.ASSIGNED}, C.CANCELLED, "отменить консультацию",
      _reason_required)
consultation_machine.protect()
del m

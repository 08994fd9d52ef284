"""Transition table of a creative-group meeting (заседание творческой группы, plan item theor-2).

A meeting is created «назначено» (`schedule`) with its agenda and members; `reschedule` moves
it to a new time that is still ahead (the members are told); `cancel` needs a reason. `hold`
makes it «проведено» once its time has come and its minutes are complete: an agenda, the
attendance with at least one member present, and a decision for every question of the agenda.
The caller passes `now` and, for `hold`, `present` (members marked present in the minutes).

Attendance is recorded by the minutes (services.plan_meeting_minutes): until then every member
row reads «не отмечен» — the minutes are recorded exactly when the meeting has decisions.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from models.fsm import Machine
from models.plan_meeting import MeetingState as M, PlanMeeting

MOSCOW = ZoneInfo("Europe/Moscow")


def _moscow(moment) -> str:
    return f"{moment.astimezone(MOSCOW):%d.%m.%Y в %H:%M}"


def _reason_required(obj, ctx):
    return None if ctx.get("reason", "").strip() else "укажите причину"


def _new_time_ahead(obj, ctx):
    start, now = ctx.get("starts_at"), ctx.get("now")
    if start is None or now is None:
        return "не указано новое время заседания"
    if start <= now:
        return f"новое время {_moscow(start)} уже прошло: заседание переносится только вперёд"
    return None


def missing_questions(obj) -> list[int]:
    """Numbers of the agenda's questions without a decision in the minutes."""
    decided = {d.get("question") for d in obj.decisions or []}
    return [n for n in range(1, len(obj.agenda or []) + 1) if n not in decided]


def _ready_to_hold(obj, ctx):
    why: list[str] = []
    now = ctx.get("now")
    if now is None or now < obj.starts_at:
        why.append(f"заседание назначено на {_moscow(obj.starts_at)} (МСК) и ещё не началось")
    if not obj.agenda:
        why.append("повестка дня пуста")
    if not obj.decisions:
        why.append("протокол не заполнен: сначала внесите присутствие и решения "
                   f"(imc plan meeting minutes {obj.id} ФАЙЛ.yaml)")
    else:
        if not ctx.get("present"):
            why.append("в протоколе не отмечен ни один присутствующий")
        if missing := missing_questions(obj):
            why.append("нет решения по " + ", ".join(f"вопросу {n}" for n in missing)
                       + " повестки дня")
    return "; ".join(why) or None


meeting_machine = Machine("plan_meeting", PlanMeeting, "state", M.SCHEDULED)
m = meeting_machine
m.add("schedule", {M.SCHEDULED}, M.SCHEDULED, "назначение заседания творческой группы")
m.add("reschedule", {M.SCHEDULED}, M.SCHEDULED, "перенос заседания творческой группы",
      _new_time_ahead)
m.add("hold", {M.SCHEDULED}, M.HELD, "проведение заседания и протокол", _ready_to_hold)
m.add("cancel", {M.SCHEDULED}, M.CANCELLED, "отмена заседания творческой группы",
      _reason_required)
meeting_machine.protect()
del m

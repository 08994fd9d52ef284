"""Transition table of a plan item's occurrence (DOMAIN.md, process 4).

An occurrence is created «запланировано». It is closed with its result: «выполнено» when the
closing day (Europe/Moscow, passed as `day`) is on or before the due date, «выполнено с
опозданием» after it; the caller picks `close_on_time` or `close_late` by the date and the
guards refuse the wrong one, so the outcome is decided by the date, never by hand. An
occurrence marked «просрочено» may still close «в срок» when the record that carried it out
(a contest awarded, a report made) is dated on or before the due date. The sweep
marks an occurrence «просрочено» the day after its due date (`mark_overdue`); `remind` and
`escalate` record the sweep's letters without changing the state. `cancel` needs a reason.
"""

from __future__ import annotations

from models.fsm import Machine
from models.plan import OccurrenceState as O, PlanOccurrence


def _reason_required(obj, ctx):
    return None if ctx.get("reason", "").strip() else "укажите причину"


def _result_required(obj, ctx):
    if not ctx.get("has_result"):
        return "приложите результат: документ, ссылку или описание"
    if ctx.get("day") is None:
        return "не указана дата выполнения"
    return None


def _on_time(obj, ctx):
    why = _result_required(obj, ctx)
    if why is None and ctx["day"] > obj.due:
        why = f"срок {obj.due:%d.%m.%Y} прошёл: выполнение с опозданием"
    return why


def _late(obj, ctx):
    why = _result_required(obj, ctx)
    if why is None and ctx["day"] <= obj.due:
        why = f"срок {obj.due:%d.%m.%Y} ещё не прошёл: выполнение в срок"
    return why


def _past_due(obj, ctx):
    day = ctx.get("day")
    if day is None or day <= obj.due:
        return f"срок {obj.due:%d.%m.%Y} ещё не прошёл"
    return None


occurrence_machine = Machine("plan_occurrence", PlanOccurrence, "state", O.PLANNED)
m = occurrence_machine
m.add("create", {O.PLANNED}, O.PLANNED, "включение срока в план работы")
m.add("remind", {O.PLANNED}, O.PLANNED, "напоминание ответственному о сроке")
m.add("close_on_time", {O.PLANNED, O.OVERDUE}, O.DONE, "отметить выполнение в срок", _on_time)
m.add("close_late", {O.PLANNED, O.OVERDUE}, O.DONE_LATE, "отметить выполнение с опозданием",
      _late)
m.add("mark_overdue", {O.PLANNED}, O.OVERDUE, "срок пункта плана прошёл", _past_due)
m.add("escalate", {O.OVERDUE}, O.OVERDUE, "сообщение директору о просрочке")
m.add("cancel", {O.PLANNED, O.OVERDUE}, O.CANCELLED, "отменить срок пункта плана",
      _reason_required)
occurrence_machine.protect()
del m

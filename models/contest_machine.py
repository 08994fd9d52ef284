"""Transition tables of the contest and of its applications (DOMAIN.md, process 2)."""

from __future__ import annotations

from models.contest import Application, ApplicationState as A, Contest, ContestState as C
from models.fsm import Machine


def _reason_required(obj, ctx):
    return None if ctx.get("reason", "").strip() else "укажите причину"


def _resubmit_in_time(obj, ctx):
    today = ctx.get("today")
    if obj.resubmit_until is not None and today is not None and today > obj.resubmit_until:
        return (f"срок доработки истёк {obj.resubmit_until.strftime('%d.%m.%Y')}; "
                "заявка не может быть подана повторно")
    return None


contest_machine = Machine("contest", Contest, "state", C.DRAFT)
m = contest_machine
m.add("create", {C.DRAFT}, C.DRAFT, "создание конкурса")
m.add("announce", {C.DRAFT}, C.ANNOUNCED, "объявить конкурс")
m.add("open_intake", {C.ANNOUNCED}, C.ACCEPTING, "открыть приём заявок")
m.add("close_intake", {C.ACCEPTING}, C.SCREENING, "закрыть приём заявок")
m.add("start_review", {C.SCREENING}, C.REVIEWING, "начать экспертизу")
m.add("start_deliberation", {C.REVIEWING}, C.DELIBERATION, "начать заседание жюри")
m.add("approve_results", {C.DELIBERATION}, C.RESULTS_APPROVED, "утвердить итоги")
m.add("award", {C.RESULTS_APPROVED}, C.AWARDED, "наградить")
m.add("close", {C.AWARDED}, C.CLOSED, "завершить конкурс")
contest_machine.protect()

application_machine = Machine("application", Application, "state", A.SUBMITTED)
m = application_machine
m.add("submit", {A.SUBMITTED}, A.SUBMITTED, "подать заявку")
m.add("accept", {A.SUBMITTED}, A.ACCEPTED, "принять к экспертизе")
m.add("return", {A.SUBMITTED}, A.RETURNED, "вернуть на доработку", _reason_required)
m.add("resubmit", {A.RETURNED}, A.SUBMITTED, "подать доработанную заявку", _resubmit_in_time)
m.add("reject", {A.SUBMITTED, A.RETURNED}, A.REJECTED, "отклонить", _reason_required)
m.add("start_review", {A.ACCEPTED}, A.UNDER_REVIEW, "передать экспертам")
m.add("complete_review", {A.UNDER_REVIEW}, A.REVIEWED, "завершить экспертизу")
m.add("reopen_review", {A.REVIEWED}, A.UNDER_REVIEW, "вернуть на экспертизу (новый эксперт)")
m.add("declare_winner", {A.REVIEWED}, A.WINNER, "признать победителем")
m.add("declare_laureate", {A.REVIEWED}, A.LAUREATE, "признать лауреатом")
m.add("declare_participant", {A.REVIEWED}, A.PARTICIPANT, "признать участником")
application_machine.protect()
del m

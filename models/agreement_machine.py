"""Transition table of the agreement process (DOMAIN.md, process 1)."""

from __future__ import annotations

from models.agreement import Agreement, AgreementState as S
from models.fsm import Machine


def _director_only(obj, ctx):
    return None if ctx["actor"].is_director else "решение принимает только директор МКУ ИМЦ"


def _reason_required(obj, ctx):
    return None if ctx.get("reason", "").strip() else "укажите причину"


def _director_with_comment(obj, ctx):
    return _director_only(obj, ctx) or (
        None if ctx.get("reason", "").strip() else "укажите замечания к проекту договора"
    )


BEFORE_REGISTRATION = {S.DRAFT, S.AWAITING_APPROVAL, S.SENT_TO_PARTNER, S.SIGNED_BY_PARTNER}
IN_FORCE = {S.REGISTERED, S.EXPIRING}

agreement_machine = Machine("agreement", Agreement, "state", S.DRAFT)
m = agreement_machine
m.add("create", {S.DRAFT}, S.DRAFT, "создание проекта договора")
m.add("submit", {S.DRAFT}, S.AWAITING_APPROVAL, "направить на согласование директору")
m.add("approve", {S.AWAITING_APPROVAL}, S.SENT_TO_PARTNER, "согласовать и направить партнёру",
      _director_only)
m.add("return", {S.AWAITING_APPROVAL}, S.DRAFT, "вернуть на доработку", _director_with_comment)
m.add("remind_partner", {S.SENT_TO_PARTNER}, S.SENT_TO_PARTNER, "напомнить партнёру")
m.add("escalate", {S.SENT_TO_PARTNER}, S.SENT_TO_PARTNER, "сообщить сотрудникам о задержке")
m.add("confirm_signed", {S.SENT_TO_PARTNER}, S.SIGNED_BY_PARTNER,
      "подтвердить подписание (партнёр)")
m.add("upload_scan", {S.SENT_TO_PARTNER}, S.SIGNED_BY_PARTNER,
      "загрузить скан подписанного договора (партнёр)")
m.add("record_signed", {S.SENT_TO_PARTNER}, S.SIGNED_BY_PARTNER,
      "отметить получение подписанного оригинала")
m.add("decline", {S.SENT_TO_PARTNER}, S.DECLINED, "отказаться от заключения (партнёр)",
      _reason_required)
m.add("register", {S.SIGNED_BY_PARTNER}, S.REGISTERED, "зарегистрировать договор")
m.add("expiry_notice", {S.REGISTERED}, S.EXPIRING, "предупредить об окончании срока")
m.add("renew", IN_FORCE, S.RENEWED, "продлить (новый договор)")
m.add("expire", IN_FORCE, S.EXPIRED, "завершить по истечении срока")
m.add("cancel", BEFORE_REGISTRATION, S.CANCELLED, "отменить", _reason_required)
m.add("terminate", IN_FORCE, S.TERMINATED, "расторгнуть", _reason_required)
agreement_machine.protect()
del m

"""Closing a plan occurrence by hand with its result, and cancelling one (`imc plan close|cancel`).

The occurrence is named by the plan (year or number), the item's code and, when the item has
several open due dates, its position. The result is a text, a link (http/https), an uploaded
file (kept through `documents.store_upload`) or a document already in the system; at least
one. Closing itself goes through `plan_closing.close_with_result`, which decides «выполнено» or
«выполнено с опозданием» by the date. Every refusal is audited and changes nothing.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlmodel import select

from adapters.clock import moscow_date
from models import Document, Person
from models.plan import OccurrenceState as O, Plan, PlanItem, PlanOccurrence
from models.plan_machine import occurrence_machine
from services import documents
from services.actors import Actor
from services.errors import DomainError, NotFound, UploadRefused
from services.plan import plan_by_ref
from services.plan_closing import close_with_result, is_closed
from services.runtime import Runtime, Tx
from services.transitions import transition

KIND = "plan_occurrence"
OPEN = (O.PLANNED, O.OVERDUE)
RESULT_FILES = ("pdf", "docx", "xlsx", "pptx", "doc", "jpg", "png")
URL_MAX = 1000  # plan_occurrences.result_url


def close(rt: Runtime, plan_ref: int, item_code: str, *, occurrence: int | None = None,
          text: str = "", url: str = "", file_name: str | None = None,
          data: bytes | None = None, document_id: int | None = None,
          actor: Actor) -> PlanOccurrence:
    """Close an occurrence with its result; the closed occurrence."""
    text, url = (text or "").strip(), (url or "").strip()
    has_file = file_name is not None or data is not None
    with rt.transaction() as tx:
        plan, item, occ = find_occurrence(tx, plan_ref, item_code, occurrence,
                                          actor=actor, action="close_plan_item")
        where = f"Пункт {item.code}, срок {occ.due:%d.%m.%Y}"

        def refuse(message: str, cls: type[DomainError] = DomainError):
            raise cls(message, obj=occ, audit={
                "object_kind": KIND, "object_id": occ.id, "action": "close_plan_item",
                "from_state": str(occ.state), "actor": actor,
                "details": {"plan": plan.year, "item": item.code, "position": occ.position,
                            "url": url, "file": file_name or "", "document_id": document_id}})

        if is_closed(occ):
            refuse(f"{where}: уже {occ.state.label} ({_closed_by(tx, occ)}); повторно не "
                   "отмечается")
        if occ.state == O.CANCELLED:
            refuse(f"{where}: отменён ({occ.cancel_reason}); выполнение не отмечается")
        if not (text or url or has_file or document_id):
            refuse(f"{where}: приложите результат — описание (--text), ссылку (--url), файл "
                   "(--file) или номер документа в системе (--document)")
        if url and not _is_web_address(url):
            refuse(f"Ссылка «{url}» не принята: нужен адрес страницы, начинающийся с http:// "
                   f"или https:// (не длиннее {URL_MAX} знаков)")
        if has_file and document_id:
            refuse("Приложите что-то одно: файл (--file) или документ системы (--document)")
        if document_id and tx.session.get(Document, document_id) is None:
            refuse(f"Документ №{document_id} не найден в системе", NotFound)
        if has_file:
            try:
                document_id = documents.store_upload(
                    tx, key=f"{KIND}:{occ.id}:result", kind="plan_result", object_kind=KIND,
                    object_id=occ.id, filename=file_name or "", data=data or b"",
                    allowed=RESULT_FILES, what="с результатом пункта плана").id
            except UploadRefused as err:
                refuse(err.message, type(err))
        close_with_result(tx, occ, actor=actor, text=text, url=url, document_id=document_id,
                          details={"plan": plan.year, "item": item.code,
                                   "position": occ.position,
                                   **({"file": file_name} if has_file else {})})
        return occ


def cancel(rt: Runtime, plan_ref: int, item_code: str, *, occurrence: int | None = None,
           reason: str, actor: Actor) -> PlanOccurrence:
    """Cancel an open occurrence with a reason (the machine refuses an empty one)."""
    reason = (reason or "").strip()
    with rt.transaction() as tx:
        plan, item, occ = find_occurrence(tx, plan_ref, item_code, occurrence,
                                          actor=actor, action="cancel_plan_item")
        with transition(tx, occurrence_machine, occ, "cancel", actor=actor,
                        reason=reason) as step:
            occ.cancel_reason = reason
            step.details.update(plan=plan.year, item=item.code, position=occ.position,
                                due=f"{occ.due:%d.%m.%Y}")
        return occ


def find_occurrence(tx: Tx, plan_ref: int, item_code: str, position: int | None, *,
                    actor: Actor, action: str) -> tuple[Plan, PlanItem, PlanOccurrence]:
    """The occurrence named by position, else the item's only open one (or only one)."""
    plan = plan_by_ref(tx, plan_ref)
    code = item_code.strip()
    item = tx.session.exec(select(PlanItem).where(PlanItem.plan_id == plan.id,
                                                  PlanItem.code == code)).first()
    if item is None:
        codes = ", ".join(tx.session.exec(select(PlanItem.code).where(
            PlanItem.plan_id == plan.id).order_by(PlanItem.position)))
        raise NotFound(f"В плане работы на {plan.year} год нет пункта «{code}»; пункты: "
                       f"{codes}")
    occs = list(tx.session.exec(select(PlanOccurrence).where(PlanOccurrence.item_id == item.id)
                                .order_by(PlanOccurrence.position)))

    def refuse(message: str) -> None:
        raise DomainError(message, obj=item, audit={
            "object_kind": "plan_item", "object_id": item.id, "action": action,
            "actor": actor, "details": {"plan": plan.year, "item": item.code,
                                        "position": position}})

    if not occs:
        refuse(f"У пункта {item.code} нет своих сроков в плане («{item.schedule_text}»): "
               "отмечать нечего")
    if position is not None:
        found = next((o for o in occs if o.position == position), None)
        if found is None:
            raise NotFound(f"У пункта {item.code} нет срока №{position}; сроки: "
                           f"{_listing(occs)}")
        return plan, item, found
    open_ = [o for o in occs if o.state in OPEN]
    if len(open_) == 1 or len(occs) == 1:
        return plan, item, (open_ or occs)[0]
    if open_:
        refuse(f"У пункта {item.code} несколько открытых сроков: {_listing(open_)}. Укажите "
               "номер срока (--occurrence N)")
    refuse(f"У пункта {item.code} все сроки уже закрыты: {_listing(occs)}")
    raise AssertionError  # refuse() always raises


def _listing(occs: list[PlanOccurrence]) -> str:
    return "; ".join(f"№{o.position} — до {o.due:%d.%m.%Y}, {o.state.label}" for o in occs)


def _closed_by(tx: Tx, occ: PlanOccurrence) -> str:
    who = tx.session.get(Person, occ.closed_by) if occ.closed_by else None
    day = f"{moscow_date(occ.closed_at):%d.%m.%Y}" if occ.closed_at else ""
    return ", ".join(x for x in (day, who.full_name if who else "") if x)


def _is_web_address(url: str) -> bool:
    if len(url) > URL_MAX or any(c.isspace() for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)

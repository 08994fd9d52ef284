"""Closing a plan occurrence with its result: the one function every closer calls.

Staff closing by hand (`imc plan close`), a held creative-group meeting (its protocol), a
generated report and the sweep's synchronisation with the process records all end here. The
outcome — «выполнено» or «выполнено с опозданием» — is decided by the closing day (Europe/
Moscow) against the due date, never chosen by the caller. Closing an occurrence already closed
is refused by the machine (the caller that wants a no-op checks `is_closed` first).
"""

from __future__ import annotations

from datetime import date

from adapters.clock import moscow_date
from models.plan import OccurrenceState, PlanOccurrence
from models.plan_machine import occurrence_machine
from services.actors import Actor
from services.runtime import Tx
from services.transitions import Step, transition

CLOSED = (OccurrenceState.DONE, OccurrenceState.DONE_LATE)


def is_closed(occurrence: PlanOccurrence) -> bool:
    return occurrence.state in CLOSED


def close_with_result(tx: Tx, occurrence: PlanOccurrence, *, actor: Actor, text: str = "",
                      url: str = "", document_id: int | None = None, reason: str = "",
                      details: dict | None = None, day: date | None = None) -> Step:
    """Close `occurrence` with a result (text, link and/or document); the audited step.

    `day` is when the work was done — today unless a record says otherwise (the day a contest
    was awarded, a meeting held); it decides «в срок» or «с опозданием» and is never in the
    future."""
    today = moscow_date(tx.now)
    day = min(day or today, today)
    name = "close_on_time" if day <= occurrence.due else "close_late"
    has_result = bool(text.strip() or url.strip() or document_id)
    with transition(tx, occurrence_machine, occurrence, name, actor=actor, reason=reason,
                    has_result=has_result, day=day) as step:
        occurrence.result_text = text.strip()
        occurrence.result_url = url.strip()
        occurrence.result_document_id = document_id
        occurrence.closed_by = actor.person_id
        occurrence.closed_at = tx.now
        if document_id:
            step.document_ids.append(document_id)
        step.details.update(day=f"{day:%d.%m.%Y}", due=f"{occurrence.due:%d.%m.%Y}",
                            **(details or {}))
    return step

"""Agreement flows: start one (from the UI or CLI) and advance a batch."""

from __future__ import annotations

from prefect import flow, task

from flows.mail import drain_outbox
from flows.runtime import runtime
from services import agreements
from services.agreements import Terms
from services.org import staff_actor


@task(name="start-agreement")
def start_task(partner_id: int, staff_login: str, subject: str | None,
               term_years: int | None) -> int:
    rt = runtime()
    actor = staff_actor(rt, staff_login)
    terms = Terms(term_years=term_years, **({"subject": subject} if subject else {}))
    return agreements.start(rt, partner_id=partner_id, actor=actor, terms=terms)


@task(name="advance-agreements")
def advance_task(agreement_ids: list[int] | None) -> dict[int, str]:
    """Advance the given agreements, or every one with automatic work pending."""
    rt = runtime()
    ids = agreement_ids if agreement_ids is not None else agreements.pending_ids(rt)
    return {i: agreements.advance(rt, i) for i in ids}


@flow(name="agreement-start", log_prints=True)
async def start_agreement(partner_id: int, staff_login: str, subject: str | None = None,
                          term_years: int | None = None) -> int:
    """Draft an agreement with a partner and send it to the director for approval."""
    agreement_id = start_task(partner_id, staff_login, subject, term_years)
    await drain_outbox()
    print(f"Договор №{agreement_id}: проект направлен директору на согласование")
    return agreement_id


@flow(name="agreement-advance", log_prints=True)
async def advance_agreements(agreement_ids: list[int] | None = None) -> dict[int, str]:
    """Do the automatic work of agreements (registration after signing) and send the mail."""
    states = advance_task(agreement_ids)
    await drain_outbox()
    return states

"""Webinar stages as flows over a whole cycle or session: staff run them by name.

Reminders and closing are timers: the sweep flow fires them. Each task does its step only
when the cycle or session is still before it, so a retried or repeated run carries on.
"""

from __future__ import annotations

from prefect import flow, task

from flows.mail import drain_outbox
from flows.runtime import runtime
from models import CycleState, SessionState
from services import webinar_certificates, webinar_invitations, webinar_materials
from services.org import staff_actor
from services.webinar_queries import get_cycle, get_session


def _cycle_state(cycle_id: int) -> CycleState:
    with runtime().session() as s:
        return get_cycle(s, cycle_id).state


def _session_state(session_id: int) -> SessionState:
    with runtime().session() as s:
        return get_session(s, session_id).state


@task(name="announce-webinar-cycle")
def announce_task(cycle_id: int, staff_login: str) -> dict[int, int]:
    if _cycle_state(cycle_id) != CycleState.DRAFT:
        return {}
    rt = runtime()
    return webinar_invitations.announce(rt, cycle_id, actor=staff_actor(rt, staff_login))


@task(name="send-webinar-materials")
def materials_task(session_id: int, staff_login: str) -> int:
    if _session_state(session_id) in (SessionState.MATERIALS_SENT, SessionState.CLOSED):
        return 0  # sent already: a second run (a retry, a second click) sends nothing
    rt = runtime()
    return webinar_materials.send_materials(rt, session_id, actor=staff_actor(rt, staff_login))


@task(name="issue-webinar-certificates")
def certificates_task(cycle_id: int, staff_login: str) -> dict:
    rt = runtime()
    result = webinar_certificates.issue_certificates(rt, cycle_id,
                                                    actor=staff_actor(rt, staff_login))
    return {"issued": result.numbers, "already": result.already,
            "sessions_waiting": result.sessions_waiting}


@flow(name="webinar-announce", log_prints=True)
async def announce_cycle(cycle_id: int, staff_login: str) -> dict[int, int]:
    """Announce the cycle: invitations by segment, registration opened."""
    invited = announce_task(cycle_id, staff_login)
    await drain_outbox()
    print(f"Цикл вебинаров №{cycle_id}: приглашено {sum(invited.values())} "
          f"(по вебинарам: {invited})")
    return invited


@flow(name="webinar-materials", log_prints=True)
async def send_materials(session_id: int, staff_login: str) -> int:
    """Materials and the feedback form to the attendees of a held session."""
    sent = materials_task(session_id, staff_login)
    await drain_outbox()
    print(f"Вебинар №{session_id}: материалы отправлены участникам: {sent}")
    return sent


@flow(name="webinar-certificates", log_prints=True)
async def issue_certificates(cycle_id: int, staff_login: str) -> list[str]:
    """Certificates for everyone who qualifies by the cycle's rule, once each; the numbers
    issued by this run (a second run issues none)."""
    result = certificates_task(cycle_id, staff_login)
    await drain_outbox()
    issued = result["issued"]
    print(f"Цикл вебинаров №{cycle_id}: выдано сертификатов сейчас: {len(issued)}"
          + (f" ({issued[0]} … {issued[-1]})" if issued else "")
          + f", выдано ранее: {result['already']}")
    return issued

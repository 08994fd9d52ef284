"""Contest stages as flows over the whole batch of applications: staff run them by name."""

from __future__ import annotations

from prefect import flow, task
from sqlmodel import select

from flows.mail import drain_outbox
from flows.runtime import runtime
from models import Application, Assignment, Contest, ContestState, Document
from services import contest_results, contest_review, contest_review_reminders, contests
from services.actors import Actor
from services.errors import NotFound
from services.org import staff_actor


def _actor(staff_login: str) -> Actor:
    return staff_actor(runtime(), staff_login)


def _state(contest_id: int) -> ContestState:
    with runtime().session() as s:
        contest = s.get(Contest, contest_id)
        if contest is None:
            raise NotFound(f"Конкурс №{contest_id} не найден")
        return contest.state


# Each stage task does its step only when the contest is still before it, so a flow run
# retried after a failure (or started twice) carries on instead of failing.


@task(name="announce-contest")
def announce_task(contest_id: int, staff_login: str) -> str:
    if _state(contest_id) == ContestState.DRAFT:
        contests.announce(runtime(), contest_id, actor=_actor(staff_login))
    return contests.advance(runtime(), contest_id)


@task(name="assign-experts")
def assign_task(contest_id: int, staff_login: str) -> int:
    if _state(contest_id) == ContestState.SCREENING:
        contest_review.start_review(runtime(), contest_id, actor=_actor(staff_login))
    with runtime().session() as s:
        return len(list(s.exec(select(Assignment.id).where(
            Assignment.contest_id == contest_id, Assignment.active))))


@task(name="remind-experts")
def remind_task() -> list[int]:
    return contest_review_reminders.remind_experts(runtime())


@task(name="tally-contest")
def tally_task(contest_id: int, staff_login: str) -> list[dict]:
    rt, actor = runtime(), _actor(staff_login)
    if _state(contest_id) == ContestState.REVIEWING:
        contest_results.start_deliberation(rt, contest_id, actor=actor)
    ranking, apps = contest_results.ranking(rt, contest_id)
    return [{"rank": r.rank, "number": apps[r.application_id].number, "total": float(r.total),
             "flagged": r.flagged, "tie_rule": r.tie_rule or ""} for r in ranking.rows]


@task(name="approve-results")
def approve_task(contest_id: int, staff_login: str) -> list[str]:
    if _state(contest_id) != ContestState.DELIBERATION:
        return []
    ranking = contest_results.approve_results(runtime(), contest_id, actor=_actor(staff_login))
    return list(ranking.notes)


@task(name="award-contest")
def award_task(contest_id: int, staff_login: str) -> int:
    if _state(contest_id) == ContestState.RESULTS_APPROVED:
        contest_results.award(runtime(), contest_id, actor=_actor(staff_login))
    with runtime().session() as s:
        return len(list(s.exec(select(Document.id).where(Document.kind.in_(
            ["contest_diploma", "contest_certificate"]), Document.object_id.in_(
            select(Application.id).where(Application.contest_id == contest_id))))))


@flow(name="contest-open-intake", log_prints=True)
async def open_intake(contest_id: int, staff_login: str) -> str:
    """Announce: order, Положение, invitations to every eligible organisation."""
    state = announce_task(contest_id, staff_login)
    await drain_outbox()
    print(f"Конкурс №{contest_id}: {state}")
    return state


@flow(name="contest-assign", log_prints=True)
async def assign_experts(contest_id: int, staff_login: str) -> int:
    """Give every accepted application its experts; one letter per expert."""
    pairs = assign_task(contest_id, staff_login)
    await drain_outbox()
    print(f"Конкурс №{contest_id}: назначено пар «заявка — эксперт»: {pairs}")
    return pairs


@flow(name="contest-remind", log_prints=True)
async def remind_experts() -> list[int]:
    """Reminders to experts before and after the review due date (also run by the sweep)."""
    reminded = remind_task()
    await drain_outbox()
    return reminded


@flow(name="contest-tally", log_prints=True)
async def tally(contest_id: int, staff_login: str, approve: bool = True) -> list[dict]:
    """Start the jury's meeting: expert sheets, the ranking; approve it unless told not to."""
    rows = tally_task(contest_id, staff_login)
    if approve:
        for note in approve_task(contest_id, staff_login):
            print(note)
    await drain_outbox()
    return rows


@flow(name="contest-award", log_prints=True)
async def award(contest_id: int, staff_login: str) -> int:
    """The results order, diplomas and certificates, result letters, the status registry."""
    documents = award_task(contest_id, staff_login)
    await drain_outbox()
    print(f"Конкурс №{contest_id}: наградных документов {documents}")
    return documents

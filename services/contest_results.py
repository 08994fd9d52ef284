"""Deliberation, commission votes, approved results, the award and the status registry."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from adapters.clock import add_years, moscow_date
from adapters.spreadsheet import workbook_bytes
from models import (
    Application,
    ApplicationState as A,
    Assignment,
    CommissionVote,
    Contest,
    ContestState as C,
    Review,
    StatusEntry,
)
from models.contest_machine import application_machine as AM, contest_machine as CM
from services import contest_documents as docs, contests, numbering
from services.actors import Actor
from services.audit import record_event
from services.contest_ranking import COMMISSION_VOTE, Ranking, rank_applications
from services.errors import DomainError, GuardRefused, NotFound
from services.runtime import Runtime, Tx
from services.transitions import refusal_audit, transition

OUTCOME_TRANSITIONS = {A.WINNER: "declare_winner", A.LAUREATE: "declare_laureate",
                       A.PARTICIPANT: "declare_participant"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def start_deliberation(rt: Runtime, contest_id: int, *, actor: Actor) -> None:
    """Reviews are frozen; an экспертный лист is made for each of them."""
    with rt.transaction() as tx:
        contest, spec = contests.get(tx, contest_id)
        waiting = [a.number for a in _apps(tx, contest.id) if a.state == A.UNDER_REVIEW]
        if waiting and contest.state == C.REVIEWING:
            raise GuardRefused("Заседание начать нельзя: не все оценки получены — "
                               + ", ".join(waiting), obj=contest,
                               audit=refusal_audit(CM, contest, "start_deliberation", actor, ""))
        with transition(tx, CM, contest, "start_deliberation", actor=actor) as step:
            sheets = docs.expert_sheets(tx, contest, spec)
            step.details["expert_sheets"] = len(sheets)


def ranking(rt: Runtime, contest_id: int) -> tuple[Ranking, dict[int, Application]]:
    """The current ranking from the stored reviews and votes (nothing is written)."""
    with rt.session() as s:
        return _ranking(s, contest_id)


def record_vote(rt: Runtime, contest_id: int, application_id: int, votes: int, *,
                actor: Actor) -> None:
    """Staff record the jury's vote for an application (breaks ties the criteria left)."""
    if votes < 0:
        raise DomainError("Число голосов не может быть отрицательным")
    with rt.transaction() as tx:
        contest, _ = contests.get(tx, contest_id)
        if contest.state != C.DELIBERATION:
            raise DomainError("Голосование записывают во время заседания жюри: конкурс в "
                              f"состоянии «{contest.state.label}»")
        app = tx.session.get(Application, application_id)
        if app is None or app.contest_id != contest_id:
            raise NotFound(f"Заявка №{application_id} не относится к конкурсу №{contest_id}")
        vote = tx.session.exec(select(CommissionVote).where(
            CommissionVote.contest_id == contest_id,
            CommissionVote.application_id == application_id)).first() or CommissionVote(
            contest_id=contest_id, application_id=application_id, votes=votes,
            recorded_at=tx.now)
        vote.votes, vote.recorded_by, vote.recorded_at = votes, actor.person_id, tx.now
        tx.session.add(vote)
        record_event(tx, object_kind="contest", object_id=contest_id, action="record_vote",
                     actor=actor, details={"application": app.number, "votes": votes})


def approve_results(rt: Runtime, contest_id: int, *, actor: Actor,
                    meeting: docs.Meeting = docs.Meeting()) -> Ranking:
    """Fix the ranking and outcomes; the сводная ведомость and the протокол are made.

    `meeting` says who of the jury was absent and how it voted; the protocol prints it.
    """
    with rt.transaction() as tx:
        contest, spec = contests.get(tx, contest_id)
        problems = meeting.problems(spec)
        if problems:
            raise GuardRefused("Итоги утвердить нельзя: " + "; ".join(problems), obj=contest,
                               audit=refusal_audit(CM, contest, "approve_results", actor, ""))
        result, apps = _ranking(tx.session, contest.id)
        if result.notes and COMMISSION_VOTE in spec.tie_break and contest.state == C.DELIBERATION:
            raise GuardRefused(
                "Итоги утвердить нельзя: " + "; ".join(result.notes)
                + ". Запишите голосование жюри (imc contest vote) и утвердите итоги снова",
                obj=contest, audit=refusal_audit(CM, contest, "approve_results", actor, ""))
        with transition(tx, CM, contest, "approve_results", actor=actor) as step:
            today = moscow_date(tx.now)
            contest.protocol_number = str(numbering.next_number(tx, "protocol", today.year))
            contest.protocol_date = today
            for row in result.rows:
                app = apps[row.application_id]
                app.total, app.rank, app.flagged = float(row.total), row.rank, row.flagged
                app.averages = {k: float(v) for k, v in row.averages.items()}
                app.tie_rule, app.outcome_note = row.tie_rule or "", row.outcome_note
                with transition(tx, AM, app, OUTCOME_TRANSITIONS[row.outcome], actor=actor):
                    pass
            summary = docs.summary_context(tx, contest, spec, result, apps)
            docs.render(tx, contest, "summary", "contest_summary.docx", summary,
                        f"Сводная ведомость — {spec.title}.docx", step)
            docs.store_xlsx(tx, contest, workbook_bytes(
                "Сводная ведомость", f"Сводная ведомость: {spec.title}",
                *docs.summary_table(spec, result, apps)), step)
            docs.render(tx, contest, "protocol", "contest_protocol.docx",
                        docs.protocol_context(tx, contest, spec, result, apps, meeting),
                        f"Протокол заседания жюри № {contest.protocol_number}.docx", step)
            step.details["notes"] = list(result.notes)
            step.details["meeting"] = {"отсутствовали": list(meeting.absent),
                                       "против": meeting.against,
                                       "воздержались": meeting.abstained}
        return result


def award(rt: Runtime, contest_id: int, *, actor: Actor) -> int:
    """The results order, diplomas and certificates, result emails, the status registry."""
    with rt.transaction() as tx:
        contest, spec = contests.get(tx, contest_id)
        with transition(tx, CM, contest, "award", actor=actor) as step:
            today = moscow_date(tx.now)
            n = numbering.next_number(tx, "order", today.year)
            contest.results_order_number = f"{n}-{spec.order.number_prefix}"
            contest.results_order_date = today
            apps = _apps(tx, contest.id)
            order = docs.render(tx, contest, "results_order", "contest_results_order.docx",
                                docs.results_order_context(tx, contest, spec, apps, actor),
                                f"Приказ № {contest.results_order_number} об итогах.docx", step)
            awards = docs.awards(tx, contest, spec, apps)
            for app in apps:
                if app.id not in awards:  # rejected at screening: told then, no result
                    continue
                if app.state == A.WINNER:
                    _register_status(tx, contest, spec, app)
                docs.mail_result(tx, contest, spec, app, [awards[app.id].id, order.id], step)
            step.details["documents"] = len(awards) + 1
        return len(awards)


def close(rt: Runtime, contest_id: int, *, actor: Actor) -> None:
    with rt.transaction() as tx:
        contest, _ = contests.get(tx, contest_id)
        with transition(tx, CM, contest, "close", actor=actor):
            pass


def registry(rt: Runtime) -> list[StatusEntry]:
    with rt.session() as s:
        return list(s.exec(select(StatusEntry).order_by(StatusEntry.valid_to)))


def remind_status_expiry(rt: Runtime) -> list[int]:
    """Staff are told once before a status ends (the rules' notice period)."""
    told = []
    today = moscow_date(rt.clock.now())
    for entry in registry(rt):
        with rt.transaction() as tx:
            _, spec = contests.get(tx, entry.contest_id)
            notice = timedelta(days=spec.reminders.status_expiry_notice_days)
            if entry.valid_to - notice <= today <= entry.valid_to and docs.mail_status_expiry(
                    tx, entry):
                told.append(entry.id)
    return told


def _register_status(tx: Tx, contest: Contest, spec, app: Application) -> None:
    exists = tx.session.exec(select(StatusEntry).where(
        StatusEntry.application_id == app.id)).first()
    if exists is not None:
        return
    start = contest.results_order_date
    end = add_years(start, spec.status_validity_years) - timedelta(days=1)
    tx.session.add(StatusEntry(organisation_id=app.organisation_id, contest_id=contest.id,
                               application_id=app.id, status=spec.status_awarded,
                               order_number=contest.results_order_number, order_date=start,
                               valid_from=start, valid_to=end,
                               obligations=list(spec.reporting_obligations), created_at=tx.now))


def _apps(tx: Tx, contest_id: int) -> list[Application]:
    stmt = select(Application).where(Application.contest_id == contest_id).order_by(
        Application.id)
    return list(tx.session.exec(stmt))


def _ranking(session, contest_id: int) -> tuple[Ranking, dict[int, Application]]:
    contest = session.get(Contest, contest_id)
    from models import ContestRules
    from services.contest_rules import spec_of

    spec = spec_of(session.get(ContestRules, contest.rules_id))
    apps = {a.id: a for a in session.exec(select(Application).where(
        Application.contest_id == contest_id, Application.state.in_(
            [A.REVIEWED, A.WINNER, A.LAUREATE, A.PARTICIPANT])))}
    scores: dict[int, list[dict]] = {i: [] for i in apps}
    stmt = select(Assignment, Review).join(Review, Review.assignment_id == Assignment.id).where(
        Assignment.contest_id == contest_id, Assignment.active).order_by(Assignment.id)
    for assignment, review in session.exec(stmt):
        if assignment.application_id in scores:
            scores[assignment.application_id].append(review.scores)
    votes = {v.application_id: v.votes for v in session.exec(
        select(CommissionVote).where(CommissionVote.contest_id == contest_id))
        } if COMMISSION_VOTE in spec.tie_break else {}
    return rank_applications(spec, scores, votes), apps

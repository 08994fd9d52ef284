"""Expert review: assignment, replacement, reviews through personal links.

Reminders to experts and the list of late reviews: services.contest_review_reminders.
"""

from __future__ import annotations

from sqlmodel import select

from adapters.russian import date_long
from models import (
    Application,
    ApplicationState as A,
    Assignment,
    Contest,
    ContestState as C,
    Organisation,
    Person,
    Review,
)
from models.contest_machine import application_machine as AM, contest_machine as CM
from services import contest_experts, contests, links
from services.actors import Actor
from services.audit import record_event
from services.contest_assignment import Candidate, Expert, assign, replace
from services.contest_rules import RulesSpec
from services.errors import DomainError, GuardRefused, IllegalTransition, NotFound
from services.outbox import queue_to_person
from services.runtime import Runtime, Tx
from services.transitions import Step, refusal_audit, transition

PURPOSE_REVIEW = "contest.review"


def start_review(rt: Runtime, contest_id: int, *, actor: Actor) -> dict[int, tuple[int, ...]]:
    """Close screening, give every accepted application K experts, tell each expert once."""
    with rt.transaction() as tx:
        contest, spec = contests.get(tx, contest_id)
        unscreened = [a for a in _applications(tx, contest.id) if a.state in (A.SUBMITTED,
                                                                                A.RETURNED)]
        if unscreened and contest.state == C.SCREENING:
            listed = ", ".join(f"{a.number} ({a.state.label})" for a in unscreened)
            raise GuardRefused(f"Экспертизу начать нельзя: не все заявки проверены — {listed}",
                               obj=contest,
                               audit=refusal_audit(CM, contest, "start_review", actor, ""))
        with transition(tx, CM, contest, "start_review", actor=actor) as step:
            accepted = [a for a in _applications(tx, contest.id) if a.state == A.ACCEPTED]
            result = assign(_candidates(tx, accepted), _experts(tx, contest.id),
                            per_application=spec.experts_per_application,
                            forbid_same_municipality=spec.conflicts.same_municipality)
            for app in accepted:
                for expert_id in result[app.id]:
                    tx.session.add(Assignment(contest_id=contest.id, application_id=app.id,
                                              expert_id=expert_id, assigned_at=tx.now))
                with transition(tx, AM, app, "start_review", actor=actor):
                    pass
            tx.session.flush()
            step.details["assignments"] = sum(len(v) for v in result.values())
            # The active assignments are read once and grouped, not once per expert.
            by_expert: dict[int, list[Assignment]] = {}
            for a in _active(tx, contest.id):
                by_expert.setdefault(a.expert_id, []).append(a)
            for expert_id in sorted({e for v in result.values() for e in v}):
                _mail_assignments(tx, contest, spec, expert_id, step,
                                  mine=by_expert.get(expert_id, []))
        return result


def replace_expert(rt: Runtime, application_id: int, expert_id: int, *, actor: Actor,
                   reason: str) -> int:
    """Swap one expert who has not scored yet; every other assignment stays. Returns the new one."""
    if not reason.strip():
        raise DomainError("Укажите причину замены эксперта")
    with rt.transaction() as tx:
        app = tx.session.get(Application, application_id)
        if app is None:
            raise NotFound(f"Заявка №{application_id} не найдена")
        contest, spec = contests.get(tx, app.contest_id)
        old = _assignment(tx, app.id, expert_id)
        if old is not None and _review(tx, old.id) is not None:
            raise DomainError(f"Эксперт уже прислал оценку заявки {app.number}: замена не нужна")
        return swap(tx, contest, spec, app, expert_id, actor=actor, reason=reason)


def swap(tx: Tx, contest: Contest, spec: RulesSpec, app: Application, expert_id: int, *,
         actor: Actor, reason: str) -> int:
    """Put another eligible expert in place of `expert_id` on `app` (also after a late conflict).

    A reviewed application goes back to review until the new expert has scored it.
    """
    if contest.state != C.REVIEWING:
        raise DomainError(f"Экспертов меняют только во время экспертизы: конкурс в "
                          f"состоянии «{contest.state.label}»")
    table = _table(tx, contest.id)
    # Nobody who was on this application before comes back (one row per pair, and a
    # replaced expert was replaced for a reason).
    before = {a.expert_id for a in tx.session.exec(select(Assignment).where(
        Assignment.application_id == app.id))} - set(table.get(app.id, ()))
    pool = [e for e in _experts(tx, contest.id) if e.expert_id not in before]
    new_table = replace(table, app.id, expert_id, _candidates(tx, [app]), pool,
                        forbid_same_municipality=spec.conflicts.same_municipality)
    (new_expert,) = set(new_table[app.id]) - set(table[app.id])
    old = _assignment(tx, app.id, expert_id)
    old.active, old.replaced_at, old.replace_reason = False, tx.now, reason.strip()
    tx.session.add(old)
    fresh = Assignment(contest_id=contest.id, application_id=app.id, expert_id=new_expert,
                       assigned_at=tx.now)
    tx.session.add(fresh)
    tx.session.flush()
    if app.state == A.REVIEWED:
        with transition(tx, AM, app, "reopen_review", actor=actor, reason=reason):
            pass
    record_event(tx, object_kind="application", object_id=app.id, action="replace_expert",
                 actor=actor, state=str(app.state),
                 details={"прежний эксперт": expert_id, "новый эксперт": new_expert,
                          "причина": reason.strip()})
    _mail_assignments(tx, contest, spec, new_expert, None, only=[fresh.id])
    return new_expert


def _assignment(tx: Tx, application_id: int, expert_id: int) -> Assignment | None:
    return tx.session.exec(select(Assignment).where(
        Assignment.application_id == application_id, Assignment.expert_id == expert_id,
        Assignment.active)).first()


def review_view(rt: Runtime, token: str) -> dict:
    """What an expert sees: the application, the criteria and only their own review."""
    with rt.transaction() as tx:
        assignment, expert = _claims(tx, token, "open")
        app = tx.session.get(Application, assignment.application_id)
        contest, spec = contests.get(tx, app.contest_id)
        review = _review(tx, assignment.id)
        record_event(tx, object_kind="application", object_id=app.id, action="link_opened",
                     actor=Actor.participant(expert), state=str(app.state))
        org = tx.session.get(Organisation, app.organisation_id)
        return {"assignment_id": assignment.id, "contest": contest.title,
                "number": app.number, "organisation": org.full_name,
                "project_title": app.project_title, "annotation": app.annotation,
                "expert": expert.full_name, "due": date_long(spec.dates.review_due),
                "criteria": [{"code": c.code, "name": c.name, "description": c.description,
                              "max_score": float(c.max_score)} for c in spec.criteria],
                "scores": review.scores if review else {},
                "revision": review.revision if review else None,
                "comment": review.comment if review else "",
                "can_review": contest.state == C.REVIEWING}


def submit_review(rt: Runtime, token: str, scores: dict[str, object], comment: str) -> int:
    """Store (or revise) the expert's scores; the application is reviewed when all are in."""
    with rt.transaction() as tx:
        assignment, expert = _claims(tx, token, "review")
        app = tx.session.get(Application, assignment.application_id)
        contest, spec = contests.get(tx, app.contest_id)
        actor = Actor.participant(expert)
        audit = {**refusal_audit(AM, app, "review", actor, ""),
                 "details": {"assignment_id": assignment.id}}
        if contest.state != C.REVIEWING:
            raise IllegalTransition(
                f"Оценка не сохранена: экспертиза завершена (конкурс в состоянии "
                f"«{contest.state.label}»), оценку изменить нельзя", obj=app, audit=audit)
        clean, problems = check_scores(spec, scores)
        if not comment.strip():
            problems.append("напишите комментарий к оценке")
        if problems:
            raise DomainError("Оценка не сохранена: " + "; ".join(problems), obj=app,
                              audit=audit)
        review = _review(tx, assignment.id)
        if review is None:
            review = Review(assignment_id=assignment.id, scores=clean, comment=comment.strip(),
                            submitted_at=tx.now)
        else:
            review.scores, review.comment = clean, comment.strip()
            review.revision, review.submitted_at = review.revision + 1, tx.now
        tx.session.add(review)
        tx.session.flush()
        record_event(tx, object_kind="application", object_id=app.id,
                     action="review_revised" if review.revision > 1 else "review_submitted",
                     actor=actor, state=str(app.state),
                     details={"assignment_id": assignment.id, "revision": review.revision})
        if app.state == A.UNDER_REVIEW and all(
                _review(tx, a.id) for a in _active_for(tx, app.id)):
            with transition(tx, AM, app, "complete_review", actor=Actor.system()):
                pass
        return review.revision


def check_scores(spec: RulesSpec, scores: dict[str, object]) -> tuple[dict, list[str]]:
    """Scores by criterion code within [0, max]; every problem named by criterion."""
    clean, problems = {}, []
    for c in spec.criteria:
        raw = scores.get(c.code)
        try:
            value = float(str(raw).replace(",", "."))
        except (TypeError, ValueError):
            problems.append(f"не указан балл по критерию «{c.name}»")
            continue
        if not 0 <= value <= float(c.max_score):
            problems.append(f"балл по критерию «{c.name}» должен быть от 0 до "
                            f"{float(c.max_score):g}, указано {value:g}")
        clean[c.code] = value
    unknown = set(scores) - {c.code for c in spec.criteria}
    if unknown:
        problems.append(f"в положении нет критериев: {', '.join(sorted(unknown))}")
    return clean, problems


def _mail_assignments(tx: Tx, contest: Contest, spec: RulesSpec, expert_id: int,
                      step: Step | None, only: list[int] | None = None,
                      mine: list[Assignment] | None = None) -> None:
    """One letter listing the expert's active assignments (`mine`, when the caller has them
    already, in id order)."""
    expert = tx.session.get(Person, expert_id)
    if mine is None:
        mine = [a for a in _active(tx, contest.id) if a.expert_id == expert_id
                and (only is None or a.id in only)]
    suffix = f":{only[0]}" if only else ""
    queue_to_person(tx, expert, key=f"contest:{contest.id}:assignments:to:{expert_id}{suffix}",
                    template="contest_expert_assignments",
                    context={"contest": contest, "spec": spec, "expert": expert,
                             "items": assignment_items(tx, mine)},
                    object_kind="contest", object_id=contest.id, step=step)


def assignment_items(tx: Tx, assignments: list[Assignment]) -> list[dict]:
    items = []
    for a in assignments:
        app = tx.session.get(Application, a.application_id)
        org = tx.session.get(Organisation, app.organisation_id)
        url = links.link_url(tx.rt, person_id=a.expert_id, object_kind="assignment",
                             object_id=a.id, purpose=PURPOSE_REVIEW)
        items.append({"number": app.number, "organisation": org.short_name,
                      "project_title": app.project_title, "link": url})
    return items


def _claims(tx: Tx, token: str, action: str) -> tuple[Assignment, Person]:
    claims = links.checked_claims(tx, token, purpose=PURPOSE_REVIEW, object_kind="assignment",
                                  action=action)
    assignment = tx.session.get(Assignment, claims.object_id)
    if assignment is None or assignment.expert_id != claims.person_id:
        links.refuse(claims, action, "Ссылка выдана другому лицу: действие недоступно")
    if not assignment.active:
        links.refuse(claims, action, "Вы больше не назначены на эту заявку: эксперт заменён")
    return assignment, tx.session.get(Person, claims.person_id)


def _applications(tx: Tx, contest_id: int) -> list[Application]:
    stmt = select(Application).where(Application.contest_id == contest_id).order_by(
        Application.id)
    return list(tx.session.exec(stmt))


def _active(tx: Tx, contest_id: int) -> list[Assignment]:
    stmt = select(Assignment).where(Assignment.contest_id == contest_id,
                                    Assignment.active).order_by(Assignment.id)
    return list(tx.session.exec(stmt))


def _active_for(tx: Tx, application_id: int) -> list[Assignment]:
    stmt = select(Assignment).where(Assignment.application_id == application_id,
                                    Assignment.active)
    return list(tx.session.exec(stmt))


def _table(tx: Tx, contest_id: int) -> dict[int, tuple[int, ...]]:
    table: dict[int, list[int]] = {}
    for a in _active(tx, contest_id):
        table.setdefault(a.application_id, []).append(a.expert_id)
    return {k: tuple(v) for k, v in table.items()}


def _review(tx: Tx, assignment_id: int) -> Review | None:
    return tx.session.exec(select(Review).where(Review.assignment_id == assignment_id)).first()


def _candidates(tx: Tx, apps: list[Application]) -> list[Candidate]:
    result = []
    for app in apps:
        org = tx.session.get(Organisation, app.organisation_id)
        result.append(Candidate(app.id, app.number, org.id, org.municipality))
    return result


def _experts(tx: Tx, contest_id: int) -> list[Expert]:
    declared = contest_experts.conflicts(tx, contest_id)
    result = []
    for p in contest_experts.panel(tx, contest_id):
        org = tx.session.get(Organisation, p.organisation_id) if p.organisation_id else None
        municipality = org.municipality if org else ""  # an independent expert
        result.append(Expert(p.id, p.full_name, p.organisation_id, municipality,
                             declared.get(p.id, frozenset())))
    return result

"""The contest's own life: create from rules, announce, open and close intake, advance."""

from __future__ import annotations

from sqlmodel import select

from adapters.clock import moscow_date
from models import Agreement, Contest, ContestState as C, Organisation, OrgKind, Person
from models.agreement import in_force_clause
from models.contest_machine import contest_machine as M
from services import documents, links, numbering, org as orgs
from services.actors import Actor
from services.contest_context import contest_card, order_context, regulations_context
from services.contest_rules import RulesSpec, latest_rules, spec_of
from services.errors import NotFound
from services.outbox import queue_to_person
from services.runtime import Runtime, Tx
from services.transitions import Step, transition

KIND = "contest"
PURPOSE_APPLY = "contest.apply"


def create(rt: Runtime, *, rules_code: str, actor: Actor) -> int:
    """A contest in preparation, bound to the latest version of its rules."""
    with rt.transaction() as tx:
        rules = latest_rules(rt, rules_code, session=tx.session)
        if rules is None:
            raise NotFound(f"Положение «{rules_code}» не загружено: imc contest rules load ФАЙЛ")
        spec = spec_of(rules)
        contest = Contest(rules_id=rules.id, code=spec.code, title=spec.title, year=spec.year,
                          created_by=actor.person_id, created_at=tx.now, updated_at=tx.now)
        tx.session.add(contest)
        tx.session.flush()
        with transition(tx, M, contest, "create", actor=actor) as step:
            step.details["rules_version"] = rules.version
        return contest.id


def announce(rt: Runtime, contest_id: int, *, actor: Actor) -> None:
    """The order and the Положение are issued; every eligible organisation is invited."""
    with rt.transaction() as tx:
        contest, spec = get(tx, contest_id)
        with transition(tx, M, contest, "announce", actor=actor) as step:
            today = moscow_date(tx.now)
            n = numbering.next_number(tx, "order", today.year)
            contest.order_number, contest.order_date = f"{n}-{spec.order.number_prefix}", today
            regulations = _document(tx, contest, "regulations", "contest_regulations.docx",
                                    regulations_context(tx, contest, spec),
                                    f"Положение о конкурсе «{spec.title}».docx", step)
            _document(tx, contest, "order", "contest_order.docx",
                      order_context(tx, contest, spec, actor),
                      f"Приказ № {contest.order_number} о проведении конкурса.docx", step)
            invited = _invite(tx, contest, spec, regulations.id, step)
            step.details["invited"] = invited
    advance(rt, contest_id)


def open_intake(rt: Runtime, contest_id: int, *, actor: Actor) -> None:
    with rt.transaction() as tx:
        contest, _ = get(tx, contest_id)
        with transition(tx, M, contest, "open_intake", actor=actor):
            pass


def close_intake(rt: Runtime, contest_id: int, *, actor: Actor) -> None:
    """Stop accepting applications; staff are told how many came in."""
    with rt.transaction() as tx:
        _close_intake(tx, get(tx, contest_id)[0], actor)


def advance(rt: Runtime, contest_id: int) -> str:
    """Open or close intake when its dates come (Europe/Moscow); idempotent."""
    with rt.transaction() as tx:
        contest, spec = get(tx, contest_id)
        today = moscow_date(tx.now)
        if contest.state == C.ANNOUNCED and today >= spec.dates.intake_opens:
            with transition(tx, M, contest, "open_intake", actor=Actor.scheduler()):
                pass
        if contest.state == C.ACCEPTING and today > spec.dates.intake_closes:
            _close_intake(tx, contest, Actor.scheduler())
        return str(contest.state)


def _close_intake(tx: Tx, contest: Contest, actor: Actor) -> None:
    from services.contest_queries import application_counts

    with transition(tx, M, contest, "close_intake", actor=actor) as step:
        counts = application_counts(tx, contest.id)
        step.details["applications"] = counts
        for person in orgs.staff(tx):
            queue_to_person(tx, person, key=f"{KIND}:{contest.id}:intake_closed:to:{person.id}",
                            template="contest_intake_closed",
                            context={"contest": contest, "counts": counts, "staff": person},
                            object_kind=KIND, object_id=contest.id, step=step)


def active_ids(rt: Runtime) -> list[int]:
    with rt.session() as s:
        stmt = select(Contest.id).where(Contest.state.in_([C.ANNOUNCED, C.ACCEPTING]))
        return list(s.exec(stmt))


def get(tx: Tx, contest_id: int) -> tuple[Contest, RulesSpec]:
    contest = tx.session.get(Contest, contest_id)
    if contest is None:
        raise NotFound(f"Конкурс №{contest_id} не найден")
    from models import ContestRules

    return contest, spec_of(tx.session.get(ContestRules, contest.rules_id))


def eligible_organisations(tx: Tx, spec: RulesSpec) -> list[Organisation]:
    """Who may apply: the district's schools, or partners with an agreement in force."""
    return list(tx.session.exec(_eligible(tx, spec).order_by(Organisation.id)))


def is_eligible(tx: Tx, spec: RulesSpec, organisation_id: int) -> bool:
    # The same condition as eligible_organisations, for one organisation: checked for every
    # application, so it must not load every eligible organisation each time.
    stmt = _eligible(tx, spec).where(Organisation.id == organisation_id)
    return tx.session.exec(stmt).first() is not None


def _eligible(tx: Tx, spec: RulesSpec):
    if spec.eligibility == "district":
        return select(Organisation).where(Organisation.kind == OrgKind.SCHOOL)
    return select(Organisation).where(Organisation.id.in_(
        select(Agreement.partner_id).where(in_force_clause(moscow_date(tx.now)))))


def _invite(tx: Tx, contest: Contest, spec: RulesSpec, regulations_id: int, step: Step) -> int:
    invited = 0
    for organisation in eligible_organisations(tx, spec):
        head = _head_or_none(tx, organisation.id)
        if head is None or not head.email:
            step.details.setdefault("not_invited", []).append(organisation.short_name)
            continue
        url = links.link_url(tx.rt, person_id=head.id, object_kind=KIND, object_id=contest.id,
                             purpose=PURPOSE_APPLY)
        queue_to_person(tx, head, key=f"{KIND}:{contest.id}:invitation:org:{organisation.id}",
                        template="contest_invitation",
                        context={**contest_card(contest, spec), "head": head,
                                 "organisation": organisation, "link": url},
                        attachment_ids=[regulations_id], object_kind=KIND,
                        object_id=contest.id, step=step)
        invited += 1
    return invited


def _head_or_none(tx: Tx, organisation_id: int) -> Person | None:
    try:
        return orgs.head_of(tx, organisation_id)
    except NotFound:
        return None


def _document(tx: Tx, contest: Contest, what: str, template: str, context: dict,
              filename: str, step: Step):
    return documents.render_document(
        tx, key=f"{KIND}:{contest.id}:{what}", kind=f"contest_{what}", object_kind=KIND,
        object_id=contest.id, template=template, context=context, filename=filename, step=step)

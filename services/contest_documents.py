"""The contest's documents after the reviews: expert sheets, summary, protocol, order, awards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import select

from adapters.clock import add_years
from adapters.declension import decline_fio
from adapters.russian import date_long, points
from models import (
    Application,
    ApplicationState as A,
    Assignment,
    Contest,
    Organisation,
    Person,
    Review,
    StatusEntry,
)
from services import documents, numbering, org as orgs
from services.contest_context import common, jury, person_card, short_title
from services.contest_ranking import Ranking
from services.contest_rules import RulesSpec
from services.contest_rules_checks import plain
from services.outbox import queue_email, queue_to_person, queued
from services.runtime import Tx
from services.transitions import Step

OUTCOME_LABELS = {A.WINNER: "победитель", A.LAUREATE: "лауреат", A.PARTICIPANT: "участник"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render(tx: Tx, contest: Contest, what: str, template: str, context: dict, filename: str,
           step: Step | None):
    return documents.render_document(
        tx, key=f"contest:{contest.id}:{what}", kind=f"contest_{what}", object_kind="contest",
        object_id=contest.id, template=template, context=context, filename=filename, step=step)


def store_xlsx(tx: Tx, contest: Contest, data: bytes, step: Step) -> None:
    documents.store_file(tx, key=f"contest:{contest.id}:summary_xlsx", kind="contest_summary_xlsx",
                         object_kind="contest", object_id=contest.id,
                         filename="Сводная ведомость.xlsx", data=data, media_type=XLSX_TYPE,
                         step=step)


def expert_sheets(tx: Tx, contest: Contest, spec: RulesSpec) -> list:
    """One экспертный лист per review, rendered together on all cores."""
    stmt = select(Assignment, Review).join(Review, Review.assignment_id == Assignment.id).where(
        Assignment.contest_id == contest.id, Assignment.active).order_by(Assignment.id)
    base = common(tx, contest, spec)
    items = []
    for assignment, review in tx.session.exec(stmt):
        app = tx.session.get(Application, assignment.application_id)
        expert = tx.session.get(Person, assignment.expert_id)
        org = tx.session.get(Organisation, app.organisation_id)
        total = sum(float(c.weight) * review.scores[c.code] for c in spec.criteria)
        items.append({
            "key": f"assignment:{assignment.id}:expert_sheet:r{review.revision}",
            "object_id": app.id,
            "filename": f"Экспертный лист {app.number.replace('/', '-')} — "
                        f"{expert.last_name}.docx",
            "context": {**base,
                        "application": {"number": app.number, "organisation": org.short_name,
                                        "project_title": app.project_title},
                        "expert": person_card(expert.full_name, expert.position or "эксперт"),
                        "criteria": [{"name": c.name, "max_score": int(c.max_score),
                                      "weight": plain(c.weight),
                                      "score": plain(review.scores[c.code]), "comment": ""}
                                     for c in spec.criteria],
                        "review": {"total": f"{total:.2f}".replace(".", ","),
                                   "max_total": plain(spec.max_total),
                                   "comment": review.comment,
                                   "date_long": date_long(review.submitted_at)}},
        })
    return documents.render_documents(tx, template="contest_expert_sheet.docx",
                                      object_kind="application", kind="expert_sheet",
                                      items=items)


def _rows(tx: Tx, spec: RulesSpec, result: Ranking, apps: dict[int, Application]) -> list[dict]:
    rows = []
    for r in result.rows:
        app = apps[r.application_id]
        org = tx.session.get(Organisation, app.organisation_id)
        rows.append({"rank": r.rank, "number": app.number, "organisation": org.short_name,
                     "project_title": app.project_title,
                     "averages": [plain(r.averages[c.code]) for c in spec.criteria],
                     "total": plain(r.total), "flagged": r.flagged,
                     "outcome": OUTCOME_LABELS[r.outcome]})
    return rows


def _tie_notes(result: Ranking, apps: dict[int, Application]) -> list[str]:
    notes = [f"заявки № {apps[t.higher].number} и № {apps[t.lower].number} набрали по "
             f"{points(t.total)}; "
             + (f"порядок определён: {t.rule}" if t.resolved else "порядок не определён: "
                "заявки делят место") for t in result.ties]
    return notes + list(result.notes)


def summary_context(tx: Tx, contest: Contest, spec: RulesSpec, result: Ranking,
                    apps: dict[int, Application]) -> dict:
    return {**common(tx, contest, spec),
            "summary": {"date_long": date_long(contest.protocol_date),
                        "max_total": plain(spec.max_total),
                        "spread_limit_text": f"{round(spec.spread_flag_share * 100)} %"},
            "criteria": [c.name for c in spec.criteria], "rows": _rows(tx, spec, result, apps),
            "tie_notes": _tie_notes(result, apps), "jury": jury(spec)}


def summary_table(spec: RulesSpec, result: Ranking, apps: dict[int, Application]):
    headers = ["Место", "Рег. номер", "Проект", *[c.name for c in spec.criteria], "Итог",
               "Расхождение экспертов", "Итог конкурса", "Как разрешено равенство"]
    rows = [[r.rank, apps[r.application_id].number, apps[r.application_id].project_title,
             *[float(r.averages[c.code]) for c in spec.criteria], float(r.total),
             "да" if r.flagged else "", OUTCOME_LABELS[r.outcome], r.tie_rule or ""]
            for r in result.rows]
    return headers, rows


def protocol_context(tx: Tx, contest: Contest, spec: RulesSpec, result: Ranking,
                     apps: dict[int, Application], meeting: Meeting) -> dict:
    j = jury(spec)
    present = [p for p in (j["chair"], j["secretary"], *j["members"])
               if p["name"] not in meeting.absent]

    def listed(outcome):
        return [_award_row(tx, apps[r.application_id]) for r in result.rows
                if r.outcome == outcome]

    return {**common(tx, contest, spec), "jury": j,
            "protocol": {"number": contest.protocol_number,
                         "date_long": date_long(contest.protocol_date), "present": present,
                         "agenda": [f"Об итогах экспертизы заявок конкурса "
                                    f"«{short_title(spec.title)}»",
                                    "Об утверждении рейтинга и определении победителей"],
                         "heard": f"{_accusative_short(spec.jury.chair.name)}, председателя "
                                  "жюри, — о "
                                  "результатах экспертизы заявок и рейтинге участников.",
                         "votes": {"in_favour": len(present) - meeting.against
                                   - meeting.abstained, "against": meeting.against,
                                   "abstained": meeting.abstained}},
            "rows": _rows(tx, spec, result, apps), "winners": listed(A.WINNER),
            "laureates": listed(A.LAUREATE), "tie_notes": _tie_notes(result, apps)}


@dataclass(frozen=True)
class Meeting:
    """How the jury met: who was absent (names as in the rules) and how it voted."""

    absent: tuple[str, ...] = ()
    against: int = 0
    abstained: int = 0

    def problems(self, spec: RulesSpec) -> list[str]:
        members = [spec.jury.chair, spec.jury.secretary, *spec.jury.members]
        names = {m.name for m in members}
        found = [f"«{n}» нет в составе жюри" for n in self.absent if n not in names]
        present = len(members) - len(set(self.absent) & names)
        if present * 2 <= len(members):
            found.append(f"присутствует {present} из {len(members)}: нет кворума")
        if self.against < 0 or self.abstained < 0 or self.against + self.abstained > present:
            found.append("голосов «против» и «воздержались» больше, чем присутствующих")
        elif self.against + self.abstained >= present - self.against - self.abstained:
            found.append("решение не принято: «за» не большинство присутствующих")
        return found


def results_order_context(tx: Tx, contest: Contest, spec: RulesSpec, apps: list[Application],
                          actor) -> dict:
    start = contest.results_order_date
    end = add_years(start, spec.status_validity_years)
    return {**common(tx, contest, spec),
            "order": {"number": contest.results_order_number, "date_long": date_long(start),
                      "responsible_accusative": None},
            "protocol": {"number": contest.protocol_number,
                         "date_long": date_long(contest.protocol_date)},
            "valid_from_long": date_long(start),
            "valid_to_long": date_long(end - timedelta(days=1)),
            "winners": [_award_row(tx, a) for a in apps if a.state == A.WINNER],
            "laureates": [_award_row(tx, a) for a in apps if a.state == A.LAUREATE]}


def awards(tx: Tx, contest: Contest, spec: RulesSpec, apps: list[Application]) -> dict:
    """A numbered diploma (winner, laureate) or participation certificate per application."""
    order = {"number": contest.results_order_number,
             "date_long": date_long(contest.results_order_date)}
    base = common(tx, contest, spec)
    result = {}
    for template, kind, prefix, wanted in (
            ("contest_diploma.docx", "diploma", "Д", (A.WINNER, A.LAUREATE)),
            ("contest_certificate.docx", "certificate", "С", (A.PARTICIPANT,))):
        chosen = [a for a in apps if a.state in wanted]
        items = []
        for app in chosen:
            key = f"application:{app.id}:{kind}"
            if documents.find(tx, key) is not None:
                items.append({"key": key})
                continue
            number = f"{prefix}-{numbering.next_number(tx, kind, spec.year)}/{spec.year}"
            org = tx.session.get(Organisation, app.organisation_id)
            award = {"number": number, "organisation": org.short_name,
                     "project_title": app.project_title, "date_long": order["date_long"]}
            if kind == "diploma":
                award["degree_label"] = "победителя" if app.state == A.WINNER else "лауреата"
            word = "Диплом" if kind == "diploma" else "Сертификат участника"
            items.append({"key": key, "object_id": app.id,
                          "filename": f"{word} {number.replace('/', '-')}.docx",
                          "context": {**base, "award": award, "order": order}})
        missing = [i for i in items if "context" in i]
        made = {d.key: d for d in documents.render_documents(
            tx, template=template, object_kind="application", kind=f"contest_{kind}",
            items=missing)}
        for app, item in zip(chosen, items, strict=True):
            result[app.id] = made.get(item["key"]) or documents.find(tx, item["key"])
    return result


def mail_result(tx: Tx, contest: Contest, spec: RulesSpec, app: Application,
                attachment_ids: list[int], step: Step) -> None:
    queue_email(tx, key=f"application:{app.id}:result", template="contest_result",
                to_addr=app.contact_email, to_name=app.contact_name,
                context={"application": app, "contest": contest, "spec": spec,
                         "outcome": OUTCOME_LABELS[app.state],
                         "order_number": contest.results_order_number},
                attachment_ids=attachment_ids, object_kind="application", object_id=app.id,
                step=step)


def mail_status_expiry(tx: Tx, entry: StatusEntry) -> bool:
    """Tell the staff once that a status is about to end; False when told already."""
    org = tx.session.get(Organisation, entry.organisation_id)
    sent = False
    for person in orgs.staff(tx):
        key = f"status:{entry.id}:expiry:to:{person.id}"
        if queued(tx, key):
            continue
        queue_to_person(tx, person, key=key, template="status_expiring",
                        context={"entry": entry, "organisation": org, "staff": person},
                        object_kind="status", object_id=entry.id)
        sent = True
    return sent


def _accusative_short(full_name: str) -> str:
    """«Верзунова Ольга Александровна» → «Верзунову О.А.» (after «СЛУШАЛИ:»)."""
    last, first, middle = [*full_name.split(), "", "", ""][:3]
    surname = decline_fio(last, first, middle)["accusative"].split()[0]
    return f"{surname} {first[:1]}.{middle[:1] + '.' if middle else ''}"


def _award_row(tx: Tx, app: Application) -> dict:
    org = tx.session.get(Organisation, app.organisation_id)
    return {"number": app.number, "organisation": org.short_name,
            "project_title": app.project_title}


"""What the contest's documents and emails are made from (templates/docx/README.md)."""

from __future__ import annotations

from adapters.russian import (
    date_long,
    file_size,
    initials_name,
    plural,
    points,
    points_genitive,
    short_title,
)
from models import Contest, Person
from services import org as orgs
from services.actors import Actor
from services.contest_rules import RulesSpec
from services.contest_rules_checks import plain
from services.runtime import Tx

DEFAULT_GOALS = {
    "municipal": "выявление, поддержка и распространение инновационного опыта образовательных "
                 "организаций Выселковского района",
    "intermunicipal": "выявление и распространение лучших практик межмуниципального сетевого "
                      "взаимодействия",
}
ELIGIBILITY_SENTENCES = {
    "district": "В Конкурсе участвуют образовательные организации Выселковского района.",
    "registered_partners": "В Конкурсе участвуют сетевые партнёры проекта — организации, "
                           "с которыми заключён и действует договор о сетевом взаимодействии.",
}


def contest_card(contest: Contest, spec: RulesSpec) -> dict:
    """What every contest email gets."""
    return {"contest": contest, "spec": spec}


def common(tx: Tx, contest: Contest, spec: RulesSpec) -> dict:
    """The keys every contest Word template receives."""
    return {
        "centre": orgs.centre_card(tx),
        "contest": {"title": short_title(spec.title), "year": spec.year, "kind": spec.kind,
                    "status_awarded": spec.status_awarded,
                    "status_validity_years": spec.status_validity_years,
                    "reporting_obligations": list(spec.reporting_obligations)},
    }


def person_card(name: str, position: str) -> dict:
    parts = name.split()
    last, first, middle = [*parts, "", "", ""][:3]
    return {"name": name, "position": position, "signature": initials_name(last, first, middle)}


def jury(spec: RulesSpec) -> dict:
    return {"chair": person_card(spec.jury.chair.name, spec.jury.chair.position),
            "secretary": person_card(spec.jury.secretary.name, spec.jury.secretary.position),
            "members": [person_card(m.name, m.position) for m in spec.jury.members]}


def order_card(contest: Contest) -> dict:
    return {"number": contest.order_number, "date_long": date_long(contest.order_date)}


def regulations_context(tx: Tx, contest: Contest, spec: RulesSpec) -> dict:
    d = spec.dates
    stages = [
        {"name": "Объявление Конкурса", "date_long": date_long(d.announcement)},
        {"name": "Приём заявок",
         "date_long": f"с {date_long(d.intake_opens)} по {date_long(d.intake_closes)}"},
        {"name": "Проверка заявок", "date_long": f"до {date_long(d.screening_until)}"},
        {"name": "Экспертиза заявок", "date_long": f"до {date_long(d.review_due)}"},
        {"name": "Заседание жюри и подведение итогов", "date_long": date_long(d.results)},
    ]
    criteria = [{"name": c.name, "description": c.description, "max_score": int(c.max_score),
                 "weight": plain(c.weight)} for c in spec.criteria]
    conflicts = ["эксперт работает в организации-заявителе",
                 "эксперт заявил о конфликте интересов с организацией-заявителем"]
    if spec.conflicts.same_municipality:
        conflicts.insert(1, "эксперт работает в том же муниципальном образовании, "
                            "что и организация-заявитель")
    return {
        **common(tx, contest, spec),
        "order": order_card(contest),
        "rules": {
            "goal": spec.goal or DEFAULT_GOALS[spec.kind],
            "eligibility_text": ELIGIBILITY_SENTENCES[spec.eligibility],
            "stages": stages,
            "allowed_types_text": ", ".join(e.upper() for e in spec.application.allowed_extensions),
            "max_file_text": file_size(spec.application.max_file_mb * 1048576),
            "criteria": criteria,
            "experts_per_application": spec.experts_per_application,
            "conflict_texts": conflicts,
            "spread_text": spread_text(spec),
            "tie_break_texts": tie_break_texts(spec),
            "winners_text": winners_text(spec),
            "jury": jury(spec),
        },
    }


def order_context(tx: Tx, contest: Contest, spec: RulesSpec, actor: Actor) -> dict:
    responsible = tx.session.get(Person, actor.person_id) if actor.person_id else None
    return {
        **common(tx, contest, spec),
        "order": {**order_card(contest), "responsible_accusative": _accusative(responsible)},
        "period": {"from_long": date_long(spec.dates.announcement),
                   "to_long": date_long(spec.dates.results)},
        "jury": jury(spec),
    }


def spread_text(spec: RulesSpec) -> str:
    """«… более чем на 30 % максимально возможной суммы (60 баллов), …»"""
    share = round(spec.spread_flag_share * 100)
    return (f"Если итоговые баллы экспертов по одной заявке расходятся более чем на {share} % "
            f"максимально возможной суммы ({points(spec.max_total)}), заявка отмечается для "
            "рассмотрения жюри.")


def tie_break_texts(spec: RulesSpec) -> list[str]:
    texts = []
    for code in spec.tie_break:
        if code == "commission_vote":
            texts.append("решение жюри, принятое открытым голосованием")
        else:
            texts.append(f"более высокий средний балл по критерию «{spec.criterion(code).name}»")
    return texts


def winners_text(spec: RulesSpec) -> str:
    """Who wins and who becomes a laureate, in whole sentences, for the Положение."""
    parts = []
    if spec.winners.top:
        top = spec.winners.top
        parts.append(f"занявшие {'1 место' if top == 1 else f'1–{top} места'} рейтинга")
    if spec.winners.min_total is not None:
        parts.append(f"набравшие не менее {points_genitive(spec.winners.min_total)}")
    text = "Победителями Конкурса признаются заявки, " + " и ".join(parts) + "."
    if spec.laureates.given:
        text += " " + _laureates_sentence(spec.laureates.top, spec.laureates.min_total)
    return text + f" Победителям присваивается статус «{spec.status_awarded}»."


def _laureates_sentence(top: int | None, min_total) -> str:
    """«Лауреатом признаётся следующая за победителями заявка рейтинга.», «Лауреатами
    признаются следующие за победителями 5 заявок рейтинга, набравшие не менее 30 баллов.»"""
    if top == 1:
        text = "Лауреатом признаётся следующая за победителями заявка рейтинга"
    elif top:
        text = (f"Лауреатами признаются следующие за победителями {top} "
                f"{plural(top, 'заявка', 'заявки', 'заявок')} рейтинга")
    else:
        text = "Лауреатами признаются следующие за победителями заявки рейтинга"
    if min_total is not None:
        participle = "набравшая" if top == 1 else "набравшие"
        text += f", {participle} не менее {points_genitive(min_total)}"
    return text + "."


def _accusative(person: Person | None) -> str | None:
    """«методиста Н.А. Иванову» for «Контроль … возложить на»; None: the director keeps it."""
    if person is None or person.role == "director" or not person.fio_accusative:
        return None
    surname = person.fio_accusative.split()[0]
    initials = initials_name(surname, person.first_name, person.middle_name)
    return f"{person.position_genitive or person.position.lower()} {initials}"

"""`imc contest …` after screening: experts, review, the jury, the award; `imc registry`."""

from __future__ import annotations

from typing import Optional

import typer
from rich.table import Table

from adapters.russian import date_short
from cli.common import BY_OPTION, actor, console, friendly, rt
from services import contest_experts, contest_results, contest_review, contest_review_reminders


def register(app: typer.Typer) -> None:
    for name, command in (("add-expert", add_expert), ("conflict", conflict),
                          ("assign", assign), ("replace-expert", replace_expert),
                          ("late", late), ("deliberate", deliberate), ("ranking", ranking),
                          ("vote", vote), ("approve-results", approve_results),
                          ("award", award), ("close", close)):
        app.command(name)(command)


@friendly
def add_expert(contest_id: int, last_name: str = typer.Option(..., help="Фамилия"),
               first_name: str = typer.Option(..., help="Имя"),
               middle_name: str = typer.Option("", help="Отчество"),
               email: str = typer.Option(..., help="Email эксперта"),
               position: str = typer.Option("", help="Должность"),
               organisation_id: Optional[int] = typer.Option(None, help="Номер организации"),
               by: Optional[str] = BY_OPTION):
    """Включить эксперта в состав экспертов конкурса."""
    r = rt()
    person_id = contest_experts.add_expert(
        r, contest_id, last_name=last_name, first_name=first_name, middle_name=middle_name,
        email=email, position=position, organisation_id=organisation_id, actor=actor(r, by))
    console.print(f"Эксперт №{person_id} в составе экспертов конкурса №{contest_id}")


@friendly
def conflict(contest_id: int, expert_id: int, organisation_id: int,
             note: str = typer.Option("", help="Пояснение"), by: Optional[str] = BY_OPTION):
    """Записать заявленный экспертом конфликт интересов с организацией."""
    r = rt()
    contest_experts.declare_conflict(r, contest_id, expert_id, organisation_id, note=note,
                                     actor=actor(r, by))
    console.print("Конфликт интересов записан: эксперт не получит заявки этой организации")


@friendly
def assign(contest_id: int, by: Optional[str] = BY_OPTION):
    """Начать экспертизу: назначить экспертов всем принятым заявкам и разослать письма."""
    r = rt()
    table = contest_review.start_review(r, contest_id, actor=actor(r, by))
    console.print(f"Назначено пар «заявка — эксперт»: {sum(len(v) for v in table.values())}")


@friendly
def replace_expert(application_id: int, expert_id: int,
                   reason: str = typer.Option(..., help="Причина замены"),
                   by: Optional[str] = BY_OPTION):
    """Заменить одного эксперта на заявке; остальные назначения не меняются."""
    r = rt()
    new = contest_review.replace_expert(r, application_id, expert_id, actor=actor(r, by),
                                        reason=reason)
    console.print(f"Заявка №{application_id}: вместо эксперта №{expert_id} назначен №{new}")


@friendly
def late(contest_id: int):
    """Кто из экспертов ещё не прислал оценки."""
    due, rows = contest_review_reminders.late_report(rt(), contest_id)
    table = Table("Эксперт", "Email", "Не оценены", title=f"Срок экспертизы {date_short(due)}")
    for row in rows:
        table.add_row(*row)
    console.print(table if rows else "Все оценки получены")


@friendly
def deliberate(contest_id: int, by: Optional[str] = BY_OPTION):
    """Начать заседание жюри: оценки фиксируются, формируются экспертные листы."""
    r = rt()
    contest_results.start_deliberation(r, contest_id, actor=actor(r, by))
    ranking(contest_id)


@friendly
def ranking(contest_id: int):
    """Текущий рейтинг: средние баллы, итог, расхождения, как разрешены равенства."""
    result, apps = contest_results.ranking(rt(), contest_id)
    table = Table("Место", "Заявка", "Итог", "!", "Итог конкурса", "Равенство",
                  title=f"Рейтинг конкурса №{contest_id}")
    labels = {"winner": "победитель", "laureate": "лауреат", "participant": "участник"}
    for r in result.rows:
        table.add_row(str(r.rank), apps[r.application_id].number, f"{r.total:.2f}",
                      "!" if r.flagged else "", labels[str(r.outcome)], r.tie_rule or "")
    console.print(table)
    for note in result.notes:
        console.print(note)


@friendly
def vote(contest_id: int, application_id: int, votes: int, by: Optional[str] = BY_OPTION):
    """Записать голоса жюри за заявку (решает равенство, которое не разрешили критерии)."""
    r = rt()
    contest_results.record_vote(r, contest_id, application_id, votes, actor=actor(r, by))
    console.print("Голосование записано")


@friendly
def approve_results(contest_id: int,
                    absent: Optional[list[str]] = typer.Option(
                        None, help="Отсутствовавший член жюри (ФИО как в положении); "
                                   "можно несколько раз"),
                    against: int = typer.Option(0, help="Голосов «против»"),
                    abstained: int = typer.Option(0, help="Воздержались"),
                    by: Optional[str] = BY_OPTION):
    """Утвердить итоги: сводная ведомость (.docx, .xlsx) и протокол заседания жюри."""
    from services.contest_documents import Meeting

    r = rt()
    meeting = Meeting(tuple(absent or ()), against, abstained)
    result = contest_results.approve_results(r, contest_id, actor=actor(r, by), meeting=meeting)
    console.print(f"Итоги утверждены: {len(result.rows)} заявок в рейтинге")


@friendly
def award(contest_id: int, by: Optional[str] = BY_OPTION):
    """Наградить: приказ, дипломы, сертификаты, письма участникам, реестр статусов."""
    r = rt()
    count = contest_results.award(r, contest_id, actor=actor(r, by))
    console.print(f"Наградных документов: {count}; письма поставлены в очередь")


@friendly
def close(contest_id: int, by: Optional[str] = BY_OPTION):
    """Завершить конкурс."""
    r = rt()
    contest_results.close(r, contest_id, actor=actor(r, by))
    console.print(f"Конкурс №{contest_id} завершён")


@friendly
def registry():
    """Реестр статусов: кто и до какого срока носит присвоенный статус."""
    from models import Organisation

    r = rt()
    table = Table("Организация", "Статус", "Приказ", "С", "По", "Обязательства",
                  title="Реестр статусов")
    with r.session() as s:
        for e in contest_results.registry(r):
            org = s.get(Organisation, e.organisation_id)
            table.add_row(org.short_name, e.status, f"№ {e.order_number} от "
                          f"{date_short(e.order_date)}", date_short(e.valid_from),
                          date_short(e.valid_to), "; ".join(e.obligations))
    console.print(table)

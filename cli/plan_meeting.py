"""`imc plan meeting …`: creative-group meetings — schedule, minutes, hold, the protocol."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from adapters.russian import plural
from cli.common import BY_OPTION, actor, console, friendly, rt
from cli.webinar_schedule import parse_start
from services import (
    plan_meeting_minutes,
    plan_meeting_protocol,
    plan_meeting_queries,
    plan_meetings,
)

meeting_app = typer.Typer(help="Заседания творческой группы (пункт плана theor-2): повестка, "
                               "протокол", no_args_is_help=True)

ID_HELP = "Номер заседания, см. imc plan meeting list"
START_HELP = "Начало, московское время: «ДД.ММ.ГГГГ ЧЧ:ММ» или «ГГГГ-ММ-ДД ЧЧ:ММ»"


@meeting_app.command("schedule")
@friendly
def schedule(year: int = typer.Option(..., "--year", help="Год плана (2024) или его номер"),
             start: str = typer.Option(..., "--start", help=START_HELP),
             place: str = typer.Option(..., "--place", help="Место проведения"),
             agenda: list[str] = typer.Option(..., "--agenda",
                                              help="Вопрос повестки дня (повторите для "
                                                   "каждого, по порядку)"),
             member: Optional[list[str]] = typer.Option(
                 None, "--member", help="Член группы: логин, e-mail или номер человека "
                                        "(по умолчанию — все сотрудники и директор МКУ ИМЦ)"),
             chair: Optional[str] = typer.Option(None, "--chair",
                                                 help="Председатель (по умолчанию директор)"),
             secretary: Optional[str] = typer.Option(
                 None, "--secretary", help="Секретарь (по умолчанию тот, кто назначает)"),
             occurrence: Optional[int] = typer.Option(
                 None, "--occurrence", help="Номер срока пункта плана (для просроченного; "
                                            "по умолчанию — срок, в который попадает дата)"),
             by: Optional[str] = BY_OPTION):
    """Назначить заседание: членам группы — приглашение с повесткой дня."""
    r = rt()
    result = plan_meetings.schedule(r, plan=year, starts_at=parse_start(start), place=place,
                                    agenda=agenda, members=member or None, chair=chair,
                                    secretary=secretary, occurrence=occurrence,
                                    actor=actor(r, by))
    console.print(f"Заседание №{result['id']} назначено на {result['start']} (МСК), срок плана "
                  f"— {result['period']}; членов группы: {result['members']}, приглашений "
                  f"отправлено: {result['invited']}")


@meeting_app.command("reschedule")
@friendly
def reschedule(meeting_id: int = typer.Argument(..., help=ID_HELP),
               start: str = typer.Option(..., "--start", help=START_HELP),
               place: Optional[str] = typer.Option(None, "--place", help="Новое место"),
               reason: str = typer.Option("", "--reason", help="Причина переноса"),
               by: Optional[str] = BY_OPTION):
    """Перенести заседание: членам группы — письмо с новым временем и повесткой."""
    r = rt()
    result = plan_meetings.reschedule(r, meeting_id, starts_at=parse_start(start), place=place,
                                      reason=reason, actor=actor(r, by))
    if not result["changed"]:
        console.print(f"Заседание №{meeting_id} уже назначено на {result['start']} (МСК): "
                      "ничего не изменилось")
        return
    console.print(f"Заседание №{meeting_id} перенесено на {result['start']} (МСК); писем "
                  f"отправлено: {result['invited']}")


@meeting_app.command("minutes")
@friendly
def minutes(meeting_id: int = typer.Argument(..., help=ID_HELP),
            file: Path = typer.Argument(..., exists=True, dir_okay=False,
                                        help="Протокол, YAML (образец: "
                                             "data/samples/meeting-minutes.yaml)"),
            by: Optional[str] = BY_OPTION):
    """Внести присутствие и решения заседания из файла: весь файл или ничего."""
    r = rt()
    result = plan_meeting_minutes.record_minutes(r, meeting_id, file, actor=actor(r, by))
    verb = "заменён" if result["replaced"] else "внесён"
    console.print(f"Протокол заседания №{meeting_id} {verb}: присутствовали "
                  f"{_people(result['present'])}, отсутствовали {_people(result['absent'])}, "
                  f"приглашённых {result['guests']}, решений по вопросам: "
                  f"{result['questions']}")


@meeting_app.command("hold")
@friendly
def hold(meeting_id: int = typer.Argument(..., help=ID_HELP), by: Optional[str] = BY_OPTION):
    """Провести заседание: номер и протокол (.docx), рассылка, пункт плана закрыт."""
    r = rt()
    result = plan_meeting_protocol.hold(r, meeting_id, actor=actor(r, by))
    head = "уже проведено" if not result["changed"] else "проведено"
    console.print(f"Заседание №{meeting_id} {head}: протокол № {result['number']} от "
                  f"{result['date']} — {escape(result['path'])}; срок плана "
                  f"{result['occurrence']}; протокол разослан: {result['mailed']}")


@meeting_app.command("cancel")
@friendly
def cancel(meeting_id: int = typer.Argument(..., help=ID_HELP),
           reason: str = typer.Option(..., "--reason", help="Причина отмены"),
           by: Optional[str] = BY_OPTION):
    """Отменить заседание: членам группы — письмо об отмене."""
    r = rt()
    result = plan_meetings.cancel(r, meeting_id, reason=reason, actor=actor(r, by))
    if not result["changed"]:
        console.print(f"Заседание №{meeting_id} уже отменено")
        return
    console.print(f"Заседание №{meeting_id} отменено; уведомлено: {result['notified']}")


@meeting_app.command("list")
@friendly
def list_(year: Optional[int] = typer.Option(None, "--year", help="Год плана")):
    """Заседания творческой группы (за год плана) и их состояние."""
    table = Table("№", "Год", "Срок плана", "Начало (МСК)", "Место", "Вопросов",
                  "Присутствовали", "Протокол №", "Состояние", title="Заседания творческой группы")
    for row in plan_meeting_queries.list_meetings(rt(), year):
        table.add_row(str(row["id"]), str(row["year"]), row["period"], row["start"],
                      escape(row["place"]), str(row["questions"]),
                      "—" if row["present"] is None else str(row["present"]),
                      str(row["number"]), row["state"])
    console.print(table)


@meeting_app.command("show")
@friendly
def show(meeting_id: int = typer.Argument(..., help=ID_HELP)):
    """Заседание: повестка дня, присутствие, решения, путь к протоколу."""
    v = plan_meeting_queries.meeting_view(rt(), meeting_id)
    console.print(f"[bold]Заседание №{v['id']}[/] — {v['state']}; {v['start']} (МСК), "
                  f"{escape(v['place'])}; срок плана: {v['occurrence']}")
    console.print(f"Председатель — {v['chair']}; секретарь — {v['secretary']}")
    if v["cancel_reason"]:
        console.print(f"Причина отмены: {escape(v['cancel_reason'])}")
    console.print("[bold]Повестка дня:[/]")
    for n, question in enumerate(v["agenda"], start=1):
        console.print(f"  {n}. {escape(question)}")
    console.print("[bold]Члены группы:[/]")
    for m in v["members"]:
        console.print(f"  {escape(m['name'])} ({escape(m['position'])}) — "
                      f"{escape(m['attendance'])}")
    for g in v["guests"]:
        console.print(f"  приглашён(а): {escape(g['name'])} ({escape(g['email'])})")
    for d in v["decisions"]:
        console.print(f"[bold]{d['question']}. {escape(d['title'])}[/]\n"
                      f"  СЛУШАЛИ: {escape(d['speaker'])} — {escape(d['heard'])}\n"
                      f"  РЕШИЛИ: {escape(d['decision'])}"
                      + (f"\n  Ответственный: {escape(d['responsible'])}"
                         if d["responsible"] else "")
                      + (f"; срок: {escape(d['due'])}" if d["due"] else ""))
    if v["protocol"]:
        console.print(f"Протокол № {v['number']}: {escape(v['protocol'])}")


def _people(n: int) -> str:
    return f"{n} {plural(n, 'человек', 'человека', 'человек')}"

"""The «анализ мероприятий» справка for one creative-group meeting held (subject
«plan_meeting:N»): attendance of the group's members and guests, the agenda and the decisions."""

from __future__ import annotations

from datetime import date

from adapters.clock import MOSCOW
from adapters.number_words import percent, with_words as words
from adapters.russian import date_long, initials_name, plural
from models import Document, Person
from models.plan_meeting import MeetingState
from services.errors import DomainError
from services.event_report_data import meeting_data
from services.plan_meeting_queries import get_meeting
from services.report_note import Chart, Note, ReportContent, Section, Table
from services.runtime import Tx


def build(tx: Tx, meeting_id: int, start: date, end: date) -> ReportContent:
    s = tx.session
    meeting = get_meeting(tx, meeting_id)
    if meeting.state != MeetingState.HELD:
        raise DomainError(f"Заседание творческой группы №{meeting_id} не проведено (состояние "
                          f"«{meeting.state.label}»): справка составляется по итогам заседания")
    d = meeting_data(tx, meeting)
    local = meeting.starts_at.astimezone(MOSCOW)
    number = meeting.number or meeting.id
    members = d.present + d.absent
    chair, secretary = (s.get(Person, pid) if pid else None
                        for pid in (meeting.chair_id, meeting.secretary_id))
    protocol = s.get(Document, meeting.protocol_document_id) \
        if meeting.protocol_document_id else None
    decisions = {x.get("question"): x for x in meeting.decisions or []}
    card = Table(title="Сведения о заседании", header=["Показатель", "Значение"],
                 sheet="Заседание", rows=[
        ["Дата и время (МСК)", f"{local:%d.%m.%Y %H:%M}"], ["Место", meeting.place or "—"],
        ["Председатель", _name(chair)], ["Секретарь", _name(secretary)],
        ["Членов группы присутствовало", d.present], ["Членов группы отсутствовало", d.absent],
        ["Приглашённых", d.guests], ["Вопросов повестки", len(meeting.agenda or [])],
        ["Принято решений", len(decisions)]])
    agenda = Table(title="Повестка дня и принятые решения",
                   header=["№", "Вопрос", "Решение", "Ответственный", "Срок"], sheet="Повестка",
                   rows=[[n, question, *(decisions.get(n, {}).get(k) or "—"
                                         for k in ("decision", "responsible", "due"))]
                         for n, question in enumerate(meeting.agenda or [], start=1)])
    chart = Chart(title="Присутствие членов творческой группы", kind="pie",
                  labels=["Присутствовали", "Отсутствовали"],
                  series={"Члены группы": [d.present, d.absent]})
    share = f" ({percent(d.present / members)})" if members else ""
    lines = [f"На заседании присутствовали {words(d.present)} из {members} "
             f"{plural(members, 'члена', 'членов', 'членов')} творческой группы{share}"
             + (f", приглашённых — {words(d.guests)}." if d.guests else "."),
             f"Рассмотрено вопросов — {words(len(meeting.agenda or []))}, принято решений — "
             f"{words(len(decisions), 'n')}."]
    note = Note(
        title=f"Аналитическая справка по итогам заседания творческой группы № {number} от "
              f"{date_long(local.date())}",
        period_start=start, period_end=end,
        goal=("проанализировать проведение заседания творческой группы: участие членов группы, "
              "рассмотренные вопросы и принятые решения."),
        sources=[f"протокол заседания № {number}"
                 + (f" (файл «{protocol.filename}»)" if protocol else ""),
                 "повестка дня и отметки присутствия членов творческой группы"],
        sections=[Section("Заседание", tables=[card], charts=[chart]),
                  Section("Повестка дня и решения", tables=[agenda])],
        conclusions=lines)
    figures = {"number": number, "date": f"{local:%d.%m.%Y}", "present": d.present,
               "absent": d.absent, "guests": d.guests, "agenda": len(meeting.agenda or []),
               "decisions": len(decisions)}
    return ReportContent(figures=figures, note=note)


def _name(person: Person | None) -> str:
    return initials_name(person.last_name, person.first_name, person.middle_name) \
        if person else "—"

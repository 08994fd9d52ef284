"""Russian names of states and actions for any audited object, for what staff read."""

from __future__ import annotations

from models.agreement_machine import agreement_machine
from models.consultation_machine import consultation_machine
from models.contest_machine import application_machine, contest_machine
from models.fsm import Machine
from models.plan_machine import occurrence_machine
from models.plan_meeting_machine import meeting_machine
from models.webinar_machine import (
    cycle_machine,
    registration_machine,
    request_machine,
    session_machine,
)

MACHINES: dict[str, Machine] = {m.process: m for m in (
    agreement_machine, contest_machine, application_machine, cycle_machine, session_machine,
    registration_machine, request_machine, occurrence_machine)}
MACHINES[consultation_machine.process] = consultation_machine
MACHINES[meeting_machine.process] = meeting_machine

# Audited happenings that are not transitions of a machine.
EVENT_LABELS = {
    "link_opened": "открыта персональная ссылка",
    "document_downloaded": "скачан документ по ссылке",
    "download": "скачивание документа по ссылке",
    "open": "открытие персональной ссылки",
    "create": "создание",
    "edit": "исправление карточки",
    "load": "загрузка положения",
    "retry": "повторная отправка письма",
    "apply": "подача заявки",
    "plan": "загрузка плана цикла вебинаров",
    "report": "отчёт по циклу вебинаров (.xlsx)",
    "attendance": "загрузка явки / отметка участия",
    "remind": "напоминание о вебинаре",
    "add_material": "добавлен материал вебинара",
    "send_materials_again": "повторная рассылка материалов",
    "feedback": "отзыв о вебинаре",
    "open_registration": "регистрация на открытой странице",
    "register_open": "регистрация на открытой странице",
    "register_open_again": "повторная форма регистрации: письмо владельцу адреса",
    "feedback_replaced": "отзыв о вебинаре изменён",
    "load_plan": "загрузка плана работы",
    "assign_responsible": "назначение ответственного за пункт плана",
    "report_generated": "сформирована аналитическая справка (.docx и .xlsx)",
    "close_plan_item": "отметка выполнения пункта плана",
    "cancel_plan_item": "отмена срока пункта плана",
    "link": "связь пункта плана с записью процесса",
    "unlink": "снятие связи пункта плана с записью процесса",
    "schedule_meeting": "назначение заседания творческой группы",
    "record_minutes": "внесение протокола заседания (присутствие, решения)",
    "replace_minutes": "замена протокола заседания до его проведения",
}


def state_label(process: str, value: str) -> str:
    machine = MACHINES.get(process)
    if not value or machine is None:
        return value
    try:
        return type(machine.initial)(value).label
    except ValueError:
        return value


def action_label(process: str, action: str) -> str:
    machine = MACHINES.get(process)
    if machine is not None and action in machine.transitions:
        return machine.transitions[action].label
    return EVENT_LABELS.get(action, action)

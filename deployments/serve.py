"""The project's deployments, served by one process (`python -m deployments.serve`)."""

from __future__ import annotations

from datetime import timedelta

from prefect import serve

from flows import contests, webinars
from flows.agreements import advance_agreements, start_agreement
from flows.mail import send_mail
from flows.reports import HALF_YEAR_SCHEDULES, generate_report, half_year_reports
from flows.sweep import sweep

SWEEP_EVERY = timedelta(minutes=5)
MAIL_EVERY = timedelta(minutes=1)


def deployments() -> list:
    return [
        start_agreement.to_deployment(
            name="agreement-start", tags=["agreements"],
            description="Подготовить проект договора с партнёром и направить директору"),
        advance_agreements.to_deployment(
            name="agreement-advance", tags=["agreements"],
            description="Автоматические шаги договоров: регистрация подписанных, письма"),
        sweep.to_deployment(
            name="sweep", interval=SWEEP_EVERY, tags=["timers"],
            description="Сроки: напоминания, эскалации, окончание договоров, напоминания о "
                        "вебинарах, завершение проведённых"),
        send_mail.to_deployment(
            name="mail-send", interval=MAIL_EVERY, tags=["mail"],
            description="Отправка писем из очереди в пределах лимитов"),
        contests.open_intake.to_deployment(
            name="contest-open-intake", tags=["contests"],
            description="Объявить конкурс: приказ, положение, приглашения"),
        contests.assign_experts.to_deployment(
            name="contest-assign", tags=["contests"],
            description="Назначить экспертов всем принятым заявкам"),
        contests.remind_experts.to_deployment(
            name="contest-remind", tags=["contests"],
            description="Напомнить экспертам о сроке экспертизы"),
        contests.tally.to_deployment(
            name="contest-tally", tags=["contests"],
            description="Заседание жюри: экспертные листы, рейтинг, протокол"),
        contests.award.to_deployment(
            name="contest-award", tags=["contests"],
            description="Награждение: приказ, дипломы, сертификаты, письма, реестр статусов"),
        webinars.announce_cycle.to_deployment(
            name="webinar-announce", tags=["webinars"],
            description="Объявить цикл вебинаров: приглашения по аудиториям, регистрация"),
        webinars.send_materials.to_deployment(
            name="webinar-materials", tags=["webinars"],
            description="Материалы и анкета обратной связи участникам проведённого вебинара"),
        webinars.issue_certificates.to_deployment(
            name="webinar-certificates", tags=["webinars"],
            description="Сертификаты участникам цикла по его правилу (повторный запуск "
                        "ничего не выдаёт дважды)"),
        generate_report.to_deployment(
            name="report-generate", tags=["reports"],
            description="Аналитическая справка за любой период: monitoring, effectiveness, "
                        "plan, events (предмет: contest:N, webinar_cycle:N, plan_meeting:N)"),
        half_year_reports.to_deployment(
            name="report-half-year", schedules=HALF_YEAR_SCHEDULES, tags=["reports"],
            description="Мониторинг активности и «Эффективность сетевого взаимодействия» за "
                        "полугодие: 30 июня и 31 декабря (МСК)"),
    ]


def main() -> None:
    serve(*deployments(), limit=4)


if __name__ == "__main__":
    main()

"""The project's deployments, served by one process (`python -m deployments.serve`)."""

from __future__ import annotations

from datetime import timedelta

from prefect import serve

from flows.agreements import advance_agreements, start_agreement
from flows.mail import send_mail
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
            description="Сроки: напоминания, эскалации, окончание договоров"),
        send_mail.to_deployment(
            name="mail-send", interval=MAIL_EVERY, tags=["mail"],
            description="Отправка писем из очереди в пределах лимитов"),
    ]


def main() -> None:
    serve(*deployments(), limit=4)


if __name__ == "__main__":
    main()

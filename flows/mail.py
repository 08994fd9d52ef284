"""Mail delivery: drain the outbox through SMTP within the provider's limits."""

from __future__ import annotations

from prefect import flow, task

from flows.runtime import runtime
from services import mail_delivery


@task(name="drain-outbox")
async def drain_outbox() -> dict:
    report = await mail_delivery.drain(runtime())
    return {"sent": len(report.sent), "retry": len(report.retry),
            "failed": len(report.failed), "waiting": report.waiting}


@flow(name="mail-send", log_prints=True)
async def send_mail() -> dict:
    """Send every due message; failures are kept for `imc mail failed`."""
    summary = await drain_outbox()
    print(f"Почта: отправлено {summary['sent']}, повтор позже {summary['retry']}, "
          f"не доставлено {summary['failed']}, ждут лимита {summary['waiting']}")
    return summary

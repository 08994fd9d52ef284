"""What the agreement's documents and emails are made from."""

from __future__ import annotations

from adapters.russian import date_long
from models import Agreement, Organisation
from services import org as orgs
from services.runtime import Tx

CITY = "ст. Выселки"

DEFAULT_OBLIGATIONS_CENTRE = (
    "приглашать Сторону 2 к участию в сетевых методических вебинарах, конференциях и "
    "конкурсах инновационной площадки;\n"
    "оказывать методическую помощь при разработке и реализации инновационных проектов;\n"
    "предоставлять методические материалы, разработанные в рамках проекта."
)
DEFAULT_OBLIGATIONS_PARTNER = (
    "участвовать в сетевых методических мероприятиях проекта;\n"
    "делиться опытом инновационной деятельности с участниками сети;\n"
    "назначить ответственное лицо за сетевое взаимодействие."
)
DEFAULT_SUBJECT = (
    "организация сетевого взаимодействия Сторон по реализации инновационного проекта "
    "«Совершенствование инновационной инфраструктуры межмуниципального взаимодействия»"
)


def document_context(tx: Tx, ag: Agreement) -> dict:
    """The context of templates/docx/agreement.docx (see templates/docx/README.md)."""
    partner = tx.session.get(Organisation, ag.partner_id)
    head = orgs.head_of(tx, partner.id)
    return {
        "centre": orgs.centre_card(tx),
        "partner": orgs.org_card(partner, head),
        "agreement": {
            "number": ag.number,
            "date_long": date_long(ag.registered_on) if ag.registered_on else None,
            "city": CITY,
            "subject": ag.subject,
            "starts_on_long": date_long(ag.starts_on),
            "ends_on_long": date_long(ag.ends_on),
            "term_years": ag.term_years,
            "obligations_centre": ag.obligations("centre"),
            "obligations_partner": ag.obligations("partner"),
            "is_draft": ag.number is None,
            "version": ag.draft_version,
        },
    }


def mail_context(tx: Tx, ag: Agreement, **extra) -> dict:
    """The context every agreement email gets, plus what the caller adds."""
    partner = tx.session.get(Organisation, ag.partner_id)
    head = orgs.head_of(tx, partner.id)
    return {
        "agreement": ag,
        "state_label": ag.state.label,
        "partner": partner,
        "head": head,
        "head_name": " ".join(p for p in (head.first_name, head.middle_name) if p),
        **extra,
    }


def draft_filename(tx: Tx, ag: Agreement) -> str:
    partner = tx.session.get(Organisation, ag.partner_id)
    return f"Проект договора о сетевом взаимодействии — {_safe_name(partner.short_name)}.docx"


def registered_filename(ag: Agreement) -> str:
    return f"Договор о сетевом взаимодействии {ag.number.replace('/', '-')}.docx"


def _safe_name(name: str) -> str:
    return "".join(ch for ch in name if ch not in '\\/:*?"<>|').strip()

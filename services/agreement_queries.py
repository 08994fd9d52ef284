"""Read-only views of agreements for staff (CLI tables, web pages)."""

from __future__ import annotations

from sqlmodel import select

from adapters.russian import date_short
from models import Agreement, AgreementState, Document, Organisation, OutboxEmail
from services.documents import absolute_path
from services.runtime import Runtime


def list_agreements(rt: Runtime, state: AgreementState | None = None) -> list[dict]:
    with rt.session() as s:
        stmt = select(Agreement, Organisation).join(
            Organisation, Organisation.id == Agreement.partner_id).order_by(Agreement.id)
        if state is not None:
            stmt = stmt.where(Agreement.state == state)
        return [
            {"id": ag.id, "partner": org.short_name, "municipality": org.municipality,
             "state": ag.state.label, "number": ag.number or "—",
             "registered_on": date_short(ag.registered_on) if ag.registered_on else "—",
             "ends_on": date_short(ag.ends_on) if ag.ends_on else "—"}
            for ag, org in s.exec(stmt)
        ]


def show(rt: Runtime, agreement_id: int) -> dict | None:
    with rt.session() as s:
        ag = s.get(Agreement, agreement_id)
        if ag is None:
            return None
        org = s.get(Organisation, ag.partner_id)
        docs = s.exec(select(Document).where(Document.object_kind == "agreement",
                                             Document.object_id == ag.id).order_by(Document.id))
        mails = s.exec(select(OutboxEmail).where(OutboxEmail.object_kind == "agreement",
                                                 OutboxEmail.object_id == ag.id)
                       .order_by(OutboxEmail.id))
        return {
            "agreement": ag,
            "partner": org,
            "documents": [(d, absolute_path(rt, d)) for d in docs],
            "emails": list(mails),
        }

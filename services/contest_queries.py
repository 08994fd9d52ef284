"""Read-only views of contests and their applications for staff."""

from __future__ import annotations

from collections import Counter

from sqlmodel import select

from adapters.russian import date_short
from models import Application, ApplicationState, Contest, ContestRules, Organisation
from services.runtime import Runtime, Tx


def application_counts(tx: Tx, contest_id: int) -> dict[str, int]:
    stmt = select(Application.state).where(Application.contest_id == contest_id)
    counts = Counter(str(state) for state in tx.session.exec(stmt))
    return {"total": sum(counts.values()), **{str(s): counts.get(str(s), 0)
                                             for s in ApplicationState}}


def list_contests(rt: Runtime) -> list[dict]:
    with rt.session() as s:
        stmt = select(Contest, ContestRules).join(
            ContestRules, ContestRules.id == Contest.rules_id).order_by(Contest.id)
        return [{"id": c.id, "title": c.title, "year": c.year, "state": c.state.label,
                 "rules": f"{r.code} v{r.version}",
                 "order": f"№ {c.order_number} от {date_short(c.order_date)}"
                 if c.order_number else "—"}
                for c, r in s.exec(stmt)]


def list_applications(rt: Runtime, contest_id: int,
                      state: ApplicationState | None = None) -> list[dict]:
    with rt.session() as s:
        stmt = select(Application, Organisation).join(
            Organisation, Organisation.id == Application.organisation_id).where(
            Application.contest_id == contest_id).order_by(Application.id)
        if state is not None:
            stmt = stmt.where(Application.state == state)
        return [{"id": a.id, "number": a.number, "organisation": o.short_name,
                 "municipality": o.municipality, "project": a.project_title,
                 "state": a.state.label, "submitted": date_short(a.submitted_at),
                 "source": a.source,
                 "note": a.return_reasons if a.state == ApplicationState.RETURNED
                 else a.reject_reason}
                for a, o in s.exec(stmt)]


def application_number(rt: Runtime, application_id: int) -> str:
    with rt.session() as s:
        return s.get(Application, application_id).number

"""`make demo` as a smoke test: every part runs end to end in a temporary data directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.docx_render import docx_text
from config.settings import get_settings


@pytest.fixture
def local_mail(monkeypatch):
    """The demos' own mail sink, whatever IMC_SMTP_HOST says on this machine."""
    monkeypatch.delenv("IMC_SMTP_HOST", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_agreements_demo_runs(tmp_path, local_mail):
    from demo.agreements import run_demo

    run_demo(tmp_path / "agreements")  # raises SystemExit unless three agreements were made
    assert list((tmp_path / "agreements" / "mail").rglob("*.eml"))


def test_the_contest_demo_runs_to_the_award(tmp_path, local_mail):
    from demo.contests import run_demo

    data_dir = tmp_path / "contest"
    result = run_demo(data_dir)

    first, *_ = result.ranking
    assert (first["place"], first["number"], first["outcome"]) == (1, "ИП-2/2024", "победитель")
    assert first["school"] == "МБОУ СОШ № 3 им. А.П. Чехова ст. Выселки"
    assert len(result.ranking) == 10  # eleven registered, one rejected at screening
    tied = [r for r in result.ranking if r["total"] == "48"]
    assert [(r["place"], r["number"], r["outcome"], r["tie"]) for r in tied] == [
        (3, "ИП-1/2024", "лауреат", "по критерию «Новизна»"),
        (4, "ИП-10/2024", "участник", "по критерию «Новизна»")]

    (entry,) = result.registry
    assert entry["organisation"] == first["school"]
    assert entry["status"] == "Муниципальная инновационная площадка"

    refusals = "\n".join(result.refusals)
    assert "уже подана заявка № ИП-3/2024" in refusals
    assert "заявка подана после срока" in refusals
    assert "отклонена: заявка описывает закупку оборудования" in refusals

    assert result.emails == result.sent > 50
    assert len(list((data_dir / "mail").rglob("*.eml"))) == result.sent
    docs = result.documents
    assert [len(docs[k]) for k in ("expert_sheet", "contest_diploma", "contest_certificate")] \
        == [30, 3, 7]
    assert all(p.is_file() for paths in docs.values() for p in paths)
    protocol = docx_text(docs["contest_protocol"][0].read_bytes())
    assert "ИП-2/2024" in protocol and "{{" not in protocol


def test_the_webinar_demo_runs_to_the_report(tmp_path, local_mail):
    from openpyxl import load_workbook

    from demo.webinars import run_demo

    result = run_demo(tmp_path / "webinars")
    first, second, third = result.report.sessions
    assert [(s.figures.invited, s.figures.registered, s.figures.attended, s.figures.no_show)
            for s in (first, second, third)] == [(14, 10, 8, 2), (8, 8, 6, 2), (2, 2, 2, 0)]
    assert first.figures.cancelled == 1 and first.unknown == 1
    assert (first.feedback.count, result.report.feedback.count) == (2, 2)
    assert [(u["line"], u["email"]) for u in result.unknown] == [
        (11, "sidorenko@mail.example.org")]
    assert second.start == "30.10.2024 16:00"  # rescheduled
    assert result.certificates == [f"ВС-{n}/2024" for n in range(1, 17)]
    assert result.second_run == 0
    assert result.request_session not in result.sessions
    assert load_workbook(result.report_path).sheetnames[0] == "Итоги"
    assert len(list((tmp_path / "webinars" / "mail").rglob("*.eml"))) == result.emails



def test_the_plan_demo_runs_a_year(tmp_path, local_mail):
    from email import message_from_bytes, policy

    import docx
    from openpyxl import load_workbook
    from sqlmodel import Session, create_engine, select

    from adapters.number_words import percent
    from demo.plan import run_demo
    from models import Consultation, ConsultationState, Document, OutboxEmail, Report
    from models.plan import OccurrenceState as O, PlanItem, PlanOccurrence

    data_dir = tmp_path / "plan"
    result = run_demo(data_dir)

    assert [h["number"] for h in result.protocols.values()] == [1, 2, 3, 4, 5]
    for month, held in result.protocols.items():
        text = docx_text(Path(held["path"]).read_bytes())
        assert f"{held['date']}\t№ {held['number']}" in text, month
        assert text.count("РЕШИЛИ:") >= 2 and "{{" not in text
    march = docx_text(Path(result.protocols["март"]["path"]).read_bytes())
    assert "Ремель Ольга Леонидовна" in march and "курсы повышения квалификации" in march

    with Session(create_engine(f"sqlite:///{data_dir / 'imc.db'}")) as s:
        def states(code: str) -> list[PlanOccurrence]:
            return list(s.exec(select(PlanOccurrence).join(PlanItem).where(
                PlanItem.code == code).order_by(PlanOccurrence.position)))

        (theor_1,) = states("theor-1")
        assert theor_1.state == O.DONE_LATE and theor_1.escalated_at is not None
        escalation = s.exec(select(OutboxEmail).where(
            OutboxEmail.template == "plan_escalation",
            OutboxEmail.object_id == theor_1.id)).one()
        assert [o.state for o in states("pract-3")] == [O.DONE_LATE, O.CANCELLED]
        assert [o.state for o in states("theor-2")] == [O.DONE] * 5
        reports = {(r.kind, r.period_start.month): r for r in s.exec(select(Report))}
        files = {key: [data_dir / "documents" / s.get(Document, i).path
                       for i in (r.docx_document_id, r.xlsx_document_id)]
                 for key, r in reports.items()}
        consultations = [c.state for c in s.exec(select(Consultation))]

    assert escalation.to_addr == "director@imc-vyselki.example.org"
    assert "Заключение договоров" in escalation.subject
    delivered = [message_from_bytes(p.read_bytes(), policy=policy.default)
                 for p in (data_dir / "mail").rglob("*.eml")]
    assert any(m["Subject"] == escalation.subject and m["To"].addresses[0].addr_spec
               == escalation.to_addr for m in delivered)
    assert len(delivered) == result.sent == result.emails
    # The contest is awarded in April, after the plan's «Март»: escalated too, closed late.
    assert [e["item"] for e in result.escalations] == ["pract-3", "theor-1"]

    assert set(reports) == {("effectiveness", 1), ("effectiveness", 7), ("monitoring", 1),
                            ("events", 1), ("plan", 1)}
    for docx_path, xlsx_path in files.values():
        assert docx_path.suffix == ".docx" and load_workbook(xlsx_path).sheetnames
    monitoring = docx.Document(files["monitoring", 1][0])
    assert monitoring.tables and monitoring.inline_shapes

    printed = [row["state"] for row in result.rows]
    on_time, late = printed.count("выполнено"), printed.count("выполнено с опозданием")
    overdue = printed.count("просрочено")
    year = reports["plan", 1].figures
    assert (year["on_time"], year["late"], year["overdue"], year["cancelled"]) == (
        on_time, late, overdue, printed.count("отменено"))
    assert year["share_on_time"] == round(on_time / (on_time + late + overdue), 4)
    assert percent(year["share_on_time"]) in docx_text(files["plan", 1][0].read_bytes())

    assert sorted(consultations) == [ConsultationState.DECLINED, ConsultationState.HELD,
                                     ConsultationState.HELD]
    assert reports["monitoring", 1].figures["consultations"] == 2
    assert year["requested"]["pract-2"] == 2

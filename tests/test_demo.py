"""`make demo` as a smoke test: both demos run end to end in a temporary data directory."""

from __future__ import annotations

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

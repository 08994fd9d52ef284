"""`imc plan due|close|cancel|show`: what is due and overdue, closing with a result (text, link,
file) and cancelling from the command line; refusals are Russian messages with exit code 1."""

from __future__ import annotations

import pytest
from rich.console import Console
from sqlmodel import select
from typer.testing import CliRunner

from models import AuditEntry, Document, OccurrenceState, Outcome
from services import documents
from services.plan import assign
from services.sweep import fire_timers
from tests.factories import staff_actor
from tests.test_plan_reminders import load_2024, msk, occurrence
from tests.test_plan_results import PDF

ENV = {"IMC_STAFF_LOGIN": "ivanova"}


@pytest.fixture
def imc(rt, monkeypatch):
    import cli.plan
    from cli.main import app

    monkeypatch.setattr(cli.plan, "rt", lambda: rt)
    monkeypatch.setattr(cli.plan, "console", Console(width=400))
    runner = CliRunner()
    plan_id = load_2024(rt)
    assign(rt, plan_id, "theor-1", "remel", actor=staff_actor(rt))

    def run(*args: str, ok: bool = True, env: dict = ENV):
        out = runner.invoke(app, ["plan", *args], env=env)
        assert (out.exit_code == 0) == ok, out.output
        return out.output

    return run


def test_due_lists_what_comes_soon_and_what_is_overdue(rt, imc):
    rt.clock.set(msk(2024, 8, 25))
    fire_timers(rt)  # the January and March due dates become overdue
    out = imc("due", "2024", "--days", "10")
    assert "сегодня 25.08.2024" in out and "по 04.09.2024" in out
    for text in ("theor-1 (№1)", "31.08.2024", "6 дн.", "Ремель Ольга Леонидовна",
                 "запланировано", "theor-2 (№1)", "31.01.2024", "просрочено на 207 дн.",
                 "просрочено", "pract-3 (№1)", "не назначен"):
        assert text in out, text
    assert "30.09.2024" not in out  # beyond the ten days
    assert "30.09.2024" in imc("due", "--days", "40")  # every plan, a longer horizon
    assert "не загружен" in imc("due", "2030", ok=False)


@pytest.mark.parametrize("days", ["100000000", "3661", "-5"])
def test_due_refuses_a_horizon_out_of_range_in_russian(imc, days):
    out = " ".join(imc("due", "--days", days, ok=False).split())
    assert f"Число дней (--days) должно быть от 0 до 3660, а указано {days}" in out
    assert "31.01.2024" in imc("due", "--days", "3660") and imc("due", "--days", "0")


def test_close_with_text_link_or_file_and_show_prints_the_result(rt, imc, tmp_path):
    rt.clock.set(msk(2024, 8, 20))
    out = imc("close", "2024", "theor-1", "--text", "Заключено 3 договора",
              "--url", "https://imc-vyselki.example.org/d", "--as", "remel")
    assert "Пункт theor-1, срок №1 до 31.08.2024: выполнено" in out
    row = occurrence(rt, "theor-1")
    assert (row.state, row.result_text) == (OccurrenceState.DONE, "Заключено 3 договора")
    file = tmp_path / "Протокол заседания.pdf"
    file.write_bytes(PDF)
    out = imc("close", "2024", "theor-2", "--occurrence", "4", "--file", str(file))
    assert "срок №4 до 30.09.2024: выполнено" in out
    with rt.session() as s:
        (doc,) = s.exec(select(Document))
    assert documents.read_bytes(rt, doc) == PDF and doc.filename == "Протокол заседания.pdf"
    assert occurrence(rt, "theor-2", 4).result_document_id == doc.id
    shown = imc("show", "2024")
    for text in ("31.08.2024: выполнено 20.08.2024 — Заключено 3 договора; "
                 "https://imc-vyselki.example.org/d",
                 f"30.09.2024: выполнено 20.08.2024 — документ №{doc.id} «Протокол "
                 "заседания.pdf»", "30.11.2024: запланировано"):
        assert text in shown, text


def test_refusals_are_russian_messages_and_are_audited(rt, imc, tmp_path):
    rt.clock.set(msk(2024, 8, 20))
    assert "не принята" in imc("close", "2024", "theor-1", "--url", "ftp://x.example.org",
                               ok=False)
    bad = tmp_path / "notes.txt"
    bad.write_text("не файл результата")
    assert "допустимы только" in imc("close", "2024", "theor-1", "--file", str(bad), ok=False)
    assert "приложите результат" in imc("close", "2024", "theor-1", ok=False)
    assert "несколько открытых сроков" in imc("close", "2024", "theor-2", "--text", "x",
                                              ok=False)
    imc("close", "2024", "theor-1", "--text", "готово")
    assert "уже выполнено" in imc("close", "2024", "theor-1", "--text", "ещё", ok=False)
    occ = occurrence(rt, "theor-1")
    with rt.session() as s:
        refusals = list(s.exec(select(AuditEntry).where(
            AuditEntry.outcome == Outcome.REFUSED, AuditEntry.object_kind == "plan_occurrence",
            AuditEntry.object_id == occ.id)))
    assert len(refusals) == 4
    assert "Укажите, кто выполняет" in imc("cancel", "2024", "theor-2", "--reason", "x",
                                           ok=False, env={"IMC_STAFF_LOGIN": ""})


def test_cancel_needs_a_reason_and_is_shown(rt, imc):
    assert "укажите причину" in imc("cancel", "2024", "diag-2", "--occurrence", "1",
                                    "--reason", " ", ok=False)
    out = imc("cancel", "2024", "diag-2", "--occurrence", "1", "--reason",
              "Мониторинг перенесён", "--as", "verzunova")
    assert "срок №1 до 30.06.2024: отменено (Мониторинг перенесён)" in out
    assert occurrence(rt, "diag-2", 1).state == OccurrenceState.CANCELLED
    assert "30.06.2024: отменено (Мониторинг перенесён)" in imc("show", "2024")

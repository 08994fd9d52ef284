"""`imc report …` as staff run it: any period, the headline figures and the files printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from services import report_queries
from tests.test_monitoring_report import network

ENV = {"IMC_STAFF_LOGIN": "ivanova"}


@pytest.fixture
def imc(rt, monkeypatch):
    import cli.report
    from cli.main import app

    monkeypatch.setattr(cli.report, "rt", lambda: rt)
    monkeypatch.setattr(cli.report, "console", Console(width=400))
    runner = CliRunner()

    def run(*args: str, ok: bool = True) -> str:
        result = runner.invoke(app, ["report", *args], env=ENV)
        assert (result.exit_code == 0) == ok, result.output
        return result.output

    return run


def test_monitoring_for_a_year_prints_the_figures_and_the_files(rt, imc):
    network(rt)
    out = imc("monitoring", "--year", "2024")
    for line in ("Мониторинг активности участников сетевого взаимодействия № 1, версия 1 — "
                 "новая версия", "Период: с 1 января 2024 г. по 31 декабря 2024 г.",
                 "Иванова Наталья", "Организаций в мониторинге", "Доля участия",
                 "66,7\u00a0%", "Консультаций проведено"):
        assert line in out, line
    view = report_queries.show(rt, 1)
    assert f"Справка (.docx): {view['docx']}" in out
    assert f"Данные (.xlsx): {view['xlsx']}" in out
    assert Path(view["docx"]).is_file() and Path(view["xlsx"]).read_bytes()[:2] == b"PK"
    same = imc("monitoring", "--from", "01.01.2024", "--to", "31.12.2024")
    assert "№ 1, версия 1 — данные не изменились, это прежняя версия" in same
    again = imc("monitoring", "--year", "2024", "--again")
    assert "№ 2, версия 2 — новая версия" in again
    assert report_queries.show(rt, 2)["docx"] != view["docx"]
    listing = imc("list")
    assert "Мониторинг активности участников сетевого взаимодействия" in listing
    assert "01.01.2024–31.12.2024" in listing
    shown = imc("show", "1")
    assert "Основные показатели" in shown and view["xlsx"] in shown


def test_effectiveness_for_a_half_year_and_the_period_refusals(rt, imc):
    network(rt)
    out = imc("effectiveness", "--half", "2024-2")
    assert "Эффективность сетевого взаимодействия № 1, версия 1" in out
    assert "Период: с 1 июля 2024 г. по 31 декабря 2024 г." in out
    assert "Доля активных партнёров" in out
    refused = imc("monitoring", "--from", "31.12.2024", "--to", "01.01.2024", ok=False)
    assert "Период указан неверно: конец (01.01.2024) раньше начала (31.12.2024)" in refused
    assert "Укажите период одним способом" in imc("monitoring", ok=False)
    assert "Укажите период одним способом" in imc("monitoring", "--year", "2024", "--half",
                                                  "2024-1", ok=False)
    assert "Полугодие «2024-3» не распознано" in imc("effectiveness", "--half", "2024-3",
                                                     ok=False)
    assert "Дата «32.01.2024» не распознана" in imc("monitoring", "--from", "32.01.2024",
                                                    "--to", "01.02.2024", ok=False)
    assert "Отчёт № 9 не найден" in imc("show", "9", ok=False)
    assert "Укажите одно мероприятие" in imc("events", "--contest", "1", "--cycle", "1",
                                             ok=False)


def test_the_year_end_plan_and_event_reports_go_through_the_same_command(rt, imc):
    network(rt)
    out = imc("plan", "--year", "2024")
    assert "Отчёт о выполнении плана работы № 1, версия 1" in out
    events = imc("events", "--year", "2024")
    assert "Анализ методических, конкурсных и организационных мероприятий № 2" in events
    cycle = imc("events", "--cycle", "1")
    assert "предмет: webinar_cycle:1" in cycle
    imc("effectiveness", "--half", "2024-2")
    for args in (("plan", "--year", "2024"), ("events", "--cycle", "1"),
                 ("effectiveness", "--half", "2024-2")):
        assert "данные не изменились" in imc(*args)
        assert "версия 2 — новая версия" in imc(*args, "--again")


@pytest.mark.parametrize(("args", "message"), [
    (("--year", "0000"), "Год «0000» вне допустимого диапазона: укажите год с 2000 по 2100"),
    (("--half", "0000-1"), "Год «0000» вне допустимого диапазона: укажите год с 2000 по 2100"),
    (("--year", "2101"), "Год «2101» вне допустимого диапазона: укажите год с 2000 по 2100"),
    (("--from", "01.01.9999", "--to", "31.12.9999"),
     "Дата «01.01.9999» вне допустимого диапазона: укажите дату с 2000 по 2100 год"),
    (("--from", "01.01.0001", "--to", "31.12.0001"),
     "Дата «01.01.0001» вне допустимого диапазона: укажите дату с 2000 по 2100 год"),
    (("--from", "01.01.2024", "--to", "31.12.9999"),
     "Дата «31.12.9999» вне допустимого диапазона: укажите дату с 2000 по 2100 год"),
], ids=["year-0", "half-0", "year-2101", "from-9999", "from-0001", "to-9999"])
def test_a_year_out_of_range_is_refused_in_russian_not_a_traceback(rt, imc, args, message):
    out = imc("monitoring", *args, ok=False)
    assert message in " ".join(out.split())
    assert "Traceback" not in out and report_queries.list_reports(rt) == []

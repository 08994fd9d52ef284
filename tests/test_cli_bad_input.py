"""Out-of-range and impossible input at the command line: a Russian refusal and exit code 1,
never a traceback (a year 0, a date that does not exist in a YAML file)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from config.settings import PROJECT_ROOT
from models.plan_meeting import PlanMeeting
from tests.test_plan_meetings import add_guest, load_plan, schedule

ENV = {"IMC_STAFF_LOGIN": "ivanova"}


@pytest.fixture
def imc(rt, monkeypatch):
    import cli.common
    from cli.main import app

    monkeypatch.setattr(cli.common, "default_runtime", lambda: rt)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), env=ENV)
        assert isinstance(result.exception, SystemExit), result.exception  # not a traceback
        assert result.exit_code == 1, result.output
        return " ".join(result.output.split())

    return run


@pytest.mark.parametrize("year", ["0", "1999", "2101", "100000"])
def test_consultations_of_a_year_out_of_range_are_refused(imc, year):
    assert (f"Ошибка: Год «{year}» вне допустимого диапазона: укажите год с 2000 по 2100"
            in imc("consult", "list", "--year", year))


def test_meeting_minutes_with_a_date_that_does_not_exist_are_refused_with_its_line(
        rt, imc, tmp_path):
    load_plan(rt)
    add_guest(rt)
    meeting = schedule(rt)["id"]
    text = (PROJECT_ROOT / "data/samples/meeting-minutes.yaml").read_text("utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), start=1)
                if "due: 2024-12-20" in row)
    minutes = tmp_path / "minutes.yaml"
    minutes.write_text(text.replace("due: 2024-12-20", "due: 2024-11-31"), "utf-8")
    out = imc("plan", "meeting", "minutes", str(meeting), str(minutes))
    assert "не загружен, ничего не изменено" in out
    assert f"строка {line}: такой даты нет: 2024-11-31" in out
    with rt.session() as s:
        assert s.get(PlanMeeting, meeting).decisions in ([], None)

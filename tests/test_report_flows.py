"""The report flows under Prefect's test harness: the report made, its artifacts on the run."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.testing.utilities import prefect_test_harness

from flows.reports import generate_report, half_year_reports
from flows.runtime import use_runtime
from services.report_period import half_year_before
from services.seed import load_centre
from tests.conftest import make_runtime
from tests.test_monitoring_report import network

YEAR = {"start": date(2024, 1, 1), "end": date(2024, 12, 31)}


@pytest.fixture(scope="module", autouse=True)
def harness():
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def flow_rt(rt):
    with use_runtime(rt):
        yield rt


def artifacts(flow_run_id) -> dict:
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {a.type: a for a in found}


def test_the_generate_flow_stores_the_report_and_names_its_files_as_artifacts(flow_rt):
    network(flow_rt)
    state = generate_report(kind="monitoring", **YEAR, staff_login="ivanova",
                            return_state=True)
    view = state.result()
    assert (view["id"], view["version"], view["new"]) == (1, 1, True)
    assert ("Организаций в мониторинге", "6", 6) in [tuple(f) for f in view["figures"]]
    found = artifacts(state.state_details.flow_run_id)
    markdown, table = found["markdown"], found["table"]
    assert markdown.key == "report-monitoring-2024"
    assert Path(view["docx"]).as_uri() in markdown.data
    assert Path(view["xlsx"]).as_uri() in markdown.data
    assert "с 1 января 2024 г. по 31 декабря 2024 г." in markdown.data
    assert table.key == "report-monitoring-2024-figures"
    rows = json.loads(table.data)
    assert {"Показатель": "Доля участия", "Значение": "66,7\u00a0%"} in rows
    assert {"Показатель": "Консультаций проведено", "Значение": "4"} in rows
    again = generate_report(kind="monitoring", **YEAR)
    assert (again["id"], again["version"], again["new"]) == (1, 1, False)
    forced = generate_report(kind="monitoring", **YEAR, again=True)
    assert (forced["id"], forced["version"], forced["new"]) == (2, 2, True)
    assert forced["docx"] != view["docx"]


def test_the_half_year_flow_reports_the_half_ended_on_the_run_day(flow_rt):
    network(flow_rt)
    flow_rt.clock.set(datetime(2024, 12, 31, 20, 45, tzinfo=UTC))  # 23:45 in Moscow
    views = half_year_reports()
    assert [(v["kind"], v["period"], v["author"]) for v in views] == [
        ("monitoring", "01.07.2024–31.12.2024", "система"),
        ("effectiveness", "01.07.2024–31.12.2024", "система")]
    figures = {label: text for label, text, _ in views[1]["figures"]}
    assert figures["Доля активных партнёров"] == "66,7\u00a0%"
    assert figures["Сертификатов выдано"] == "3"
    first = half_year_reports(run_date=date(2024, 6, 30))
    assert [v["period"] for v in first] == ["01.01.2024–30.06.2024"] * 2


def test_the_period_of_a_scheduled_run():
    assert half_year_before(date(2024, 6, 30)) == (date(2024, 1, 1), date(2024, 6, 30))
    assert half_year_before(date(2024, 7, 2)) == (date(2024, 1, 1), date(2024, 6, 30))
    assert half_year_before(date(2024, 12, 31)) == (date(2024, 7, 1), date(2024, 12, 31))
    assert half_year_before(date(2025, 1, 3)) == (date(2024, 7, 1), date(2024, 12, 31))
    assert half_year_before(date(2025, 6, 29)) == (date(2024, 7, 1), date(2024, 12, 31))


def test_the_report_deployments_are_served_with_the_half_year_schedule():
    from deployments.serve import deployments

    by_name = {d.name: d for d in deployments()}
    assert not by_name["report-generate"].schedules
    crons = [(s.schedule.cron, s.schedule.timezone)
             for s in by_name["report-half-year"].schedules]
    # 23:45 on the half-year's last day: the whole period is in, the справка dated on the
    # plan's due day (30 June, 31 December).
    assert crons == [("45 23 30 6 *", "Europe/Moscow"), ("45 23 31 12 *", "Europe/Moscow")]


def test_the_artifact_links_are_absolute_when_the_data_directory_is_relative(
        tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    relative = make_runtime(Path("var"))  # IMC_DATA_DIR=var, as a shell might set it
    load_centre(relative)
    try:
        with use_runtime(relative):
            state = generate_report(kind="monitoring", **YEAR, return_state=True)
        view = state.result()
        assert not Path(view["docx"]).is_absolute()
        markdown = artifacts(state.state_details.flow_run_id)["markdown"]
        assert (tmp_path / view["docx"]).resolve().as_uri() in markdown.data
        assert (tmp_path / view["xlsx"]).resolve().as_uri() in markdown.data
    finally:
        relative.engine.dispose()

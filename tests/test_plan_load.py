"""The annual plan in the store: the shipped 2024 plan loads whole, once per year; each item
gets a responsible staff member; the command line does the same; every step is audited."""

from __future__ import annotations

from datetime import date

import pytest
from rich.console import Console
from sqlmodel import select
from typer.testing import CliRunner

from config.settings import PROJECT_ROOT
from models import AuditEntry, OccurrenceState, Outcome, Person, PersonRole
from models.labels import action_label, state_label
from models.plan import Plan, PlanItem, PlanOccurrence
from models.plan_machine import occurrence_machine
from services.audit import inconsistencies, trail
from services.errors import DomainError, GuardRefused, ImportRefused, NotFound
from services.plan import assign, load_plan_file
from services.plan_queries import list_plans, plan_view
from services.plan_spec import parse_plan_file
from services.transitions import transition
from tests.factories import make_partner, staff_actor

SHIPPED = PROJECT_ROOT / "data" / "plan" / "plan-2024.yaml"
TEXT = SHIPPED.read_text("utf-8")


def rows(rt, model, *where):
    with rt.session() as s:
        return list(s.exec(select(model).where(*where).order_by(model.id)))


def load(rt, source=SHIPPED, year=2024):
    return load_plan_file(rt, source, year=year, actor=staff_actor(rt))


def test_the_shipped_plan_is_stored_item_by_item_with_one_row_per_due_date(rt):
    spec = parse_plan_file(TEXT, SHIPPED.name, year=2024)
    plan_id = load(rt)
    (plan,) = rows(rt, Plan)
    assert (plan.id, plan.year, plan.title, plan.source, plan.source_name) == (
        plan_id, 2024, spec.title, TEXT, "plan-2024.yaml")
    items = rows(rt, PlanItem, PlanItem.plan_id == plan_id)
    assert [(i.section_code, i.code, i.number, i.activity, i.schedule_text, i.result, i.process)
            for i in items] == [(s.code, i.code, i.number, i.activity, i.schedule.text, i.result,
                                 i.process) for s, i in spec.items()]
    assert [i.position for i in items] == list(range(1, 16))
    by_code = {i.code: i for i in items}
    occurrences = rows(rt, PlanOccurrence)
    # Hand count: diag-2 2, theor-1 1, theor-2 5, theor-3/4 1+1, pract-1 1, pract-3 2,
    # meth 1+1, dissem 1+1+1; diag-1, diag-3 and pract-2 have no fixed date.
    assert len(occurrences) == 18 == sum(len(i.schedule.occurrences) for _, i in spec.items())
    assert {o.state for o in occurrences} == {OccurrenceState.PLANNED}
    meetings = [(o.start, o.due) for o in occurrences if o.item_id == by_code["theor-2"].id]
    assert [due for _, due in meetings] == [date(2024, 1, 31), date(2024, 3, 31),
                                           date(2024, 4, 30), date(2024, 9, 30),
                                           date(2024, 11, 30)]
    assert [(o.start, o.due) for o in occurrences if o.item_id == by_code["theor-1"].id] == [
        (date(2024, 4, 1), date(2024, 8, 31))]
    assert by_code["pract-1"].on_request and by_code["pract-2"].on_request
    assert (by_code["pract-2"].schedule_kind, by_code["diag-1"].schedule_kind) == (
        "on_request", "per_other_plan")
    assert not [o for o in occurrences if o.item_id == by_code["pract-2"].id]


def test_each_due_date_is_created_by_an_audited_transition_and_the_load_itself_is_audited(rt):
    plan_id = load(rt)
    (load_entry,) = trail(rt, "plan", plan_id)
    assert load_entry.action == "load_plan" and load_entry.details["items"] == 15
    assert load_entry.details["occurrences"] == 18
    assert load_entry.actor_label.startswith("Иванова")
    for occ in rows(rt, PlanOccurrence):
        (entry,) = trail(rt, "plan_occurrence", occ.id)
        assert (entry.action, entry.to_state) == ("create", "planned")
        assert entry.details["due"] == f"{occ.due:%d.%m.%Y}"
    assert inconsistencies(rt, "plan_occurrence", PlanOccurrence) == []
    assert state_label("plan_occurrence", "done_late") == "выполнено с опозданием"
    assert action_label("plan", "load_plan") == "загрузка плана работы"


def test_loading_the_same_plan_again_changes_nothing(rt):
    first = load(rt)
    assert load(rt) == first
    # The same plan with its comments removed reads the same: still the stored one.
    bare = "\n".join(line for line in TEXT.splitlines() if not line.startswith("#"))
    assert load_plan_file(rt, bare, year=2024, actor=staff_actor(rt)) == first
    assert len(rows(rt, Plan)) == 1 and len(rows(rt, PlanItem)) == 15
    assert len(rows(rt, PlanOccurrence)) == 18
    assert len(trail(rt, "plan", first)) == 1


def test_a_different_plan_for_a_loaded_year_is_refused_and_the_refusal_audited(rt):
    first = load(rt)
    changed = TEXT.replace('result: "Методические рекомендации"', 'result: "Рекомендации"')
    with pytest.raises(DomainError) as err:
        load_plan_file(rt, changed, year=2024, actor=staff_actor(rt))
    assert f"План работы на 2024 год уже загружен (№{first}" in err.value.message
    assert len(rows(rt, PlanItem)) == 15 and len(rows(rt, Plan)) == 1
    refused = [e for e in trail(rt, "plan", first) if e.outcome == Outcome.REFUSED]
    assert len(refused) == 1 and refused[0].action == "load_plan"


def test_another_years_plan_loads_beside_and_a_wrong_year_is_refused_whole(rt):
    load(rt)
    with pytest.raises(ImportRefused) as err:
        load_plan_file(rt, TEXT, year=2025, actor=staff_actor(rt))
    assert any("план на 2024 год" in str(p) for p in err.value.problems)
    next_year = TEXT.replace("year: 2024", "year: 2025").replace(" 2024", " 2025").replace(
        "2024г", "2025г")
    second = load_plan_file(rt, next_year, year=2025, actor=staff_actor(rt))
    assert [(p["year"], p["items"], p["occurrences"]) for p in list_plans(rt)] == [
        (2024, 15, 18), (2025, 15, 18)]
    assert plan_view(rt, 2025)["id"] == second


def test_a_staff_member_is_made_responsible_and_the_change_audited(rt):
    plan_id = load(rt)
    remel = assign(rt, plan_id, "theor-2", "remel", actor=staff_actor(rt))
    director = assign(rt, plan_id, "diag-1", "verzunova", actor=staff_actor(rt))
    (item,) = rows(rt, PlanItem, PlanItem.code == "theor-2")
    assert item.responsible_id == remel
    assert rows(rt, PlanItem, PlanItem.code == "diag-1")[0].responsible_id == director
    assert assign(rt, plan_id, "theor-2", remel, actor=staff_actor(rt)) == remel  # by id
    entries = trail(rt, "plan_item", item.id)
    assert len(entries) == 1 and entries[0].action == "assign_responsible"
    assert entries[0].details["responsible"] == rows(rt, Person, Person.id == remel)[0].full_name
    assign(rt, plan_id, "theor-2", "ivanova", actor=staff_actor(rt))
    assert trail(rt, "plan_item", item.id)[-1].details["previous"] == entries[0].details[
        "responsible"]
    shown = {i["code"]: i for s in plan_view(rt, 2024)["sections"] for i in s["items"]}
    assert shown["theor-2"]["responsible_login"] == "ivanova"


def test_only_centre_staff_can_be_responsible(rt):
    plan_id = load(rt)
    make_partner(rt)
    (head,) = rows(rt, Person, Person.role == PersonRole.HEAD)
    with pytest.raises(DomainError) as err:
        assign(rt, plan_id, "theor-1", head.id, actor=staff_actor(rt))
    assert "не сотрудник МКУ ИМЦ" in err.value.message
    (item,) = rows(rt, PlanItem, PlanItem.code == "theor-1")
    assert item.responsible_id is None
    (entry,) = trail(rt, "plan_item", item.id)
    assert (entry.outcome, entry.action) == (Outcome.REFUSED, "assign_responsible")
    with pytest.raises(NotFound, match="нет пункта «theor-9»"):
        assign(rt, plan_id, "theor-9", "remel", actor=staff_actor(rt))
    with pytest.raises(NotFound, match="логином «nobody»"):
        assign(rt, plan_id, "theor-1", "nobody", actor=staff_actor(rt))


def test_the_occurrence_is_done_or_done_late_by_the_date_never_by_choice(rt):
    load(rt)
    actor = staff_actor(rt)
    first, second, third = rows(rt, PlanOccurrence)[:3]  # diag-2: June and December

    def move(occ_id, name, **ctx):
        with rt.transaction() as tx:
            occ = tx.session.get(PlanOccurrence, occ_id)
            with transition(tx, occurrence_machine, occ, name, actor=actor, **ctx):
                pass
            return occ.state

    late_day = date(2024, 7, 1)
    with pytest.raises(GuardRefused, match=r"срок 30\.06\.2024 прошёл"):
        move(first.id, "close_on_time", day=late_day, has_result=True)
    with pytest.raises(GuardRefused, match="приложите результат"):
        move(first.id, "close_late", day=late_day)
    with pytest.raises(GuardRefused, match="ещё не прошёл"):
        move(second.id, "mark_overdue", day=date(2024, 12, 31))
    assert move(first.id, "mark_overdue", day=late_day) == OccurrenceState.OVERDUE
    assert move(first.id, "close_late", day=late_day, has_result=True) == \
        OccurrenceState.DONE_LATE
    assert move(second.id, "close_on_time", day=date(2024, 12, 31), has_result=True) == \
        OccurrenceState.DONE
    with pytest.raises(GuardRefused, match="укажите причину"):
        move(third.id, "cancel")
    assert inconsistencies(rt, "plan_occurrence", PlanOccurrence) == []


def test_the_command_line_loads_lists_shows_and_assigns(rt, monkeypatch):
    import cli.plan
    from cli.main import app

    monkeypatch.setattr(cli.plan, "rt", lambda: rt)
    monkeypatch.setattr(cli.plan, "console", Console(width=400))
    runner = CliRunner()
    env = {"IMC_STAFF_LOGIN": "ivanova"}
    out = runner.invoke(app, ["plan", "load", str(SHIPPED), "--year", "2024"], env=env)
    assert out.exit_code == 0, out.output
    assert "План работы на 2024 год (№1) загружен: пунктов 15, сроков 18" in out.output
    again = runner.invoke(app, ["plan", "load", str(SHIPPED), "--year", "2024"], env=env)
    assert again.exit_code == 0 and "уже был загружен, не изменён" in again.output
    listing = runner.invoke(app, ["plan", "list"], env=env)
    assert listing.exit_code == 0 and "plan-2024.yaml" in listing.output
    assigned = runner.invoke(app, ["plan", "assign", "2024", "theor-2", "remel"], env=env)
    assert assigned.exit_code == 0, assigned.output
    assert "theor-2" in assigned.output and "ответственный" in assigned.output
    shown = runner.invoke(app, ["plan", "show", "2024"], env=env)
    assert shown.exit_code == 0, shown.output
    (remel,) = rows(rt, Person, Person.login == "remel")
    for text in ("Диагностическая деятельность", "Трансляционная деятельность",
                 "Сентябрь, ноябрь, январь, март, апрель", "30.11.2024: запланировано",
                 "31.08.2024: запланировано", "по мере запроса", remel.full_name,
                 "не назначен"):
        assert text in shown.output, text
    assert runner.invoke(app, ["plan", "show", "1"], env=env).exit_code == 0
    missing = runner.invoke(app, ["plan", "show", "2030"], env=env)
    assert missing.exit_code == 1 and "не загружен" in missing.output
    refused = runner.invoke(app, ["plan", "assign", "2024", "theor-2", "nobody"], env=env)
    assert refused.exit_code == 1
    entries = rows(rt, AuditEntry, AuditEntry.object_kind == "plan_item")
    assert [e.action for e in entries] == ["assign_responsible"]

"""Staff link a plan occurrence to the record that carries it out, and unlink it: wrong kinds,
missing records, closed dates are refused with a Russian message, audited, nothing changed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from rich.console import Console
from sqlmodel import select
from typer.testing import CliRunner

from models import AuditEntry, OccurrenceState as O, Outcome
from models.labels import action_label
from models.plan_meeting import PlanMeeting
from models.report import PlanLink
from services.actors import Actor
from services.audit import trail
from services.errors import DomainError, NotFound
from services.plan_closing import close_with_result
from services.plan_links import link, unlink
from services.plan_sync import sync
from tests.factories import staff_actor
from tests.test_plan_sync import (
    award,
    links,
    load_plan,
    make_contest,
    make_report,
    moscow,
    occurrence,
)
from tests.webinar_factories import make_cycle


def refusals(rt) -> list[AuditEntry]:
    with rt.session() as s:
        return list(s.exec(select(AuditEntry).where(AuditEntry.outcome == Outcome.REFUSED)
                           .order_by(AuditEntry.id)))


def link_entries(rt) -> list[AuditEntry]:
    with rt.session() as s:
        return list(s.exec(select(AuditEntry).where(
            AuditEntry.action.in_(["link", "unlink"]), AuditEntry.outcome == Outcome.DONE)
            .order_by(AuditEntry.id)))


@pytest.fixture
def planned(rt):
    load_plan(rt, also="contest")  # ambiguous: the sweep links no contest by itself
    return staff_actor(rt)


def test_staff_link_a_contest_the_sweep_left_and_it_then_closes_the_item(rt, planned, clock):
    contest = make_contest(rt)
    assert sync(rt)["linked"] == []
    done = link(rt, 2024, "pract-3", "contest", contest, actor=planned)
    # pract-3 has two dates; the contest's March dates choose the first.
    assert (done.item, done.position, done.due, done.made) == ("pract-3", 1, "31.03.2024", True)
    again = link(rt, 2024, "pract-3", "contest", contest, occurrence=1, actor=planned)
    assert not again.made  # linking twice changes nothing
    assert links(rt) == [("pract-3", 1, "contest", contest)]
    (entry,) = link_entries(rt)
    assert (entry.object_kind, entry.actor_kind, entry.details["auto"]) == (
        "plan_occurrence", "staff", False)
    assert action_label("plan_occurrence", "link") == "связь пункта плана с записью процесса"
    award(rt, contest, date(2024, 3, 29))
    moscow(clock, 2024, 4, 2)
    sync(rt)
    assert occurrence(rt, "pract-3").state == O.DONE


@pytest.mark.parametrize(("args", "occ", "message", "kind"), [
    (("pract-3", "webinar", 1), None, "Неизвестный вид записи «webinar»: допустимы contest "
     "(конкурс), webinar_cycle (цикл вебинаров), plan_meeting (заседание творческой группы), "
     "report (справка)", "plan_item"),
    (("pract-3", "contest", 99), None, "Конкурс №99 не найден", "plan_item"),
    (("pract-1", "contest", 1), None, "Пункт pract-1 выполняется процессом «циклы вебинаров»: "
     "конкурс к нему не относится", "plan_item"),
    (("theor-3", "contest", 1), None, "Пункт theor-3 не связан ни с каким процессом: конкурс к "
     "нему не относится", "plan_item"),
    (("pract-3", "contest", 1), 5, "У пункта pract-3 нет срока №5; сроки: 1 — до 31.03.2024 "
     "(запланировано); 2 — до 31.10.2024 (запланировано)", "plan_item"),
], ids=["unknown-kind", "missing-record", "other-process", "no-process", "no-such-date"])
def test_wrong_links_are_refused_audited_and_change_nothing(rt, planned, args, occ, message,
                                                           kind):
    make_contest(rt)
    with pytest.raises(DomainError) as err:
        link(rt, 2024, *args, occurrence=occ, actor=planned)
    assert err.value.message == message
    (entry,) = refusals(rt)
    assert (entry.object_kind, entry.action, entry.actor_kind) == (kind, "link", "staff")
    assert entry.details["object_id"] == args[2] and entry.details["error"] == message
    assert links(rt) == [] and link_entries(rt) == []


def test_a_report_links_only_to_its_own_kind_and_a_record_only_to_one_date(rt, planned):
    monitoring, _ = make_report(rt, "monitoring", date(2024, 1, 1), date(2024, 7, 15),
                                date(2024, 7, 16))
    with pytest.raises(DomainError, match="закрывается справкой «Эффективность сетевого "
                                          "взаимодействия», а справка №1 «Мониторинг"):
        link(rt, 2024, "diag-2", "report", monitoring, occurrence=1, actor=planned)
    with pytest.raises(DomainError, match=r"У пункта diag-1 нет сроков в плане \(«В соответствии"):
        link(rt, 2024, "diag-1", "report", monitoring, actor=planned)
    effect, _ = make_report(rt, "effectiveness", date(2024, 1, 1), date(2024, 7, 15),
                            date(2024, 7, 16))
    with pytest.raises(DomainError, match=r"несколько сроков: 1 — до 30\.06\.2024"):
        link(rt, 2024, "diag-2", "report", effect, actor=planned)  # July fits neither
    link(rt, 2024, "diag-2", "report", effect, occurrence=1, actor=planned)
    with pytest.raises(DomainError, match=r"уже относится к пункту diag-2 \(срок до 30\.06\.2024\)"
                                          ": сначала снимите ту связь — imc plan unlink 2024"):
        link(rt, 2024, "diag-2", "report", effect, occurrence=2, actor=planned)
    assert links(rt) == [("diag-2", 1, "report", effect)]
    assert len(refusals(rt)) == 4
    with pytest.raises(NotFound, match="нет пункта «diag-9»"):
        link(rt, 2024, "diag-9", "report", effect, actor=planned)


def test_a_meeting_links_to_the_date_of_its_month(rt, planned):
    with rt.transaction() as tx:
        meeting = PlanMeeting(starts_at=datetime(2024, 9, 20, 11, tzinfo=UTC), created_at=tx.now)
        tx.session.add(meeting)
        tx.session.flush()
        meeting_id = meeting.id
    done = link(rt, 2024, "theor-2", "plan_meeting", meeting_id, actor=planned)
    assert (done.position, done.due, done.record) == (
        4, "30.09.2024", f"заседание творческой группы №{meeting_id} (20.09.2024)")
    with pytest.raises(DomainError, match="заседание творческой группы к нему не относится"):
        link(rt, 2024, "theor-1", "plan_meeting", meeting_id, actor=planned)


def test_a_closed_date_keeps_its_links(rt, planned):
    contest = make_contest(rt)
    link(rt, 2024, "pract-3", "contest", contest, actor=planned)
    occ = occurrence(rt, "pract-3")
    with rt.transaction() as tx:
        close_with_result(tx, tx.session.get(type(occ), occ.id), actor=planned,
                          text="Проведён")
    for act in (link, unlink):
        with pytest.raises(DomainError, match="связи закрытого или отменённого срока не "
                                              "меняются"):
            act(rt, 2024, "pract-3", "contest", contest, occurrence=1, actor=planned)
    assert [(e.object_kind, e.action) for e in refusals(rt)] == [
        ("plan_occurrence", "link"), ("plan_occurrence", "unlink")]
    assert links(rt) == [("pract-3", 1, "contest", contest)]


def test_unlinking_is_audited_and_the_sweep_does_not_link_the_pair_again(rt, clock):
    load_plan(rt)
    actor = staff_actor(rt)
    cycle, _ = make_cycle(rt)
    assert sync(rt)["linked"][0]["item"] == "pract-1"
    done = unlink(rt, 2024, "pract-1", "webinar_cycle", cycle, actor=actor)
    assert (done.item, done.made) == ("pract-1", True)
    assert links(rt) == []
    assert unlink(rt, 2024, "pract-1", "webinar_cycle", cycle, actor=actor) is None
    assert sync(rt) == {"linked": [], "closed": []}
    assert links(rt) == []
    entries = [e for e in trail(rt, "plan_occurrence", occurrence(rt, "pract-1").id)
               if e.action in ("link", "unlink")]
    assert [(e.action, e.actor_kind) for e in entries] == [("link", "scheduler"),
                                                           ("unlink", "staff")]
    link(rt, 2024, "pract-1", "webinar_cycle", cycle, actor=actor)  # staff may link it again
    assert links(rt) == [("pract-1", 1, "webinar_cycle", cycle)]


def test_the_command_line_links_unlinks_and_syncs(rt, monkeypatch, clock):
    import cli.plan_links
    from cli.main import app

    monkeypatch.setattr(cli.plan_links, "rt", lambda: rt)
    monkeypatch.setattr(cli.plan_links, "console", Console(width=400))
    load_plan(rt, also="contest")
    contest = make_contest(rt)
    runner = CliRunner()
    env = {"IMC_STAFF_LOGIN": "ivanova"}
    out = runner.invoke(app, ["plan", "sync"], env=env)
    assert out.exit_code == 0 and "Изменений нет" in out.output
    out = runner.invoke(app, ["plan", "link", "2024", "pract-3", "contest", str(contest),
                              "--occurrence", "1", "--as", "remel"])
    assert out.exit_code == 0, out.output
    assert "Пункт pract-3, срок №1 до 31.03.2024: связь установлена — конкурс №1" in out.output
    remel = staff_actor(rt, "remel").person_id
    with rt.session() as s:
        assert s.exec(select(PlanLink.created_by)).one() == remel
    out = runner.invoke(app, ["plan", "link", "2024", "pract-1", "contest", str(contest)],
                        env=env)
    assert out.exit_code == 1 and "конкурс к нему не относится" in " ".join(out.output.split())
    award(rt, contest, date(2024, 3, 30))
    out = runner.invoke(app, ["plan", "sync"], env=env)
    assert out.exit_code == 0, out.output
    assert "Пункт pract-3, срок №1 до 31.03.2024: выполнено (30.03.2024) — Конкурс" in out.output
    out = runner.invoke(app, ["plan", "unlink", "2024", "pract-3", "contest", str(contest)],
                        env=env)
    assert out.exit_code == 1 and "закрытого или отменённого" in " ".join(out.output.split())
    assert Actor.scheduler().label in [e.actor_label for e in trail(
        rt, "plan_occurrence", occurrence(rt, "pract-3").id)]

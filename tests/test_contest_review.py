"""From accepted applications to the award: experts, reviews, deliberation, results, registry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from adapters.docx_render import docx_text
from models import (
    Application,
    ApplicationState as A,
    Assignment,
    Contest,
    ContestState as C,
    Document,
    StatusEntry,
)
from services import (
    contest_results as results,
    contest_review as review,
    contest_review_reminders as reminders,
    contest_screening,
    contests,
)
from services.audit import trail
from services.contest_experts import add_expert, declare_conflict
from services.contest_intake import apply
from services.documents import read_bytes
from services.errors import DomainError, GuardRefused, IllegalTransition, LinkRefused
from services.sweep import fire_timers
from tests.factories import emails, staff_actor
from tests.test_contest_intake import MARCH_1, RULES, form, invitation

CRITERIA = ("relevance", "novelty", "practical_value", "feasibility", "scalability")


def scores(*values) -> dict:
    return dict(zip(CRITERIA, values, strict=True))


@pytest.fixture
def reviewing(rt, clock):
    """Five accepted applications of five schools, four experts, review started."""
    from services.contest_rules import load_rules
    from tests.factories import make_school

    clock.set(MARCH_1)
    schools = [make_school(rt, n) for n in range(1, 6)]
    load_rules(rt, RULES, actor=staff_actor(rt))
    staff = staff_actor(rt)
    contest_id = contests.create(rt, rules_code="innovative-search", actor=staff)
    contests.announce(rt, contest_id, actor=staff)
    clock.set(datetime(2024, 3, 5, 6, 0, tzinfo=UTC))
    fire_timers(rt)
    apps = [apply(rt, invitation(rt, n), form(n), []) for n in range(1, 6)]
    experts = [add_expert(rt, contest_id, last_name=f"Эксперт{i}", first_name="Анна",
                          middle_name="Ивановна", email=f"expert{i}@experts.example.org",
                          organisation_id=schools[0] if i == 1 else None, actor=staff)
               for i in range(1, 5)]
    declare_conflict(rt, contest_id, experts[1], schools[1], note="бывший сотрудник",
                     actor=staff)
    clock.set(datetime(2024, 3, 25, 6, 0, tzinfo=UTC))
    fire_timers(rt)  # intake closed
    with pytest.raises(GuardRefused, match="не все заявки проверены"):
        review.start_review(rt, contest_id, actor=staff)
    for app_id in apps:
        contest_screening.accept(rt, app_id, actor=staff)
    table = review.start_review(rt, contest_id, actor=staff)
    return {"contest": contest_id, "apps": apps, "experts": experts, "schools": schools,
            "table": table}


def tokens(rt, expert_n: int) -> dict[str, str]:
    """number → review link, from the one email the expert got."""
    (mail,) = [m for m in emails(rt, template="contest_expert_assignments")
               if m.to_addr == f"expert{expert_n}@experts.example.org"]
    import re

    return dict(re.findall(r"(ИП-\d+/2024) — .*?\n\s+Оценить: \S+/l/(\S+)", mail.text_body))


def test_assignment_respects_every_rule_and_balances_loads(rt, reviewing):
    table, experts = reviewing["table"], reviewing["experts"]
    apps = reviewing["apps"]
    assert all(len(v) == 3 for v in table.values())
    assert experts[0] not in table[apps[0]]  # an expert from the applicant's school
    assert experts[1] not in table[apps[1]]  # a declared conflict
    loads = [sum(e in v for v in table.values()) for e in experts]
    assert max(loads) - min(loads) <= 1 and sum(loads) == 15
    assert len(emails(rt, template="contest_expert_assignments")) == 4
    with rt.session() as s:
        assert all(s.get(Application, a).state == A.UNDER_REVIEW for a in apps)


def test_an_expert_sees_only_their_own_assignment(rt, reviewing):
    first = tokens(rt, 2)
    number, token = next(iter(first.items()))
    view = review.review_view(rt, token)
    assert view["number"] == number and view["scores"] == {} and view["can_review"]
    # a link for expert 2 edited to point at another assignment does not verify
    from services.links import make_token

    with rt.session() as s:
        other = s.exec(select(Assignment).where(Assignment.expert_id != reviewing["experts"][1])
                       ).first()
    forged = make_token(rt, person_id=reviewing["experts"][1], object_kind="assignment",
                        object_id=other.id, purpose=review.PURPOSE_REVIEW)
    with pytest.raises(LinkRefused, match="другому лицу"):
        review.review_view(rt, forged)


def test_scores_out_of_range_or_without_comment_are_refused(rt, reviewing):
    token = next(iter(tokens(rt, 2).values()))
    with pytest.raises(DomainError, match="от 0 до 10, указано 11") as err:
        review.submit_review(rt, token, scores(11, 5, 5, 5, 5), "")
    assert "комментарий" in err.value.message
    with pytest.raises(DomainError, match="не указан балл по критерию «Новизна»"):
        review.submit_review(rt, token, {"relevance": 5}, "Хорошо")
    assert review.submit_review(rt, token, scores(8, 8, 8, 8, 8), "Хорошо") == 1
    assert review.submit_review(rt, token, scores(9, 8, 8, 8, 8), "Лучше") == 2


def test_replacing_one_expert_keeps_the_other_assignments(rt, reviewing):
    table, apps = reviewing["table"], reviewing["apps"]
    leaving = table[apps[2]][0]
    new = review.replace_expert(rt, apps[2], leaving, actor=staff_actor(rt), reason="болезнь")
    with rt.session() as s:
        active = {(a.application_id, a.expert_id) for a in s.exec(
            select(Assignment).where(Assignment.active))}
    expected = {(app, e) for app, es in table.items() for e in es} - {(apps[2], leaving)}
    assert active == expected | {(apps[2], new)}
    assert trail(rt, "application", apps[2])[-1].action == "replace_expert"


def test_reminders_before_and_after_the_due_date_each_once(rt, reviewing, clock):
    clock.set(datetime(2024, 4, 7, 6, 0, tzinfo=UTC))  # three days before 10 April
    assert sorted(reminders.remind_experts(rt)) == sorted(reviewing["experts"])
    assert reminders.remind_experts(rt) == []
    clock.set(datetime(2024, 4, 14, 6, 0, tzinfo=UTC))  # overdue, a late sweep: one letter
    assert len(reminders.remind_experts(rt)) == 4
    overdue = [m for m in emails(rt, template="contest_expert_reminder")
               if "истёк" in m.subject]
    assert len(overdue) == 4


def _review_all(rt, reviewing, special=None):
    """Every expert scores every assigned application (special: number → scores)."""
    special = special or {}
    for n in range(1, 5):
        for number, token in tokens(rt, n).items():
            review.submit_review(rt, token, special.get(number, scores(7, 7, 7, 7, 7)),
                                 f"Комментарий эксперта {n}")


def test_the_whole_contest_to_the_award(rt, reviewing, clock):
    contest_id, apps = reviewing["contest"], reviewing["apps"]
    with pytest.raises(GuardRefused, match="не все оценки получены"):
        results.start_deliberation(rt, contest_id, actor=staff_actor(rt))
    # ИП-2 and ИП-3 tie on the total (8,75 × … ) but ИП-2 is stronger on «Новизна».
    _review_all(rt, reviewing, {"ИП-1/2024": scores(10, 10, 10, 10, 10),
                                "ИП-2/2024": scores(8, 10, 8, 8, 8),
                                "ИП-3/2024": scores(8, 8, 10, 8, 8)})
    with rt.session() as s:
        assert all(s.get(Application, a).state == A.REVIEWED for a in apps)
    results.start_deliberation(rt, contest_id, actor=staff_actor(rt))
    with pytest.raises(DomainError, match="экспертиза завершена"):
        review.submit_review(rt, next(iter(tokens(rt, 2).values())), scores(1, 1, 1, 1, 1), "x")
    ranking = results.approve_results(rt, contest_id, actor=staff_actor(rt))
    by_number = {}
    with rt.session() as s:
        for a in s.exec(select(Application)):
            by_number[a.number] = a
    assert [by_number[n].rank for n in ("ИП-1/2024", "ИП-2/2024", "ИП-3/2024")] == [1, 2, 3]
    assert by_number["ИП-2/2024"].tie_rule.endswith("«Новизна»")
    assert [by_number[n].state for n in ("ИП-1/2024", "ИП-2/2024", "ИП-3/2024", "ИП-4/2024")] \
        == [A.WINNER, A.LAUREATE, A.LAUREATE, A.PARTICIPANT]
    assert ranking.rows[0].total > ranking.rows[1].total
    count = results.award(rt, contest_id, actor=staff_actor(rt))
    assert count == 5
    with rt.session() as s:
        contest = s.get(Contest, contest_id)
        assert contest.state == C.AWARDED
        docs = {d.kind: d for d in s.exec(select(Document))}
        (entry,) = s.exec(select(StatusEntry)).all()
    protocol = docx_text(read_bytes(rt, docs["contest_protocol"]))
    assert "ПРОТОКОЛ" in protocol and "ИП-1/2024" in protocol and "{{" not in protocol
    summary = docx_text(read_bytes(rt, docs["contest_summary"]))
    assert "Новизна" in summary and "60" in summary
    sheet = load_workbook(__import__("io").BytesIO(read_bytes(rt, docs["contest_summary_xlsx"])))
    assert sheet.active["B4"].value == "ИП-1/2024"
    diploma = docx_text(read_bytes(rt, docs["contest_diploma"]))
    assert "Д-" in diploma and "ДИПЛОМ" in diploma.upper()
    with rt.session() as s:
        sheets = list(s.exec(select(Document).where(Document.kind == "expert_sheet")))
    assert len(sheets) == 15
    sheet_text = docx_text(read_bytes(rt, sheets[0]))
    assert "ЭКСПЕРТНЫЙ ЛИСТ" in sheet_text and "Комментарий эксперта" in sheet_text
    assert entry.status == "Муниципальная инновационная площадка"
    assert (entry.valid_to - entry.valid_from).days in (1094, 1095)
    result_mails = emails(rt, template="contest_result")
    assert len(result_mails) == 5 and all(len(m.attachment_ids) == 2 for m in result_mails)
    # the award is idempotent: no second number, document or letter
    with pytest.raises(IllegalTransition):
        results.award(rt, contest_id, actor=staff_actor(rt))
    assert len(emails(rt, template="contest_result")) == 5
    # the sweep reminds staff once before the status ends
    clock.set(datetime.combine(entry.valid_to - timedelta(days=30), datetime.min.time(),
                               tzinfo=UTC))
    assert results.remind_status_expiry(rt) == [entry.id]
    assert results.remind_status_expiry(rt) == []


def test_staff_see_which_experts_are_late(rt, reviewing):
    for token in tokens(rt, 2).values():
        review.submit_review(rt, token, scores(7, 7, 7, 7, 7), "Готово")
    due, rows = reminders.late_report(rt, reviewing["contest"])
    assert due.isoformat() == "2024-04-10"
    late_names = {name for name, _, _ in rows}
    assert len(rows) == 3 and not any(name.startswith("Эксперт2") for name in late_names)
    assert all(numbers.startswith("ИП-") for _, _, numbers in rows)


def test_an_expert_who_scored_is_not_replaced_and_replacements_never_repeat(rt, reviewing):
    apps, table = reviewing["apps"], reviewing["table"]
    app = apps[4]
    scored = table[app][0]
    token = next(t for n, t in tokens(rt, reviewing["experts"].index(scored) + 1).items()
                 if n == "ИП-5/2024")
    review.submit_review(rt, token, scores(7, 7, 7, 7, 7), "Оценено")
    with pytest.raises(DomainError, match="уже прислал оценку"):
        review.replace_expert(rt, app, scored, actor=staff_actor(rt), reason="болезнь")
    current = table[app][1]
    seen = {current}
    for _ in range(5):  # keep replacing whoever holds the seat: nobody comes back
        try:
            current = review.replace_expert(rt, app, current, actor=staff_actor(rt),
                                            reason="не может")
        except DomainError as err:
            assert "некем заменить" in err.message
            break
        assert current not in seen
        seen.add(current)


def test_a_conflict_declared_during_review_moves_the_application_to_another_expert(
        rt, reviewing):
    apps, table, schools = reviewing["apps"], reviewing["table"], reviewing["schools"]
    app = apps[2]
    expert = table[app][0]
    n = reviewing["experts"].index(expert) + 1
    token = next(t for num, t in tokens(rt, n).items() if num == "ИП-3/2024")
    review.submit_review(rt, token, scores(9, 9, 9, 9, 9), "Оценено")
    declare_conflict(rt, reviewing["contest"], expert, schools[2], actor=staff_actor(rt))
    with rt.session() as s:
        active = [a.expert_id for a in s.exec(select(Assignment).where(
            Assignment.application_id == app, Assignment.active))]
    assert expert not in active and len(active) == 3
    with pytest.raises(LinkRefused, match="эксперт заменён"):
        review.submit_review(rt, token, scores(9, 9, 9, 9, 9), "Ещё раз")


def test_a_tie_at_the_winners_boundary_waits_for_the_jury_vote(rt, reviewing):
    contest_id = reviewing["contest"]
    same = scores(8, 8, 8, 8, 8)
    _review_all(rt, reviewing, {"ИП-1/2024": same, "ИП-2/2024": same,
                                "ИП-3/2024": scores(7, 7, 7, 7, 7),
                                "ИП-4/2024": scores(6, 6, 6, 6, 6),
                                "ИП-5/2024": scores(5, 5, 5, 5, 5)})
    results.start_deliberation(rt, contest_id, actor=staff_actor(rt))
    with pytest.raises(GuardRefused, match="голосование жюри"):
        results.approve_results(rt, contest_id, actor=staff_actor(rt))
    with rt.session() as s:
        by_number = {a.number: a.id for a in s.exec(select(Application))}
    results.record_vote(rt, contest_id, by_number["ИП-2/2024"], 3, actor=staff_actor(rt))
    results.record_vote(rt, contest_id, by_number["ИП-1/2024"], 1, actor=staff_actor(rt))
    ranking = results.approve_results(rt, contest_id, actor=staff_actor(rt))
    first = ranking.rows[0]
    assert first.application_id == by_number["ИП-2/2024"]
    assert "голосован" in (first.tie_rule or "")


def test_a_status_awarded_on_29_february_ends_on_28_february(rt, reviewing, clock):
    contest_id = reviewing["contest"]
    _review_all(rt, reviewing, {f"ИП-{k}/2024": scores(*[11 - k] * 5) for k in range(1, 6)})
    results.start_deliberation(rt, contest_id, actor=staff_actor(rt))
    results.approve_results(rt, contest_id, actor=staff_actor(rt))
    clock.set(datetime(2024, 2, 29, 9, 0, tzinfo=UTC))
    results.award(rt, contest_id, actor=staff_actor(rt))
    with rt.session() as s:
        (entry,) = s.exec(select(StatusEntry)).all()
    assert (entry.valid_from.isoformat(), entry.valid_to.isoformat()) == ("2024-02-29",
                                                                          "2027-02-27")


def test_the_protocol_records_who_was_absent_and_how_the_jury_voted(rt, reviewing):
    from services.contest_documents import Meeting

    contest_id = reviewing["contest"]
    _review_all(rt, reviewing, {f"ИП-{k}/2024": scores(*[11 - k] * 5) for k in range(1, 6)})
    results.start_deliberation(rt, contest_id, actor=staff_actor(rt))
    with pytest.raises(GuardRefused, match="нет в составе жюри"):
        results.approve_results(rt, contest_id, actor=staff_actor(rt),
                                meeting=Meeting(absent=("Петров П.П.",)))
    results.approve_results(rt, contest_id, actor=staff_actor(rt),
                            meeting=Meeting(absent=("Иванова Наталья Анатольевна",),
                                            abstained=0))
    with rt.session() as s:
        doc = s.exec(select(Document).where(Document.kind == "contest_protocol")).one()
    text = docx_text(read_bytes(rt, doc))
    present = text.split("Присутствовали")[1].split("ПОВЕСТКА")[0]
    assert "(2 чел.)" in present and "Иванова" not in present
    assert "СЛУШАЛИ: Верзунову О.А., председателя жюри" in text

"""The flows under Prefect's test harness: the same process, orchestrated in batches."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from prefect.testing.utilities import prefect_test_harness
from sqlmodel import select

from flows.agreements import advance_agreements, start_agreement
from flows.mail import send_mail
from flows.runtime import use_runtime
from flows.sweep import sweep
from models import Agreement, AgreementState as S
from services import agreement_links, agreements
from tests.factories import director_actor, emails, link_token, make_partner


@pytest.fixture(scope="module", autouse=True)
def harness():
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def flow_rt(rt):
    with use_runtime(rt):
        yield rt


def state(rt, ag_id):
    with rt.session() as s:
        return s.get(Agreement, ag_id).state


def test_start_flow_drafts_and_mails_the_director(flow_rt, smtp):
    partner = make_partner(flow_rt)
    ag_id = asyncio.run(start_agreement(partner_id=partner, staff_login="ivanova"))
    assert state(flow_rt, ag_id) == S.AWAITING_APPROVAL
    assert [m.envelope_rcpt for m in smtp.messages] == [("director@imc-vyselki.example.org",)]


def test_advance_flow_twice_registers_once(flow_rt, smtp):
    partner = make_partner(flow_rt)
    ag_id = asyncio.run(start_agreement(partner_id=partner, staff_login="ivanova"))
    agreements.approve(flow_rt, ag_id, actor=director_actor(flow_rt))
    invitation = emails(flow_rt, template="agreement_partner_invitation")[0]
    # The partner acts through the link; the web request registers, the flow only follows up.
    agreement_links.partner_act(flow_rt, link_token(invitation), "confirm")
    first = asyncio.run(advance_agreements([ag_id]))
    second = asyncio.run(advance_agreements([ag_id]))
    assert first == second == {ag_id: "registered"}
    asyncio.run(send_mail())
    registered = [m for m in smtp.messages if "зарегистрирован" in m["Subject"].lower()]
    assert len(registered) == 2  # partner and the responsible methodologist, once each


def test_sweep_flow_reminds_once_then_escalates(flow_rt, smtp, clock):
    partner = make_partner(flow_rt)
    ag_id = asyncio.run(start_agreement(partner_id=partner, staff_login="ivanova"))
    agreements.approve(flow_rt, ag_id, actor=director_actor(flow_rt))
    clock.advance(timedelta(days=7, minutes=1))
    first = asyncio.run(sweep())
    again = asyncio.run(sweep())
    assert first["timers"]["reminders"] == [ag_id] and again["timers"]["reminders"] == []
    clock.advance(timedelta(days=7))
    late = asyncio.run(sweep())
    assert late["timers"]["escalations"] == [ag_id]
    subjects = [m["Subject"] for m in smtp.messages]
    assert sum("Напоминание" in s for s in subjects) == 1
    assert sum("Нет ответа партнёра" in s for s in subjects) == 1


def _events_in_feed(ag_id: int, wanted_names: set[str]) -> set[str]:
    import time

    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter

    wanted = EventFilter(event=EventNameFilter(prefix=["imc.agreement."]))
    found: set[str] = set()
    deadline = time.monotonic() + 30
    with get_client(sync_client=True) as client:
        while time.monotonic() < deadline and not wanted_names <= found:
            page = client.read_events(filter=wanted, limit=50)
            found = {e.event for e in page.events if e.resource.id == f"imc.agreement.{ag_id}"}
            time.sleep(0.5)
    return found


def test_transitions_reach_prefects_event_feed(flow_rt):
    from adapters.events import PrefectEventSink
    from services.event_forwarding import pending_count
    from tests.factories import staff_actor

    flow_rt.events = PrefectEventSink()
    ag_id = agreements.start(flow_rt, partner_id=make_partner(flow_rt), actor=staff_actor(flow_rt))
    assert pending_count(flow_rt) == 0
    names = {"imc.agreement.create", "imc.agreement.submit"}
    assert names <= _events_in_feed(ag_id, names)


def test_events_written_without_prefect_reach_the_feed_through_the_sweep(flow_rt):
    from adapters.events import PendingEventSink
    from services.event_forwarding import pending_count
    from tests.factories import staff_actor

    flow_rt.events = PendingEventSink()  # a CLI in a shell without PREFECT_API_URL
    ag_id = agreements.start(flow_rt, partner_id=make_partner(flow_rt), actor=staff_actor(flow_rt))
    assert pending_count(flow_rt) == 2
    result = asyncio.run(sweep())
    assert result["events_forwarded"] == 2 and pending_count(flow_rt) == 0
    names = {"imc.agreement.create", "imc.agreement.submit"}
    assert names <= _events_in_feed(ag_id, names)


def test_a_contest_runs_through_its_stage_flows(flow_rt, smtp, clock):
    from datetime import UTC, datetime

    from flows import contests as contest_flows
    from services import contest_screening, contests
    from services.contest_experts import add_expert
    from services.contest_intake import apply
    from services.contest_rules import load_rules
    from services.sweep import fire_timers
    from tests.factories import make_school, staff_actor
    from tests.test_contest_intake import MARCH_1, RULES, form, invitation
    from tests.test_contest_review import scores, tokens

    rt = flow_rt
    clock.set(MARCH_1)
    for n in (1, 2, 3):
        make_school(rt, n)
    load_rules(rt, RULES, actor=staff_actor(rt))
    contest_id = contests.create(rt, rules_code="innovative-search", actor=staff_actor(rt))
    asyncio.run(contest_flows.open_intake(contest_id=contest_id, staff_login="ivanova"))
    assert sum("Приглашение" in m["Subject"] for m in smtp.messages) == 3
    clock.set(datetime(2024, 3, 5, 6, 0, tzinfo=UTC))
    fire_timers(rt)
    apps = [apply(rt, invitation(rt, n), form(n), []) for n in (1, 2, 3)]
    for i in range(1, 4):
        add_expert(rt, contest_id, last_name=f"Эксперт{i}", first_name="Анна",
                   email=f"expert{i}@experts.example.org", actor=staff_actor(rt))
    clock.set(datetime(2024, 3, 25, 6, 0, tzinfo=UTC))
    fire_timers(rt)
    for app_id in apps:
        contest_screening.accept(rt, app_id, actor=staff_actor(rt))
    assert asyncio.run(contest_flows.assign_experts(contest_id=contest_id,
                                                    staff_login="ivanova")) == 9
    for n in range(1, 4):
        for number, token in tokens(rt, n).items():
            from services import contest_review

            value = 9 if number == "ИП-1/2024" else 6
            contest_review.submit_review(rt, token, scores(value, value, value, value, value),
                                         "Оценка эксперта")
    rows = asyncio.run(contest_flows.tally(contest_id=contest_id, staff_login="ivanova"))
    assert rows[0]["number"] == "ИП-1/2024" and rows[0]["rank"] == 1
    assert asyncio.run(contest_flows.award(contest_id=contest_id, staff_login="ivanova")) == 3
    # a stage started again (a retry, a second click in the UI) carries on and adds nothing
    assert asyncio.run(contest_flows.award(contest_id=contest_id, staff_login="ivanova")) == 3
    assert asyncio.run(contest_flows.tally(contest_id=contest_id, staff_login="ivanova"))
    results = [m for m in smtp.messages if m["Subject"].startswith("Итоги конкурса")]
    assert len(results) == 3
    assert all(len(list(m.iter_attachments())) == 2 for m in results)


def test_a_webinar_cycle_runs_through_its_flows(flow_rt, smtp, clock):
    from datetime import UTC, datetime

    from flows import webinars as webinar_flows
    from models import Registration, RegistrationState, WebinarSession
    from models.webinar_machine import registration_machine
    from services import webinar_materials
    from services.transitions import transition
    from tests.factories import make_school, staff_actor
    from tests.webinar_factories import make_cycle, register_by_email

    rt = flow_rt
    clock.set(datetime(2024, 10, 1, 7, 0, tzinfo=UTC))
    for n in (1, 2):
        make_school(rt, n)
    cycle_id, [first, _second] = make_cycle(rt)
    invited = asyncio.run(webinar_flows.announce_cycle(cycle_id=cycle_id,
                                                       staff_login="ivanova"))
    assert invited == {first: 2, _second: 2}
    assert asyncio.run(webinar_flows.announce_cycle(cycle_id=cycle_id,
                                                    staff_login="ivanova")) == {}
    assert sum(m["Subject"].startswith("Приглашение") for m in smtp.messages) == 4
    for n in (1, 2):
        register_by_email(rt, first, f"director@sosh{n}.example.org")
    clock.set(datetime(2024, 10, 14, 12, 5, tzinfo=UTC))  # 24 h before the first
    asyncio.run(sweep())
    clock.set(datetime(2024, 10, 15, 15, 0, tzinfo=UTC))  # after it: held by the sweep
    asyncio.run(sweep())
    with rt.session() as s:
        assert str(s.get(WebinarSession, first).state) == "held"
        regs = list(s.exec(select(Registration).where(Registration.session_id == first)
                           .order_by(Registration.id)))
    staff = staff_actor(rt)
    with rt.transaction() as tx:
        reg = tx.session.get(Registration, regs[0].id)
        with transition(tx, registration_machine, reg, "mark_attended", actor=staff):
            pass
    webinar_materials.add_material(rt, first, title="Презентация",
                                   url="https://example.org/p.pdf", actor=staff_actor(rt))
    assert asyncio.run(webinar_flows.send_materials(session_id=first,
                                                    staff_login="ivanova")) == 1
    numbers = asyncio.run(webinar_flows.issue_certificates(cycle_id=cycle_id,
                                                           staff_login="ivanova"))
    assert numbers == ["ВС-1/2024"]
    assert asyncio.run(webinar_flows.issue_certificates(cycle_id=cycle_id,
                                                        staff_login="ivanova")) == []
    with rt.session() as s:
        assert s.get(Registration, regs[0].id).state == RegistrationState.CERTIFICATE_ISSUED
    subjects = [m["Subject"] for m in smtp.messages]
    assert sum("Напоминание" in x or "напоминание" in x for x in subjects) == 2
    assert sum("ертификат" in x for x in subjects) == 1


def test_every_stage_has_a_deployment():
    from deployments.serve import deployments

    names = {d.name for d in deployments()}
    assert {"sweep", "mail-send", "webinar-announce", "webinar-materials",
            "webinar-certificates", "contest-award", "agreement-start"} <= names

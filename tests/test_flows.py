"""The flows under Prefect's test harness: the same process, orchestrated in batches."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from prefect.testing.utilities import prefect_test_harness

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

"""The agreement's transition table, checked exhaustively, and survival across restarts."""

from __future__ import annotations

import pytest

from models import ActorKind, Agreement, AgreementState as S, PersonRole
from models.agreement_machine import agreement_machine as M
from models.fsm import transition_scope
from services import agreement_links, agreements
from services.actors import Actor
from services.errors import IllegalTransition
from services.runtime import Runtime
from services.transitions import check
from tests.factories import director_actor, emails, link_token, make_partner, staff_actor

DIRECTOR = Actor(ActorKind.STAFF, 1, "директор", PersonRole.DIRECTOR)

ILLEGAL_PAIRS = [(state, name) for state in S for name, t in M.transitions.items()
                 if state not in t.sources]


@pytest.mark.parametrize(("state", "name"), ILLEGAL_PAIRS,
                         ids=[f"{s.value}-{n}" for s, n in ILLEGAL_PAIRS])
def test_every_illegal_transition_is_refused_in_russian(state, name):
    ag = Agreement(id=7, partner_id=1, subject="предмет")
    with transition_scope():
        ag.state = state
    with pytest.raises(IllegalTransition) as err:
        check(M, ag, name, actor=DIRECTOR, reason="причина")
    assert f"в состоянии «{state.label}»" in err.value.message
    assert err.value.audit["action"] == name


def test_every_state_is_reachable_and_every_transition_has_a_label():
    reachable = {M.initial}
    for _ in S:
        reachable |= {t.target for t in M.transitions.values() if t.sources & reachable}
    assert reachable == set(S)
    assert all(t.label and t.label[0].islower() for t in M.transitions.values())


def reopened(rt: Runtime) -> Runtime:
    """A new runtime over the same store, as after a restart of every process."""
    return Runtime(settings=rt.settings, clock=rt.clock, events=rt.events)


def state_after_restart(rt: Runtime, ag_id: int) -> S:
    fresh = reopened(rt)
    try:
        with fresh.session() as s:
            return s.get(Agreement, ag_id).state
    finally:
        fresh.engine.dispose()


def test_the_process_survives_a_restart_at_every_step(rt):
    ag_id = agreements.start(rt, partner_id=make_partner(rt), actor=staff_actor(rt))
    assert state_after_restart(rt, ag_id) == S.AWAITING_APPROVAL
    agreements.return_draft(reopened(rt), ag_id, actor=director_actor(rt), comment="Уточнить")
    assert state_after_restart(rt, ag_id) == S.DRAFT
    agreements.submit(reopened(rt), ag_id, actor=staff_actor(rt))
    assert state_after_restart(rt, ag_id) == S.AWAITING_APPROVAL
    agreements.approve(reopened(rt), ag_id, actor=director_actor(rt))
    assert state_after_restart(rt, ag_id) == S.SENT_TO_PARTNER
    token = link_token(emails(rt, template="agreement_partner_invitation")[0])
    agreement_links.partner_act(reopened(rt), token, "confirm")
    assert state_after_restart(rt, ag_id) == S.REGISTERED
    agreements.terminate(reopened(rt), ag_id, actor=staff_actor(rt), reason="по соглашению")
    assert state_after_restart(rt, ag_id) == S.TERMINATED

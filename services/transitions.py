"""The one place a state column changes: guard → state + audit entry → event."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

from models import AuditEntry, EventRecord
from models.fsm import Machine, transition_scope
from services.actors import Actor
from services.errors import GuardRefused, IllegalTransition
from services.runtime import Tx


@dataclass
class Step:
    """A transition in progress: side effects made inside it are linked to its audit entry."""

    document_ids: list[int] = field(default_factory=list)
    email_ids: list[int] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


def refusal_audit(machine: Machine, obj: Any, name: str, actor: Actor, reason: str) -> dict:
    state = getattr(obj, machine.column)
    return {
        "object_kind": machine.process,
        "object_id": obj.id,
        "action": name,
        "from_state": str(state),
        "actor": actor,
        "reason": reason,
    }


def check(machine: Machine, obj: Any, name: str, *, actor: Actor, reason: str = "", **ctx) -> None:
    """Raise IllegalTransition (with a Russian message) unless `name` may happen now."""
    t = machine.get(name)
    state = getattr(obj, machine.column)
    if state not in t.sources:
        allowed = ", ".join(f"«{s.label}»" for s in sorted(t.sources, key=str))
        raise IllegalTransition(
            f"Действие «{t.label}» невозможно: {_noun(machine)} №{obj.id} в состоянии "
            f"«{state.label}» (допустимо из: {allowed})",
            obj=obj,
            audit=refusal_audit(machine, obj, name, actor, reason),
        )
    if t.guard:
        why = t.guard(obj, {"actor": actor, "reason": reason, **ctx})
        if why:
            raise GuardRefused(
                f"Действие «{t.label}» невозможно: {why}",
                obj=obj,
                audit=refusal_audit(machine, obj, name, actor, reason),
            )


@contextmanager
def transition(
    tx: Tx, machine: Machine, obj: Any, name: str, *, actor: Actor, reason: str = "", **ctx
) -> Iterator[Step]:
    """Check the move, let the caller make its side effects, then change state and audit.

    Everything happens in the caller's transaction, so a failure anywhere undoes all of it.
    """
    check(machine, obj, name, actor=actor, reason=reason, **ctx)
    t = machine.get(name)
    source = getattr(obj, machine.column)
    step = Step(reason=reason)
    yield step
    now = tx.now
    with transition_scope():
        setattr(obj, machine.column, t.target)
    if hasattr(obj, "updated_at"):
        obj.updated_at = now
    tx.session.add(obj)
    tx.session.add(
        AuditEntry(
            object_kind=machine.process,
            object_id=obj.id,
            action=name,
            from_state=str(source),
            to_state=str(t.target),
            actor_kind=actor.kind,
            actor_id=actor.person_id,
            actor_label=actor.label,
            at=now,
            reason=step.reason,
            document_ids=list(step.document_ids),
            email_ids=list(step.email_ids),
            details=step.details,
        )
    )
    record = EventRecord(
        event_id=str(uuid4()), name=f"imc.{machine.process}.{name}",
        resource_id=f"imc.{machine.process}.{obj.id}", occurred_at=now,
        payload={"from": str(source), "state": str(t.target), "actor": actor.label,
                 "at": now.isoformat(), **({"reason": step.reason} if step.reason else {})})
    tx.session.add(record)  # kept until Prefect has it: no event is lost with the process
    tx.events.append(record)


_NOUNS = {"agreement": "договор", "contest": "конкурс", "application": "заявка",
          "webinar_cycle": "цикл вебинаров", "webinar_session": "вебинар",
          "webinar_registration": "регистрация", "webinar_request": "запрос на вебинар",
          "plan_occurrence": "срок пункта плана"}
_NOUNS["consultation"] = "запрос на консультацию"
_NOUNS["plan_meeting"] = "заседание творческой группы"


def _noun(machine: Machine) -> str:
    return _NOUNS.get(machine.process, machine.process)

"""Declarative state machines: transitions as data, and the guard on the state column.

A state column may change only inside `transition_scope()`, which the one function
that performs transitions (services.transitions.apply) opens. Anything else that
assigns the column raises `DirectStateWriteError`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm.base import NEVER_SET, NO_VALUE

_in_transition: ContextVar[bool] = ContextVar("imc_in_transition", default=False)


class DirectStateWriteError(RuntimeError):
    """A state column was assigned outside its transition function."""


@dataclass(frozen=True)
class Transition:
    """One named move: from any of `sources` to `target`, allowed when `guard` passes.

    A guard returns None when the move is allowed, or a Russian sentence saying why not.
    A transition whose target equals its source records an event (a reminder) without
    changing the state.
    """

    name: str
    sources: frozenset[Enum]
    target: Enum
    label: str
    guard: Callable[[Any, dict[str, Any]], str | None] | None = None


@dataclass
class Machine:
    """The transitions of one process, keyed by name."""

    process: str
    model: type
    column: str
    initial: Enum
    transitions: dict[str, Transition] = field(default_factory=dict)

    def add(self, name: str, sources, target, label: str, guard=None) -> Transition:
        t = Transition(name, frozenset(sources), target, label, guard)
        self.transitions[name] = t
        return t

    def get(self, name: str) -> Transition:
        return self.transitions[name]

    def available(self, state: Enum) -> list[Transition]:
        """Transitions whose source includes `state` (guards not evaluated)."""
        return [t for t in self.transitions.values() if state in t.sources]

    def protect(self) -> None:
        """Refuse any assignment of the state column outside a transition."""
        initial = self.initial

        def _guard(target, value, oldvalue, initiator):
            first_set = oldvalue is NO_VALUE or oldvalue is NEVER_SET or oldvalue is None
            if _in_transition.get() or (first_set and value == initial):
                return value
            raise DirectStateWriteError(
                f"Состояние {self.process} меняется только через переход "
                f"(попытка записать «{value}» напрямую)"
            )

        event.listen(getattr(self.model, self.column), "set", _guard, retval=True)


@contextmanager
def transition_scope() -> Iterator[None]:
    """Open the state columns for writing; only the transition function uses this."""
    token = _in_transition.set(True)
    try:
        yield
    finally:
        _in_transition.reset(token)

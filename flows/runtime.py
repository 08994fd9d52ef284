"""Which Runtime the flows use: the environment's by default, a test's when it says so."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from services.runtime import Runtime, default_runtime

_current: Runtime | None = None


def runtime() -> Runtime:
    global _current
    if _current is None:
        _current = default_runtime()
    return _current


@contextmanager
def use_runtime(rt: Runtime) -> Iterator[Runtime]:
    """Run flows in this process against `rt` (tests and the demo pass their own clock)."""
    global _current
    previous, _current = _current, rt
    try:
        yield rt
    finally:
        _current = previous

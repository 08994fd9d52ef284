"""A problem found in input (a file line, a field), shared by readers and import services."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"строка {self.line}: {self.message}" if self.line else self.message

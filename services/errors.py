"""Domain errors: a Russian message for people and the offending object for code."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models.problems import Problem

__all__ = ["DomainError", "GuardRefused", "IllegalTransition", "ImportRefused", "LinkRefused",
           "NotFound", "Problem", "UploadRefused", "UploadTooLarge"]


class DomainError(Exception):
    """Base of every refusal a person may see; `message` is Russian."""

    def __init__(self, message: str, *, obj: Any = None, audit: dict | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.obj = obj
        # When set, the refusal is written to the audit trail after the rollback.
        self.audit = audit


class NotFound(DomainError):
    pass


class IllegalTransition(DomainError):
    """The object's state does not allow the move (a conflict)."""


class GuardRefused(IllegalTransition):
    """The state allows the move but its guard refused it (missing reason, wrong person)."""


class LinkRefused(DomainError):
    """A personal link that is wrong, expired, used up or meant for something else."""


class UploadRefused(DomainError):
    """An uploaded file of the wrong type, empty or missing."""


class UploadTooLarge(UploadRefused):
    """An uploaded file over settings.upload_max_bytes."""


@dataclass(eq=False)
class ImportRefused(DomainError):
    """A whole-file import refused; every problem with its line."""

    problems: list[Problem] = field(default_factory=list)
    what: str = "файл"

    def __post_init__(self) -> None:
        lines = "\n".join(f"  • {p}" for p in self.problems)
        head = f"{self.what.capitalize()} не загружен, ничего не изменено. Ошибки:"
        super().__init__(f"{head}\n{lines}")

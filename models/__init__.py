"""Tables, state enums and transition tables. Importing this registers every table."""

from models.agreement import Agreement, AgreementState, SignedVia
from models.audit import ActorKind, AuditEntry, Outcome
from models.contest import (
    Application,
    ApplicationState,
    Contest,
    ContestExpert,
    ContestRules,
    ContestState,
    ExpertConflict,
)
from models.document import Document
from models.event import EventRecord
from models.org import Organisation, OrgKind, Person, PersonRole
from models.outbox import MailStatus, OutboxEmail
from models.registry import LinkUse, RegistryCounter

__all__ = [
    "ActorKind",
    "Agreement",
    "AgreementState",
    "Application",
    "ApplicationState",
    "AuditEntry",
    "Contest",
    "ContestExpert",
    "ContestRules",
    "ContestState",
    "Document",
    "EventRecord",
    "ExpertConflict",
    "LinkUse",
    "MailStatus",
    "OrgKind",
    "Organisation",
    "OutboxEmail",
    "Outcome",
    "Person",
    "PersonRole",
    "RegistryCounter",
    "SignedVia",
]

"""Tables, state enums and transition tables. Importing this registers every table."""

from models.agreement import Agreement, AgreementState, SignedVia
from models.audit import ActorKind, AuditEntry, Outcome
from models.contest import (
    Application,
    ApplicationState,
    Assignment,
    CommissionVote,
    Contest,
    ContestExpert,
    ContestRules,
    ContestState,
    ExpertConflict,
    Review,
    StatusEntry,
)
from models.document import Document
from models.event import EventRecord
from models.org import Organisation, OrgKind, Person, PersonRole
from models.outbox import MailStatus, OutboxEmail
from models.plan import OccurrenceState, Plan, PlanItem, PlanOccurrence
from models.registry import LinkUse, RegistryCounter
from models.webinar import (
    CertificateRule,
    CycleState,
    Registration,
    RegistrationState,
    Segment,
    SessionState,
    WebinarCycle,
    WebinarSession,
)
from models.webinar_followup import (
    AttendanceImport,
    Certificate,
    Feedback,
    ReminderWave,
    WebinarMaterial,
)
from models.webinar_request import RequestState, WebinarRequest

__all__ = [
    "ActorKind",
    "Agreement",
    "AgreementState",
    "Application",
    "ApplicationState",
    "Assignment",
    "AttendanceImport",
    "AuditEntry",
    "Certificate",
    "CertificateRule",
    "CommissionVote",
    "Contest",
    "ContestExpert",
    "ContestRules",
    "ContestState",
    "CycleState",
    "Document",
    "EventRecord",
    "ExpertConflict",
    "Feedback",
    "LinkUse",
    "MailStatus",
    "OccurrenceState",
    "OrgKind",
    "Organisation",
    "OutboxEmail",
    "Outcome",
    "Person",
    "PersonRole",
    "Plan",
    "PlanItem",
    "PlanOccurrence",
    "Registration",
    "RegistrationState",
    "RegistryCounter",
    "ReminderWave",
    "RequestState",
    "Review",
    "Segment",
    "SessionState",
    "SignedVia",
    "StatusEntry",
    "WebinarCycle",
    "WebinarMaterial",
    "WebinarRequest",
    "WebinarSession",
]

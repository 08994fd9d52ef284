"""Tables, state enums and transition tables. Importing this registers every table."""

from models.agreement import Agreement, AgreementState, SignedVia
from models.audit import ActorKind, AuditEntry, Outcome
from models.consultation import Consultation, ConsultationForm, ConsultationState
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
from models.plan_meeting import MeetingAttendee, MeetingState, PlanMeeting
from models.registry import LinkUse, RegistryCounter
from models.report import PlanLink, Report
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
    "Consultation",
    "ConsultationForm",
    "ConsultationState",
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
    "MeetingAttendee",
    "MeetingState",
    "OccurrenceState",
    "OrgKind",
    "Organisation",
    "OutboxEmail",
    "Outcome",
    "Person",
    "PersonRole",
    "Plan",
    "PlanItem",
    "PlanLink",
    "PlanMeeting",
    "PlanOccurrence",
    "Registration",
    "RegistrationState",
    "RegistryCounter",
    "ReminderWave",
    "Report",
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

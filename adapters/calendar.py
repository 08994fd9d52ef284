"""Calendar invitations (.ics, RFC 5545 / iTIP RFC 5546) for webinar sessions.

Pure functions over a frozen `CalendarEvent`: no database, no clock of its own (the
DTSTAMP moment may be passed in). One UID per webinar session; every update sends the
same UID with a higher SEQUENCE, and a cancellation is METHOD:CANCEL + STATUS:CANCELLED.
Times are written as Europe/Moscow wall time with a VTIMEZONE, so calendar clients
show 15:00 for a session at 12:00 UTC whatever zone they were set up in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vText, vUri

from adapters.mail_message import ascii_address

MOSCOW_TZID = "Europe/Moscow"
MOSCOW = ZoneInfo(MOSCOW_TZID)
PRODID = "-//МКУ ИМЦ Выселковский район//imc-flows//RU"
LANGUAGE = "ru"
STATUSES = ("CONFIRMED", "CANCELLED")
INVITATION_FILENAME = "приглашение.ics"
CANCELLATION_FILENAME = "отмена.ics"
# Moscow has kept UTC+3 all year since 26 October 2014: a VTIMEZONE that starts in
# 2015 is one STANDARD block; earlier sessions (imports of old plans) get their year.
_STABLE_FROM_YEAR = 2015

Status = Literal["CONFIRMED", "CANCELLED"]


@dataclass(frozen=True)
class CalendarEvent:
    """One webinar session as one attendee's calendar sees it."""

    uid: str  # stable per session, e.g. "webinar-session-12@imc-vyselki"
    sequence: int  # 0 for the first invitation, +1 with every reschedule or cancellation
    start: datetime  # aware; written as Europe/Moscow wall time
    duration: timedelta
    summary: str
    description: str
    url: str  # the meeting link; "" when not known yet
    location: str  # may be the meeting link too; "" to leave it out
    organizer_name: str
    organizer_email: str
    attendee_name: str
    attendee_email: str
    status: Status = "CONFIRMED"

    def __post_init__(self) -> None:
        if not self.uid or not self.uid.strip() or any(c in self.uid for c in "\r\n"):
            raise ValueError("UID события календаря не может быть пустым или многострочным")
        if isinstance(self.sequence, bool) or not isinstance(self.sequence, int):
            raise ValueError(f"SEQUENCE должен быть целым числом, получено {self.sequence!r}")
        if self.sequence < 0:
            raise ValueError(f"SEQUENCE не может быть отрицательным: {self.sequence}")
        if not isinstance(self.start, datetime):
            raise ValueError("Начало события должно быть датой и временем (datetime)")
        if self.start.tzinfo is None or self.start.utcoffset() is None:
            raise ValueError(
                "Время начала события без часового пояса: ожидается datetime с tzinfo "
                "(например, Europe/Moscow или UTC)"
            )
        if not isinstance(self.duration, timedelta) or self.duration <= timedelta(0):
            raise ValueError(f"Длительность события должна быть положительной: {self.duration!r}")
        if not self.summary.strip():
            raise ValueError("Название события (SUMMARY) не может быть пустым")
        for label, value in (("организатора", self.organizer_email),
                             ("участника", self.attendee_email)):
            local, at, domain = value.strip().rpartition("@")
            if not at or not local or not domain or any(c.isspace() for c in value.strip()):
                raise ValueError(f"Некорректный адрес электронной почты {label}: «{value}»")
        if self.status not in STATUSES:
            raise ValueError(
                f"Неизвестный статус события «{self.status}»: ожидается CONFIRMED или CANCELLED"
            )

    @property
    def end(self) -> datetime:
        """The end instant (aware, the start's zone)."""
        return self.start + self.duration


@lru_cache(maxsize=8)
def _moscow_timezone_ical(first_year: int) -> bytes:
    """The VTIMEZONE for Europe/Moscow from 1 January of first_year, serialized once."""
    component = Timezone.from_tzid(
        MOSCOW_TZID, first_date=date(first_year, 1, 1), last_date=date(2038, 1, 1)
    )
    return component.to_ical()


def _moscow_timezone(start_moscow: datetime) -> Timezone:
    """A fresh VTIMEZONE component covering the event (built from cached bytes)."""
    first_year = min(start_moscow.year, _STABLE_FROM_YEAR)
    return Timezone.from_ical(_moscow_timezone_ical(first_year))


def _param_text(value: str) -> str:
    """A parameter value (CN) on one line and without DQUOTE, which RFC 5545 forbids there."""
    text = " ".join(value.split())
    return text.replace('"', "'")


def _address(email: str, name: str) -> vCalAddress:
    """A mailto: calendar address with a Cyrillic-safe CN."""
    address = vCalAddress(f"mailto:{ascii_address(email)}")
    if name.strip():
        address.params["CN"] = _param_text(name)
        address.params["LANGUAGE"] = LANGUAGE
    return address


def _text(value: str) -> vText:
    """A Russian TEXT property value tagged LANGUAGE=ru."""
    text = vText(value.replace("\r\n", "\n").replace("\r", "\n"))
    text.params["LANGUAGE"] = LANGUAGE
    return text


def _description(event: CalendarEvent) -> str:
    """The description, with the meeting link appended when the text does not carry it."""
    description = event.description.strip()
    if event.url and event.url not in description:
        link = f"Ссылка для подключения: {event.url}"
        description = f"{description}\n\n{link}" if description else link
    return description


def _calendar(event: CalendarEvent, *, method: str, status: str,
              stamp: datetime | None) -> bytes:
    """Serialize one VEVENT in a VCALENDAR with the given iTIP method and status."""
    if stamp is not None and (stamp.tzinfo is None or stamp.utcoffset() is None):
        raise ValueError("Отметка времени DTSTAMP без часового пояса: ожидается datetime с tzinfo")
    start = event.start.astimezone(MOSCOW)
    end = event.end.astimezone(MOSCOW)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(_moscow_timezone(start))

    vevent = Event()
    vevent.add("uid", event.uid.strip())
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    vevent.add("dtstart", start)
    vevent.add("dtend", end)
    vevent.add("summary", _text(" ".join(event.summary.split())))
    description = _description(event)
    if description:
        vevent.add("description", _text(description))
    if event.location.strip():
        vevent.add("location", _text(" ".join(event.location.split())))
    if event.url.strip():
        vevent.add("url", vUri(event.url.strip()))
    vevent.add("organizer", _address(event.organizer_email, event.organizer_name))
    attendee = _address(event.attendee_email, event.attendee_name)
    attendee.params["CUTYPE"] = "INDIVIDUAL"
    attendee.params["ROLE"] = "REQ-PARTICIPANT"
    attendee.params["PARTSTAT"] = "NEEDS-ACTION"
    attendee.params["RSVP"] = "FALSE"
    vevent.add("attendee", attendee)
    vevent.add("status", status)
    vevent.add("transp", "OPAQUE")
    calendar.add_component(vevent)
    return calendar.to_ical()


def invitation_ics(event: CalendarEvent, *, stamp: datetime | None = None) -> bytes:
    """METHOD:REQUEST for a new or updated session (send with a higher SEQUENCE on update).

    stamp is the DTSTAMP (the moment the invitation is made; pass the injected clock's
    now()); the system time in UTC when omitted.
    """
    if event.status == "CANCELLED":
        raise ValueError("Событие отменено: для него формируется отмена (cancellation_ics), "
                         "а не приглашение")
    return _calendar(event, method="REQUEST", status="CONFIRMED", stamp=stamp)


def cancellation_ics(event: CalendarEvent, *, stamp: datetime | None = None) -> bytes:
    """METHOD:CANCEL + STATUS:CANCELLED with the session's UID and the given SEQUENCE."""
    return _calendar(event, method="CANCEL", status="CANCELLED", stamp=stamp)


def ics_attachment(event: CalendarEvent, cancel: bool = False, *,
                   stamp: datetime | None = None) -> tuple[str, bytes, str]:
    """(filename, data, MIME type) for the outbox's attachments.

    A cancellation is produced when cancel is true or the event's status is CANCELLED.
    """
    if cancel or event.status == "CANCELLED":
        return (CANCELLATION_FILENAME, cancellation_ics(event, stamp=stamp),
                "text/calendar; method=CANCEL; charset=UTF-8")
    return (INVITATION_FILENAME, invitation_ics(event, stamp=stamp),
            "text/calendar; method=REQUEST; charset=UTF-8")


__all__ = [
    "CANCELLATION_FILENAME",
    "INVITATION_FILENAME",
    "MOSCOW_TZID",
    "PRODID",
    "CalendarEvent",
    "cancellation_ics",
    "ics_attachment",
    "invitation_ics",
]

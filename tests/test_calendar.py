"""Calendar invitations (.ics) parsed back with icalendar, and through a real e-mail."""

from __future__ import annotations

import dataclasses
import email
from datetime import UTC, datetime, timedelta
from email import policy
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings, strategies as st

from adapters.calendar import (
    PRODID,
    CalendarEvent,
    cancellation_ics,
    ics_attachment,
    invitation_ics,
)
from adapters.mail_message import build_message, message_bytes

MOSCOW = ZoneInfo("Europe/Moscow")
LINK = "https://meet.example.org/j/8812345?pwd=Zq9"
UID = "webinar-session-12@imc-vyselki"
STAMP = datetime(2025, 10, 1, 7, 30, tzinfo=UTC)
LONG_DESCRIPTION = (
    "Уважаемые коллеги!\n"
    "Приглашаем вас на сетевой методический вебинар «Формирование функциональной "
    "грамотности обучающихся: опыт образовательных организаций Выселковского района; "
    "сетевое взаимодействие, наставничество и методическое сопровождение педагогов».\n"
    "Спикер: Петрова Анна Сергеевна, заместитель директора МБОУ СОШ № 1 им. В. И. Иванова.\n"
    f"Ссылка для подключения: {LINK}\n"
    "Просим подключиться за 10 минут до начала — проверьте звук и камеру."
)


def make_event(**overrides) -> CalendarEvent:
    """A session at 12:00 UTC (15:00 in Moscow) for 90 minutes, overridable per test."""
    fields = dict(
        uid=UID,
        sequence=0,
        start=datetime(2025, 10, 14, 12, 0, tzinfo=UTC),
        duration=timedelta(minutes=90),
        summary="Вебинар для руководителей: функциональная грамотность",
        description=LONG_DESCRIPTION,
        url=LINK,
        location=LINK,
        organizer_name="МКУ ИМЦ Выселковский район",
        organizer_email="imc@imc.test",
        attendee_name="Иванова Мария Петровна",
        attendee_email="ivanova@school1.test",
        status="CONFIRMED",
    )
    fields.update(overrides)
    return CalendarEvent(**fields)


def parse(data: bytes) -> tuple[icalendar.Calendar, icalendar.Event]:
    """Parse .ics bytes and return the calendar and its only VEVENT."""
    calendar = icalendar.Calendar.from_ical(data)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def unfold(data: bytes) -> str:
    """Undo RFC 5545 folding (CRLF followed by one space or tab) on the octet stream."""
    return data.replace(b"\r\n ", b"").replace(b"\r\n\t", b"").decode("utf-8")


def test_invitation_is_a_request_with_the_session_fields():
    calendar, vevent = parse(invitation_ics(make_event(), stamp=STAMP))
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == PRODID
    assert str(vevent["UID"]) == UID
    assert vevent.decoded("SEQUENCE") == 0
    assert str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["SUMMARY"]) == "Вебинар для руководителей: функциональная грамотность"
    assert vevent["SUMMARY"].params["LANGUAGE"] == "ru"
    assert str(vevent["URL"]) == LINK
    assert str(vevent["LOCATION"]) == LINK
    assert vevent.decoded("DTSTAMP") == STAMP


def test_update_keeps_the_uid_and_raises_the_sequence():
    first = make_event()
    moved = dataclasses.replace(first, sequence=first.sequence + 1,
                                start=first.start + timedelta(days=2, hours=1))
    _, before = parse(invitation_ics(first, stamp=STAMP))
    _, after = parse(invitation_ics(moved, stamp=STAMP + timedelta(hours=1)))
    assert str(before["UID"]) == str(after["UID"]) == UID
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")
    assert after.decoded("SEQUENCE") == 1
    assert after.decoded("DTSTART") == datetime(2025, 10, 16, 16, 0, tzinfo=MOSCOW)
    assert after.decoded("DTSTAMP") > before.decoded("DTSTAMP")


def test_times_are_moscow_wall_time_with_tzid_and_vtimezone():
    data = invitation_ics(make_event(), stamp=STAMP)
    calendar, vevent = parse(data)
    text = unfold(data)
    assert "DTSTART;TZID=Europe/Moscow:20251014T150000\r\n" in text
    assert "DTEND;TZID=Europe/Moscow:20251014T163000\r\n" in text
    assert vevent["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert vevent["DTEND"].params["TZID"] == "Europe/Moscow"
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert (start.hour, start.minute) == (15, 0)
    assert start.astimezone(UTC) == datetime(2025, 10, 14, 12, 0, tzinfo=UTC)
    assert end - start == timedelta(minutes=90)
    # The VTIMEZONE comes before the event and by itself maps the wall time right.
    assert [c.name for c in calendar.subcomponents] == ["VTIMEZONE", "VEVENT"]
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Moscow"
    own = zone.to_tz()
    wall = datetime(2025, 10, 14, 15, 0, tzinfo=own)
    assert wall.astimezone(UTC) == datetime(2025, 10, 14, 12, 0, tzinfo=UTC)


def test_a_start_in_another_zone_is_converted_to_moscow():
    yekaterinburg = datetime(2025, 11, 20, 17, 0, tzinfo=ZoneInfo("Asia/Yekaterinburg"))
    _, vevent = parse(invitation_ics(make_event(start=yekaterinburg, duration=timedelta(hours=2))))
    assert vevent["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert vevent.decoded("DTSTART").replace(tzinfo=None) == datetime(2025, 11, 20, 15, 0)
    assert vevent.decoded("DTEND").replace(tzinfo=None) == datetime(2025, 11, 20, 17, 0)


def test_an_old_session_gets_the_offset_moscow_had_then():
    # In 2013 Moscow was on UTC+4 all year: the VTIMEZONE must say so.
    start = datetime(2013, 11, 5, 10, 0, tzinfo=UTC)
    data = invitation_ics(make_event(start=start))
    calendar, _ = parse(data)
    assert "DTSTART;TZID=Europe/Moscow:20131105T140000" in unfold(data)
    (zone,) = calendar.walk("VTIMEZONE")
    wall = datetime(2013, 11, 5, 14, 0, tzinfo=zone.to_tz())
    assert wall.astimezone(UTC) == start


def test_organizer_and_attendee_are_mailto_with_cyrillic_cn():
    event = make_event(attendee_name='Иванова Мария Петровна, МБОУ "СОШ № 1"',
                       attendee_email="ivanova@школа.рф")
    _, vevent = parse(invitation_ics(event, stamp=STAMP))
    organizer = vevent["ORGANIZER"]
    assert str(organizer) == "mailto:imc@imc.test"
    assert organizer.params["CN"] == "МКУ ИМЦ Выселковский район"
    attendees = vevent["ATTENDEE"]
    attendee = attendees[0] if isinstance(attendees, list) else attendees
    # An internationalized domain travels in its IDNA form, as the mail itself does.
    assert str(attendee) == "mailto:ivanova@xn--80atdl2c.xn--p1ai"
    # DQUOTE is not allowed inside a parameter value: it becomes an apostrophe.
    assert attendee.params["CN"] == "Иванова Мария Петровна, МБОУ 'СОШ № 1'"
    assert attendee.params["ROLE"] == "REQ-PARTICIPANT"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "FALSE"


def test_cancellation_form():
    event = make_event(sequence=3, status="CANCELLED")
    calendar, vevent = parse(cancellation_ics(event, stamp=STAMP))
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(vevent["STATUS"]) == "CANCELLED"
    assert str(vevent["UID"]) == UID
    assert vevent.decoded("SEQUENCE") == 3
    assert vevent.decoded("DTSTART").astimezone(UTC) == datetime(2025, 10, 14, 12, 0, tzinfo=UTC)
    assert str(vevent["ORGANIZER"]) == "mailto:imc@imc.test"
    # A confirmed event can be cancelled too: the form is decided by the function.
    calendar, vevent = parse(cancellation_ics(make_event(sequence=4)))
    assert (str(calendar["METHOD"]), str(vevent["STATUS"])) == ("CANCEL", "CANCELLED")
    with pytest.raises(ValueError, match="отменено"):
        invitation_ics(event)


def test_long_cyrillic_description_is_folded_and_unfolds_intact():
    data = invitation_ics(make_event(), stamp=STAMP)
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only, no bare LF or CR
    assert b"\r" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    for line in lines:
        line.decode("utf-8")  # folding never splits a multi-byte character
    assert sum(line.startswith(b" ") for line in lines) >= 5  # the description was folded
    _, vevent = parse(data)
    assert str(vevent["DESCRIPTION"]) == LONG_DESCRIPTION
    assert vevent["DESCRIPTION"].params["LANGUAGE"] == "ru"
    assert "Выселковского района; сетевое взаимодействие" in unfold(data).replace("\\;", ";")


def test_meeting_link_is_added_to_a_description_without_it():
    _, vevent = parse(invitation_ics(make_event(description="Вебинар для заместителей.")))
    assert str(vevent["DESCRIPTION"]) == (
        f"Вебинар для заместителей.\n\nСсылка для подключения: {LINK}"
    )
    _, vevent = parse(invitation_ics(make_event()))
    assert str(vevent["DESCRIPTION"]).count(LINK) == 1


def test_naive_start_is_refused_in_russian():
    with pytest.raises(ValueError, match="без часового пояса"):
        make_event(start=datetime(2025, 10, 14, 15, 0))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sequence": -1}, "SEQUENCE"),
        ({"duration": timedelta(0)}, "Длительность"),
        ({"status": "TENTATIVE"}, "Неизвестный статус"),
        ({"uid": "  "}, "UID"),
        ({"summary": " "}, "Название"),
        ({"attendee_email": "не адрес"}, "участника"),
    ],
)
def test_bad_events_are_refused_in_russian(overrides, message):
    with pytest.raises(ValueError, match=message):
        make_event(**overrides)


def test_naive_stamp_is_refused():
    with pytest.raises(ValueError, match="без часового пояса"):
        invitation_ics(make_event(), stamp=datetime(2025, 10, 1, 10, 0))


def test_attachment_triples():
    name, data, mime = ics_attachment(make_event(), stamp=STAMP)
    assert (name, mime) == ("приглашение.ics", "text/calendar; method=REQUEST; charset=UTF-8")
    assert data == invitation_ics(make_event(), stamp=STAMP)
    name, data, mime = ics_attachment(make_event(sequence=1), cancel=True, stamp=STAMP)
    assert (name, mime) == ("отмена.ics", "text/calendar; method=CANCEL; charset=UTF-8")
    assert str(parse(data)[0]["METHOD"]) == "CANCEL"
    assert ics_attachment(make_event(status="CANCELLED"))[0] == "отмена.ics"


@pytest.mark.parametrize("cancel", [False, True])
def test_ics_survives_an_email_round_trip(cancel):
    event = make_event(sequence=2)
    attachment = ics_attachment(event, cancel=cancel, stamp=STAMP)
    msg = build_message(
        message_id="outbox-7@imc.test", sender="МКУ ИМЦ Выселковский район <imc@imc.test>",
        to_addr=event.attendee_email, to_name=event.attendee_name,
        subject="Регистрация на вебинар подтверждена", text="Ждём вас на вебинаре.\n",
        html=None, attachments=[attachment],
    )
    parsed = email.message_from_bytes(message_bytes(msg), policy=policy.default)
    calendars = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    inline, part = calendars  # Outlook's inline alternative, then the file
    method = "CANCEL" if cancel else "REQUEST"
    assert inline.get_content_disposition() is None and inline.get_filename() is None
    assert inline.get_param("method") == method
    assert inline.get_payload(decode=True) == attachment[1]
    alternative = next(p for p in parsed.walk()
                       if p.get_content_type() == "multipart/alternative")
    assert [p.get_content_type() for p in alternative.iter_parts()] == [
        "text/plain", "text/calendar"]
    assert part.get_param("method") == method
    assert part.get_content_charset() == "utf-8"
    assert part.get_filename() == ("отмена.ics" if cancel else "приглашение.ics")
    assert part.get_content_disposition() == "attachment"
    data = part.get_payload(decode=True)
    assert data == attachment[1]
    calendar, vevent = parse(data)
    assert str(calendar["METHOD"]) == method
    assert str(vevent["UID"]) == UID
    assert vevent.decoded("SEQUENCE") == 2
    assert str(vevent["DESCRIPTION"]) == LONG_DESCRIPTION


russian_text = st.text(
    alphabet=st.sampled_from(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
        "0123456789 «»—–№.,:;!?()\"'\\-/\nABCxyz@"
    ),
    min_size=1, max_size=400,
)


@settings(max_examples=150, deadline=None)
@given(description=russian_text, summary=russian_text)
def test_any_russian_text_round_trips(description, summary):
    summary = " ".join(summary.split()) or "Вебинар"
    event = make_event(description=description, summary=summary, url="", location="")
    data = invitation_ics(event, stamp=STAMP)
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    _, vevent = parse(data)
    assert str(vevent["SUMMARY"]) == summary
    if description.strip():
        assert str(vevent["DESCRIPTION"]) == description.strip()
    else:
        assert "DESCRIPTION" not in vevent

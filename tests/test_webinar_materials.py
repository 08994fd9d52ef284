"""After a webinar: materials (links, files) and the feedback link, to the attendees only."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from models import Document, Outcome, Person, Registration, SessionState, WebinarSession
from models.webinar_machine import registration_machine, session_machine
from services import documents
from services.audit import trail
from services.errors import DomainError, GuardRefused, IllegalTransition, UploadRefused
from services.links import read_token
from services.mail_delivery import drain
from services.transitions import transition
from services.webinar_materials import PURPOSE_FEEDBACK, add_material, send_materials
from tests.factories import emails, staff_actor
from tests.webinar_factories import announced_cycle, register_by_email, registration_of

PDF = b"%PDF-1.4\n% slides of the webinar\n%%EOF\n"
ZIP = b"PK\x03\x04" + b"\x00" * 40


def head(n: int) -> str:
    return f"director@sosh{n}.example.org"


def hold(rt, session_id: int, attended=(), no_show=()) -> None:
    """Move the clock past the session's end, mark it held and mark attendance by hand."""
    actor = staff_actor(rt)
    with rt.transaction() as tx:
        row = tx.session.get(WebinarSession, session_id)
        if rt.clock.now() < row.ends_at:
            rt.clock.set(row.ends_at + timedelta(minutes=10))
        with transition(tx, session_machine, row, "hold", actor=actor, now=tx.now):
            pass
    mark(rt, session_id, attended, "mark_attended")
    mark(rt, session_id, no_show, "mark_no_show")


def mark(rt, session_id: int, addresses, name: str) -> None:
    actor = staff_actor(rt)
    ids = [registration_of(rt, session_id, email).id for email in addresses]
    with rt.transaction() as tx:
        for reg_id in ids:
            reg = tx.session.get(Registration, reg_id)
            with transition(tx, registration_machine, reg, name, actor=actor):
                pass


def state_of(rt, session_id: int) -> SessionState:
    with rt.session() as s:
        return s.get(WebinarSession, session_id).state


@pytest.fixture
def first_session(rt):
    """A cycle announced to 3 heads; all register for the first session, which is then held:
    heads 1 and 2 attended, head 3 did not."""
    _, (first, _) = announced_cycle(rt, schools=3)
    for n in (1, 2, 3):
        register_by_email(rt, first, head(n))
    return first


def test_materials_go_to_attendees_only_with_files_and_feedback_link(rt, first_session, smtp):
    first = first_session
    actor = staff_actor(rt)
    add_material(rt, first, title="Презентация", upload=("слайды.pdf", PDF), actor=actor)
    add_material(rt, first, title="Запись вебинара", url="https://video.example.org/1",
                 actor=actor)
    hold(rt, first, attended=[head(1), head(2)], no_show=[head(3)])

    assert send_materials(rt, first, actor=actor) == 2
    assert state_of(rt, first) == SessionState.MATERIALS_SENT
    mails = emails(rt, template="webinar_materials")
    assert sorted(m.to_addr for m in mails) == [head(1), head(2)]
    with rt.session() as s:
        [pdf] = s.exec(select(Document).where(Document.kind == "webinar_material")).all()
        people = {p.email: p.id for p in s.exec(select(Person))}
    for mail in mails:
        assert mail.attachment_ids == [pdf.id]
        assert "https://video.example.org/1" in mail.text_body
        assert "слайды.pdf" in mail.text_body
        claims = read_token(rt, re.search(r"/l/([\w.\-]+)", mail.text_body).group(1))
        reg = registration_of(rt, first, mail.to_addr)
        assert (claims.purpose, claims.object_kind, claims.object_id, claims.person_id) == (
            PURPOSE_FEEDBACK, "webinar_registration", reg.id, people[mail.to_addr])
        assert timedelta(days=29) < timedelta(
            seconds=claims.expires_ts - rt.clock.now().timestamp()) <= timedelta(days=30)
    assert documents.read_bytes(rt, pdf) == PDF

    asyncio.run(drain(rt))
    got = {m.envelope_rcpt: m for m in smtp.messages if "Материалы" in m["Subject"]}
    assert set(got) == {(head(1),), (head(2),)}
    message = got[(head(1),)]
    assert message["Subject"] == "Материалы вебинара «Первый»"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "слайды.pdf"
    assert attachment.get_content() == PDF
    body = message.get_body(("plain",)).get_content()
    assert "Запись вебинара: https://video.example.org/1" in body
    assert "http://imc.test/l/" in body


def test_sending_twice_sends_nothing_and_again_sends_only_new_sets(rt, first_session):
    first = first_session
    actor = staff_actor(rt)
    add_material(rt, first, title="Запись", url="https://video.example.org/1", actor=actor)
    hold(rt, first, attended=[head(1)], no_show=[head(3)])
    assert send_materials(rt, first, actor=actor) == 1

    with pytest.raises(IllegalTransition, match="уже разосланы"):
        send_materials(rt, first, actor=actor)
    assert len(emails(rt, template="webinar_materials")) == 1
    refused = [e for e in trail(rt, "webinar_session", first) if e.outcome == Outcome.REFUSED]
    assert [e.action for e in refused] == ["send_materials"]

    # Nothing new: a repeated sending is a no-op.
    assert send_materials(rt, first, actor=actor, again=True) == 0
    # Head 2 is marked late and a file is added: everyone gets the new set once.
    mark(rt, first, [head(2)], "mark_attended")
    add_material(rt, first, title="Архив", upload=("архив.zip", ZIP), actor=actor)
    assert send_materials(rt, first, actor=actor, again=True) == 2
    assert send_materials(rt, first, actor=actor, again=True) == 0
    later = emails(rt, template="webinar_materials")[1:]
    assert sorted(m.to_addr for m in later) == [head(1), head(2)]
    assert all("Дополнительные материалы" in m.subject and len(m.attachment_ids) == 1
               for m in later)


def test_refused_before_held_or_without_materials(rt, first_session):
    first = first_session
    actor = staff_actor(rt)
    add_material(rt, first, title="Запись", url="https://video.example.org/1", actor=actor)
    for again in (False, True):
        with pytest.raises(IllegalTransition, match="Материалы рассылают после вебинара"):
            send_materials(rt, first, actor=actor, again=again)

    _, second = announced_cycle(rt, schools=0)[1]
    hold(rt, second)
    with pytest.raises(GuardRefused, match="нет материалов"):
        send_materials(rt, second, actor=actor)
    with pytest.raises(IllegalTransition, match="ещё не рассылались"):
        send_materials(rt, second, actor=actor, again=True)
    assert state_of(rt, second) == SessionState.HELD
    assert emails(rt, template="webinar_materials") == []


def test_materials_after_the_certificates_are_sent_once(rt, first_session):
    from services.webinar_certificates import issue_certificates

    first = first_session
    actor = staff_actor(rt)
    hold(rt, first, attended=[head(1)], no_show=[head(2), head(3)])
    issue_certificates(rt, 1, actor=actor)
    assert state_of(rt, first) == SessionState.CERTIFICATES_ISSUED
    add_material(rt, first, title="Запись", url="https://video.example.org/1", actor=actor)
    assert send_materials(rt, first, actor=actor) == 1
    assert state_of(rt, first) == SessionState.CERTIFICATES_ISSUED
    with pytest.raises(IllegalTransition, match="уже разосланы"):
        send_materials(rt, first, actor=actor)
    assert [m.to_addr for m in emails(rt, template="webinar_materials")] == [head(1)]


def test_material_input_is_checked(rt, first_session):
    first = first_session
    actor = staff_actor(rt)
    with pytest.raises(DomainError, match="либо ссылку, либо файл"):
        add_material(rt, first, title="Ничего", actor=actor)
    with pytest.raises(DomainError, match="https://"):
        add_material(rt, first, title="Ссылка", url="video.example.org", actor=actor)
    with pytest.raises(UploadRefused, match="допустимы только PDF, DOCX, PPTX, XLSX, ZIP"):
        add_material(rt, first, title="Программа", upload=("run.exe", b"MZ\x90\x00"),
                     actor=actor)
    with pytest.raises(UploadRefused, match="не архив ZIP"):
        add_material(rt, first, title="Архив", upload=("a.zip", PDF), actor=actor)
    with pytest.raises(DomainError, match="название"):
        add_material(rt, first, title=" ", url="https://video.example.org/1", actor=actor)
    with rt.session() as s:
        assert s.exec(select(Document).where(Document.kind == "webinar_material")).all() == []


def test_refused_materials_are_audited_against_the_session(rt, first_session):
    from services.webinar_schedule import cancel_session

    first = first_session
    actor = staff_actor(rt)
    with pytest.raises(DomainError, match="название"):
        add_material(rt, first, title=" ", url="https://video.example.org/1", actor=actor)
    with pytest.raises(UploadRefused, match="не архив ZIP"):
        add_material(rt, first, title="Архив", upload=("a.zip", PDF), actor=actor)
    cancel_session(rt, first, reason="Ведущий заболел", actor=actor)
    with pytest.raises(IllegalTransition, match="отменён: материалы к нему не добавляют"):
        add_material(rt, first, title="Запись", url="https://video.example.org/1", actor=actor)
    refused = [e for e in trail(rt, "webinar_session", first) if e.outcome == Outcome.REFUSED]
    assert [(e.action, e.from_state) for e in refused] == [
        ("add_material", "registration_open"), ("add_material", "registration_open"),
        ("add_material", "cancelled")]
    assert "название" in refused[0].details["error"]
    assert refused[1].details["file"] == "a.zip"
    assert refused[2].details["url"] == "https://video.example.org/1"
    assert refused[2].actor_id == actor.person_id
    with rt.session() as s:
        assert s.exec(select(Document).where(Document.kind == "webinar_material")).all() == []

"""Participants' certificates of a webinar cycle: only the qualified, exactly once, read back."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from rich.console import Console
from sqlmodel import select
from typer.testing import CliRunner

from adapters.docx_render import DocxRenderer, docx_text
from models import (
    Certificate,
    Document,
    Person,
    Registration,
    RegistrationState as R,
    SessionState as S,
    WebinarSession,
)
from scripts.build_webinar_templates import example_context
from services import documents, numbering, webinar_certificates
from services.runtime import TEMPLATES_DIR
from services.webinar_certificates import certificate_list, issue_certificates
from services.webinar_invitations import announce
from tests.factories import emails, make_school, staff_actor
from tests.test_webinar_materials import PDF, head, hold
from tests.test_webinar_plan import session
from tests.webinar_factories import announced_cycle, make_cycle, register_by_email

THREE = (session("Первый", "2024-10-15 15:00", segment="heads"),
         session("Второй", "2024-10-22 15:00", segment="heads", duration=60),
         session("Третий", "2024-10-29 15:00", segment="heads"))


def register_all(rt, ids: list[int], schools: int = 3) -> None:
    for sid in ids:
        for n in range(1, schools + 1):
            register_by_email(rt, sid, head(n))


def certificates(rt) -> list[tuple[str, str, str, int]]:
    """(number, email, scope, sessions attended) of every certificate, in issue order."""
    with rt.session() as s:
        rows = s.exec(select(Certificate, Person).join(Person, Person.id == Certificate.person_id)
                      .order_by(Certificate.id))
        return [(c.number, p.email, c.scope, c.sessions_attended) for c, p in rows]


def states(rt, ids: list[int]) -> tuple[list[S], dict[str, list[R]]]:
    with rt.session() as s:
        sessions = [s.get(WebinarSession, i).state for i in ids]
        regs: dict[str, list[R]] = {}
        for reg, person in s.exec(select(Registration, Person)
                                  .join(Person, Person.id == Registration.person_id)
                                  .order_by(Registration.session_id)):
            regs.setdefault(person.email, []).append(reg.state)
        return sessions, regs


def certificate_text(rt, number: str) -> str:
    with rt.session() as s:
        cert = s.exec(select(Certificate).where(Certificate.number == number)).one()
        return docx_text(documents.read_bytes(rt, s.get(Document, cert.document_id)))


def test_per_session_certificates_for_attendees_exactly_once(rt):
    _, ids = announced_cycle(rt, schools=3)
    first, second = ids
    register_all(rt, ids)
    actor = staff_actor(rt)
    hold(rt, first, attended=[head(2), head(1)], no_show=[head(3)])

    result = issue_certificates(rt, 1, actor=actor)
    assert (result.issued, result.already, result.sessions_done) == (2, 0, [first])
    assert certificates(rt) == [("ВС-1/2024", head(1), f"session:{first}", 1),
                                ("ВС-2/2024", head(2), f"session:{first}", 1)]
    sessions, regs = states(rt, ids)
    assert sessions == [S.CERTIFICATES_ISSUED, S.REGISTRATION_OPEN]
    assert regs[head(1)][0] == regs[head(2)][0] == R.CERTIFICATE_ISSUED
    assert regs[head(3)][0] == R.NO_SHOW

    hold(rt, second, attended=[head(3)], no_show=[head(1), head(2)])
    again = issue_certificates(rt, 1, actor=actor)
    assert (again.numbers, again.already, again.sessions_done) == (["ВС-3/2024"], 2, [second])
    assert issue_certificates(rt, 1, actor=actor).issued == 0
    assert [c[0] for c in certificates(rt)] == ["ВС-1/2024", "ВС-2/2024", "ВС-3/2024"]
    with rt.transaction() as tx:
        assert numbering.peek(tx, "webinar_certificate", 2024) == 3

    mails = emails(rt, template="webinar_certificate")
    assert [m.to_addr for m in mails] == [head(1), head(2), head(3)]
    with rt.session() as s:
        by_number = {c.number: c for c in s.exec(select(Certificate))}
    for mail, number in zip(mails, ["ВС-1/2024", "ВС-2/2024", "ВС-3/2024"], strict=True):
        assert mail.attachment_ids == [by_number[number].document_id]
        assert number in mail.subject and number in mail.text_body

    text = certificate_text(rt, "ВС-3/2024")
    for expected in ("СЕРТИФИКАТ", "Кузнецова Мария Ивановна", "приняла участие",
                     "«Второй»", "«Осенний цикл»", "Регистрационный № ВС-3/2024",
                     "29 октября 2024 г., продолжительность 1,5 часа",
                     "МБОУ СОШ № 3 ст. Выселки", "О.А. Верзунова"):
        assert expected in text
    assert "{{" not in text and "{%" not in text


def test_the_number_carries_the_year_of_issue_not_the_cycle_year(rt):
    cycle_id, ids = announced_cycle(rt, schools=2)
    register_all(rt, ids, schools=2)
    actor = staff_actor(rt)
    hold(rt, ids[0], attended=[head(1)])
    assert issue_certificates(rt, cycle_id, actor=actor).numbers == ["ВС-1/2024"]

    hold(rt, ids[1], attended=[head(2)])
    rt.clock.set(datetime(2025, 1, 10, 6, 0, tzinfo=UTC))  # 10 January 2025, 09:00 in Moscow
    assert issue_certificates(rt, cycle_id, actor=actor).numbers == ["ВС-1/2025"]
    with rt.transaction() as tx:
        assert numbering.peek(tx, "webinar_certificate", 2024) == 1
        assert numbering.peek(tx, "webinar_certificate", 2025) == 1
    assert [row["number"] for row in certificate_list(rt, cycle_id)] == [
        "ВС-1/2024", "ВС-1/2025"]
    text = certificate_text(rt, "ВС-1/2025")
    assert "Регистрационный № ВС-1/2025" in text and "10 января 2025 г." in text
    assert "«Осенний цикл»" in text  # the cycle of 2024


def test_min_sessions_only_the_qualified_issued_as_they_qualify(rt):
    for n in (1, 2, 3):
        make_school(rt, n)
    cycle_id, ids = make_cycle(rt, *THREE, rule="min_sessions", min_sessions=2)
    announce(rt, cycle_id, actor=staff_actor(rt))
    first, second, third = ids
    register_all(rt, ids)
    actor = staff_actor(rt)
    # Head 1 attends all three, head 2 the first two, head 3 only the first.
    hold(rt, first, attended=[head(1), head(2), head(3)])
    assert issue_certificates(rt, cycle_id, actor=actor).issued == 0
    hold(rt, second, attended=[head(1), head(2)], no_show=[head(3)])

    result = issue_certificates(rt, cycle_id, actor=actor)
    assert result.numbers == ["ВС-1/2024", "ВС-2/2024"]
    assert result.sessions_done == [] and result.sessions_waiting == [first, second]
    assert certificates(rt) == [("ВС-1/2024", head(1), "cycle", 2),
                                ("ВС-2/2024", head(2), "cycle", 2)]
    sessions, regs = states(rt, ids)
    assert sessions == [S.HELD, S.HELD, S.REGISTRATION_OPEN]
    assert regs[head(1)][:2] == regs[head(2)][:2] == [R.CERTIFICATE_ISSUED] * 2
    assert regs[head(3)][0] == R.ATTENDED

    hold(rt, third, attended=[head(1)], no_show=[head(2), head(3)])
    last = issue_certificates(rt, cycle_id, actor=actor)
    assert (last.issued, last.already) == (0, 2)
    assert last.sessions_done == [first, second, third]
    sessions, regs = states(rt, ids)
    assert sessions == [S.CERTIFICATES_ISSUED] * 3
    assert regs[head(1)] == [R.CERTIFICATE_ISSUED] * 3  # the third counted in the same one
    assert regs[head(3)][0] == R.ATTENDED  # one session: no certificate
    assert issue_certificates(rt, cycle_id, actor=actor).issued == 0
    assert len(certificates(rt)) == 2
    assert [m.to_addr for m in emails(rt, template="webinar_certificate")] == [head(1), head(2)]

    text = certificate_text(rt, "ВС-2/2024")
    for expected in ("в цикле сетевых методических вебинаров", "«Осенний цикл»",
                     "с 15 по 22 октября 2024 г.: вебинаров посещено — 2 из 3, "
                     "общая продолжительность 2,5 часа", "Регистрационный № ВС-2/2024"):
        assert expected in text
    assert "{{" not in text


def test_a_crash_mid_way_gives_no_second_number_or_email(rt, monkeypatch):
    _, ids = announced_cycle(rt, schools=3)
    register_all(rt, ids[:1])
    hold(rt, ids[0], attended=[head(1), head(2), head(3)])
    actor = staff_actor(rt)
    real = webinar_certificates.queue_to_person
    calls = []

    def flaky(tx, person, **kwargs):
        calls.append(person.email)
        if len(calls) == 2:
            raise RuntimeError("сбой посреди выдачи")
        return real(tx, person, **kwargs)

    monkeypatch.setattr(webinar_certificates, "queue_to_person", flaky)
    with pytest.raises(RuntimeError):
        issue_certificates(rt, 1, actor=actor, batch=1)
    # The first batch is in, the failed one left nothing behind (its number is free again).
    assert certificates(rt) == [("ВС-1/2024", head(1), f"session:{ids[0]}", 1)]
    with rt.session() as s:
        assert s.exec(select(Document).where(Document.kind == "webinar_certificate")).all()

    monkeypatch.setattr(webinar_certificates, "queue_to_person", real)
    result = issue_certificates(rt, 1, actor=actor, batch=1)
    assert (result.numbers, result.already) == (["ВС-2/2024", "ВС-3/2024"], 1)
    assert [c[:2] for c in certificates(rt)] == [("ВС-1/2024", head(1)), ("ВС-2/2024", head(2)),
                                                 ("ВС-3/2024", head(3))]
    mails = emails(rt, template="webinar_certificate")
    assert sorted(m.to_addr for m in mails) == [head(1), head(2), head(3)]
    with rt.session() as s:
        docs = s.exec(select(Document).where(Document.kind == "webinar_certificate")).all()
    assert len(docs) == 3


@pytest.mark.parametrize("per_session", [True, False])
def test_template_fast_path_matches_docxtpl(per_session):
    renderer = DocxRenderer(TEMPLATES_DIR / "docx")
    context = example_context("webinar_certificate.docx", per_session=per_session)
    fast = renderer.render("webinar_certificate.docx", context)
    assert docx_text(fast) == docx_text(renderer.render_plain("webinar_certificate.docx",
                                                            context))
    context["person"].update(position="", organisation="")
    text = docx_text(renderer.render("webinar_certificate.docx", context))
    assert "Кузнецова Мария Ивановна\nприняла участие" in text


def test_the_command_line_sends_materials_and_issues_certificates(rt, monkeypatch, tmp_path):
    import cli.webinar_followup
    from cli.main import app

    monkeypatch.setattr(cli.webinar_followup, "rt", lambda: rt)
    monkeypatch.setattr(cli.webinar_followup, "console", Console(width=300))
    _, ids = announced_cycle(rt, schools=2)
    register_all(rt, ids[:1], schools=2)
    hold(rt, ids[0], attended=[head(1), head(2)])
    slides = tmp_path / "слайды.pdf"
    slides.write_bytes(PDF)
    runner = CliRunner()
    env = {"IMC_STAFF_LOGIN": "ivanova"}

    def imc(*args: str, code: int = 0) -> str:
        out = runner.invoke(app, ["webinar", *args], env=env)
        assert out.exit_code == code, out.output
        return out.output

    assert "добавлен к вебинару" in imc("material", str(ids[0]), "--title", "Слайды",
                                        "--file", str(slides))
    assert "материалов: 2" in imc("material", str(ids[0]), "--title", "Запись",
                                  "--url", "https://video.example.org/1")
    assert "писем 2" in imc("materials", str(ids[0]))
    assert "уже разосланы" in imc("materials", str(ids[0]), code=1)
    assert "Новых писем нет" in imc("materials", str(ids[0]), "--again")

    out = imc("certificates", "1")
    assert "Выдано сейчас: 2 (№ ВС-1/2024 – ВС-2/2024)" in out and "Выдано ранее: 0" in out
    out = imc("certificates", "1")
    assert "Выдано сейчас: 0" in out and "Выдано ранее: 2" in out
    listing = imc("certificate-list", "1")
    for text in ("ВС-1/2024", "ВС-2/2024", "Кузнецова Мария Ивановна", "МБОУ СОШ № 2 ст. Выселки",
                 "вебинар 1 «Первый»", "Всего: 2"):
        assert text in listing
    assert "не найден" in imc("certificates", "9", code=1)
    assert [r["number"] for r in certificate_list(rt, 1)] == ["ВС-1/2024", "ВС-2/2024"]

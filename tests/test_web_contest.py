"""Contest applications through the personal-link pages and the JSON API, over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlmodel import select

from config.settings import PROJECT_ROOT
from models import Application, ApplicationState as A, Document
from services import contest_screening, contests
from services.audit import trail
from services.contest_forms import CONSENT_TEXT
from services.contest_intake import PURPOSE_APPLICATION
from services.contest_rules import load_rules
from services.links import make_token, read_token
from services.seed import load_centre
from services.sweep import fire_timers
from tests.conftest import make_runtime
from tests.factories import emails, link_token, make_school, staff_actor
from web.app import create_app

RULES = PROJECT_ROOT / "data" / "contests" / "innovative-search-2024.yaml"
MARCH_1 = datetime(2024, 3, 1, 7, 0, tzinfo=UTC)
MARCH_5 = datetime(2024, 3, 5, 6, 0, tzinfo=UTC)  # intake is open (4–22 March)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TITLE = "Школа полного дня «Успех & рост»"


# ---- helpers ----------------------------------------------------------------------------------


def fields(n: int = 1, **overrides) -> dict:
    values = dict(project_title=f"{TITLE} №{n}",
                  annotation="Проект о развитии внеурочной деятельности.",
                  head_name="Кузнецова Мария Ивановна", head_position="Директор",
                  contact_name="Орлова Анна Петровна", contact_email=f"orlova{n}@sosh.example.org",
                  contact_phone="+7 900 000-00-00", consent="да")
    return {k: v for k, v in {**values, **overrides}.items() if v is not None}


def start_contest(rt) -> int:
    """«Инновационный поиск 2024» announced on 1 March (three schools invited), open on 5 March."""
    rt.clock.set(MARCH_1)
    for n in (1, 2, 3):
        make_school(rt, n)
    load_rules(rt, RULES, actor=staff_actor(rt))
    contest_id = contests.create(rt, rules_code="innovative-search", actor=staff_actor(rt))
    contests.announce(rt, contest_id, actor=staff_actor(rt))
    rt.clock.set(MARCH_5)
    fire_timers(rt)
    return contest_id


@pytest.fixture
def contest(rt) -> int:
    return start_contest(rt)


@pytest.fixture
def client(rt) -> TestClient:
    with TestClient(create_app(rt)) as c:
        yield c


def invitation(rt, n: int) -> str:
    mail = next(m for m in emails(rt, template="contest_invitation")
                if m.to_addr == f"director@sosh{n}.example.org")
    return link_token(mail)


def applications(rt) -> list[Application]:
    with rt.session() as s:
        return list(s.exec(select(Application).order_by(Application.id)))


def last_entry(rt, kind, object_id):
    return trail(rt, kind, object_id)[-1]


def assert_refused(rt, kind, object_id, action):
    """The last entry but the page shown again after a refusal (its own `link_opened`)."""
    entry = [e for e in trail(rt, kind, object_id) if e.action != "link_opened"][-1]
    assert (entry.outcome, entry.action) == ("refused", action)
    return entry


def returned_application(rt, client, contest) -> tuple[int, str]:
    """School 1's application returned with reasons; the applicant's link from the email."""
    r = client.post(f"/l/{invitation(rt, 1)}/apply", data=fields(1), follow_redirects=False)
    assert r.status_code == 303
    app_id = applications(rt)[0].id
    contest_screening.return_for_revision(rt, app_id, actor=staff_actor(rt),
                                          reasons="Нет плана-графика реализации")
    return app_id, link_token(emails(rt, template="contest_application_returned")[-1])


# ---- the invitation's page ----------------------------------------------------------------------


def test_get_shows_the_form_and_changes_nothing(rt, client, contest):
    mails_before = len(emails(rt))
    r = client.get(f"/l/{invitation(rt, 1)}")
    assert r.status_code == 200
    page = r.text
    assert "Инновационный поиск 2024" in page
    assert "МБОУ" in page or "общеобразовательная школа № 1" in page
    assert "22 марта 2024 г." in page
    for name in ("project_title", "head_name", "head_position", "contact_name",
                 "contact_email", "contact_phone"):
        assert f'name="{name}"' in page
    assert '<textarea id="f-annotation" name="annotation"' in page
    assert 'name="files" multiple accept=".pdf,.docx,.doc,.jpg,.jpeg,.png"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'type="checkbox" id="f-consent" name="consent" value="да" required' in page
    assert "152-ФЗ" in page
    assert page.index("152-ФЗ") < page.index('name="consent"')  # the text above the box
    assert page.count('method="post"') == 1
    assert r.headers["referrer-policy"] == "no-referrer"
    assert applications(rt) == []
    assert len(emails(rt)) == mails_before
    entry = last_entry(rt, "contest", contest)
    assert (entry.action, entry.outcome, entry.to_state) == ("link_opened", "done", "accepting")


def test_apply_with_a_pdf_registers_and_a_second_time_is_refused(rt, client, contest):
    token = invitation(rt, 1)
    r = client.post(f"/l/{token}/apply", data=fields(1),
                    files=[("files", ("проект.pdf", PDF, "application/pdf"))],
                    follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/l/{token}/done?action=apply"
    done = client.get(r.headers["location"])
    assert done.status_code == 200
    assert "Заявка зарегистрирована под номером" in done.text and "ИП-1/2024" in done.text
    [app] = applications(rt)
    assert (app.number, app.source, app.state) == ("ИП-1/2024", "link", A.SUBMITTED)
    assert app.project_title == f"{TITLE} №1" and app.consent_text == CONSENT_TEXT
    with rt.session() as s:
        [doc] = s.exec(select(Document).where(Document.object_kind == "application",
                                              Document.object_id == app.id))
    assert (doc.filename, doc.media_type, doc.size) == ("проект.pdf", "application/pdf", len(PDF))
    [receipt] = emails(rt, template="contest_application_receipt")
    assert receipt.to_addr == "orlova1@sosh.example.org" and "ИП-1/2024" in receipt.subject

    page = client.get(f"/l/{token}")  # applied: the number, no form
    assert "ИП-1/2024" in page.text and "письма-подтверждения" in page.text
    assert 'method="post"' not in page.text

    again = client.post(f"/l/{token}/apply", data=fields(1, project_title="Второй проект"))
    assert again.status_code == 400
    assert "уже подана заявка № ИП-1/2024" in again.text
    assert "Второй проект" in again.text  # what was typed is still shown
    assert len(applications(rt)) == 1
    assert [e.action for e in trail(rt, "contest", contest) if e.outcome == "refused"] == [
        "apply"]


def test_missing_consent_keeps_what_was_typed(rt, client, contest):
    r = client.post(f"/l/{invitation(rt, 2)}/apply", data=fields(2, consent=None))
    assert r.status_code == 400
    assert "без согласия на обработку персональных данных" in r.text
    assert f'value="{TITLE.replace("&", "&amp;")} №2"' in r.text  # escaped, and kept
    assert "Проект о развитии внеурочной деятельности.</textarea>" in r.text
    assert 'value="orlova2@sosh.example.org"' in r.text
    assert "Выбранные ранее файлы нужно выбрать заново" in r.text
    assert applications(rt) == [] and not emails(rt, template="contest_application_receipt")
    refused = [e for e in trail(rt, "contest", contest) if e.outcome == "refused"]
    assert [e.action for e in refused] == ["apply"]


def test_an_exe_upload_is_refused(rt, client, contest):
    r = client.post(f"/l/{invitation(rt, 2)}/apply", data=fields(2),
                    files=[("files", ("проект.pdf", PDF, "application/pdf")),
                           ("files", ("вирус.exe", b"MZ\x90\x00" + bytes(100),
                                      "application/octet-stream"))])
    assert r.status_code == 400
    assert "«вирус.exe» не принят" in r.text
    assert f"{TITLE.replace('&', '&amp;')} №2" in r.text
    assert applications(rt) == []
    with rt.session() as s:
        assert list(s.exec(select(Document).where(Document.object_kind == "application"))) == []
    assert_refused(rt, "contest", contest, "apply")


def test_a_file_over_the_upload_limit_is_refused_with_the_form_kept(tmp_path):
    rt = make_runtime(tmp_path, upload_max_bytes=4096)
    load_centre(rt)
    try:
        contest_id = start_contest(rt)
        with TestClient(create_app(rt)) as client:
            token = invitation(rt, 1)
            big = PDF + b"0" * 5000  # over the limit, cut off while reading the file
            r = client.post(f"/l/{token}/apply", data=fields(1),
                            files=[("files", ("проект.pdf", big, "application/pdf"))])
            assert r.status_code == 413
            assert "«проект.pdf» слишком большой" in r.text and "4 КБ" in r.text
            assert f"{TITLE.replace('&', '&amp;')} №1" in r.text
            assert applications(rt) == []
            entry = assert_refused(rt, "contest", contest_id, "apply")
            assert entry.details["filename"] == "проект.pdf"
            ok = client.post(f"/l/{token}/apply", data=fields(1),
                             files=[("files", ("проект.pdf", PDF, "application/pdf"))])
            assert ok.status_code == 200 and "ИП-1/2024" in ok.text
    finally:
        rt.engine.dispose()


def test_before_intake_opens_the_page_says_so(rt, client):
    rt.clock.set(MARCH_1)
    make_school(rt, 1)
    load_rules(rt, RULES, actor=staff_actor(rt))
    contest_id = contests.create(rt, rules_code="innovative-search", actor=staff_actor(rt))
    contests.announce(rt, contest_id, actor=staff_actor(rt))
    token = invitation(rt, 1)
    page = client.get(f"/l/{token}")
    assert page.status_code == 200 and "ещё не открыт" in page.text
    assert 'method="post"' not in page.text
    r = client.post(f"/l/{token}/apply", data=fields(1))
    assert r.status_code == 400 and "ещё не открыт" in r.text
    assert f"{TITLE.replace('&', '&amp;')} №1" in r.text  # shown to copy, though not sendable
    assert applications(rt) == []


# ---- JSON API ------------------------------------------------------------------------------------


def test_api_apply_happy_path(rt, client, contest):
    token = invitation(rt, 1)
    view = client.get(f"/api/links/{token}").json()
    assert view["purpose"] == contests.PURPOSE_APPLY and view["can_apply"] is True
    assert view["consent_text"] == CONSENT_TEXT and view["existing"] is None
    body = {**fields(1), "consent": True}
    r = client.post(f"/api/links/{token}/apply", json=body)
    assert r.status_code == 200
    [app] = applications(rt)
    assert r.json() == {"application_id": app.id, "number": "ИП-1/2024"}
    assert (app.source, app.contact_email) == ("api", "orlova1@sosh.example.org")
    assert emails(rt, template="contest_application_receipt")
    assert client.get(f"/api/links/{token}").json()["existing"] == "ИП-1/2024"


def test_api_errors_are_russian_json(rt, client, contest):
    token = invitation(rt, 2)
    r = client.post(f"/api/links/{token}/apply", json={**fields(2), "consent": False})
    assert r.status_code == 400
    assert "без согласия на обработку персональных данных" in r.json()["error"]
    r = client.post(f"/api/links/{token}/apply", json=[1, 2])
    assert r.status_code == 400 and "ожидается JSON-объект" in r.json()["error"]
    r = client.post(f"/api/links/{token}/apply", content=b"{not json",
                    headers={"content-type": "application/json"})
    assert r.status_code == 400 and "ожидается JSON-объект" in r.json()["error"]
    r = client.post(f"/api/links/{token}/apply", json={**fields(2), "annotation": ["a"]})
    assert r.status_code == 400 and "annotation" in r.json()["error"]
    r = client.post(f"/api/links/{token[:-3]}xyz/apply", json={**fields(2), "consent": True})
    assert r.status_code == 403 and "недействительна" in r.json()["error"]
    assert applications(rt) == []
    assert_refused(rt, "contest", contest, "apply")


# ---- the applicant's link: return and resubmission -------------------------------------------


def test_the_applicants_link_shows_the_return_and_resubmits(rt, client, contest):
    app_id, token = returned_application(rt, client, contest)
    page = client.get(f"/l/{token}")
    assert page.status_code == 200
    assert "ИП-1/2024" in page.text and "возвращена на доработку" in page.text
    assert "Нет плана-графика реализации" in page.text and "10 марта 2024 г." in page.text
    assert f'value="{TITLE.replace("&", "&amp;")} №1"' in page.text  # prefilled
    assert 'action="/l/' + token + '/resubmit"' in page.text
    assert 'accept=".pdf,.docx,.doc,.jpg,.jpeg,.png"' in page.text
    entry = last_entry(rt, "application", app_id)
    assert (entry.action, entry.outcome) == ("link_opened", "done")

    r = client.post(f"/l/{token}/resubmit", data=fields(1, consent=None,
                                                        annotation="С планом-графиком."))
    assert r.status_code == 400 and "без согласия" in r.text
    assert "С планом-графиком.</textarea>" in r.text
    assert applications(rt)[0].state == A.RETURNED
    assert_refused(rt, "application", app_id, "resubmit")

    r = client.post(f"/l/{token}/resubmit", data=fields(1, annotation="С планом-графиком."),
                    files=[("files", ("план.pdf", PDF, "application/pdf"))],
                    follow_redirects=False)
    assert r.status_code == 303
    done = client.get(r.headers["location"])
    assert "Доработанная заявка получена" in done.text and "ИП-1/2024" in done.text
    [app] = applications(rt)
    assert (app.state, app.annotation) == (A.SUBMITTED, "С планом-графиком.")
    assert len(emails(rt, template="contest_application_receipt")) == 2
    page = client.get(f"/l/{token}")
    assert 'method="post"' not in page.text and "подана" in page.text
    again = client.post(f"/l/{token}/resubmit", data=fields(1))
    assert again.status_code == 409
    assert "С планом-графиком" in page.text


def test_api_resubmit(rt, client, contest):
    _, token = returned_application(rt, client, contest)
    view = client.get(f"/api/links/{token}").json()
    assert view["purpose"] == PURPOSE_APPLICATION and view["can_resubmit"] is True
    assert view["return_reasons"] == "Нет плана-графика реализации"
    r = client.post(f"/api/links/{token}/resubmit", json={**fields(1), "consent": True})
    assert r.status_code == 200 and r.json() == {"state": "submitted"}
    r = client.post(f"/api/links/{token}/resubmit", json={**fields(1), "consent": True})
    assert r.status_code == 409 and r.json()["error"]


# ---- refused links ------------------------------------------------------------------------------


def test_another_organisations_links_cannot_open_or_resubmit(rt, client, contest):
    app_id, own_token = returned_application(rt, client, contest)
    other_invitation = invitation(rt, 2)

    r = client.post(f"/l/{other_invitation}/resubmit", data=fields(2))
    assert r.status_code == 403 and "предназначена для другого действия" in r.text
    assert_refused(rt, "contest", contest, "resubmit")

    other_head = read_token(rt, other_invitation).person_id
    forged = make_token(rt, person_id=other_head, object_kind="application", object_id=app_id,
                        purpose=PURPOSE_APPLICATION)
    r = client.get(f"/l/{forged}")
    assert r.status_code == 403 and "выдана другому лицу" in r.text
    assert "Нет плана-графика" not in r.text
    assert_refused(rt, "application", app_id, "open")
    r = client.post(f"/l/{forged}/resubmit", data=fields(2))
    assert r.status_code == 403 and "выдана другому лицу" in r.text
    assert_refused(rt, "application", app_id, "resubmit")
    r = client.get(f"/api/links/{forged}")
    assert r.status_code == 403 and "выдана другому лицу" in r.json()["error"]
    r = client.post(f"/api/links/{forged}/resubmit", json={**fields(2), "consent": True})
    assert r.status_code == 403
    [app] = applications(rt)
    assert (app.state, app.project_title) == (A.RETURNED, f"{TITLE} №1")

    # the applicant's own link is not an invitation: it cannot file a second application
    r = client.post(f"/l/{own_token}/apply", data=fields(1))
    assert r.status_code == 403 and "предназначена для другого действия" in r.text
    assert len(applications(rt)) == 1

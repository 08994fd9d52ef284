"""The personal-link pages and JSON API, driven over HTTP against a real store."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from models import Agreement, AgreementState as S, Document
from services import agreement_links, agreements
from services.audit import trail
from services.links import make_token
from services.seed import load_centre
from tests.conftest import make_runtime
from tests.factories import emails, link_token, make_partner, staff_actor
from web.app import create_app

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# ---- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def client(rt) -> TestClient:
    with TestClient(create_app(rt)) as c:
        yield c


def load(rt, agreement_id) -> Agreement:
    with rt.session() as s:
        return s.get(Agreement, agreement_id)


def awaiting_approval(rt) -> tuple[int, str]:
    """An agreement waiting for the director, and the director's link token."""
    ag_id = agreements.start(rt, partner_id=make_partner(rt), actor=staff_actor(rt))
    return ag_id, link_token(emails(rt, template="agreement_approval_request")[-1])


def sent_to_partner(rt) -> tuple[int, str]:
    """An agreement sent to the partner, and the partner's link token."""
    ag_id, director_token = awaiting_approval(rt)
    agreement_links.director_act(rt, director_token, "approve")
    return ag_id, link_token(emails(rt, template="agreement_partner_invitation")[-1])


def last_entry(rt, ag_id, kind="agreement"):
    return trail(rt, kind, ag_id)[-1]


def assert_refused(rt, ag_id, action, kind="agreement"):
    entry = last_entry(rt, ag_id, kind)
    assert (entry.outcome, entry.action) == ("refused", action)
    return entry


def tampered(token: str) -> str:
    i = len(token) // 3  # inside the signed payload
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1:]


# ---- the partner's page -----------------------------------------------------------------------


def test_get_shows_the_forms_and_changes_nothing(rt, client):
    ag_id, token = sent_to_partner(rt)
    mails_before = len(emails(rt))
    r = client.get(f"/l/{token}")
    assert r.status_code == 200
    page = r.text
    assert "Подтвердить подписание" in page
    assert "Загрузить скан подписанного договора" in page
    assert "Отказаться от заключения" in page
    assert 'enctype="multipart/form-data"' in page and 'accept=".pdf,.jpg,.jpeg,.png' in page
    assert 'name="reason" required' in page
    assert "«Истоки &amp; Ко»" in page  # escaped, not raw
    assert page.count('method="post"') == 3
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    assert load(rt, ag_id).state == S.SENT_TO_PARTNER
    assert len(emails(rt)) == mails_before
    entry = last_entry(rt, ag_id)
    assert (entry.action, entry.outcome, entry.to_state) == ("link_opened", "done",
                                                             "sent_to_partner")


def test_confirm_registers_and_a_second_use_is_refused(rt, client):
    ag_id, token = sent_to_partner(rt)
    r = client.post(f"/l/{token}/confirm", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == f"/l/{token}/done?action=confirm"
    done = client.get(r.headers["location"])
    assert done.status_code == 200
    assert "Подписание договора подтверждено" in done.text and "СВ-1/2024" in done.text
    ag = load(rt, ag_id)
    assert (ag.state, ag.number, ag.signed_via) == (S.REGISTERED, "СВ-1/2024", "link")

    again = client.post(f"/l/{token}/confirm")
    assert again.status_code == 403
    assert "уже использована" in again.text
    ag = load(rt, ag_id)
    assert (ag.state, ag.number) == (S.REGISTERED, "СВ-1/2024")
    assert_refused(rt, ag_id, "confirm_signed")

    page = client.get(f"/l/{token}")  # the used link shows the state, not the forms
    assert page.status_code == 200
    assert "По этой ссылке действие уже выполнено" in page.text
    assert "СВ-1/2024" in page.text and 'method="post"' not in page.text


def test_upload_of_a_pdf_registers_with_the_scan(rt, client):
    ag_id, token = sent_to_partner(rt)
    r = client.post(f"/l/{token}/upload",
                    files={"file": ("договор.pdf", PDF, "application/pdf")})
    assert r.status_code == 200 and "Скан подписанного договора получен" in r.text
    ag = load(rt, ag_id)
    assert (ag.state, ag.signed_via, ag.number) == (S.REGISTERED, "scan", "СВ-1/2024")
    with rt.session() as s:
        scan = s.query(Document).filter_by(object_id=ag_id, kind="signed_scan").one()
    assert (scan.filename, scan.media_type, scan.size) == ("договор.pdf", "application/pdf",
                                                          len(PDF))


@pytest.mark.parametrize("name,data", [
    ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)),
    ("скан.pdf", bytes(range(256))),
])
def test_upload_of_a_wrong_file_is_refused(rt, client, name, data):
    ag_id, token = sent_to_partner(rt)
    r = client.post(f"/l/{token}/upload", files={"file": (name, data, "application/pdf")})
    assert r.status_code == 400
    assert "допустимы только PDF, JPEG и PNG" in r.text
    assert load(rt, ag_id).state == S.SENT_TO_PARTNER
    assert not [d for d in emails(rt) if d.template.startswith("agreement_registered")]


def test_upload_without_a_file_is_refused(rt, client):
    ag_id, token = sent_to_partner(rt)
    r = client.post(f"/l/{token}/upload", data={"reason": ""})
    assert r.status_code == 400 and "Выберите файл" in r.text
    assert load(rt, ag_id).state == S.SENT_TO_PARTNER


def test_upload_over_the_limit_is_refused_with_413(tmp_path):
    rt = make_runtime(tmp_path, upload_max_bytes=2048)
    load_centre(rt)
    try:
        ag_id, token = sent_to_partner(rt)
        with TestClient(create_app(rt)) as client:
            big = PDF + b"0" * 3000  # over the limit, caught while reading the file
            r = client.post(f"/l/{token}/upload", files={"file": ("скан.pdf", big)})
            assert r.status_code == 413
            assert "слишком большой" in r.text and "2 КБ" in r.text
            huge = PDF + b"0" * 300_000  # over limit + form overhead: refused before parsing
            r = client.post(f"/l/{token}/upload", files={"file": ("скан.pdf", huge)})
            assert r.status_code == 413 and "слишком большой" in r.text
            api = client.post(f"/api/links/{token}/upload", files={"file": ("скан.pdf", huge)})
            assert api.status_code == 413 and "слишком большой" in api.json()["error"]
            assert load(rt, ag_id).state == S.SENT_TO_PARTNER
            refused = [e for e in trail(rt, "agreement", ag_id) if e.outcome == "refused"]
            assert [e.action for e in refused] == ["upload_scan", "upload", "upload"]
            ok = client.post(f"/l/{token}/upload", files={"file": ("скан.pdf", PDF)})
            assert ok.status_code == 200 and load(rt, ag_id).state == S.REGISTERED
    finally:
        rt.engine.dispose()


def test_streamed_upload_is_cut_off_while_it_arrives(tmp_path):
    """Without a Content-Length the body is counted as it arrives and never read to the end."""
    rt = make_runtime(tmp_path, upload_max_bytes=2048)
    load_centre(rt)
    chunks = [b'--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n'
              b"Content-Type: application/pdf\r\n\r\n" + PDF]
    chunks += [b"0" * 10_000] * 1000 + [b"\r\n--XyZ--\r\n"]  # 10 MB if read to the end
    pulled, sent = [], []

    async def receive():
        pulled.append(1)
        body = chunks[len(pulled) - 1]
        return {"type": "http.request", "body": body, "more_body": len(pulled) < len(chunks)}

    async def send(message):
        sent.append(message)

    try:
        ag_id, token = sent_to_partner(rt)
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
                 "method": "POST", "scheme": "http", "server": ("imc.test", 80),
                 "client": ("127.0.0.1", 1), "root_path": "", "path": f"/l/{token}/upload",
                 "raw_path": f"/l/{token}/upload".encode(), "query_string": b"",
                 "headers": [(b"host", b"imc.test"),
                             (b"content-type", b"multipart/form-data; boundary=XyZ")]}
        asyncio.run(create_app(rt)(scope, receive, send))
        assert sent[0]["status"] == 413
        assert "слишком большой" in b"".join(m.get("body", b"") for m in sent[1:]).decode()
        assert len(pulled) < 20
        assert load(rt, ag_id).state == S.SENT_TO_PARTNER
    finally:
        rt.engine.dispose()


def test_decline_needs_a_reason(rt, client):
    ag_id, token = sent_to_partner(rt)
    r = client.post(f"/l/{token}/decline", data={"reason": "   "})
    assert r.status_code == 400 and "укажите причину" in r.text
    assert load(rt, ag_id).state == S.SENT_TO_PARTNER
    assert_refused(rt, ag_id, "decline")

    r = client.post(f"/l/{token}/decline", data={"reason": "Нет возможности участвовать"})
    assert r.status_code == 200 and "отказ от заключения договора принят" in r.text
    ag = load(rt, ag_id)
    assert (ag.state, ag.decline_reason) == (S.DECLINED, "Нет возможности участвовать")
    assert emails(rt, template="agreement_declined")


# ---- refused links ------------------------------------------------------------------------------


def test_tampered_token_is_refused(rt, client):
    ag_id, token = sent_to_partner(rt)
    bad = tampered(token)
    r = client.get(f"/l/{bad}")
    assert r.status_code == 403 and "Ссылка недействительна" in r.text
    r = client.post(f"/l/{bad}/confirm")
    assert r.status_code == 403 and "Ссылка недействительна" in r.text
    assert load(rt, ag_id).state == S.SENT_TO_PARTNER
    assert_refused(rt, 0, "confirm_signed", kind="link")


def test_expired_link_is_refused(rt, client, clock):
    ag_id, token = sent_to_partner(rt)
    clock.advance(timedelta(days=rt.settings.link_ttl_days, minutes=1))
    r = client.get(f"/l/{token}")
    assert r.status_code == 403 and "Срок действия ссылки истёк" in r.text
    assert_refused(rt, ag_id, "open")
    r = client.post(f"/l/{token}/confirm")
    assert r.status_code == 403 and "Срок действия ссылки истёк" in r.text
    assert load(rt, ag_id).state == S.SENT_TO_PARTNER
    assert_refused(rt, ag_id, "confirm_signed")


def test_director_page_approves_and_returns_need_a_comment(rt, client):
    ag_id, token = awaiting_approval(rt)
    page = client.get(f"/l/{token}")
    assert page.status_code == 200
    assert "Согласовать" in page.text and "Вернуть на доработку" in page.text
    assert 'name="comment" required' in page.text
    r = client.post(f"/l/{token}/return", data={"comment": ""})
    assert r.status_code == 400 and "укажите замечания" in r.text
    assert load(rt, ag_id).state == S.AWAITING_APPROVAL
    r = client.post(f"/l/{token}/approve")
    assert r.status_code == 200 and "согласован и направлен" in r.text
    assert load(rt, ag_id).state == S.SENT_TO_PARTNER
    assert emails(rt, template="agreement_partner_invitation")
    r = client.post(f"/l/{token}/approve")
    assert r.status_code == 403 and "уже использована" in r.text


def test_director_link_cannot_act_for_the_partner(rt, client):
    ag_id, director_token = awaiting_approval(rt)
    r = client.post(f"/l/{director_token}/confirm")
    assert r.status_code == 403 and "предназначена для другого действия" in r.text
    assert load(rt, ag_id).state == S.AWAITING_APPROVAL
    assert_refused(rt, ag_id, "confirm_signed")


def test_partner_link_cannot_approve(rt, client):
    ag_id, token = sent_to_partner(rt)
    r = client.post(f"/l/{token}/approve")
    assert r.status_code == 403 and "предназначена для другого действия" in r.text
    r = client.post(f"/l/{token}/return", data={"comment": "подделка"})
    assert r.status_code == 403
    assert load(rt, ag_id).state == S.SENT_TO_PARTNER
    assert_refused(rt, ag_id, "return")


def test_link_issued_to_another_person_is_refused(rt, client):
    ag_id, _ = sent_to_partner(rt)
    other = staff_actor(rt).person_id
    token = make_token(rt, person_id=other, object_kind="agreement", object_id=ag_id,
                       purpose=agreements.PURPOSE_PARTNER)
    r = client.get(f"/l/{token}")
    assert r.status_code == 403 and "выдана другому лицу" in r.text
    assert_refused(rt, ag_id, "open")
    r = client.post(f"/l/{token}/confirm")
    assert r.status_code == 403 and "выдана другому лицу" in r.text
    assert load(rt, ag_id).state == S.SENT_TO_PARTNER
    assert_refused(rt, ag_id, "confirm_signed")


def test_unknown_action_and_get_on_an_action(rt, client):
    ag_id, token = sent_to_partner(rt)
    assert client.post(f"/l/{token}/frobnicate").status_code == 404
    # A real action of another purpose (a webinar registration) is refused and audited.
    assert client.post(f"/l/{token}/register").status_code == 403
    r = client.get(f"/l/{token}/confirm")  # a scanner following the form's address
    assert r.status_code == 405 and "только отправку формы" in r.text
    assert load(rt, ag_id).state == S.SENT_TO_PARTNER


# ---- JSON API ------------------------------------------------------------------------------------


def test_api_happy_path(rt, client):
    assert client.get("/health").json() == {"status": "ok"}
    ag_id, token = sent_to_partner(rt)
    view = client.get(f"/api/links/{token}").json()
    assert view["can_act"] is True and view["state"] == "sent_to_partner"
    assert view["purpose"] == agreements.PURPOSE_PARTNER
    r = client.post(f"/api/links/{token}/confirm", json={})
    assert r.status_code == 200 and r.json() == {"state": "registered"}
    assert load(rt, ag_id).number == "СВ-1/2024"


def test_api_errors_are_russian_json(rt, client):
    ag_id, token = sent_to_partner(rt)
    r = client.post(f"/api/links/{token}/decline", json={"reason": ""})
    assert r.status_code == 400 and "укажите причину" in r.json()["error"]
    r = client.get(f"/api/links/{tampered(token)}")
    assert r.status_code == 403 and r.json() == {
        "error": "Ссылка недействительна: проверьте, что она скопирована полностью"}
    r = client.post(f"/api/links/{token}/decline", json={"reason": "Не актуально"})
    assert r.json() == {"state": "declined"}
    r = client.post(f"/api/links/{token}/confirm")
    assert r.status_code == 403 and "уже использована" in r.json()["error"]
    assert load(rt, ag_id).state == S.DECLINED


def test_the_document_can_be_downloaded_without_acting(rt, client):
    from adapters.docx_render import docx_text

    ag_id, token = sent_to_partner(rt)
    page = client.get(f"/l/{token}")
    assert f"/l/{token}/document" in page.text and "Партнёр обязуется" in page.text
    r = client.get(f"/l/{token}/document")
    assert r.status_code == 200
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    text = docx_text(r.content)
    assert "ДОГОВОР № ____" in text and "ПРОЕКТ" in text
    assert load(rt, ag_id).state == S.SENT_TO_PARTNER
    assert trail(rt, "agreement", ag_id)[-1].action == "document_downloaded"

"""Staff close a plan occurrence by hand with its result (a text, a link, an uploaded file or a
document of the system): «выполнено» or «выполнено с опозданием» by the date; cancelling needs
a reason. Every refusal is audited and changes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models import Document, OccurrenceState, Outcome
from models.labels import action_label
from models.plan import PlanOccurrence
from services import documents
from services.audit import inconsistencies, trail
from services.errors import DomainError, GuardRefused, IllegalTransition, NotFound, UploadRefused
from services.plan import assign
from services.plan_results import cancel, close
from services.sweep import fire_timers
from tests.factories import staff_actor
from tests.test_plan_reminders import load_2024, msk, occurrence

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]"
       b"/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def docs(rt) -> list[Document]:
    with rt.session() as s:
        return list(s.exec(select(Document).order_by(Document.id)))


def refused(rt, kind: str, object_id: int):
    return [e for e in trail(rt, kind, object_id) if e.outcome == Outcome.REFUSED]


@pytest.fixture
def plan(rt):
    plan_id = load_2024(rt)
    assign(rt, plan_id, "theor-1", "remel", actor=staff_actor(rt))
    return plan_id


def test_closing_on_or_before_the_due_day_is_done_with_a_text_and_a_link(rt, plan):
    rt.clock.set(msk(2024, 8, 31, 23, 30))  # the last minute of the due day, Moscow time
    remel = staff_actor(rt, "remel")
    occ = close(rt, 2024, "theor-1", text="  Заключено 3 договора о сетевом взаимодействии ",
                url="https://imc-vyselki.example.org/dogovory", actor=remel)
    assert occ.state == OccurrenceState.DONE
    row = occurrence(rt, "theor-1")
    assert (row.state, row.result_text, row.result_url, row.closed_by) == (
        OccurrenceState.DONE, "Заключено 3 договора о сетевом взаимодействии",
        "https://imc-vyselki.example.org/dogovory", remel.person_id)
    assert row.closed_at is not None and row.result_document_id is None
    entry = trail(rt, "plan_occurrence", row.id)[-1]
    assert (entry.action, entry.to_state, entry.actor_id) == (
        "close_on_time", "done", remel.person_id)
    assert entry.details == {"day": "31.08.2024", "due": "31.08.2024", "plan": 2024,
                             "item": "theor-1", "position": 1}


def test_closing_after_the_due_day_is_done_late_from_planned_or_overdue(rt, plan):
    # diag-2 June: the sweep marked it overdue; closing it is late.
    rt.clock.set(msk(2024, 7, 2))
    fire_timers(rt)
    assert occurrence(rt, "diag-2", 1).state == OccurrenceState.OVERDUE
    late = close(rt, 2024, "diag-2", occurrence=1, text="Анкеты мониторинга",
                 actor=staff_actor(rt))
    assert late.state == OccurrenceState.DONE_LATE
    assert [e.action for e in trail(rt, "plan_occurrence", late.id)][-3:] == [
        "mark_overdue", "escalate", "close_late"]
    rt.clock.set(msk(2024, 9, 1, 0, 30))  # no sweep yet: still «запланировано», yet late
    assert occurrence(rt, "theor-1").state == OccurrenceState.PLANNED
    occ = close(rt, 2024, "theor-1", url="http://imc-vyselki.example.org/a",
                actor=staff_actor(rt))
    assert occ.state == OccurrenceState.DONE_LATE
    assert trail(rt, "plan_occurrence", occ.id)[-1].action == "close_late"
    assert inconsistencies(rt, "plan_occurrence", PlanOccurrence) == []


def test_an_uploaded_file_is_kept_and_becomes_the_result(rt, plan):
    rt.clock.set(msk(2024, 8, 15))
    occ = close(rt, 2024, "theor-1", file_name="Договоры 2024.pdf", data=PDF,
                actor=staff_actor(rt, "remel"))
    (doc,) = docs(rt)
    assert (doc.object_kind, doc.object_id, doc.filename, doc.kind) == (
        "plan_occurrence", occ.id, "Договоры 2024.pdf", "plan_result")
    assert documents.read_bytes(rt, doc) == PDF
    row = occurrence(rt, "theor-1")
    assert (row.state, row.result_document_id) == (OccurrenceState.DONE, doc.id)
    entry = trail(rt, "plan_occurrence", occ.id)[-1]
    assert entry.document_ids == [doc.id] and entry.details["file"] == "Договоры 2024.pdf"


def test_an_existing_document_of_the_system_can_be_the_result(rt, plan):
    rt.clock.set(msk(2024, 8, 15))
    with rt.transaction() as tx:
        doc = documents.store_file(tx, key="report:test", kind="report", object_kind="report",
                                   object_id=1, filename="Справка.xlsx", data=b"PK\x03\x04x",
                                   media_type="application/zip")
    occ = close(rt, 2024, "theor-1", document_id=doc.id, actor=staff_actor(rt))
    assert occurrence(rt, "theor-1").result_document_id == doc.id
    assert trail(rt, "plan_occurrence", occ.id)[-1].document_ids == [doc.id]


@pytest.mark.parametrize("kwargs, message, error", [
    ({"url": "ftp://imc.example.org/file"}, "начинающийся с http:// или https://", DomainError),
    ({"url": "javascript:alert(1)"}, "не принята", DomainError),
    ({"url": "imc-vyselki.example.org/page"}, "не принята", DomainError),
    ({"url": "https://"}, "не принята", DomainError),
    ({"file_name": "result.pdf", "data": b"MZ\x90\x00 not a pdf"},
     "допустимы только PDF, DOCX, XLSX, PPTX, DOC, JPEG и PNG", UploadRefused),
    ({"file_name": "notes.txt", "data": "Протокол".encode()}, "не принят", UploadRefused),
    ({"file_name": "archive.zip", "data": b"PK\x03\x04rest"}, "не принят", UploadRefused),
    ({"file_name": "empty.pdf", "data": b""}, "пустой", UploadRefused),
    ({"text": "   "}, "приложите результат", DomainError),
    ({}, "приложите результат", DomainError),
    ({"document_id": 999}, "Документ №999 не найден", NotFound),
    ({"file_name": "a.pdf", "data": PDF, "document_id": 1}, "что-то одно", DomainError),
], ids=["ftp", "javascript", "no-scheme", "no-host", "fake-pdf", "text", "zip", "empty",
        "blank-text", "nothing", "no-document", "file-and-document"])
def test_a_bad_result_is_refused_audited_and_changes_nothing(rt, plan, kwargs, message, error):
    rt.clock.set(msk(2024, 8, 15))
    occ = occurrence(rt, "theor-1")
    with pytest.raises(error) as err:
        close(rt, 2024, "theor-1", actor=staff_actor(rt), **kwargs)
    assert message in err.value.message
    row = occurrence(rt, "theor-1")
    assert (row.state, row.result_text, row.result_url, row.result_document_id,
            row.closed_at) == (OccurrenceState.PLANNED, "", "", None, None)
    assert docs(rt) == []
    (entry,) = refused(rt, "plan_occurrence", occ.id)
    assert (entry.action, entry.details["error"]) == ("close_plan_item", err.value.message)
    assert action_label("plan_occurrence", "close_plan_item") == "отметка выполнения пункта плана"


def test_closing_twice_is_refused_as_already_done(rt, plan):
    rt.clock.set(msk(2024, 8, 15))
    close(rt, 2024, "theor-1", text="Договоры заключены", actor=staff_actor(rt, "remel"))
    before = occurrence(rt, "theor-1")
    with pytest.raises(DomainError) as err:
        close(rt, 2024, "theor-1", url="https://example.org/x", actor=staff_actor(rt))
    assert "уже выполнено (15.08.2024, Ремель Ольга Леонидовна)" in err.value.message
    after = occurrence(rt, "theor-1")
    assert (after.result_text, after.result_url, after.closed_by, after.updated_at) == (
        before.result_text, before.result_url, before.closed_by, before.updated_at)
    (entry,) = refused(rt, "plan_occurrence", before.id)
    assert (entry.action, entry.from_state) == ("close_plan_item", "done")


def test_which_occurrence_several_open_ones_need_a_position(rt, plan):
    with pytest.raises(DomainError) as err:
        close(rt, 2024, "theor-2", text="Протокол", actor=staff_actor(rt))
    for text in ("несколько открытых сроков", "№1 — до 31.01.2024, запланировано",
                 "№5 — до 30.11.2024", "--occurrence N"):
        assert text in err.value.message, text
    first = occurrence(rt, "theor-2", 1)
    (entry,) = refused(rt, "plan_item", first.item_id)
    assert entry.action == "close_plan_item"
    with pytest.raises(NotFound, match="нет срока №9"):
        close(rt, 2024, "theor-2", occurrence=9, text="x", actor=staff_actor(rt))
    closed = close(rt, 2024, "theor-2", occurrence=1, text="Протокол заседания",
                   actor=staff_actor(rt))
    assert (closed.id, closed.state) == (first.id, OccurrenceState.DONE_LATE)
    with pytest.raises(DomainError, match="нет своих сроков в плане"):
        close(rt, 2024, "pract-2", text="Консультации", actor=staff_actor(rt))
    with pytest.raises(NotFound, match="нет пункта «theor-9»"):
        close(rt, 2024, "theor-9", text="x", actor=staff_actor(rt))
    with pytest.raises(NotFound, match="не загружен"):
        close(rt, 2030, "theor-1", text="x", actor=staff_actor(rt))


def test_the_only_open_occurrence_is_taken_when_the_others_are_closed(rt, plan):
    actor = staff_actor(rt)
    rt.clock.set(msk(2024, 6, 20))
    close(rt, 2024, "diag-2", occurrence=1, text="Июнь", actor=actor)
    second = close(rt, 2024, "diag-2", text="Декабрь", actor=actor)  # the only open one left
    assert (second.position, second.state) == (2, OccurrenceState.DONE)
    with pytest.raises(DomainError, match="все сроки уже закрыты"):
        close(rt, 2024, "diag-2", text="ещё", actor=actor)


def test_cancelling_needs_a_reason_and_a_cancelled_occurrence_is_not_closed(rt, plan):
    occ = occurrence(rt, "theor-1")
    with pytest.raises(GuardRefused, match="укажите причину"):
        cancel(rt, 2024, "theor-1", reason="  ", actor=staff_actor(rt))
    assert occurrence(rt, "theor-1").state == OccurrenceState.PLANNED
    (entry,) = refused(rt, "plan_occurrence", occ.id)
    assert entry.action == "cancel"
    done = cancel(rt, 2024, "theor-1", reason="Партнёры не определены", actor=staff_actor(rt))
    assert (done.state, done.cancel_reason) == (OccurrenceState.CANCELLED,
                                                "Партнёры не определены")
    last = trail(rt, "plan_occurrence", occ.id)[-1]
    assert (last.action, last.reason, last.details["item"]) == (
        "cancel", "Партнёры не определены", "theor-1")
    with pytest.raises(DomainError, match="отменён"):
        close(rt, 2024, "theor-1", text="x", actor=staff_actor(rt))
    with pytest.raises(IllegalTransition):
        cancel(rt, 2024, "theor-1", reason="ещё раз", actor=staff_actor(rt))
    assert len(refused(rt, "plan_occurrence", occ.id)) == 3
    assert inconsistencies(rt, "plan_occurrence", PlanOccurrence) == []

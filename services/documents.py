"""Documents: rendered from Word templates or uploaded, stored once per idempotency key."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import select

from adapters.russian import file_size
from models import Document
from services.errors import UploadRefused, UploadTooLarge
from services.runtime import Tx
from services.transitions import Step

INSERT_CHUNK = 1000  # rows per INSERT statement of a bulk store
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# File types people may upload, recognised by their first bytes (never by the name alone).
ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FILE_TYPES = {  # extension: (signature, media type, label)
    "pdf": (b"%PDF-", "application/pdf", "PDF"),
    "jpg": (b"\xff\xd8\xff", "image/jpeg", "JPEG"),
    "png": (b"\x89PNG\r\n\x1a\n", "image/png", "PNG"),
    "docx": (ZIP, DOCX_TYPE, "DOCX"),
    "xlsx": (ZIP, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "pptx": (ZIP, "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             "PPTX"),
    "doc": (OLE, "application/msword", "DOC"),
}
SCAN_TYPES = ("pdf", "jpg", "png")


def detect_type(filename: str, data: bytes, allowed: tuple[str, ...]) -> tuple[str, str] | None:
    """(extension, media type) of an allowed type the bytes really are, else None."""
    ext = filename.rpartition(".")[2].lower().replace("jpeg", "jpg")
    for candidate in allowed:
        signature, media_type, _ = FILE_TYPES[candidate]
        # Zip-based Office files share one signature: the name tells which of them it is.
        same_family = signature in (ZIP, OLE)
        if data.startswith(signature) and (not same_family or ext == candidate):
            return candidate, media_type
    return None


def allowed_labels(allowed: tuple[str, ...]) -> str:
    labels = [FILE_TYPES[a][2] for a in allowed]
    return ", ".join(labels[:-1]) + f" и {labels[-1]}" if len(labels) > 1 else labels[0]


def find(tx: Tx, key: str) -> Document | None:
    return tx.session.exec(select(Document).where(Document.key == key)).first()


def render_document(
    tx: Tx,
    *,
    key: str,
    kind: str,
    object_kind: str,
    object_id: int,
    template: str,
    context: dict,
    filename: str,
    version: int = 1,
    step: Step | None = None,
) -> Document:
    """Render `template` once per `key`; a repeat returns the stored document."""
    doc = find(tx, key)
    if doc is None:
        data = tx.rt.docx.render(template, context)
        doc = _store(tx, key=key, kind=kind, object_kind=object_kind, object_id=object_id,
                     version=version, template=template, filename=filename, data=data,
                     media_type=DOCX_TYPE, suffix=".docx")
    if step is not None and doc.id not in step.document_ids:
        step.document_ids.append(doc.id)
    return doc


def render_documents(tx: Tx, *, template: str, object_kind: str, kind: str,
                     items: list[dict]) -> list[Document]:
    """Many documents from one template at once; the missing ones are rendered on all cores.

    Each item: key, object_id, context, filename. Existing keys are returned as stored.
    """
    existing = {d.key: d for d in tx.session.exec(
        select(Document).where(Document.key.in_([i["key"] for i in items])))}
    todo = [i for i in items if i["key"] not in existing]
    rendered = tx.rt.docx.render_batch(template, [i["context"] for i in todo]) if todo else []
    for item, data in zip(todo, rendered, strict=True):
        existing[item["key"]] = _store(
            tx, key=item["key"], kind=kind, object_kind=object_kind, object_id=item["object_id"],
            version=1, template=template, filename=item["filename"], data=data,
            media_type=DOCX_TYPE, suffix=".docx", flush=False)
    if todo:
        tx.session.flush()  # one flush for the whole lot, not a round trip per document
    return [existing[i["key"]] for i in items]


def store_file(tx: Tx, *, key: str, kind: str, object_kind: str, object_id: int, filename: str,
               data: bytes, media_type: str, step: Step | None = None) -> Document:
    """Keep a file the system made itself (an .xlsx table), once per key."""
    suffix = "." + filename.rpartition(".")[2]
    doc = find(tx, key) or _store(tx, key=key, kind=kind, object_kind=object_kind,
                                  object_id=object_id, version=1, template="", filename=filename,
                                  data=data, media_type=media_type, suffix=suffix)
    if step is not None and doc.id not in step.document_ids:
        step.document_ids.append(doc.id)
    return doc


def store_upload(
    tx: Tx,
    *,
    key: str,
    kind: str,
    object_kind: str,
    object_id: int,
    filename: str,
    data: bytes,
    allowed: tuple[str, ...] = SCAN_TYPES,
    max_bytes: int | None = None,
    what: str = "со сканом подписанного договора",
    step: Step | None = None,
) -> Document:
    """Keep an uploaded file after checking its size and real type."""
    limit = max_bytes or tx.rt.settings.upload_max_bytes
    if not filename and not data:
        raise UploadRefused(f"Выберите файл {what} ({allowed_labels(allowed)})")
    if len(data) > limit:
        raise UploadTooLarge(
            f"Файл «{filename}» слишком большой: допустимо не более {file_size(limit)}")
    if not data:
        raise UploadRefused(f"Файл «{filename}» пустой")
    kind_info = detect_type(filename, data, allowed)
    if kind_info is None:
        raise UploadRefused(
            f"Файл «{filename}» не принят: допустимы только {allowed_labels(allowed)}")
    ext, media_type = kind_info
    suffix = f".{ext}"
    doc = find(tx, key) or _store(tx, key=key, kind=kind, object_kind=object_kind,
                                  object_id=object_id, version=1, template="",
                                  filename=filename, data=data, media_type=media_type,
                                  suffix=suffix)
    if step is not None:
        step.document_ids.append(doc.id)
    return doc


def read_bytes(rt, doc: Document) -> bytes:
    return (rt.settings.documents_dir / doc.path).read_bytes()


def absolute_path(rt, doc: Document) -> Path:
    return rt.settings.documents_dir / doc.path


def store_files(tx: Tx, items: list[dict], *, kind: str, object_kind: str,
                step: Step | None = None) -> dict[str, int]:
    """Many files the system made itself (a wave of .ics), once per key, their rows inserted
    1,000 to a statement; {key: document id}. Each item: key, object_id, filename, data,
    media_type."""
    keys = [i["key"] for i in items]
    stored = _ids(tx, keys)
    rows = [_document(tx, key=i["key"], kind=kind, object_kind=object_kind,
                      object_id=i["object_id"], version=1, template="", filename=i["filename"],
                      data=i["data"], media_type=i["media_type"],
                      suffix="." + i["filename"].rpartition(".")[2]).model_dump(exclude={"id"})
            for i in items if i["key"] not in stored]
    for start in range(0, len(rows), INSERT_CHUNK):
        tx.session.execute(sa.insert(Document), rows[start:start + INSERT_CHUNK])
    if rows:
        stored = _ids(tx, keys)
    if step is not None:
        step.document_ids.extend(stored[k] for k in keys if stored[k] not in step.document_ids)
    return stored


def _ids(tx: Tx, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(keys), INSERT_CHUNK):
        found.update(tx.session.exec(select(Document.key, Document.id).where(
            Document.key.in_(keys[start:start + INSERT_CHUNK]))).all())
    return found


def _store(tx: Tx, *, key, kind, object_kind, object_id, version, template, filename, data,
           media_type, suffix, flush: bool = True) -> Document:
    doc = _document(tx, key=key, kind=kind, object_kind=object_kind, object_id=object_id,
                    version=version, template=template, filename=filename, data=data,
                    media_type=media_type, suffix=suffix)
    tx.session.add(doc)
    if flush:
        tx.session.flush()
    return doc


def _document(tx: Tx, *, key, kind, object_kind, object_id, version, template, filename, data,
              media_type, suffix) -> Document:
    """Write the file (via a temporary file and rename) and make its row, not yet added."""
    rel = Path(object_kind) / str(object_id) / f"{_safe(key)}{suffix}"
    target = tx.rt.settings.documents_dir / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)  # a retried step overwrites the same file with the same key
    doc = Document(key=key, kind=kind, object_kind=object_kind, object_id=object_id,
                   version=version, template=template, filename=filename, path=str(rel),
                   media_type=media_type, sha256=hashlib.sha256(data).hexdigest(),
                   size=len(data), created_at=tx.now)
    return doc


def _safe(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", key)

"""Word documents from docxtpl templates: a cached fast path, docxtpl's own path, batches."""

from __future__ import annotations

import atexit
import io
import multiprocessing
import os
import re
import threading
import zipfile
from collections.abc import Callable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path
from typing import Any

import docx
import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import nsmap, qn
from docx.table import Table
from docxtpl import DocxTemplate
from lxml import etree

from adapters import russian

# Measured on 2 cores: a worker pool costs ≈15 ms and a document ≈0.65 ms, so processes
# only pay off from about 50 documents.
BATCH_IN_PROCESS_BELOW = 50
XML_DECLARATION = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
_BODY_MARK = "@@docx-render-body@@"
_JINJA_MARK = re.compile(r"\{\{|\{%|\{#")
_LISTING_CHARS = re.compile(r"<w:t(?: [^>]*)?>[^<]*[\t\a\n\f]")
_XMLNS = re.compile(r'xmlns(?::[\w.-]+)?="[^"]*"')
# docxtpl renders these core properties as Jinja strings; see _Prepared.fast.
_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"

FILTERS: Mapping[str, Callable[..., Any]] = {
    "date_long": russian.date_long,
    "date_short": russian.date_short,
    "plural": russian.plural,
}


class TemplateRenderError(Exception):
    """A document could not be made from a template; the message is for people."""

    def __init__(self, template: str, reason: str) -> None:
        super().__init__(f"Не удалось сформировать документ по шаблону {template}: {reason}")
        self.template = template
        self.reason = reason

    def __reduce__(self):
        # Keeps the exception intact when it crosses from a batch worker process.
        return (type(self), (self.template, self.reason))


@dataclass(frozen=True)
class _Part:
    """One templated zip member: fixed text around a compiled Jinja template."""

    zip_name: str
    head: str
    template: jinja2.Template
    tail: str
    is_body: bool
    inherited_ns: frozenset[str] = frozenset()  # xmlns="…" declared by w:document


@dataclass(frozen=True)
class _Prepared:
    """A template patched and compiled once, keyed by the file's mtime and size."""

    stamp: tuple[int, int]
    fast: bool  # False when a feature needs docxtpl's own path
    base_zip: bytes  # every untouched member, compressed once
    parts: tuple[_Part, ...]
    date_time: tuple[int, int, int, int, int, int]


def make_environment() -> jinja2.Environment:
    """The Jinja environment of every document: autoescape on, unknown names raise."""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters.update(FILTERS)
    return env


def docx_text(data: bytes) -> str:
    """All paragraph and table-cell text of a .docx, one paragraph per line."""
    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []

    def walk(container) -> None:
        for block in container.iter_inner_content():
            if isinstance(block, Table):
                for row in block.rows:
                    for cell in row.cells:
                        walk(cell)
            else:
                lines.append(block.text)

    walk(document)
    return "\n".join(lines)


class DocxRenderer:
    """Renders the Word templates of one directory; safe to share between threads."""

    def __init__(self, templates_dir: Path | str) -> None:
        self.templates_dir = Path(templates_dir).resolve()
        self.env = make_environment()
        self._helper = DocxTemplate(None)  # only its pure patch/fix methods are used
        self._cache: dict[Path, _Prepared] = {}
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._pool_workers = 0

    def render(self, name: str, context: dict) -> bytes:
        """The document as .docx bytes, through the cached fast path."""
        prepared = self._prepared(name)
        if not prepared.fast:
            return self.render_plain(name, context)
        rendered = {
            part.zip_name: self._render_part(name, part, context) for part in prepared.parts
        }
        buffer = io.BytesIO(prepared.base_zip)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
            for zip_name, data in rendered.items():
                # A fixed timestamp keeps the bytes equal for equal contexts (sha256 as key).
                info = zipfile.ZipInfo(zip_name, date_time=prepared.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, data)
        return buffer.getvalue()

    def render_plain(self, name: str, context: dict) -> bytes:
        """The document through docxtpl's own path (images, subdocuments, the reference)."""
        path = self._path(name)
        try:
            template = DocxTemplate(path)
            template.render(context, jinja_env=make_environment(), autoescape=True)
            output = io.BytesIO()
            template.save(output)
        except jinja2.TemplateError as exc:
            raise TemplateRenderError(name, _reason(exc)) from exc
        except (PackageNotFoundError, zipfile.BadZipFile) as exc:
            raise TemplateRenderError(name, "файл не является документом Word") from exc
        return output.getvalue()

    def render_batch(
        self, name: str, contexts: list[dict], workers: int | None = None
    ) -> list[bytes]:
        """Many documents from one template, in order, on all cores for big batches."""
        workers = workers or os.cpu_count() or 1
        if workers <= 1 or len(contexts) < BATCH_IN_PROCESS_BELOW:
            return [self.render(name, context) for context in contexts]
        self._prepared(name)  # a missing or broken template fails here, not in a worker
        chunksize = max(1, len(contexts) // (workers * 4))
        pool = self._worker_pool(workers)
        return list(pool.map(_render_in_worker, repeat(name), contexts, chunksize=chunksize))

    def close(self) -> None:
        """Stop the batch workers (they are started again by the next big batch)."""
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None

    def _worker_pool(self, workers: int) -> ProcessPoolExecutor:
        """One pool for the renderer's life: starting workers per batch cost more than it saved."""
        with self._lock:
            if self._pool is None or self._pool_workers != workers:
                if self._pool is not None:
                    self._pool.shutdown(cancel_futures=True)
                self._pool = ProcessPoolExecutor(
                    max_workers=workers, mp_context=_pool_context(),
                    initializer=_init_worker, initargs=(self.templates_dir,))
                self._pool_workers = workers
                atexit.register(self._pool.shutdown, cancel_futures=True)
            return self._pool

    # -- preparation -------------------------------------------------------------------

    def _path(self, name: str) -> Path:
        path = (self.templates_dir / name).resolve()
        if not path.is_relative_to(self.templates_dir):
            raise TemplateRenderError(name, "шаблон должен лежать в каталоге шаблонов")
        if not path.is_file():
            raise TemplateRenderError(name, f"файл шаблона не найден ({path})")
        return path

    def _prepared(self, name: str) -> _Prepared:
        path = self._path(name)
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            prepared = self._cache.get(path)
            if prepared is None or prepared.stamp != stamp:
                prepared = self._prepare(name, path, stamp)
                self._cache[path] = prepared
            return prepared

    def _prepare(self, name: str, path: Path, stamp: tuple[int, int]) -> _Prepared:
        try:
            template = DocxTemplate(path)
            document = template.get_docx()
            with zipfile.ZipFile(path) as archive:
                members = {info.filename: archive.read(info) for info in archive.infolist()}
                infos = archive.infolist()
        except (PackageNotFoundError, zipfile.BadZipFile) as exc:
            raise TemplateRenderError(name, "файл не является документом Word") from exc

        props = document.core_properties
        fast = not any(_JINJA_MARK.search(getattr(props, key) or "") for key in _CORE_PROPERTIES)
        try:
            parts = [self._body_part(template, document)]
            for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
                for _, part in template.get_headers_footers(uri):
                    parts.append(self._side_part(part.partname.lstrip("/"), members))
            parts.extend(self._footnote_parts(document, members))
        except jinja2.TemplateError as exc:
            raise TemplateRenderError(name, _reason(exc)) from exc
        parts = [part for part in parts if part is not None]

        rendered_names = {part.zip_name for part in parts}
        base = io.BytesIO()
        with zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as archive:
            for info in infos:
                if info.filename not in rendered_names:
                    archive.writestr(info, members[info.filename], zipfile.ZIP_DEFLATED)
        body_info = next(i for i in infos if i.filename == parts[0].zip_name)
        return _Prepared(stamp, fast, base.getvalue(), tuple(parts), body_info.date_time)

    def _compile(self, xml: str) -> jinja2.Template:
        # docxtpl puts each paragraph on its own line so Jinja's line numbers mean something.
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)
        try:
            return self.env.from_string(source)
        except jinja2.TemplateSyntaxError as exc:
            if exc.lineno:
                line = source.splitlines()[exc.lineno - 1]
                exc.paragraph = re.sub(r"<[^>]+>", "", line)[:200]
            raise

    def _body_part(self, template: DocxTemplate, document) -> _Part:
        body_xml = self._helper.patch_xml(template.get_xml())
        # The text of w:document around w:body, to put the rendered body back into.
        root = etree.fromstring(etree.tostring(document.element))
        body = root.find(qn("w:body"))
        body.clear()
        body.text = _BODY_MARK
        outer = etree.tostring(root, encoding="unicode")
        head, _, tail = outer.partition(f"<w:body>{_BODY_MARK}</w:body>")
        zip_name = document.part.partname.lstrip("/")
        inherited = frozenset(
            f'xmlns:{prefix}="{uri}"' if prefix else f'xmlns="{uri}"'
            for prefix, uri in root.nsmap.items()
        )
        compiled = self._compile(body_xml)
        return _Part(zip_name, XML_DECLARATION + head, compiled, tail, True, inherited)

    def _side_part(self, zip_name: str, members: dict[str, bytes]) -> _Part | None:
        text = members[zip_name].decode("utf-8")
        declaration, sep, xml = text.partition("?>")
        if not sep:
            declaration, xml = "", text
        else:
            declaration += sep
        patched = self._helper.patch_xml(xml.lstrip())
        if not _JINJA_MARK.search(patched):
            return None  # rendering a part without tags would only re-serialise it
        return _Part(zip_name, declaration + "\n", self._compile(patched), "", False)

    def _footnote_parts(self, document, members: dict[str, bytes]) -> list[_Part | None]:
        return [
            self._side_part(part.partname.lstrip("/"), members)
            for part in document.part.package.iter_parts()
            if part.content_type == _FOOTNOTES
        ]

    # -- rendering ---------------------------------------------------------------------

    def _render_part(self, name: str, part: _Part, context: dict) -> bytes:
        try:
            xml = part.template.render(context)
        except jinja2.TemplateError as exc:
            raise TemplateRenderError(name, _reason(exc)) from exc
        # The same post-processing as DocxTemplate.render_xml_part.
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%")
        xml = xml.replace("%_}", "%}")
        if _LISTING_CHARS.search(xml):
            # resolve_listing turns \n, \t, \a, \f in text into Word breaks; it is the
            # costliest step and a no-op unless some w:t holds one of them.
            xml = self._helper.resolve_listing(xml)
        if part.is_body:
            # As DocxTemplate.render: grid columns follow {%tc %} loops, drawing ids renumbered.
            tree = self._helper.fix_tables(xml)
            for index, element in enumerate(tree.xpath("//wp:docPr", namespaces=nsmap), start=1001):
                element.attrib["id"] = str(index)
            xml = etree.tostring(tree, encoding="unicode")
            xml = _drop_inherited_namespaces(xml, part.inherited_ns)
        return (part.head + xml + part.tail).encode("utf-8")


def _drop_inherited_namespaces(body_xml: str, inherited: frozenset[str]) -> str:
    """The body's start tag without the declarations w:document already makes."""
    # A detached w:body carries copies of its parent's xmlns; docxtpl's save drops them.
    end = body_xml.index(">")
    start_tag = _XMLNS.sub(lambda m: "" if m.group(0) in inherited else m.group(0), body_xml[:end])
    return re.sub(r"\s+", " ", start_tag).rstrip() + body_xml[end:]


def _reason(exc: jinja2.TemplateError) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return f"в данных нет значения для поля шаблона ({exc.message})"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        where = f" в абзаце «{exc.paragraph}»" if getattr(exc, "paragraph", "") else ""
        return f"ошибка в разметке шаблона{where}: {exc.message}"
    return f"ошибка шаблона: {exc.message or exc}"


def _pool_context():
    # The pool lives as long as the renderer, so its workers must not be forks of this
    # process: a fork inherits every open socket and database connection (a web server's
    # listening socket, an SMTP server in tests). forkserver starts them from a clean
    # process once; the start-up (≈ 0.5 s) is paid once per renderer, not per batch.
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


_worker_renderer: DocxRenderer | None = None


def _init_worker(templates_dir: Path) -> None:
    global _worker_renderer
    # Each worker prepares the templates it is asked for once and keeps them.
    _worker_renderer = DocxRenderer(templates_dir)


def _render_in_worker(name: str, context: dict) -> bytes:
    assert _worker_renderer is not None, "worker initializer did not run"
    return _worker_renderer.render(name, context)

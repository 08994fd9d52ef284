"""Benchmark: agreement documents by plain docxtpl, by DocxRenderer, by render_batch."""

from __future__ import annotations

import io
import os
import resource
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path

from docxtpl import DocxTemplate

from adapters.docx_render import DocxRenderer, docx_text, make_environment
from adapters.russian import date_long
from scripts.build_docx_templates import EXAMPLE_CONTEXT

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "docx"
NAME = "agreement.docx"
MEMORY_SAMPLE = 100  # documents rendered under tracemalloc (it slows rendering several-fold)

_HEADS = [
    ("Петрова Ивана Сергеевича", "И.С. Петров", "действующего"),
    ("Кузнецовой Анны Викторовны", "А.В. Кузнецова", "действующей"),
    ("Орлова Дмитрия Павловича", "Д.П. Орлов", "действующего"),
]
_OBLIGATIONS = [
    "проводить методические вебинары для педагогов",
    "консультировать по вопросам инновационной деятельности",
    "приглашать к участию в конкурсах «Инновационный поиск» & конференциях",
    "направлять представителей на заседания творческой группы",
    "предоставлять сведения для мониторинга сетевого взаимодействия",
    "размещать информацию о совместных мероприятиях на сайте",
]


def make_context(i: int) -> dict:
    """A varied but valid agreement context: drafts and registered, 1–6 obligations."""
    genitive, signature, acting = _HEADS[i % len(_HEADS)]
    starts = date(2024, 1 + i % 12, 1 + i % 28)
    draft = i % 3 == 0
    partner = {
        "full_name": f"Муниципальное бюджетное общеобразовательное учреждение «СОШ № {i}» "
        f"<филиал & корпус {i % 7}>",
        "short_name": f"МБОУ СОШ № {i}",
        "legal_address": f"Краснодарский край, ст. Тихорецкая, ул. Школьная, {i}",
        "phone": "" if i % 4 == 0 else f"8 (86196) 7-{i:02d}-00",
        "email": f"school{i}@example.org",
        "head_position": "Директор",
        "head_position_genitive": "директора",
        "head_fio_genitive": genitive,
        "head_acting": acting,
        "basis_genitive": "Устава",
        "head_signature": signature,
        "inn": None if i % 5 == 0 else f"23{i:08d}",
        "ogrn": None if i % 5 == 0 else f"10223{i:08d}",
    }
    centre = dict(EXAMPLE_CONTEXT["centre"])  # the one example centre
    agreement = {
        "number": None if draft else f"СВ-{i}/2024",
        "date_long": None if draft else date_long(starts),
        "city": "ст. Выселки",
        "subject": "организация сетевого взаимодействия Сторон по реализации инновационного "
        f"проекта № {i} «Совершенствование инфраструктуры & сетей»",
        "starts_on_long": date_long(starts),
        "ends_on_long": date_long(starts.replace(year=starts.year + 3)),
        "term_years": 3,
        "obligations_centre": _OBLIGATIONS[: 1 + i % 6],
        "obligations_partner": _OBLIGATIONS[::-1][: 1 + (i + 2) % 6],
        "is_draft": draft,
        "version": 1 + i % 3,
    }
    return {"centre": centre, "partner": partner, "agreement": agreement}


def _plain_docxtpl(context: dict) -> bytes:
    template = DocxTemplate(TEMPLATES / NAME)
    template.render(context, jinja_env=make_environment(), autoescape=True)
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()


def _measure(produce: Callable[[list[dict]], list[bytes]], contexts: list[dict]) -> dict:
    started = time.perf_counter()
    documents = produce(contexts)
    elapsed = time.perf_counter() - started
    sample = contexts[:MEMORY_SAMPLE]
    tracemalloc.start()
    produce(sample)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "docs": len(documents),
        "seconds": round(elapsed, 3),
        "docs_per_s": round(len(documents) / elapsed, 1),
        "ms_per_doc": round(elapsed * 1000 / len(documents), 2),
        "kb_per_doc": round(sum(map(len, documents)) / len(documents) / 1024, 1),
        "py_peak_mb": round(peak / 2**20, 1),
        "first_text": docx_text(documents[0]),
    }


def run(n: int = 500) -> dict:
    """Renders n agreements three ways and returns the figures."""
    contexts = [make_context(i) for i in range(n)]
    renderer = DocxRenderer(TEMPLATES)
    renderer.render(NAME, contexts[0])  # the one-off preparation is not what we measure
    workers = os.cpu_count() or 1
    modes = {
        "plain": lambda cs: [_plain_docxtpl(c) for c in cs],
        "fast": lambda cs: [renderer.render(NAME, c) for c in cs],
        "batch": lambda cs: renderer.render_batch(NAME, cs, workers=workers),
    }
    results = {name: _measure(produce, contexts) for name, produce in modes.items()}
    renderer.close()  # reap the workers so their memory is counted below
    texts = {name: figures.pop("first_text") for name, figures in results.items()}
    base = results["plain"]["seconds"]
    for figures in results.values():
        figures["speedup"] = round(base / figures["seconds"], 1)
    usage_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    usage_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "n": n,
        "workers": workers,
        "same_text": len(set(texts.values())) == 1,
        "max_rss_mb": round(usage_self / 1024, 1),
        "max_rss_worker_mb": round(usage_children / 1024, 1),
        "modes": results,
    }


def _print(figures: dict) -> None:
    print(
        f"{figures['n']} договоров, ядер: {figures['workers']}, "
        f"текст совпадает: {'да' if figures['same_text'] else 'НЕТ'}"
    )
    print(f"{'режим':<8}{'док/с':>9}{'мс/док':>9}{'×plain':>8}{'КБ/док':>8}{'пик Python, МБ':>16}")
    for name, row in figures["modes"].items():
        print(
            f"{name:<8}{row['docs_per_s']:>9}{row['ms_per_doc']:>9}{row['speedup']:>8}"
            f"{row['kb_per_doc']:>8}{row['py_peak_mb']:>16}"
        )
    print(
        f"max RSS: процесс {figures['max_rss_mb']} МБ, "
        f"рабочий процесс {figures['max_rss_worker_mb']} МБ "
        f"(пик Python — по первым {MEMORY_SAMPLE} документам под tracemalloc)"
    )


if __name__ == "__main__":
    _print(run())

"""A webinar cycle from its YAML plan: parse with every problem listed, then store it whole.

The plan file (see data/samples/webinars-autumn-2024.yaml):

    title, goal, year            the cycle
    certificate: {rule, min_sessions}
                                 per_session — a certificate for each attended session;
                                 min_sessions — one for the cycle after N attended sessions
    partners_in_parallel         true by default (see below)
    min_minutes                  30 by default: who was present at least this long attended
    sessions: [{topic, speaker, segment, start, duration, link, capacity}]
                                 start — «2024-10-15 15:00», Europe/Moscow; duration in minutes

The passport's audience order is the default when a session has no `segment`: the first
session of the cycle (by start time) is for heads of schools (heads), every later one for
their deputies (deputies). Network partners are "invited in parallel": they are not given a
session of their own by default; instead the cycle's `partners_in_parallel` (true unless the
file says otherwise) makes the invitations reach partners for every session alongside its
own segment. A session whose segment is `partners` is one meant for partners only.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from adapters.clock import MOSCOW
from models.webinar import CertificateRule, Segment, WebinarCycle, WebinarSession
from models.webinar_machine import cycle_machine, session_machine
from services.actors import Actor
from services.errors import Problem
from services.transitions import transition
from services.webinar_plan_spec import PlanSpec, SessionSpec, parse_start
from services.webinar_queries import moscow_time
from services.yaml_files import (
    LinePath,
    line_of,
    load_mapping,
    pydantic_problem,
    read_source,
    refuse_if_any,
)

__all__ = ["PlanSpec", "SessionSpec", "default_segment", "load_plan", "parse_plan"]

WHAT = "план цикла вебинаров"

FIELDS = {
    "title": "название цикла", "goal": "цель", "year": "год", "certificate": "сертификаты",
    "rule": "правило выдачи", "min_sessions": "наименьшее число вебинаров",
    "partners_in_parallel": "приглашать сетевых партнёров на каждый вебинар",
    "min_minutes": "минимум минут присутствия для зачёта участия",
    "sessions": "вебинары", "topic": "тема", "speaker": "ведущий", "segment": "аудитория",
    "start": "дата и время начала", "duration": "продолжительность, минут",
    "link": "ссылка на подключение", "capacity": "число мест",
}
SPECIAL = {
    ("segment", "enum"): "неизвестная аудитория «{input}»: укажите heads (руководители), "
                         "deputies (заместители) или partners (сетевые партнёры)",
    ("rule", "literal_error"): "неизвестное правило выдачи сертификатов «{input}»: укажите "
                               "per_session (за каждый вебинар) или min_sessions (за цикл)",
    ("sessions", "too_short"): "в плане нет ни одного вебинара",
}


def default_segment(position: int) -> Segment:
    """The passport's order: the first session for heads, later ones for deputies."""
    return Segment.HEADS if position == 1 else Segment.DEPUTIES


def parse_plan(text: str, source_name: str = "план", *, now: datetime | None = None) -> PlanSpec:
    """YAML text → PlanSpec with segments filled; every problem at once in one ImportRefused.

    `now` (the injected clock) refuses sessions that start before it.
    """
    doc = load_mapping(text, source_name, what=WHAT)
    problems = list(doc.problems)
    spec: PlanSpec | None = None
    try:
        spec = PlanSpec.model_validate(doc.data)
    except ValidationError as err:
        problems += [_problem_of(e, doc.data, doc.lines) for e in err.errors()
                     if not _falsely_empty(e, doc.data)]
    problems += [Problem(line_of(doc.lines, path), msg) for path, msg in _cross(doc.data, now)]
    refuse_if_any(problems, what=WHAT)
    return _with_segments(spec)


def load_plan(rt, text_or_path: str | Path, *, actor: Actor) -> int:
    """Create the cycle and its sessions in one transaction; the new cycle's id."""
    with rt.transaction() as tx:
        text, source_name = _read(text_or_path)
        spec = parse_plan(text, source_name, now=tx.now)
        rule = CertificateRule(spec.certificate.rule)
        cycle = WebinarCycle(
            title=spec.title, goal=spec.goal, year=spec.year, certificate_rule=rule,
            min_sessions=spec.certificate.min_sessions if rule == CertificateRule.MIN_SESSIONS
            else None,
            partners_in_parallel=spec.partners_in_parallel, min_minutes=spec.min_minutes,
            source=text,
            source_name=source_name[:300], created_by=actor.person_id, created_at=tx.now,
            updated_at=tx.now)
        tx.session.add(cycle)
        tx.session.flush()
        with transition(tx, cycle_machine, cycle, "create", actor=actor) as step:
            step.details.update(source=source_name, sessions=len(spec.sessions))
        for position, s in enumerate(spec.ordered(), start=1):
            row = WebinarSession(
                cycle_id=cycle.id, position=position, topic=s.topic, speaker=s.speaker,
                segment=s.segment, starts_at=s.start, duration_minutes=s.duration,
                meeting_url=s.link, capacity=s.capacity, created_at=tx.now, updated_at=tx.now)
            tx.session.add(row)
            tx.session.flush()
            with transition(tx, session_machine, row, "create", actor=actor) as step:
                step.details.update(cycle_id=cycle.id, position=position,
                                    segment=str(s.segment),
                                    start=s.start_local.strftime("%d.%m.%Y %H:%M"))
        return cycle.id


def _falsely_empty(error: dict, data: dict) -> bool:
    """Pydantic counts only the valid entries for min_length: one bad session in the file
    is not «no sessions at all»."""
    sessions = data.get("sessions") if isinstance(data, dict) else None
    return (error["type"] == "too_short" and tuple(error["loc"]) == ("sessions",)
            and isinstance(sessions, list) and len(sessions) > 0)


def _with_segments(spec: PlanSpec) -> PlanSpec:
    position = {id(s): i for i, s in enumerate(spec.ordered(), start=1)}
    sessions = tuple(s if s.segment is not None
                     else s.model_copy(update={"segment": default_segment(position[id(s)])})
                     for s in spec.sessions)
    return spec.model_copy(update={"sessions": sessions})


def _cross(data: dict, now: datetime | None) -> list[tuple[LinePath, str]]:
    """Checks across fields: sessions in the past, overlapping sessions, the certificate rule."""
    found: list[tuple[LinePath, str]] = []
    sessions = data.get("sessions")
    sessions = sessions if isinstance(sessions, list) else []
    spans: list[tuple[datetime, datetime, int]] = []
    for i, item in enumerate(sessions):
        if not isinstance(item, dict):
            continue
        try:
            start = parse_start(item.get("start"))
        except PydanticCustomError:  # reported by the field validation
            continue
        label = _session_label(i, item)
        if now is not None and start <= now:
            found.append((("sessions", i, "start"),
                          f"{label}: начало {moscow_time(start)} уже прошло — вебинар в прошлом "
                          "не планируется"))
        duration = item.get("duration")
        if isinstance(duration, int) and not isinstance(duration, bool) and duration > 0:
            spans.append((start, start + timedelta(minutes=duration), i))
    spans.sort()
    for a, (start_a, end_a, i) in enumerate(spans):
        for start_b, _end_b, j in spans[a + 1:]:
            if start_b >= end_a:
                break
            found.append((("sessions", j, "start"),
                          f"{_session_label(j, sessions[j])} ({moscow_time(start_b)}) пересекается "
                          f"с вебинаром № {i + 1} ({moscow_time(start_a)}–"
                          f"{end_a.astimezone(MOSCOW):%H:%M}): вебинары одного цикла не "
                          "должны идти одновременно"))
    cert = data.get("certificate")
    if isinstance(cert, dict) and cert.get("rule") == "min_sessions":
        n = cert.get("min_sessions")
        if n is None:
            found.append((("certificate", "rule"), "сертификаты (certificate): для правила "
                          "min_sessions укажите min_sessions — сколько вебинаров нужно посетить"))
        elif isinstance(n, int) and not isinstance(n, bool) and n > len(sessions) > 0:
            found.append((("certificate", "min_sessions"),
                          f"сертификаты (certificate): требуется посетить {n} вебинаров, "
                          f"а в цикле их {len(sessions)}"))
    return found


def _problem_of(error: dict, data: dict, lines: dict[LinePath, int]) -> Problem:
    return pydantic_problem(error, data, lines, special=SPECIAL, place=_field_label,
                            field_name=lambda last, _loc: FIELDS.get(last, last))


def _field_label(loc: LinePath, data: Any) -> str:
    parts: list[str] = []
    node = data
    for i, key in enumerate(loc):
        if isinstance(key, int):
            item = node[key] if isinstance(node, list) and 0 <= key < len(node) else None
            parts.append(_session_label(key, item))
            node = item
            continue
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        if not isinstance(nxt, int):
            parts.append(f"{FIELDS[key]} ({key})" if key in FIELDS else f"«{key}»")
        node = node.get(key) if isinstance(node, dict) else None
    return ", ".join(parts)


def _session_label(index: int, item: Any) -> str:
    topic = item.get("topic") if isinstance(item, dict) else None
    label = f"вебинар № {index + 1}"
    if isinstance(topic, str) and topic.strip():
        short = topic.strip() if len(topic.strip()) <= 50 else topic.strip()[:47] + "…"
        label += f" «{short}»"
    return label


def _read(text_or_path: str | Path) -> tuple[str, str]:
    return read_source(text_or_path, what=WHAT, noun="плана")


def draft_plan(*, title: str, year: int, sessions: list[dict], goal: str = "",
               rule: str = "per_session", min_sessions: int | None = None,
               min_minutes: int = 30, partners_in_parallel: bool = True) -> str:
    """A plan's YAML from the CLI's options (`imc webinar create`), for load_plan to check and
    store like any file. Sessions: {start: «ГГГГ-ММ-ДД ЧЧ:ММ», topic, speaker, duration,
    capacity, link}; no segment is written, so the passport's order applies."""
    import yaml

    certificate: dict = {"rule": rule}
    if min_sessions is not None:
        certificate["min_sessions"] = min_sessions
    data = {"title": title, "goal": goal, "year": year, "certificate": certificate,
            "partners_in_parallel": partners_in_parallel, "min_minutes": min_minutes,
            "sessions": sessions}
    return ("# Создан командой imc webinar create\n"
            + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))

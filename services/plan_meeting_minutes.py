"""The minutes of a creative-group meeting from a YAML file: attendance and decisions.

The file (образец: data/samples/meeting-minutes.yaml):

    present     [член группы]      who attended: login, e-mail or ФИО («Иванова Наталья
                                   Анатольевна», «Иванова Н.А.», «Н.А. Иванова»)
    absent      [{who, reason}]    members absent, each with the reason
    guests      [e-mail]           invited people of the registry (imc person add)
    chair, secretary  (optional)   who chaired / kept the minutes, if not the ones scheduled
    decisions   [{question, speaker, heard, decided, responsible, due}]
                                   one per agenda question: its number, who spoke (a member
                                   present or a guest), СЛУШАЛИ (heard: «о плане работы …»),
                                   РЕШИЛИ (decided), ответственный and срок (optional)

Every member is either present or absent; the chair and the secretary are present. The file
is taken whole or not at all: every problem with its line (ImportRefused, audited). Recording
the minutes again before the meeting is held replaces them («replace_minutes» in the trail).
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from sqlalchemy import func
from sqlmodel import select

from adapters.russian import initials_name
from models import Person
from models.plan_meeting import MeetingAttendee, MeetingState
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, ImportRefused, Problem
from services.plan_meeting_queries import KIND, attendees, get_meeting
from services.runtime import Runtime
from services.yaml_files import line_of, load_mapping, pydantic_problem, read_source, refuse_if_any

WHAT = "протокол заседания"
FIELDS = {"present": "присутствовали", "absent": "отсутствовали", "who": "кто",
          "reason": "причина", "guests": "приглашённые", "chair": "председатель",
          "secretary": "секретарь", "decisions": "решения", "question": "номер вопроса",
          "speaker": "докладчик", "heard": "слушали", "decided": "решили",
          "responsible": "ответственный", "due": "срок"}
SPECIAL = {("reason", "string_too_short"): "укажите причину отсутствия",
           ("decided", "string_too_short"): "не указано, что решили"}

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Due = Annotated[str, BeforeValidator(lambda v: f"{v:%d.%m.%Y}" if isinstance(v, date) else v)]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Absent(_Frozen):
    who: Text
    reason: Text


class Decision(_Frozen):
    question: Annotated[int, Field(ge=1)]
    speaker: Text
    heard: Text
    decided: Text
    responsible: str = ""
    due: Due = ""


class Minutes(_Frozen):
    present: tuple[Text, ...]
    absent: tuple[Absent, ...] = ()
    guests: tuple[Text, ...] = ()
    chair: Text | None = None
    secretary: Text | None = None
    decisions: tuple[Decision, ...]


def record_minutes(rt: Runtime, meeting_id: int, source: str | Path, *, actor: Actor) -> dict:
    """Record (or replace) the minutes of a scheduled meeting from its YAML; counts."""
    text, name = read_source(source, what=WHAT, noun="протокола")
    doc = load_mapping(text, name, what=WHAT)
    problems = list(doc.problems)
    try:
        Minutes.model_validate(doc.data)
    except ValidationError as err:
        problems += [pydantic_problem(e, doc.data, doc.lines, special=SPECIAL, place=_place,
                                      field_name=lambda last, _: FIELDS.get(last, last))
                     for e in err.errors()]
    with rt.transaction() as tx:
        meeting = get_meeting(tx, meeting_id, lock=True)
        audit = {"object_kind": KIND, "object_id": meeting.id, "action": "record_minutes",
                 "from_state": str(meeting.state), "actor": actor, "details": {"file": name}}
        if meeting.state != MeetingState.SCHEDULED:
            raise DomainError(f"Заседание №{meeting.id} «{meeting.state.label}»: протокол "
                              "вносится только в назначенное заседание до его проведения",
                              audit=audit)
        rows = attendees(tx, meeting)
        check = _Check(tx, doc.data, doc.lines, meeting, [p for r, p in rows if not r.guest])
        try:
            refuse_if_any(problems + check.problems, what=WHAT)
        except ImportRefused as err:
            err.audit = audit
            raise
        replaced = bool(meeting.decisions)
        for row, person in rows:
            if row.guest:
                tx.session.delete(row)
            else:
                row.present = person.id in check.present
                row.absence_reason = check.absent.get(person.id, "")
                tx.session.add(row)
        tx.session.flush()
        tx.session.add_all(MeetingAttendee(meeting_id=meeting.id, person_id=p.id, guest=True)
                           for p in check.guests)
        meeting.decisions = check.decisions
        meeting.chair_id, meeting.secretary_id = check.chair, check.secretary
        meeting.updated_at = tx.now
        tx.session.add(meeting)
        counts = {"present": len(check.present), "absent": len(check.absent),
                  "guests": len(check.guests), "questions": len(check.decisions)}
        record_event(tx, object_kind=KIND, object_id=meeting.id,
                     action="replace_minutes" if replaced else "record_minutes", actor=actor,
                     state=str(meeting.state),
                     details={"file": name, "sha256": hashlib.sha256(text.encode()).hexdigest(),
                              **counts})
        return {"id": meeting.id, "replaced": replaced, **counts}


class _Check:
    """The file against the meeting: who is who, every member once, a decision per question.
    Works on the raw mapping, so these problems are found beside the type errors."""

    def __init__(self, tx, data: dict, lines, meeting, members: list[Person]) -> None:
        self.tx, self.data, self.lines, self.meeting = tx, data, lines, meeting
        self.members, self.problems = members, []
        self.present: set[int] = set()
        self.absent: dict[int, str] = {}
        self.absent_at: dict[int, tuple] = {}  # where each absent member is listed
        self.guests: list[Person] = []
        seen: dict[int, int | None] = {}
        for i, ref in _texts(data.get("present")):
            if person := self._member(ref, ("present", i), seen):
                self.present.add(person.id)
        for i, entry in enumerate(_list(data.get("absent"))):
            who = entry.get("who") if isinstance(entry, dict) else None
            if isinstance(who, str) and (person := self._member(who, ("absent", i, "who"),
                                                                seen)):
                self.absent[person.id] = str(entry.get("reason") or "").strip()
                self.absent_at[person.id] = ("absent", i, "who")
        if missing := [p.full_name for p in members if p.id not in seen]:
            self._add(("present",), "не отмечены члены группы: " + ", ".join(missing)
                      + " — укажите каждого в present или в absent (с причиной)")
        if data.get("present") == []:
            self._add(("present",), "нет ни одного присутствующего")
        self._guests()
        self.chair = self._role("chair", meeting.chair_id, "председатель")
        self.secretary = self._role("secretary", meeting.secretary_id, "секретарь")
        if self.chair is not None and self.chair == self.secretary:
            self._add(("secretary",), "председатель и секретарь — разные люди")
        self.decisions = self._decisions()

    def _add(self, path, message: str) -> None:
        where = _place(path, self.data)
        self.problems.append(Problem(line_of(self.lines, path),
                                     f"{where}: {message}" if where else message))

    def _member(self, ref: str, path, seen: dict) -> Person | None:
        person = self._match(ref, path, self.members, "не член творческой группы этого "
                             "заседания (члены: " + ", ".join(p.full_name for p in self.members)
                             + ")")
        if person is not None and person.id in seen:
            self._add(path, f"{person.full_name} уже указан(а) в строке {seen[person.id]}")
            return None
        if person is not None:
            seen[person.id] = line_of(self.lines, path)
        return person

    def _match(self, ref: str, path, people: list[Person], unknown: str) -> Person | None:
        key = _key(ref)
        found = [p for p in people if key in _keys(p)]
        if len(found) == 1:
            return found[0]
        self._add(path, f"«{ref}» — " + (unknown if not found else "подходит нескольким: "
                                         + ", ".join(p.full_name for p in found)
                                         + "; укажите логин или e-mail"))
        return None

    def _guests(self) -> None:
        member_ids = {p.id for p in self.members}
        for i, email in _texts(self.data.get("guests")):
            person = self.tx.session.exec(select(Person).where(
                func.lower(Person.email) == email.strip().lower(), Person.active)).first()
            if person is None:
                self._add(("guests", i), f"«{email}» нет среди людей реестра: добавьте "
                                         "человека (imc person add) или проверьте адрес")
            elif person.id in member_ids:
                self._add(("guests", i), f"{person.full_name} — член группы: укажите в present")
            elif person.id in {g.id for g in self.guests}:
                self._add(("guests", i), f"{person.full_name} указан(а) дважды")
            else:
                self.guests.append(person)

    def _role(self, field: str, scheduled: int | None, noun: str) -> int | None:
        ref = self.data.get(field)
        if isinstance(ref, str) and ref.strip():
            person = self._match(ref, (field,), self.members, "не член творческой группы")
            who = person.id if person else None
        else:
            who = scheduled
        if who is not None and who in self.absent:
            name = next(p.full_name for p in self.members if p.id == who)
            self._add((field,) if field in self.data else self.absent_at[who],
                      f"{noun} {name} отмечен(а) отсутствующим: укажите в поле {field} того, "
                      "кто его заменил, из присутствующих")
        return who

    def _decisions(self) -> list[dict]:
        agenda, made, out = self.meeting.agenda, {}, []
        speakers = [p for p in self.members if p.id in self.present] + self.guests
        for i, entry in enumerate(_list(self.data.get("decisions"))):
            if not isinstance(entry, dict):
                continue
            number, speaker = entry.get("question"), entry.get("speaker")
            if isinstance(number, int) and not isinstance(number, bool):
                if not 1 <= number <= len(agenda):
                    self._add(("decisions", i, "question"), f"в повестке дня {len(agenda)} "
                              f"вопрос(а), вопроса {number} нет")
                elif number in made:
                    self._add(("decisions", i, "question"), f"решение по вопросу {number} уже "
                              f"есть в строке {made[number]}")
                else:
                    made[number] = line_of(self.lines, ("decisions", i))
            person = (self._match(speaker, ("decisions", i, "speaker"), speakers,
                                  "не среди присутствующих и приглашённых")
                      if isinstance(speaker, str) and speaker.strip() else None)
            if person is not None and number in made:
                out.append({"question": number, "speaker_id": person.id,
                            "heard": _one_line(entry.get("heard")),
                            "decision": _one_line(entry.get("decided")),
                            "responsible": _one_line(entry.get("responsible")),
                            "due": _due(entry)})
        for n in range(1, len(agenda) + 1):
            if n not in made:
                self._add(("decisions",), f"нет решения по вопросу {n} «{agenda[n - 1]}»")
        return sorted(out, key=lambda d: d["question"])


def _due(entry: dict) -> str:
    value = entry.get("due")
    return f"{value:%d.%m.%Y}" if isinstance(value, date) else _one_line(value)


def _one_line(value: Any) -> str:
    """A YAML text as one paragraph of the protocol (line breaks of a block become spaces)."""
    return " ".join(str(value or "").split())


def _key(text: str) -> str:
    """A name or address as compared: no case, ё as е, initials written together."""
    text = " ".join(str(text).replace("ё", "е").replace("Ё", "Е").split()).casefold()
    return re.sub(r"\.\s+(?=\w\.)", ".", text)


def _keys(person: Person) -> set[str]:
    initials = initials_name("", person.first_name, person.middle_name).strip()
    names = {person.full_name, f"{person.last_name} {initials}", f"{initials} {person.last_name}"}
    return {_key(n) for n in names} | {_key(x) for x in (person.email, person.login) if x}


def _place(loc, data: Any) -> str:
    """«решения (decisions), вопрос 2, докладчик (speaker)» for an error's location."""
    parts = [f"{FIELDS[loc[0]]} ({loc[0]})"] if loc and loc[0] in FIELDS else []
    if len(loc) >= 2 and isinstance(loc[1], int):
        entry = _list(data.get(loc[0]) if isinstance(data, dict) else None)
        entry = entry[loc[1]] if loc[1] < len(entry) else None
        number = entry.get("question") if isinstance(entry, dict) else None
        parts.append(f"вопрос {number}" if loc[0] == "decisions" and isinstance(number, int)
                     else f"{loc[1] + 1}-я запись")
    if len(loc) >= 3 and isinstance(loc[2], str):
        parts.append(f"{FIELDS.get(loc[2], loc[2])} ({loc[2]})")
    return ", ".join(parts)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _texts(value: Any):
    return [(i, v) for i, v in enumerate(_list(value)) if isinstance(v, str) and v.strip()]

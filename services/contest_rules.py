"""Contest rules (Положение) as versioned data: parse a YAML file, store versions, read them."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError
from sqlmodel import Session, col, select

from models import ContestRules
from services.actors import Actor
from services.audit import record_event
from services.contest_rules_checks import COMMISSION_VOTE, cross_problems
from services.contest_rules_messages import line_of, problem_of, syntax_problem
from services.contest_rules_spec import Criterion, RulesSpec
from services.errors import ImportRefused, NotFound, Problem

__all__ = ["COMMISSION_VOTE", "Criterion", "RulesSpec", "all_rules", "latest_rules", "load_rules",
           "parse_rules", "rules_by_id", "rules_version", "spec_of"]

WHAT = "файл положения"
KIND = "contest_rules"
LinePath = tuple[str | int, ...]


def parse_rules(text: str, source_name: str = "положение") -> RulesSpec:
    """YAML text → RulesSpec; every problem at once in one ImportRefused, with YAML lines."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise ImportRefused(problems=[syntax_problem(err)], what=WHAT) from err
    if not isinstance(data, dict):
        what = "файл пуст" if data is None else "ожидается набор полей «ключ: значение»"
        raise ImportRefused(problems=[Problem(None, f"{source_name}: {what}")], what=WHAT)
    lines: dict[LinePath, int] = {}
    problems = _walk(root, (), lines)
    try:
        spec = RulesSpec.model_validate(data, context={"cross_checked": True})
    except ValidationError as err:
        spec = None
        problems += [problem_of(e, data, lines) for e in err.errors()]
    problems += [Problem(line_of(lines, path), message) for path, message in cross_problems(data)]
    if problems or spec is None:
        unique = list(dict.fromkeys(problems))
        raise ImportRefused(problems=sorted(unique, key=_order), what=WHAT)
    return spec


def load_rules(rt, path_or_text: str | Path, *, actor: Actor) -> tuple[int, int, bool]:
    """Store a new version unless the latest has the same text: (row id, version, created)."""
    with rt.transaction() as tx:
        text, source_name = _read(path_or_text)
        try:
            spec = parse_rules(text, source_name)
        except ImportRefused as err:
            err.audit = _refusal_audit(tx.session, text, source_name, actor, err)
            raise
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        latest = latest_rules(rt, spec.code, session=tx.session)
        if latest is not None and latest.sha256 == digest:
            record_event(tx, object_kind=KIND, object_id=latest.id, action="load", actor=actor,
                         details={"code": spec.code, "version": latest.version,
                                  "created": False, "source": source_name})
            return latest.id, latest.version, False
        row = ContestRules(code=spec.code, version=(latest.version + 1) if latest else 1,
                           title=spec.title, source=text, sha256=digest, loaded_at=tx.now,
                           loaded_by=actor.label[:300])
        tx.session.add(row)
        tx.session.flush()
        record_event(tx, object_kind=KIND, object_id=row.id, action="load", actor=actor,
                     details={"code": spec.code, "version": row.version, "created": True,
                              "source": source_name, "sha256": digest})
        return row.id, row.version, True


def latest_rules(rt, code: str, *, session: Session | None = None) -> ContestRules | None:
    """The newest stored version of a contest's rules, or None."""
    stmt = (select(ContestRules).where(ContestRules.code == code)
            .order_by(col(ContestRules.version).desc()).limit(1))
    return _first(rt, stmt, session)


def rules_version(rt, code: str, version: int, *,
                  session: Session | None = None) -> ContestRules | None:
    """One stored version of a contest's rules, or None."""
    stmt = select(ContestRules).where(ContestRules.code == code, ContestRules.version == version)
    return _first(rt, stmt, session)


def rules_by_id(rt, rules_id: int) -> ContestRules | None:
    """A stored version by its row id."""
    with rt.session() as session:
        return session.get(ContestRules, rules_id)


def all_rules(rt) -> list[ContestRules]:
    """Every stored version, by code then version."""
    with rt.session() as session:
        stmt = select(ContestRules).order_by(ContestRules.code, ContestRules.version)
        return list(session.exec(stmt))


def spec_of(row: ContestRules) -> RulesSpec:
    """The parsed rules of a stored version (parsed once per text)."""
    return _parse_stored(row.source)


@lru_cache(maxsize=64)
def _parse_stored(source: str) -> RulesSpec:
    return parse_rules(source, "сохранённое положение")


def _first(rt, stmt, session: Session | None) -> ContestRules | None:
    if session is not None:
        return session.exec(stmt).first()
    with rt.session() as own:
        return own.exec(stmt).first()


def _read(path_or_text: str | Path) -> tuple[str, str]:
    """(text, name to show): a Path or a one-line string naming a file, else YAML text itself."""
    if isinstance(path_or_text, str) and ("\n" in path_or_text or not path_or_text.strip()
                                          or not path_or_text.endswith((".yaml", ".yml"))):
        return path_or_text, "текст положения"
    path = Path(path_or_text)
    if not path.is_file():
        raise NotFound(f"Файл положения «{path}» не найден")
    try:
        return path.read_bytes().decode("utf-8-sig"), path.name
    except UnicodeDecodeError as err:
        raise ImportRefused(problems=[Problem(None, f"«{path.name}» не в кодировке UTF-8: "
                                                    "сохраните файл в UTF-8")], what=WHAT) from err


def _refusal_audit(session: Session, text: str, source_name: str, actor: Actor,
                   err: ImportRefused) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        data = None
    code = data.get("code") if isinstance(data, dict) else None
    latest = None
    if isinstance(code, str):
        stmt = (select(ContestRules).where(ContestRules.code == code)
                .order_by(col(ContestRules.version).desc()).limit(1))
        latest = session.exec(stmt).first()
    return {"object_kind": KIND, "object_id": latest.id if latest else 0, "action": "load",
            "actor": actor, "details": {"code": code if isinstance(code, str) else "",
                                        "source": source_name,
                                        "problems": [str(p) for p in err.problems]}}


def _walk(node, path: LinePath, lines: dict[LinePath, int]) -> list[Problem]:
    """Record the line of every key and item; report keys given twice (YAML keeps the last)."""
    problems: list[Problem] = []
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key, line = key_node.value, key_node.start_mark.line + 1
            if key in seen:
                problems.append(Problem(line, f"поле «{key}» указано дважды (уже было в строке "
                                              f"{seen[key]}): оставьте одно"))
            seen[key] = line
            lines[(*path, key)] = line
            problems += _walk(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            lines[(*path, i)] = item.start_mark.line + 1
            problems += _walk(item, (*path, i), lines)
    return problems


def _order(p: Problem) -> tuple[bool, int]:
    return p.line is None, p.line or 0

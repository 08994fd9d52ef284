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
from services.contest_rules_messages import problem_of
from services.contest_rules_spec import Criterion, RulesSpec
from services.errors import ImportRefused, Problem
from services.yaml_files import line_of, load_mapping, read_source, refuse_if_any

__all__ = ["COMMISSION_VOTE", "Criterion", "RulesSpec", "all_rules", "latest_rules", "load_rules",
           "parse_rules", "rules_by_id", "rules_version", "spec_of"]

WHAT = "файл положения"
KIND = "contest_rules"
LinePath = tuple[str | int, ...]


def parse_rules(text: str, source_name: str = "положение") -> RulesSpec:
    """YAML text → RulesSpec; every problem at once in one ImportRefused, with YAML lines."""
    doc = load_mapping(text, source_name, what=WHAT)
    problems = list(doc.problems)
    try:
        spec = RulesSpec.model_validate(doc.data, context={"cross_checked": True})
    except ValidationError as err:
        spec = None
        problems += [problem_of(e, doc.data, doc.lines) for e in err.errors()]
    problems += [Problem(line_of(doc.lines, path), message)
                 for path, message in cross_problems(doc.data)]
    refuse_if_any(problems, what=WHAT)
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
    return read_source(path_or_text, what=WHAT, noun="положения")


def _refusal_audit(session: Session, text: str, source_name: str, actor: Actor,
                   err: ImportRefused) -> dict:
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, ValueError, OverflowError):
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

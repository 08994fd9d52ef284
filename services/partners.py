"""Partners and district schools: adding one, importing a whole file, listing them."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from adapters.tabular import Row, read_table
from models import Organisation, OrgKind, Person, PersonRole
from models.org import ORG_KIND_LABELS
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, ImportRefused, Problem
from services.org import fill_cases
from services.partner_input import (
    LABELS,
    PartnerInput,
    inn_valid,
    normalize_email,
    validate_partner,
)
from services.runtime import Runtime, Tx

OBJECT_KIND = "organisation"
WHAT = "файл партнёров"

# Accepted headers of the import file: the first spelling is the documented one.
COLUMNS: dict[str, list[str]] = {
    "full_name": [LABELS["full_name"], "Полное наименование организации", "Наименование",
                  "Наименование организации", "Организация", "full_name"],
    "short_name": [LABELS["short_name"], "Краткое наименование организации",
                   "Сокращённое наименование", "Сокращённое наименование организации",
                   "short_name"],
    "municipality": [LABELS["municipality"], "Муниципалитет", "Район", "МО", "municipality"],
    "legal_address": [LABELS["legal_address"], "Юр. адрес", "Адрес", "legal_address"],
    "inn": [LABELS["inn"], "inn"],
    "ogrn": [LABELS["ogrn"], "ogrn"],
    "phone": [LABELS["phone"], "Телефон", "phone"],
    "email": [LABELS["email"], "E-mail организации", "Эл. почта организации",
              "Электронная почта организации", "email"],
    "head_fio": ["ФИО руководителя", "Руководитель", "head_fio"],
    "head_last_name": [LABELS["head_last_name"], "Фамилия", "head_last_name"],
    "head_first_name": [LABELS["head_first_name"], "Имя", "head_first_name"],
    "head_middle_name": [LABELS["head_middle_name"], "Отчество", "head_middle_name"],
    "head_position": [LABELS["head_position"], "Должность", "head_position"],
    "head_position_genitive": [LABELS["head_position_genitive"],
                               "Должность в родительном падеже", "Должность (род. п.)",
                               "head_position_genitive"],
    "head_email": [LABELS["head_email"], "E-mail руководителя", "Эл. почта руководителя",
                   "Электронная почта руководителя", "head_email"],
    "head_phone": [LABELS["head_phone"], "head_phone"],
    "kind": [LABELS["kind"], "Тип организации", "Вид", "Тип", "kind"],
}
REQUIRED = ("full_name", "short_name", "municipality", "legal_address", "head_position",
            "head_email")
NAME_PARTS = ("head_last_name", "head_first_name", "head_middle_name")

MSG_NOT_ADDED = "Организация не добавлена: {reasons}"
MSG_NO_FIO = ("Нет столбцов с ФИО руководителя: нужен «ФИО руководителя» или "
              "«Фамилия руководителя» и «Имя руководителя»")
MSG_DB_INN = "организация с ИНН {key} уже есть в базе: «{org}» (№ {id})"
MSG_DB_EMAIL = "адрес {key} уже есть в базе: {person}, «{org}» (№ {id})"
MSG_DB_NAME = "организация «{key}» уже есть в базе (№ {id})"
MSG_FILE_INN = "ИНН {key} повторяется: он уже указан в строке {line}"
MSG_FILE_EMAIL = "Email руководителя {key} повторяется: он уже указан в строке {line}"
MSG_FILE_NAME = "Полное наименование «{key}» повторяется: оно уже указано в строке {line}"
MSG_RACE = "Организация не добавлена: такой ИНН только что записан другим сотрудником"


@dataclass
class ImportReport:
    """What an import created."""

    created: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)


def _name_key(name: str) -> str:
    # «МБОУ СОШ №1» and «мбоу  сош № 1» are the same organisation.
    return "".join(ch for ch in name.casefold().replace("ё", "е") if ch.isalnum())


@dataclass(frozen=True)
class _Keys:
    """What makes an organisation a duplicate: ИНН, the head's e-mail, the full name."""

    inn: str | None
    email: str
    full_name: str

    @classmethod
    def of(cls, inn: str | None, email: str, full_name: str) -> _Keys:
        inn = "".join((inn or "").split())
        return cls(inn if inn_valid(inn) else None, normalize_email(email), full_name.strip())

    @property
    def name(self) -> str:
        return _name_key(self.full_name)


@dataclass
class _Known:
    """Who is already in the database, by ИНН, e-mail and full name."""

    inns: dict[str, Organisation]
    emails: dict[str, tuple[Person, Organisation | None]]
    names: dict[str, Organisation]

    @classmethod
    def load(cls, tx: Tx) -> _Known:
        orgs = {o.id: o for o in tx.session.exec(select(Organisation))}
        people = tx.session.exec(select(Person).where(Person.email != ""))
        return cls(
            inns={o.inn: o for o in orgs.values() if o.inn},
            emails={normalize_email(p.email): (p, orgs.get(p.organisation_id)) for p in people},
            names={_name_key(o.full_name): o for o in orgs.values()},
        )

    def clashes(self, keys: _Keys) -> list[tuple[str, Organisation | None]]:
        """Russian reasons the keys duplicate someone in the database, with that organisation."""
        found = []
        if keys.inn and (org := self.inns.get(keys.inn)):
            found.append((MSG_DB_INN.format(key=keys.inn, org=org.short_name, id=org.id), org))
        if keys.email and (hit := self.emails.get(keys.email)):
            person, org = hit
            label = org.short_name if org else "без организации"
            message = MSG_DB_EMAIL.format(key=keys.email, person=person.full_name,
                                          org=label, id=org.id if org else "—")
            found.append((message, org))
        if keys.name and (org := self.names.get(keys.name)):
            found.append((MSG_DB_NAME.format(key=org.full_name, id=org.id), org))
        return found


def _create(tx: Tx, card: PartnerInput, actor: Actor, details: dict) -> Organisation:
    org = Organisation(
        kind=card.kind, full_name=card.full_name, short_name=card.short_name,
        municipality=card.municipality, legal_address=card.legal_address, inn=card.inn,
        ogrn=card.ogrn, phone=card.phone, email=card.email, basis_genitive=card.basis_genitive,
        created_at=tx.now,
    )
    tx.session.add(org)
    tx.session.flush()
    head = Person(
        organisation_id=org.id, role=PersonRole.HEAD, last_name=card.head_last_name,
        first_name=card.head_first_name, middle_name=card.head_middle_name,
        position=card.head_position, position_genitive=card.head_position_genitive,
        email=card.head_email, phone=card.head_phone, created_at=tx.now,
    )
    tx.session.add(fill_cases(head))
    record_event(tx, object_kind=OBJECT_KIND, object_id=org.id, action="create", actor=actor,
                 details={"kind": str(card.kind), "short_name": card.short_name,
                          "inn": card.inn or "", **details})
    return org


def add_partner(rt: Runtime, data: PartnerInput, *, actor: Actor) -> int:
    """Create the organisation and its head; refuse a duplicate ИНН, head e-mail or name."""
    try:
        with rt.transaction() as tx:
            clashes = _Known.load(tx).clashes(_Keys.of(data.inn, data.head_email, data.full_name))
            if clashes:
                reasons = "; ".join(message for message, _ in clashes)
                existing = clashes[0][1]
                if existing is not None:
                    tx.session.expunge(existing)  # keep it readable after the rollback
                raise DomainError(MSG_NOT_ADDED.format(reasons=reasons), obj=existing)
            return _create(tx, data, actor, {"source": "manual"}).id
    except IntegrityError as err:  # a concurrent insert of the same ИНН won the race
        raise DomainError(MSG_RACE) from err


def _row_values(row: Row) -> dict[str, str]:
    values = {name: row.get(name) for name in COLUMNS if name != "head_fio"}
    fio = row.get("head_fio").split()
    if fio and not any(values[part] for part in NAME_PARTS):
        # «Фамилия Имя Отчество»; a longer tail («Гусейн оглы») stays the patronymic.
        values["head_last_name"] = fio[0]
        values["head_first_name"] = fio[1] if len(fio) > 1 else ""
        values["head_middle_name"] = " ".join(fio[2:])
    return values


def _check_rows(rows: list[Row], known: _Known, skip: set[str]) -> tuple[list, list[Problem]]:
    """Every row's problems (the fields in `skip` are already reported as missing columns)."""
    cards: list[tuple[Row, PartnerInput]] = []
    problems: list[Problem] = []
    seen: dict[str, dict[str, int]] = {"inn": {}, "email": {}, "name": {}}
    for row in rows:
        values = _row_values(row)
        card, errors = validate_partner(values)
        problems += [Problem(row.line, text) for name, text in errors if name not in skip]
        # Duplicates are checked on the raw values too, so a line with other errors shows them.
        keys = _Keys.of(values["inn"], values["head_email"], values["full_name"])
        for kind, key, shown, template in (
            ("inn", keys.inn, keys.inn, MSG_FILE_INN),
            ("email", keys.email, keys.email, MSG_FILE_EMAIL),
            ("name", keys.name, keys.full_name, MSG_FILE_NAME),
        ):
            if key and key in seen[kind]:
                problems.append(Problem(row.line, template.format(key=shown,
                                                                   line=seen[kind][key])))
            elif key:
                seen[kind][key] = row.line
        problems += [Problem(row.line, message) for message, _ in known.clashes(keys)]
        if card is not None:
            cards.append((row, card))
    return cards, problems


def import_partners(rt: Runtime, data: bytes, filename: str, *, actor: Actor,
                    kind: OrgKind | None = None) -> ImportReport:
    """Whole file or nothing: every problem of every line refused at once, else all inserted."""
    table = read_table(data, filename, COLUMNS, required=REQUIRED)
    if not table.rows:
        raise ImportRefused(problems=table.problems, what=WHAT)
    problems = list(table.problems)
    skip = {name for name in REQUIRED if name not in table.present}
    has_parts = {"head_last_name", "head_first_name"} <= table.present
    if "head_fio" not in table.present and not has_parts:
        problems.append(Problem(None, MSG_NO_FIO))
        skip |= set(NAME_PARTS)
    report = ImportReport(ignored_headers=list(table.unknown_headers))
    try:
        with rt.transaction() as tx:
            cards, row_problems = _check_rows(table.rows, _Known.load(tx), skip)
            problems += row_problems
            if problems:
                problems.sort(key=lambda p: p.line or 0)  # stable: a line keeps its order
                raise ImportRefused(problems=problems, what=WHAT)
            for row, card in cards:
                if kind is not None and "kind" not in table.present:
                    card = card.model_copy(update={"kind": kind})
                org = _create(tx, card, actor, {"source": "import", "file": filename,
                                                "line": row.line})
                report.ids.append(org.id)
                report.by_kind[str(card.kind)] = report.by_kind.get(str(card.kind), 0) + 1
    except IntegrityError as err:
        raise ImportRefused(problems=[Problem(None, MSG_RACE)], what=WHAT) from err
    report.created = len(report.ids)
    return report


def list_partners(rt: Runtime, kind: OrgKind | str | None = None) -> list[dict[str, str]]:
    """Partners and schools (not the centre) as plain rows for a table, by municipality."""
    with rt.session() as session:
        stmt = select(Organisation, Person).join(
            Person,
            (Person.organisation_id == Organisation.id) & (Person.role == PersonRole.HEAD)
            & Person.active,
            isouter=True,
        )
        if kind is None:
            stmt = stmt.where(Organisation.kind != OrgKind.CENTRE)
        else:
            stmt = stmt.where(Organisation.kind == OrgKind(kind))
        stmt = stmt.order_by(Organisation.municipality, Organisation.short_name, Organisation.id)
        rows, seen = [], set()
        for org, head in session.exec(stmt):
            if org.id in seen:  # two active heads: show the organisation once
                continue
            seen.add(org.id)
            rows.append({
                "id": str(org.id),
                "kind": str(org.kind),
                "kind_label": ORG_KIND_LABELS[org.kind],
                "short_name": org.short_name,
                "full_name": org.full_name,
                "municipality": org.municipality,
                "inn": org.inn or "",
                "ogrn": org.ogrn or "",
                "phone": org.phone,
                "email": org.email,
                "head": head.full_name if head else "",
                "head_position": head.position if head else "",
                "head_email": head.email if head else "",
            })
        return rows

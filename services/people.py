"""People's cards: adding an organisation's people (deputies, heads, contacts), listing them,
and what staff may correct (addresses, positions, the declined ФИО)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from models import Organisation, OrgKind, Person, PersonRole
from services.actors import Actor
from services.audit import record_event
from services.errors import DomainError, NotFound
from services.org import fill_cases
from services.partner_input import _EMAIL, MSG_EMAIL, normalize_email
from services.runtime import Runtime, Tx

EDITABLE = ("email", "phone", "position", "position_genitive", "fio_genitive", "fio_dative",
            "fio_accusative", "fio_instrumental", "fio_prepositional")

# Who staff add to an organisation here; the centre's people come from data/centre.yaml,
# experts from `imc contest add-expert`.
ADDABLE = (PersonRole.DEPUTY, PersonRole.HEAD, PersonRole.CONTACT)
ROLE_LABELS = {
    PersonRole.DIRECTOR: "директор ИМЦ", PersonRole.STAFF: "сотрудник ИМЦ",
    PersonRole.HEAD: "руководитель", PersonRole.DEPUTY: "заместитель",
    PersonRole.EXPERT: "эксперт", PersonRole.CONTACT: "контакт",
}
ROLE_WORDS = {
    PersonRole.DEPUTY: ("заместитель", "зам", "заместитель руководителя",
                        "заместитель директора"),
    PersonRole.HEAD: ("руководитель", "директор"),
    PersonRole.CONTACT: ("контакт", "контактное лицо"),
    PersonRole.STAFF: ("сотрудник", "сотрудник имц"),
    PersonRole.EXPERT: ("эксперт",),
}
GENDER_WORDS = {"male": ("м", "муж", "мужской"), "female": ("ж", "жен", "женский")}
# The first word of a position in the genitive; the rest («директора по УВР») is a complement
# already in its case. A position starting with any other word gets no genitive.
FIRST_WORD_GENITIVE = {
    "заместитель": "заместителя", "директор": "директора", "заведующий": "заведующего",
    "заведующая": "заведующей", "начальник": "начальника", "руководитель": "руководителя",
    "советник": "советника", "методист": "методиста", "учитель": "учителя",
    "секретарь": "секретаря", "специалист": "специалиста", "председатель": "председателя",
}
LIMITS = {"last_name": 100, "first_name": 100, "middle_name": 100, "position": 200,
          "email": 254, "phone": 50}
FIELD_LABELS = {"last_name": "Фамилия", "first_name": "Имя", "middle_name": "Отчество",
                "position": "Должность", "email": "Email", "phone": "Телефон"}
REQUIRED = ("last_name", "first_name", "position", "email")

MSG_NOT_ADDED = "Человек не добавлен: {reasons}"
MSG_REQUIRED = "{label}: не заполнено"
MSG_TOO_LONG = "{label}: слишком длинное значение (больше {max} символов)"
MSG_ROLE = ("роль «{value}» неизвестна: укажите заместитель (deputy), руководитель (head) "
            "или контакт (contact)")
MSG_ROLE_STAFF = ("роль «{value}» здесь не добавляется: сотрудники ИМЦ берутся из "
                  "data/centre.yaml (imc seed), эксперты — imc contest add-expert")
MSG_GENDER = "пол «{value}» не распознан: укажите male или female (м или ж)"
MSG_ORG_UNKNOWN = ("организация «{ref}» не найдена (укажите номер или краткое наименование, "
                   "см. imc partner list)")
MSG_ORG_MANY = "«{ref}» — так называются несколько организаций ({ids}): укажите номер"
MSG_ORG_CENTRE = "в МКУ ИМЦ люди здесь не добавляются: сотрудники берутся из data/centre.yaml"
MSG_SAME_EMAIL = "в «{org}» уже есть {person} (№ {id}) с адресом {email}"
MSG_HEAD_EXISTS = ("у «{org}» уже есть руководитель: {person} (№ {id}); исправьте его карточку "
                   "(imc person edit)")


@dataclass(frozen=True)
class PersonCard:
    """A person of an organisation as entered and checked (the organisation found apart)."""

    role: PersonRole
    last_name: str
    first_name: str
    middle_name: str
    position: str
    email: str
    phone: str
    gender: str


def _word(value: object) -> str:
    return " ".join(str(value or "").strip().lower().replace("ё", "е").rstrip(".").split())


def parse_role(value: PersonRole | str, *, addable: bool = True) -> PersonRole:
    """deputy/head/contact or заместитель/руководитель/контакт; a Russian ValueError otherwise
    (also for the centre's and the contests' roles when `addable`)."""
    word = _word(value)
    role = next((r for r in PersonRole if word in (r.value, *ROLE_WORDS.get(r, ()))), None)
    if role is None:
        raise ValueError(MSG_ROLE.format(value=value))
    if addable and role not in ADDABLE:
        raise ValueError(MSG_ROLE_STAFF.format(value=value))
    return role


def parse_gender(value: str | None) -> str:
    """male/female (м/ж, муж/жен); «» when not given (then pytrovich guesses it)."""
    word = _word(value)
    for gender, words in GENDER_WORDS.items():
        if word in (gender, *words):
            return gender
    if word:
        raise ValueError(MSG_GENDER.format(value=value))
    return ""


def position_genitive(position: str) -> str:
    """«Заместитель директора по УВР» → «заместителя директора по УВР»; «» when unsure."""
    first, _, rest = position.strip().partition(" ")
    declined = FIRST_WORD_GENITIVE.get(first.lower().replace("ё", "е"))
    return f"{declined} {rest.strip()}".strip() if declined else ""


def check_card(values: dict) -> tuple[PersonCard | None, list[str]]:
    """The card, or None and every problem of its fields (Russian)."""
    clean = {k: " ".join(str(values.get(k) or "").split()) for k in LIMITS}
    clean["email"] = normalize_email(clean["email"])
    problems = [MSG_REQUIRED.format(label=FIELD_LABELS[k]) for k in REQUIRED if not clean[k]]
    problems += [MSG_TOO_LONG.format(label=FIELD_LABELS[k], max=n)
                 for k, n in LIMITS.items() if len(clean[k]) > n]
    if clean["email"] and not _EMAIL.fullmatch(clean["email"]):
        problems.append(MSG_EMAIL.format(value=clean["email"]))
    parsed = {}
    for name, parse in (("role", parse_role), ("gender", parse_gender)):
        if name == "role" and not _word(values.get(name)):
            problems.append(MSG_REQUIRED.format(label="Роль"))
            continue
        try:
            parsed[name] = parse(values.get(name) or "")
        except ValueError as err:
            problems.append(str(err))
    if problems:
        return None, problems
    return PersonCard(**parsed, **clean), []


def _name_key(name: str) -> str:
    return " ".join(name.casefold().replace("ё", "е").replace("№", " № ").split())


@dataclass
class Directory:
    """The organisations and their active people: to find an organisation, to see clashes."""

    orgs: list[Organisation]
    people: list[Person]

    @classmethod
    def load(cls, session: Session) -> Directory:
        people = select(Person).where(Person.active, Person.organisation_id.is_not(None))
        return cls(list(session.exec(select(Organisation).order_by(Organisation.id))),
                   list(session.exec(people.order_by(Person.last_name, Person.first_name,
                                                     Person.id))))

    def find(self, ref: int | str, *, by_number: bool = True,
             by_inn: bool = False) -> tuple[Organisation | None, str]:
        """By number (or ИНН), by the exact short name, then by a name ignoring case and
        spacing; (the organisation, «») or (None, why not)."""
        text = " ".join(str(ref).split())
        digits = text.replace(" ", "")
        if by_inn and digits.isdigit() and len(digits) in (10, 12):
            found = [o for o in self.orgs if o.inn == digits]
        elif by_number and text.isdigit():
            found = [o for o in self.orgs if o.id == int(text)]
        else:
            key = _name_key(text)
            found = [o for o in self.orgs if o.short_name == text] or [
                o for o in self.orgs if key in (_name_key(o.short_name), _name_key(o.full_name))]
        if len(found) > 1:
            return None, MSG_ORG_MANY.format(ref=text, ids=", ".join(f"№ {o.id}" for o in found))
        if not found:
            return None, MSG_ORG_UNKNOWN.format(ref=text)
        return found[0], ""

    def clashes(self, org: Organisation, card: PersonCard) -> list[str]:
        """Why this person cannot join the organisation: the centre, the same e-mail there,
        a second head."""
        if org.kind == OrgKind.CENTRE:
            return [MSG_ORG_CENTRE]
        problems = []
        for p in self.people:
            if p.organisation_id != org.id:
                continue
            if normalize_email(p.email) == card.email:
                problems.append(MSG_SAME_EMAIL.format(org=org.short_name, person=p.full_name,
                                                      id=p.id, email=card.email))
            if card.role == PersonRole.HEAD and p.role == PersonRole.HEAD:
                problems.append(MSG_HEAD_EXISTS.format(org=org.short_name, person=p.full_name,
                                                       id=p.id))
        return problems


def create(tx: Tx, org: Organisation, card: PersonCard, actor: Actor, details: dict) -> Person:
    """Insert the person, the ФИО declined, with an audit entry (`person`, `create`)."""
    person = Person(organisation_id=org.id, role=card.role, last_name=card.last_name,
                    first_name=card.first_name, middle_name=card.middle_name,
                    gender=card.gender, position=card.position,
                    position_genitive=position_genitive(card.position), email=card.email,
                    phone=card.phone, created_at=tx.now)
    tx.session.add(fill_cases(person))
    tx.session.flush()
    record_event(tx, object_kind="person", object_id=person.id, action="create", actor=actor,
                 details={"organisation_id": org.id, "organisation": org.short_name,
                          "role": str(card.role), "email": card.email, **details})
    return person


def add_person(rt: Runtime, *, organisation_id: int | str, role: PersonRole | str,
               last_name: str, first_name: str, middle_name: str = "", position: str,
               email: str, phone: str = "", gender: str | None = None, actor: Actor) -> int:
    """Add a deputy, head or contact to an organisation (its number, or its short name as
    typed); every problem in one Russian DomainError, and then nothing is stored."""
    card, problems = check_card({
        "role": role, "last_name": last_name, "first_name": first_name,
        "middle_name": middle_name, "position": position, "email": email, "phone": phone,
        "gender": gender})
    with rt.transaction() as tx:
        directory = Directory.load(tx.session)
        org, missing = directory.find(organisation_id)
        problems += [missing] if missing else []
        if org is not None and card is not None:
            problems += directory.clashes(org, card)
        if problems:
            reasons = problems[0] if len(problems) == 1 else "".join(
                f"\n  • {p}" for p in problems)
            raise DomainError(MSG_NOT_ADDED.format(reasons=reasons))
        return create(tx, org, card, actor, {"source": "manual"}).id


def list_people(rt: Runtime, *, organisation: int | str | None = None,
                role: PersonRole | str | None = None) -> list[dict[str, str]]:
    """Active people of organisations (the centre's too) as plain rows, by organisation,
    role (heads first) and name."""
    try:
        wanted_role = parse_role(role, addable=False) if role else None
    except ValueError as err:
        raise DomainError(str(err).capitalize()) from err
    with rt.session() as session:
        directory = Directory.load(session)
    wanted = None
    if organisation is not None:
        wanted, missing = directory.find(organisation)
        if wanted is None:
            raise NotFound(missing.capitalize())
    orgs = {o.id: o for o in directory.orgs}
    order = {r: i for i, r in enumerate(PersonRole)}
    people = sorted(directory.people, key=lambda p: (orgs[p.organisation_id].short_name,
                                                     order[p.role]))  # stable: names kept
    return [{"id": str(p.id), "full_name": p.full_name, "role": str(p.role),
             "role_label": ROLE_LABELS[p.role], "position": p.position,
             "organisation": orgs[p.organisation_id].short_name,
             "organisation_id": str(p.organisation_id), "email": p.email, "phone": p.phone}
            for p in people if (wanted is None or p.organisation_id == wanted.id)
            and (wanted_role is None or p.role == wanted_role)]


def find(tx: Tx, ref: str | int) -> Person:
    """A person by id or by staff login."""
    text = str(ref).strip()
    stmt = select(Person).where(Person.id == int(text)) if text.isdigit() else select(
        Person).where(Person.login == text)
    person = tx.session.exec(stmt).first()
    if person is None:
        raise NotFound(f"Человек «{text}» не найден (укажите номер или логин сотрудника)")
    return person


def card(rt: Runtime, ref: str | int) -> dict:
    with rt.transaction() as tx:
        p = find(tx, ref)
        return {"id": p.id, "full_name": p.full_name, "role": str(p.role), "login": p.login,
                **{field: getattr(p, field) for field in EDITABLE}}


def edit(rt: Runtime, ref: str | int, changes: dict[str, str], *, actor: Actor) -> dict:
    """Correct a person's card; every change is audited with its old and new value."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise DomainError(f"Эти поля менять нельзя: {', '.join(sorted(unknown))}")
    if "email" in changes:
        changes["email"] = normalize_email(changes["email"])
        if not _EMAIL.fullmatch(changes["email"]):
            raise DomainError(MSG_EMAIL.format(value=changes["email"]))
    with rt.transaction() as tx:
        person = find(tx, ref)
        diff = {k: {"было": getattr(person, k), "стало": v.strip()}
                for k, v in changes.items() if getattr(person, k) != v.strip()}
        for field, values in diff.items():
            setattr(person, field, values["стало"])
        tx.session.add(person)
        if diff:
            record_event(tx, object_kind="person", object_id=person.id, action="edit",
                         actor=actor, details=diff)
        return diff

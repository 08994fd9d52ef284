"""The organisations and their active people, loaded once: finding an organisation by its
number, ИНН or name, and why a new person cannot join it (the same e-mail, a second head)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from models import Organisation, OrgKind, Person, PersonRole
from services.partner_input import normalize_email
from services.people_card import PersonCard

MSG_ORG_UNKNOWN = ("организация «{ref}» не найдена (укажите номер или краткое наименование, "
                   "см. imc partner list)")
MSG_ORG_MANY = "«{ref}» — так называются несколько организаций ({ids}): укажите номер"
MSG_ORG_CENTRE = "в МКУ ИМЦ люди здесь не добавляются: сотрудники берутся из data/centre.yaml"
MSG_SAME_EMAIL = "в «{org}» уже есть {person} (№ {id}) с адресом {email}"
MSG_HEAD_EXISTS = ("у «{org}» уже есть руководитель: {person} (№ {id}); исправьте его карточку "
                   "(imc person edit)")


def _name_key(name: str) -> str:
    # Not services.requesters.name_key: that one also drops quotes, so «"СОШ № 1"» would
    # find «СОШ № 1» here, which this lookup has never done.
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

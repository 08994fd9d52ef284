"""Who is asking: the requester of a webinar or a consultation, from an unauthenticated form.

The person is found by e-mail (an active card) or created as a contact; their organisation is
the card's, or — for a new contact or a card of the centre — the one organisation whose name
is the typed one (compared without case, quotes, «ё» and extra spaces). An existing card is
never changed from such a form; the typed organisation name is kept by the caller.
"""

from __future__ import annotations

import re

from sqlalchemy import func
from sqlmodel import select

from models import Organisation, OrgKind, Person, PersonRole
from services import org as orgs
from services.partner_input import EMAIL_PATTERN, normalize_email
from services.runtime import Tx


def requester(tx: Tx, *, name: str, address: str, phone: str,
              organisation: str) -> tuple[Person, int | None]:
    """The person asking (found by `address` or created) and their organisation's id."""
    person = tx.session.exec(select(Person).where(
        func.lower(Person.email) == address, Person.active).order_by(Person.id)).first()
    org_id = person.organisation_id if person is not None else None
    if org_id is None or _is_centre(tx, org_id):
        org_id = organisation_by_name(tx, organisation)
    if person is None:
        last, first, *rest = name.split()
        person = Person(organisation_id=org_id, role=PersonRole.CONTACT, last_name=last[:100],
                        first_name=first[:100], middle_name=" ".join(rest)[:100],
                        email=address, phone=phone, created_at=tx.now)
        tx.session.add(orgs.fill_cases(person))
        tx.session.flush()
    return person, org_id


def organisation_by_name(tx: Tx, typed: str) -> int | None:
    """The one organisation (not the centre) whose short or full name is the typed one."""
    wanted = name_key(typed)
    rows = tx.session.exec(select(Organisation.id, Organisation.short_name,
                                  Organisation.full_name)
                           .where(Organisation.kind != OrgKind.CENTRE))
    found = {oid for oid, short, full in rows if wanted in (name_key(short), name_key(full))}
    return found.pop() if len(found) == 1 else None


def name_key(name: str) -> str:
    """A name compared without case, quotes, «ё» and extra spaces."""
    text = re.sub(r"[«»\"'„“”]", " ", (name or "").casefold().replace("ё", "е"))
    text = re.sub(r"\s*№\s*", " № ", text)
    return " ".join(text.split())


def _is_centre(tx: Tx, org_id: int) -> bool:
    org = tx.session.get(Organisation, org_id)
    return org is None or org.kind == OrgKind.CENTRE


def field_problems(form, *, labels: dict[str, str], required: tuple[str, ...],
                   limits: dict[str, int], extra=None,
                   missing: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(field, Russian problem) for every problem of a public request form, in the order they
    are shown: required fields, the name, the e-mail, `extra(form)` (the form's own checks),
    lengths, the consent. `missing` words a required field's absence its own way."""
    missing = missing or {}
    found = [(k, missing.get(k, f"не заполнено поле «{labels[k]}»")) for k in required
             if not getattr(form, k)]
    if form.requester_name and len(form.requester_name.split()) < 2:
        found.append(("requester_name",
                      "в поле «ФИО» укажите фамилию и имя (и отчество, если есть)"))
    if form.email and not EMAIL_PATTERN.fullmatch(normalize_email(form.email)):
        found.append(("email", f"«{form.email}» не похож на адрес электронной почты"))
    found += list(extra(form)) if extra else []
    found += [(k, f"поле «{labels[k]}» длиннее {n} символов")
              for k, n in limits.items() if len(getattr(form, k)) > n]
    if not form.consent:
        found.append(("consent",
                      "без согласия на обработку персональных данных запрос не принимается"))
    return found

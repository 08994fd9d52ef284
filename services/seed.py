"""Loading the centre's card (organisation, director, staff) from data/centre.yaml."""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlmodel import select

from config.settings import PROJECT_ROOT
from models import Organisation, OrgKind, Person, PersonRole
from services.org import fill_cases
from services.runtime import Runtime

CENTRE_FILE = PROJECT_ROOT / "data" / "centre.yaml"


def load_centre(rt: Runtime, path: Path = CENTRE_FILE) -> int:
    """Create or update the centre and its people; returns the centre's id. Idempotent."""
    card = yaml.safe_load(path.read_text(encoding="utf-8"))
    with rt.transaction() as tx:
        s = tx.session
        org = s.exec(select(Organisation).where(Organisation.kind == OrgKind.CENTRE)).first()
        if org is None:
            org = Organisation(kind=OrgKind.CENTRE, created_at=tx.now, **card["organisation"])
        else:
            for key, value in card["organisation"].items():
                setattr(org, key, value)
        s.add(org)
        s.flush()
        for item in card.get("people", []):
            person = s.exec(select(Person).where(Person.login == item["login"])).first()
            if person is None:
                person = Person(organisation_id=org.id, created_at=tx.now,
                                **{**item, "role": PersonRole(item["role"])})
            s.add(fill_cases(person))
        return org.id

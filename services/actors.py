"""Who acts: staff, a participant through a link, the scheduler or the system."""

from __future__ import annotations

from dataclasses import dataclass

from models import ActorKind, Person, PersonRole


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    person_id: int | None = None
    label: str = ""
    role: PersonRole | None = None

    @classmethod
    def person(cls, person: Person, kind: ActorKind = ActorKind.STAFF) -> Actor:
        label = f"{person.full_name}" + (f" ({person.position})" if person.position else "")
        return cls(kind, person.id, label, person.role)

    @classmethod
    def participant(cls, person: Person) -> Actor:
        return cls.person(person, ActorKind.PARTICIPANT)

    @classmethod
    def scheduler(cls) -> Actor:
        return cls(ActorKind.SCHEDULER, None, "планировщик (sweep)")

    @classmethod
    def system(cls) -> Actor:
        return cls(ActorKind.SYSTEM, None, "система")

    @property
    def is_director(self) -> bool:
        return self.role == PersonRole.DIRECTOR

"""What an application contains, checked field by field with Russian messages."""

from __future__ import annotations

from dataclasses import dataclass

from services.partner_input import EMAIL_PATTERN

CONSENT_TEXT = (
    "Я даю согласие МКУ ИМЦ Выселковский район на обработку моих персональных данных "
    "(фамилия, имя, отчество, должность, организация, адрес электронной почты, телефон) "
    "в целях участия организации в конкурсе, подготовки документов конкурса и "
    "информирования о его ходе и итогах, в соответствии с Федеральным законом от "
    "27.07.2006 № 152-ФЗ «О персональных данных». Согласие действует до завершения "
    "конкурса и хранения его документов и может быть отозвано письменным заявлением."
)

LIMITS = {"project_title": 500, "annotation": 5000, "head_name": 300, "head_position": 200,
          "contact_name": 300, "contact_phone": 50}
LABELS = {
    "project_title": "Название проекта", "annotation": "Аннотация проекта",
    "head_name": "ФИО руководителя", "head_position": "Должность руководителя",
    "contact_name": "Контактное лицо", "contact_email": "Email контактного лица",
    "contact_phone": "Телефон", "consent": "Согласие на обработку персональных данных",
}
REQUIRED = ("project_title", "annotation", "head_name", "head_position", "contact_name",
            "contact_email")


@dataclass(frozen=True)
class ApplicationForm:
    project_title: str
    annotation: str
    head_name: str
    head_position: str
    contact_name: str
    contact_email: str
    contact_phone: str = ""
    consent: bool = False

    @classmethod
    def from_mapping(cls, data: dict) -> ApplicationForm:
        text = {k: str(data.get(k) or "").strip() for k in LABELS if k != "consent"}
        return cls(**text, consent=_truthy(data.get("consent")))

    def problems(self) -> list[str]:
        """Every problem of the form, one Russian sentence each (empty when it is fine)."""
        found = [f"не заполнено поле «{LABELS[f]}»" for f in REQUIRED if not getattr(self, f)]
        found += [f"поле «{LABELS[f]}» длиннее {n} символов"
                  for f, n in LIMITS.items() if len(getattr(self, f)) > n]
        if self.contact_email and not EMAIL_PATTERN.fullmatch(self.contact_email.lower()):
            found.append(f"«{self.contact_email}» не похож на адрес электронной почты")
        if not self.consent:
            found.append("без согласия на обработку персональных данных заявка не принимается")
        return found


TRUTHY = ("1", "true", "on", "да", "yes", "+", "истина", "согласен", "согласна")


def _truthy(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in TRUTHY

"""A partner's card as entered by staff or read from a file: fields, checks, Russian messages."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from models import OrgKind
from services.errors import DomainError

# The genitive of a head's position only where it is certain; otherwise the nominative.
POSITION_GENITIVE = {
    "директор": "директора",
    "заведующий": "заведующего",
    "заведующая": "заведующей",
    "начальник": "начальника",
    "руководитель": "руководителя",
}

KIND_WORDS = {
    OrgKind.PARTNER: ("партнер", "партнёр", "организация-партнер", "организация-партнёр",
                      "partner"),
    OrgKind.SCHOOL: ("школа", "оо", "оу", "образовательная организация района", "school"),
}

# Russian labels of the fields: the headers of the import file and the names in messages.
LABELS = {
    "full_name": "Полное наименование",
    "short_name": "Краткое наименование",
    "municipality": "Муниципальное образование",
    "legal_address": "Юридический адрес",
    "inn": "ИНН",
    "ogrn": "ОГРН",
    "phone": "Телефон организации",
    "email": "Email организации",
    "head_last_name": "Фамилия руководителя",
    "head_first_name": "Имя руководителя",
    "head_middle_name": "Отчество руководителя",
    "head_position": "Должность руководителя",
    "head_position_genitive": "Должность руководителя в родительном падеже",
    "head_email": "Email руководителя",
    "head_phone": "Телефон руководителя",
    "kind": "Вид организации",
    "basis_genitive": "Действует на основании",
}

MSG_CARD_REFUSED = "Карточка организации не принята: "
MSG_REQUIRED = "не заполнено"
MSG_TOO_LONG = "слишком длинное значение (больше {max} символов)"
MSG_INVALID = "недопустимое значение"
MSG_DIGITS = "{what} должен состоять только из цифр, а указано «{value}»"
MSG_INN_LENGTH = "ИНН должен содержать 10 или 12 цифр, а в «{value}» их {count}"
MSG_LEADING_ZERO = " (если ИНН начинается с нуля, задайте в Excel ячейкам текстовый формат)"
MSG_INN_CHECK = "ИНН {value} неверный: не сходится контрольное число"
MSG_OGRN_LENGTH = "ОГРН должен содержать 13 цифр, а в «{value}» их {count}"
MSG_OGRN_CHECK = "ОГРН {value} неверный: не сходится контрольное число"
MSG_EMAIL = "«{value}» не похож на адрес электронной почты"
MSG_KIND = "«{value}» — неизвестный вид организации: укажите «партнёр» или «школа»"

EMAIL_PATTERN = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@"
    r"(?:[A-Za-z0-9а-яА-ЯёЁ](?:[A-Za-z0-9а-яА-ЯёЁ-]*[A-Za-z0-9а-яА-ЯёЁ])?\.)+"
    r"[A-Za-zа-яА-ЯёЁ]{2,}$"
)

Required = Annotated[str, Field(min_length=1)]


def _digits(value: str | int | None, what: str) -> str | None:
    text = re.sub(r"\s+", "", str(value or ""))
    if not text:
        return None
    if not text.isdigit():
        raise ValueError(MSG_DIGITS.format(what=what, value=value))
    return text


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_valid(inn: str) -> bool:
    """The ФНС checksum of a 10-digit (organisation) or 12-digit (person) ИНН."""
    if not inn.isdigit():
        return False
    if len(inn) == 10:
        return _check_digit(inn, (2, 4, 10, 3, 5, 9, 4, 6, 8)) == int(inn[9])
    if len(inn) == 12:
        n11 = _check_digit(inn, (7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
        n12 = _check_digit(inn, (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8))
        return (n11, n12) == (int(inn[10]), int(inn[11]))
    return False


def ogrn_valid(ogrn: str) -> bool:
    """The checksum of a 13-digit ОГРН: the first 12 digits mod 11, mod 10."""
    return len(ogrn) == 13 and ogrn.isdigit() and int(ogrn[:12]) % 11 % 10 == int(ogrn[12])


def position_genitive(position: str) -> str:
    """«Директор» → «директора»; a position outside the table stays nominative, lower-cased."""
    lowered = position.strip().lower()
    return POSITION_GENITIVE.get(lowered.replace("ё", "е"), lowered)


def parse_kind(value: Any) -> OrgKind:
    """«партнёр»/«школа» (or the enum) → OrgKind; the centre is not a partner."""
    if isinstance(value, OrgKind) and value != OrgKind.CENTRE:
        return value
    word = str(value or "").strip().lower()
    if not word:
        return OrgKind.PARTNER
    for kind, words in KIND_WORDS.items():
        if word in words:
            return kind
    raise ValueError(MSG_KIND.format(value=value))


def normalize_email(value: str) -> str:
    """Trimmed and lower-cased (how duplicates are compared and mail is addressed)."""
    return value.strip().lower()


class PartnerInput(BaseModel):
    """A partner organisation (or a district school) and its head, as entered."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    full_name: Annotated[Required, Field(max_length=500)]
    short_name: Annotated[Required, Field(max_length=200)]
    municipality: Annotated[Required, Field(max_length=200)]
    legal_address: Annotated[Required, Field(max_length=500)]
    inn: str | None = None
    ogrn: str | None = None
    phone: Annotated[str, Field(max_length=100)] = ""
    email: Annotated[str, Field(max_length=254)] = ""
    head_last_name: Annotated[Required, Field(max_length=100)]
    head_first_name: Annotated[Required, Field(max_length=100)]
    head_middle_name: Annotated[str, Field(max_length=100)] = ""
    head_position: Annotated[Required, Field(max_length=200)]
    head_position_genitive: Annotated[str, Field(max_length=200)] = ""
    head_email: Annotated[Required, Field(max_length=254)]
    head_phone: Annotated[str, Field(max_length=50)] = ""
    kind: OrgKind = OrgKind.PARTNER
    basis_genitive: Annotated[str, Field(max_length=200)] = "Устава"

    @field_validator("inn", mode="before")
    @classmethod
    def _inn(cls, value: Any) -> str | None:
        inn = _digits(value, "ИНН")
        if inn is None:
            return None
        if len(inn) not in (10, 12):
            hint = MSG_LEADING_ZERO if len(inn) in (9, 11) else ""
            raise ValueError(MSG_INN_LENGTH.format(value=value, count=len(inn)) + hint)
        if not inn_valid(inn):
            raise ValueError(MSG_INN_CHECK.format(value=inn))
        return inn

    @field_validator("ogrn", mode="before")
    @classmethod
    def _ogrn(cls, value: Any) -> str | None:
        ogrn = _digits(value, "ОГРН")
        if ogrn is None:
            return None
        if len(ogrn) != 13:
            raise ValueError(MSG_OGRN_LENGTH.format(value=value, count=len(ogrn)))
        if not ogrn_valid(ogrn):
            raise ValueError(MSG_OGRN_CHECK.format(value=ogrn))
        return ogrn

    @field_validator("email", "head_email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value and not EMAIL_PATTERN.match(value):
            raise ValueError(MSG_EMAIL.format(value=value))
        return normalize_email(value)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> OrgKind:
        return parse_kind(value)

    @field_validator("basis_genitive")
    @classmethod
    def _basis(cls, value: str) -> str:
        return value or "Устава"

    @model_validator(mode="after")
    def _genitive(self) -> PartnerInput:
        if not self.head_position_genitive:
            self.head_position_genitive = position_genitive(self.head_position)
        return self


def field_errors(err: ValidationError) -> list[tuple[str, str]]:
    """Pydantic's errors as (field, «Поле: что не так» in Russian)."""
    result = []
    for item in err.errors():
        name = str(item["loc"][0]) if item["loc"] else ""
        label = LABELS.get(name, name)
        kind = item["type"]
        if kind in ("missing", "string_too_short"):
            text = MSG_REQUIRED
        elif kind == "string_too_long":
            text = MSG_TOO_LONG.format(max=item.get("ctx", {}).get("max_length", "?"))
        elif kind == "value_error":
            text = str(item.get("ctx", {}).get("error", MSG_INVALID))
        else:
            text = MSG_INVALID
        prefixed = not label or text.startswith(label)  # «ИНН …» already names its field
        result.append((name, text if prefixed else f"{label}: {text}"))
    return result


def validate_partner(values: dict[str, Any]) -> tuple[PartnerInput | None, list[tuple[str, str]]]:
    """The card, or None and every problem as (field, Russian message)."""
    try:
        return PartnerInput(**values), []
    except ValidationError as err:
        return None, field_errors(err)


def parse_partner(values: dict[str, Any]) -> PartnerInput:
    """The card from a form or the CLI; every problem in one Russian DomainError."""
    card, problems = validate_partner(values)
    if card is None:
        raise DomainError(MSG_CARD_REFUSED + "; ".join(text for _, text in problems))
    return card

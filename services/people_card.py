"""A person's card as staff type it: the role, the gender, the position's genitive and every
problem of its fields (Russian). No store access: the organisation is checked apart."""

from __future__ import annotations

from dataclasses import dataclass

from models import PersonRole
from services.partner_input import EMAIL_PATTERN, MSG_EMAIL, normalize_email

# Who staff add to an organisation here; the centre's people come from data/centre.yaml,
# experts from `imc contest add-expert`.
ADDABLE = (PersonRole.DEPUTY, PersonRole.HEAD, PersonRole.CONTACT)
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

MSG_REQUIRED = "{label}: не заполнено"
MSG_TOO_LONG = "{label}: слишком длинное значение (больше {max} символов)"
MSG_ROLE = ("роль «{value}» неизвестна: укажите заместитель (deputy), руководитель (head) "
            "или контакт (contact)")
MSG_ROLE_STAFF = ("роль «{value}» здесь не добавляется: сотрудники ИМЦ берутся из "
                  "data/centre.yaml (imc seed), эксперты — imc contest add-expert")
MSG_GENDER = "пол «{value}» не распознан: укажите male или female (м или ж)"


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
    if clean["email"] and not EMAIL_PATTERN.fullmatch(clean["email"]):
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

"""Email bodies from jinja2 templates staff can edit: <name>.subject, .txt and .html."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from adapters.russian import date_long, date_short, plural, points, short_title, years


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


class MailTemplates:
    def __init__(self, directory: Path) -> None:
        loader = jinja2.FileSystemLoader(directory)
        common = dict(loader=loader, undefined=jinja2.StrictUndefined, trim_blocks=True,
                      lstrip_blocks=True, keep_trailing_newline=True)
        self._text = jinja2.Environment(autoescape=False, **common)
        self._html = jinja2.Environment(autoescape=True, **common)
        for env in (self._text, self._html):
            env.filters["date_long"] = date_long
            env.filters["date_short"] = date_short
            env.filters["plural"] = plural  # {{ n | plural("заявка", "заявки", "заявок") }}
            env.filters["years"] = years  # {{ 3 | years }} → «3 года»
            env.filters["points"] = points  # {{ 51.5 | points }} → «51,5 балла»
            # {{ contest.title | short_title }} → «Инновационный поиск 2024», for «конкурс «…»»
            env.filters["short_title"] = short_title

    def render(self, name: str, context: dict) -> RenderedMail:
        subject = self._text.get_template(f"{name}.subject").render(context)
        text = self._text.get_template(f"{name}.txt").render(context)
        html = self._html.get_template(f"{name}.html").render(context)
        return RenderedMail(" ".join(subject.split()), text.strip() + "\n", html)

"""The staff command line `imc`: thin commands over the services."""

from __future__ import annotations

import typer

from cli import (
    agreement,
    audit,
    consultation,
    contest,
    contest_stages,
    mail,
    partner,
    person,
    plan,
    plan_links,  # noqa: F401  (adds `imc plan link|unlink|sync` to plan.app)
    report,
    system,
    webinar,
)
from cli.plan_meeting import meeting_app

app = typer.Typer(help="imc-flows: процессы инновационной площадки МКУ ИМЦ Выселковский район",
                  no_args_is_help=True, pretty_exceptions_show_locals=False)
app.add_typer(agreement.app, name="agreement")
app.add_typer(partner.app, name="partner")
app.add_typer(contest.app, name="contest")
app.add_typer(webinar.app, name="webinar")
app.add_typer(mail.app, name="mail")
app.add_typer(system.db_app, name="db")
app.add_typer(person.app, name="person")
app.add_typer(plan.app, name="plan")
plan.app.add_typer(meeting_app, name="meeting")
app.add_typer(consultation.app, name="consult")
app.add_typer(report.app, name="report")
app.command("audit")(audit.show)
app.command("seed")(system.seed)
app.command("registry")(contest_stages.registry)
app.command("sweep")(system.sweep)
app.command("up")(system.up)
app.command("demo")(system.demo)

if __name__ == "__main__":
    app()

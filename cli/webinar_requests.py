"""`imc webinar …`: requests commands."""

from __future__ import annotations

from cli.webinar import app  # noqa: F401

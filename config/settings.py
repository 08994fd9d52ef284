"""Typed settings, read once from IMC_* environment variables or a .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER_SECRET = "change-me"


class Settings(BaseSettings):
    """Every knob of the system; defaults give the embedded single-machine setup."""

    model_config = SettingsConfigDict(env_prefix="IMC_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = PROJECT_ROOT / "var"
    database_url: str = ""  # empty: SQLite file under data_dir
    base_url: str = "http://127.0.0.1:8000"
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    secret_key: str = PLACEHOLDER_SECRET

    # Mail. An empty smtp_host means the local sink started by `make up`.
    smtp_host: str = ""
    smtp_port: int = 8025
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    smtp_timeout_seconds: float = 30.0
    mail_from: str = "МКУ ИМЦ Выселковский район <imc@example.org>"
    mail_rate_per_minute: int = Field(default=120, ge=1)
    mail_rate_per_day: int = Field(default=10_000, ge=1)
    mail_concurrency: int = Field(default=20, ge=1)
    mail_max_attempts: int = Field(default=8, ge=1)
    mail_retry_base_seconds: float = Field(default=60.0, gt=0)

    # Personal links
    link_ttl_days: int = Field(default=30, ge=1)

    # Agreement timers (days)
    agreement_remind_after_days: int = Field(default=7, ge=1)
    agreement_escalate_after_days: int = Field(default=14, ge=1)
    agreement_expiry_notice_days: int = Field(default=30, ge=1)
    agreement_term_years: int = Field(default=3, ge=1)

    upload_max_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)

    # Webinars: reminder waves before a session, in minutes (JSON in the environment:
    # IMC_WEBINAR_REMINDER_OFFSETS_MINUTES="[1440, 60]"); a session whose certificates are
    # issued is closed this many days after its end.
    webinar_reminder_offsets_minutes: list[int] = Field(default_factory=lambda: [1440, 60])
    webinar_close_after_days: int = Field(default=14, ge=1)

    # The annual plan: reminders to the responsible person this many days before each due
    # date (JSON in the environment: IMC_PLAN_REMINDER_OFFSETS_DAYS="[7, 1]"; 0 = the day).
    plan_reminder_offsets_days: list[int] = Field(default_factory=lambda: [7, 1])

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'imc.db'}"

    @property
    def documents_dir(self) -> Path:
        return self.data_dir / "documents"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    @field_validator("webinar_reminder_offsets_minutes")
    @classmethod
    def _positive_offsets(cls, value: list[int]) -> list[int]:
        if any(v <= 0 for v in value):
            raise ValueError("IMC_WEBINAR_REMINDER_OFFSETS_MINUTES: смещения напоминаний "
                             "должны быть положительным числом минут, например [1440, 60]")
        return sorted(set(value), reverse=True)

    @field_validator("plan_reminder_offsets_days")
    @classmethod
    def _plan_offsets(cls, value: list[int]) -> list[int]:
        if any(v < 0 for v in value):
            raise ValueError("IMC_PLAN_REMINDER_OFFSETS_DAYS: за сколько дней до срока пункта "
                             "плана напоминать — целые числа дней не меньше нуля, например "
                             "[7, 1]")
        return sorted(set(value), reverse=True)

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        # Personal links are signed with this key: only a developer's machine may use the
        # well-known placeholder.
        if self.environment == "development":
            return self
        if self.secret_key == PLACEHOLDER_SECRET:
            raise ValueError("IMC_SECRET_KEY не задан: вне режима разработки нужен собственный "
                             "секретный ключ (не менее 32 символов)")
        if len(self.secret_key) < 32:
            raise ValueError("IMC_SECRET_KEY слишком короткий: нужно не менее 32 символов")
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (tests build their own Settings and pass them in)."""
    return Settings()

"""The staff command line, run as staff run it: a real process over a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def imc(tmp_path, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMC_", "PREFECT_API"))}
    env.update(IMC_DATA_DIR=str(tmp_path), IMC_STAFF_LOGIN="ivanova", IMC_ENVIRONMENT="test",
               IMC_SECRET_KEY="cli-test-secret-key-0123456789-abcdefghij", COLUMNS="1000")
    proc = subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert (proc.returncode == 0) == ok, proc.stdout + proc.stderr
    return proc


def test_staff_run_an_agreement_from_the_command_line(tmp_path):
    imc(tmp_path, "db", "upgrade")
    imc(tmp_path, "seed")
    out = imc(tmp_path, "partner", "import", str(ROOT / "data/samples/partners.csv")).stdout
    assert "Загружено организаций: 3" in out
    assert "Ошибка" in imc(tmp_path, "partner", "import", str(ROOT / "data/samples/partners.csv"),
                           ok=False).stderr  # the same file again: duplicates, nothing loaded
    imc(tmp_path, "agreement", "start", "2")
    refused = imc(tmp_path, "agreement", "approve", "1", ok=False).stderr
    assert "только директор" in refused
    imc(tmp_path, "agreement", "approve", "1", "--by", "verzunova")
    out = imc(tmp_path, "agreement", "record-signed", "1", "--note", "оригинал").stdout
    assert "СВ-1/" in out
    listing = imc(tmp_path, "agreement", "list").stdout
    assert "зарегистрирован" in listing
    trail = imc(tmp_path, "audit", "agreement", "1").stdout
    for action in ("создание проекта договора", "согласовать и направить партнёру",
                   "отметить получение подписанного оригинала", "зарегистрировать договор",
                   "зарегистрирован (действует)"):
        assert action in trail
    assert "отказ" in trail
    imc(tmp_path, "person", "edit", "verzunova", "--email", "olga@imc.example.org",
        "--genitive", "Верзуновой Ольги Александровны")
    assert "olga@imc.example.org" in imc(tmp_path, "person", "show", "verzunova").stdout
    assert "Расхождений нет" in imc(tmp_path, "db", "verify").stdout
    assert "Недоставленных писем нет" in imc(tmp_path, "mail", "failed").stdout


def test_staff_create_a_webinar_cycle_from_the_command_line(tmp_path):
    imc(tmp_path, "db", "upgrade")
    imc(tmp_path, "seed")
    plan = tmp_path / "план.yaml"
    out = imc(tmp_path, "webinar", "create", "--title", "Осенний цикл 2099", "--year", "2099",
              "--session", "20.10.2099 15:00 | Задачи руководителя | Иванова Н. А.",
              "--session", "03.11.2099 15:00 | Роль заместителя | Иванова Н. А. | "
                           "https://meet.example.org/2",
              "--link", "https://meet.example.org/1", "--save", str(plan)).stdout
    assert "Цикл №1 «Осенний цикл 2099» создан" in out
    show = imc(tmp_path, "webinar", "show", "1").stdout
    # The passport's order: heads first, then deputies; partners invited to each.
    assert show.index("руководители образовательных организаций") < show.index(
        "заместители руководителей")
    assert "https://meet.example.org/2" in show and "https://meet.example.org/1" in show
    assert "20.10.2099 15:00" in show and "Сетевые партнёры приглашаются" in show
    announced = imc(tmp_path, "webinar", "announce", "1").stdout
    assert "объявлен" in announced and "идёт регистрация" in announced
    assert "в состоянии «объявлен»" in imc(tmp_path, "webinar", "announce", "1",
                                           ok=False).stderr
    again = imc(tmp_path, "webinar", "plan", str(plan)).stdout  # the saved plan loads as is
    assert "Цикл №2" in again
    refused = imc(tmp_path, "webinar", "create", "--title", "Без ссылки", "--year", "2099",
                  "--session", "20.10.2099 15:00 | Тема | Ведущий", ok=False).stderr
    assert "нет ссылки на подключение" in refused
    past = imc(tmp_path, "webinar", "create", "--title", "Прошлое", "--year", "2020",
               "--session", "20.10.2020 15:00 | Тема | Ведущий", "--link",
               "https://meet.example.org/x", ok=False).stderr
    assert "уже прошло" in past
    assert "Цикл №3" not in imc(tmp_path, "webinar", "list").stdout

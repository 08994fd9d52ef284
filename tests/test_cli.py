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

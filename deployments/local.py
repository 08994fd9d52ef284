"""`make up`: the whole system on one machine with embedded defaults."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from config.settings import PROJECT_ROOT, get_settings
from services.db import upgrade
from services.runtime import default_runtime
from services.seed import load_centre

PREFECT_PORT = int(os.environ.get("IMC_PREFECT_PORT", "4200"))
BIN = Path(sys.executable).parent


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _wait_http(url: str, timeout: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"Процесс завершился при запуске ({url}), см. сообщения выше")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"Не дождались запуска: {url}")


def prefect_env(settings) -> dict[str, str]:
    return {
        "PREFECT_HOME": str(settings.data_dir / "prefect"),
        "PREFECT_API_URL": f"http://127.0.0.1:{PREFECT_PORT}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_UI_API_URL": f"http://127.0.0.1:{PREFECT_PORT}/api",
        # Prefect's own SQLite: wait for its write lock instead of failing at the first
        # contention (its scheduler, late-run marker and our runs all write at start-up).
        "PREFECT_SERVER_DATABASE_TIMEOUT": "60",
        "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT": "60",
    }


def run_local() -> None:
    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.sqlalchemy_url)
    load_centre(default_runtime())
    for port, what in ((PREFECT_PORT, "Prefect"), (settings.web_port, "веб-приложения")):
        if not _port_free(port):
            raise SystemExit(f"Порт {port} для {what} занят: остановите прежний запуск "
                             "или задайте другой порт")
    env = {**os.environ, **prefect_env(settings)}
    procs: list[subprocess.Popen] = []

    def _stop(signum, _frame):  # SIGTERM (systemd, kill) and SIGHUP (terminal closed) too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGHUP, _stop)

    def spawn(args: list[str]) -> subprocess.Popen:
        # Own session: Ctrl+C reaches only this supervisor, which stops the children in order.
        proc = subprocess.Popen(args, env=env, cwd=PROJECT_ROOT, start_new_session=True)
        procs.append(proc)
        return proc

    try:
        prefect = spawn([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                         "--port", str(PREFECT_PORT)])
        print("Запускается Prefect (до минуты при первом запуске)…", flush=True)
        _wait_http(f"http://127.0.0.1:{PREFECT_PORT}/api/health", 180, prefect)
        if not settings.smtp_host:
            if not _port_free(settings.smtp_port):
                raise SystemExit(f"Порт {settings.smtp_port} для почтовой заглушки занят")
            spawn([sys.executable, "-m", "adapters.mail_sink", "--dir", str(settings.mail_dir),
                   "--port", str(settings.smtp_port)])
            env["IMC_SMTP_HOST"] = "127.0.0.1"
        web = spawn([str(BIN / "uvicorn"), "web.app:create_app", "--factory", "--host",
                     settings.web_host, "--port", str(settings.web_port)])
        _wait_http(f"http://{settings.web_host}:{settings.web_port}/health", 60, web)
        spawn([sys.executable, "-m", "deployments.serve"])
        mail = (f"письма сохраняются в {settings.mail_dir}" if not settings.smtp_host
                else f"письма уходят на {settings.smtp_host}:{settings.smtp_port}")
        print(f"""
imc-flows запущен.
  Prefect UI:      http://127.0.0.1:{PREFECT_PORT}
  Веб-приложение:  http://{settings.web_host}:{settings.web_port}
  База данных:     {settings.sqlalchemy_url}
  Почта:           {mail}
  Команды:         .venv/bin/imc --help  (в другом терминале: export PREFECT_API_URL=http://127.0.0.1:{PREFECT_PORT}/api)
Остановить: Ctrl+C
""", flush=True)
        while all(p.poll() is None for p in procs):
            time.sleep(1)
        print("Один из процессов завершился — останавливаю остальные", flush=True)
    except KeyboardInterrupt:
        print("\nОстанавливаю…", flush=True)
    finally:
        # One at a time, newest first: the runner pauses its deployments through the Prefect
        # API, so the Prefect server must still be up while the runner stops.
        for p in reversed(procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

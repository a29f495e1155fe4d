"""Web app tests on SQLite: the app in-process (TestClient) for most, a real uvicorn
server over HTTP for the API tests."""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

import web.shared.models  # noqa: F401 - the web's tables on the metadata
from config.settings import Settings
from tests import programme_fixtures as pf
from tests.support import RecordingPublisher, free_port
from web.shared import accounts, security
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.notifications import MemoryMailer
from workflow.persistence.migrate import upgrade
from workflow.programme.staff import AddStaff
from workflow.runtime import Runtime
from workflow.services import handle

# Production hashing costs a quarter of a second per password on this machine; the tests
# hash hundreds. The algorithm is the same, only cheaper.
security.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

SECRET = "test-secret-key-0123456789abcdef"
PASSWORD = "correct horse battery"
STAFF = (
    ("admin", "Արամ Պետրոսյան", "admin"),
    ("manager", "Լուսինե Հակոբյան", "manager"),
    (pf.SOCIAL_WORKER, "Անահիտ Մարտիրոսյան", "social_worker"),
    (pf.PSYCHOLOGIST, "Գոհար Սահակյան", "psychologist"),
    ("procurement", "Նարեկ Վարդանյան", "procurement_officer"),
)
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_staff(rt: Runtime) -> None:
    pf.ensure_staff(rt)
    for username, full_name, role in STAFF:
        if username not in (pf.SOCIAL_WORKER, pf.PSYCHOLOGIST):
            handle(rt, AddStaff(username=username, full_name=full_name, role=role, actor="test"))
        accounts.set_password(rt, username=username, password=PASSWORD)


def _settings(path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{path / 'hogatar.sqlite3'}",
        var_dir=path / "var",
        outbox_grace_seconds=10,
        effect_max_retries=3,
    )


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrated once, with staff and passwords; each test gets a copy of the file."""
    folder = tmp_path_factory.mktemp("web-template")
    rt = bootstrap(_settings(folder), clock=FixedClock(), publisher=RecordingPublisher())
    upgrade(rt.engine)
    add_staff(rt)
    rt.engine.dispose()
    return folder


@pytest.fixture
def rt(
    tmp_path: Path,
    template_db: Path,
    clock: FixedClock,
    publisher: RecordingPublisher,
    mailer: MemoryMailer,
) -> Iterator[Runtime]:
    for file in template_db.glob("hogatar.sqlite3*"):
        shutil.copy(file, tmp_path / file.name)
    runtime = bootstrap(_settings(tmp_path), clock=clock, publisher=publisher, mailer=mailer)
    yield runtime
    runtime.engine.dispose()


@pytest.fixture
def app(rt: Runtime) -> FastAPI:
    from web.app import create_app

    return create_app(rt, secret_key=SECRET)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


class Browser:
    """A TestClient that logs in through the login form, like a person."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    def login(self, username: str, password: str = PASSWORD) -> Any:
        page = self.client.get("/login")
        response = self.client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
        if response.status_code == 303:
            self.csrf = csrf_of(self.client.get("/").text)
        return response

    def get(self, path: str, **kw: Any) -> Any:
        return self.client.get(path, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        kw.setdefault("follow_redirects", False)
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kw)


@pytest.fixture
def browser(app: FastAPI) -> Callable[..., Browser]:
    def make(username: str | None = None) -> Browser:
        made = Browser(TestClient(app, raise_server_exceptions=False))
        if username:
            assert made.login(username).status_code == 303
        return made

    return make


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[str]:
    """The app behind a real uvicorn on a free port: the API tests speak HTTP to it."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 15
    while True:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError("the test server did not start")
        time.sleep(0.05)
    yield url
    server.should_exit = True
    thread.join(timeout=10)

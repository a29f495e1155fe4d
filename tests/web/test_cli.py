"""``hogatar web``: passwords from a prompt or stdin (never argv), the demo passwords, and
a clear refusal to serve without a secret key."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from config.settings import Settings
from tests.support import ROOT, RecordingPublisher, free_port
from web.cli import DEMO_PASSWORD
from web.shared import accounts
from workflow.bootstrap import bootstrap
from workflow.persistence.migrate import upgrade
from workflow.programme.staff import AddStaff
from workflow.services import handle


@pytest.fixture
def env(tmp_path):
    database = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    rt = bootstrap(
        Settings(database_url=database, var_dir=tmp_path / "var"), publisher=RecordingPublisher()
    )
    upgrade(rt.engine)
    handle(
        rt,
        AddStaff(
            username="lusine.h",
            full_name="Լուսինե",
            role="manager",
            actor="t",
            email="lusine.h@hogatar.example",
        ),
    )
    handle(rt, AddStaff(username="real.person", full_name="Անի", role="social_worker", actor="t"))
    rt.engine.dispose()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HOGATAR_")}
    return clean | {
        "HOGATAR_DATABASE_URL": database,
        "HOGATAR_BROKER_URL": f"redis://127.0.0.1:{free_port()}/0",
        "HOGATAR_PUBLISH_TIMEOUT_SECONDS": "0.2",
        "HOGATAR_VAR_DIR": str(tmp_path / "var"),
    }


def hogatar(env, *args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "workflow.cli", *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def runtime_of(env):
    return bootstrap(
        Settings(database_url=env["HOGATAR_DATABASE_URL"]), publisher=RecordingPublisher()
    )


def test_set_password_from_stdin(env):
    done = hogatar(
        env,
        "web",
        "set-password",
        "real.person",
        "--password-stdin",
        stdin="a long enough password\n",
    )
    assert done.returncode == 0, done.stderr
    rt = runtime_of(env)
    assert accounts.log_in(rt, username="real.person", password="a long enough password")
    short = hogatar(env, "web", "set-password", "real.person", "--password-stdin", stdin="short\n")
    assert short.returncode == 2 and short.stderr.count("\n") == 1 and "at least" in short.stderr


def test_demo_passwords_go_to_demo_staff_only(env):
    done = hogatar(env, "web", "set-password", "--demo")
    assert done.returncode == 0, done.stderr
    assert "lusine.h (manager)" in done.stdout and DEMO_PASSWORD in done.stdout
    rt = runtime_of(env)
    assert accounts.log_in(rt, username="lusine.h", password=DEMO_PASSWORD)
    with pytest.raises(accounts.LoginFailed):
        accounts.log_in(rt, username="real.person", password=DEMO_PASSWORD)


def test_web_refuses_to_start_without_a_secret_key(env):
    done = hogatar(env, "web", "--port", str(free_port()))
    assert done.returncode == 2
    assert "HOGATAR_WEB_SECRET_KEY" in done.stderr and "Traceback" not in done.stderr

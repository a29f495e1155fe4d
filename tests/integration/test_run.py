"""`hogatar run` as a newcomer runs it: SQLite, no Redis configured, Flower with a login."""

from __future__ import annotations

import base64
import json
import re
import shutil
import signal
import subprocess
import sys
import urllib.error
import urllib.request

from tests.integration.conftest import service_env
from tests.support import ROOT, Process, free_port, port_open, service_missing, wait_for

#: The smallest family form (registering a family opens its case).
FAMILY = {
    "family_name": "Ավետյան",
    "community": "Աբովյան",
    "members": [{"role": "mother", "full_name": "Անի Ավետյան", "date_of_birth": "1990-01-01"}],
    # Referring the family needs its consent to referral.
    "consent": {"purposes": ["referral"], "given_on": "2026-01-05", "given_by": "Անի Ավետյան"},
}


def http_status(url: str, auth: tuple[str, str] | None = None) -> int:
    request = urllib.request.Request(url)
    if auth:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def test_run_starts_a_private_redis_worker_beat_and_flower(tmp_path):
    if shutil.which("redis-server") is None:
        service_missing("redis-server binary", "not on PATH")
    database = f"sqlite:///{tmp_path / 'hogatar.sqlite3'}"
    dead_broker = f"redis://127.0.0.1:{free_port()}/0"
    flower_port, web_port, smtp_port = free_port(), free_port(), free_port()
    env = service_env(
        database,
        dead_broker,
        tmp_path / "var",
        HOGATAR_FLOWER_PORT=str(flower_port),
        HOGATAR_WEB_PORT=str(web_port),
        # Nothing listens there: `hogatar run` starts the local mail sink on it.
        HOGATAR_SMTP_PORT=str(smtp_port),
    )
    cli = [sys.executable, "-m", "workflow.cli"]
    assert subprocess.run([*cli, "db", "upgrade"], env=env, cwd=ROOT, timeout=60).returncode == 0

    run = Process("run", [*cli, "run"], env, tmp_path / "run.log")
    try:
        run.wait_for_log("Press Ctrl-C to stop.", timeout=60)
        output = run.log()
        assert "started a private one" in output
        broker = re.search(r"broker:\s+(\S+)", output).group(1)
        login = re.search(r"login:\s+(\S+) / (\S+)", output)
        user, password = login.group(1), login.group(2)
        assert (tmp_path / "var" / "flower-password").read_text().strip() == password

        flower = f"http://127.0.0.1:{flower_port}/"
        wait_for(lambda: http_status(flower, (user, password)) == 200, timeout=60, what="Flower")
        assert http_status(flower) == 401
        assert http_status(flower, (user, "wrong")) == 401
        # Its metrics are behind the same login; its healthcheck ("OK") is not.
        assert http_status(f"{flower}metrics") == 401
        assert http_status(f"{flower}metrics", (user, password)) == 200
        assert http_status(f"{flower}healthcheck") == 200

        client_env = env | {"HOGATAR_BROKER_URL": broker}
        opened = subprocess.run(
            [*cli, "family", "register", "--data", json.dumps(FAMILY), "--json"],
            env=client_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
        case_id = json.loads(opened.stdout)["id"]
        subprocess.run(
            [*cli, "referral", "create", str(case_id), "--partner", "kotayk_rights"]
            + ["--purpose", "Իրավաբանական խորհրդատվություն"],
            env=client_env,
            cwd=ROOT,
            check=True,
            timeout=60,
        )

        def effect_done() -> bool:
            shown = subprocess.run(
                [*cli, "case", "show", str(case_id), "--json"],
                env=client_env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=60,
            )
            effects = json.loads(shown.stdout)["background_effects"]
            return [e["status"] for e in effects] == ["done"]

        wait_for(
            effect_done, timeout=60, interval=1, what="the effect to run via the private Redis"
        )
        # The referral mail went to the local sink, kept under var/mail for a newcomer.
        [mail] = list((tmp_path / "var" / "mail").glob("*.eml"))
        assert b"rights.kotayk@partners.hogatar.example" in mail.read_bytes()
        assert http_status(f"http://127.0.0.1:{web_port}/health") == 200
        tasks = http_status(f"{flower}api/tasks", (user, password))
        assert tasks == 200
    finally:
        run.popen.send_signal(signal.SIGTERM)
        try:
            run.popen.wait(timeout=40)
        finally:
            run.stop()
    assert run.popen.returncode == 0, run.log()[-2000:]
    # Everything it started is gone: Flower, the web app, the mail sink and the private
    # Redis no longer answer.
    assert http_status(f"http://127.0.0.1:{flower_port}/", (user, password)) == 0
    assert http_status(f"http://127.0.0.1:{web_port}/health") == 0
    assert not port_open(f"smtp://127.0.0.1:{smtp_port}")
    assert not port_open(broker)

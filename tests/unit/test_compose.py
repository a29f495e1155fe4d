"""No Docker engine runs here, so check docker-compose.yml against the CLI it runs."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from config.settings import Settings
from tests.support import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]
HOGATAR_SERVICES = {name: s for name, s in SERVICES.items() if "build" in s}


def test_the_stack_has_every_part():
    assert set(SERVICES) == {"postgres", "redis", "migrate", "worker", "beat", "flower", "web"}
    for name in ("postgres", "redis", "worker", "flower", "web"):
        assert SERVICES[name]["healthcheck"]["test"], name


@pytest.mark.parametrize("name", sorted(HOGATAR_SERVICES))
def test_each_command_exists_in_the_cli(name):
    command = HOGATAR_SERVICES[name]["command"]
    result = subprocess.run(
        [sys.executable, "-m", "workflow.cli", *command, "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, f"{name}: hogatar {' '.join(command)}: {result.stderr}"


@pytest.mark.parametrize("name", sorted(HOGATAR_SERVICES))
def test_environment_names_real_settings(name):
    known = {f"HOGATAR_{field.upper()}" for field in Settings.model_fields}
    environment = HOGATAR_SERVICES[name]["environment"]
    assert set(environment) <= known, set(environment) - known
    assert environment["HOGATAR_DATABASE_URL"].startswith("postgresql://")


def test_dependencies_wait_for_health_and_migration():
    for name, service in SERVICES.items():
        for dependency, condition in service.get("depends_on", {}).items():
            assert dependency in SERVICES, f"{name} depends on unknown {dependency}"
            assert condition["condition"] in ("service_healthy", "service_completed_successfully")
    assert (
        SERVICES["worker"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    )
    assert "HOGATAR_FLOWER_PASSWORD" in SERVICES["flower"]["environment"]


def test_the_image_entrypoint_is_the_cli():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert 'ENTRYPOINT ["hogatar"]' in dockerfile

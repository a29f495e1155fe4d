from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from config.settings import Settings
from tests.support import RecordingPublisher
from workflow.bootstrap import bootstrap
from workflow.clock import FixedClock
from workflow.notifications import MemoryMailer
from workflow.persistence.migrate import upgrade
from workflow.runtime import Runtime

RuntimeFactory = Callable[..., Runtime]


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def publisher() -> RecordingPublisher:
    return RecordingPublisher()


@pytest.fixture
def mailer() -> MemoryMailer:
    return MemoryMailer()


@pytest.fixture
def sqlite_runtime(
    tmp_path: Path, clock: FixedClock, publisher: RecordingPublisher, mailer: MemoryMailer
) -> Iterator[Runtime]:
    """A real SQLite database with the real schema, a fake broker and mail server, and a
    fixed clock."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'hogatar.sqlite3'}",
        var_dir=tmp_path / "var",
        outbox_grace_seconds=10,
        effect_max_retries=3,
    )
    rt = bootstrap(settings, clock=clock, publisher=publisher, mailer=mailer)
    upgrade(rt.engine)
    yield rt
    rt.engine.dispose()

"""``hogatar demo seed``: about 80 realistic families of Kotayk, in every state, with
staff and service histories, for demonstrations and for trying the web app.

Everything goes through the real service layer, so timelines, versions and outbox rows
are what staff would have produced. Time is simulated: each family's story is spread
over the past year and the clock is moved before each step.

The runtime built here publishes nothing: outbox rows stay pending and the outbox
sweep (beat, in ``hogatar run``) hands them to the workers later. Seeding therefore
never waits for a broker, and works with none running.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select

from config.settings import Settings
from workflow.errors import InvalidInput
from workflow.outbox import OutboxMessage
from workflow.persistence.models import CaseRow
from workflow.programme.demo.people import COVERS, ENDINGS, STAFF
from workflow.programme.demo.story import Story, StoryClock, group_sessions, tell
from workflow.programme.staff import AddStaff, CommunityRow, StaffRow
from workflow.runtime import Runtime
from workflow.services import handle


class LeavePendingPublisher:
    """Accepts nothing and raises nothing: rows stay pending for the outbox sweep."""

    def publish(self, messages: Sequence[OutboxMessage]) -> list[OutboxMessage]:
        return []


def seed_demo(settings: Settings, *, families: int = 80, if_empty: bool = False) -> str:
    from workflow.bootstrap import bootstrap

    clock = StoryClock()
    rt = bootstrap(settings, clock=clock, publisher=LeavePendingPublisher())
    if rt.engine.dialect.name == "sqlite":
        # Hundreds of small transactions: skip the fsync of each (WAL keeps the file
        # consistent; at worst a power cut loses the last demo steps, which are re-seedable).
        event.listen(rt.engine, "connect", _sqlite_without_fsync)
    try:
        with rt.session_factory() as session:
            cases = session.scalar(select(func.count()).select_from(CaseRow)) or 0
            communities = list(
                session.scalars(select(CommunityRow.code).where(CommunityRow.active.is_(True)))
            )
        if cases:
            message = f"the database already has {cases} case(s): no demo data added"
            if if_empty:
                return message
            raise InvalidInput(message + " (demo data goes into an empty database only)")
        if len(communities) < 10:
            raise InvalidInput(
                "demo data needs the communities of migration 0002: run `hogatar db upgrade` first"
            )
        _staff(rt)
        rng = random.Random(2018)  # the programme's first year: the same demo every time
        endings = _endings(families, rng)
        for number, ending in enumerate(endings):
            story = Story(
                rt=rt,
                clock=clock,
                rng=rng,
                start=datetime.now(UTC) - timedelta(days=rng.randint(120, 420)),
            )
            tell(story, ending, communities[number % len(communities)], number)
        group_sessions(rt, clock, rng)
        return (
            f"demo data added: {len(endings)} families in {min(len(communities), families)} "
            f"communities, {len(STAFF)} staff members"
        )
    finally:
        rt.engine.dispose()


def _sqlite_without_fsync(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _staff(rt: Runtime) -> None:
    with rt.session_factory() as session:
        existing = set(session.scalars(select(StaffRow.username)))
    for number, (username, full_name, role) in enumerate(STAFF, 1):
        if username not in existing:
            handle(
                rt,
                AddStaff(
                    username=username,
                    full_name=full_name,
                    role=role,
                    actor="demo",
                    email=f"{username}@hogatar.example",
                    # Demo numbers in the 010 000 0xx block, as made up as the names.
                    phone=f"+374 10 000 0{number:02d}",
                    communities=COVERS.get(username, ()),
                ),
            )


def _endings(families: int, rng: random.Random) -> list[str]:
    weights = sum(weight for _, weight in ENDINGS)
    endings = [
        name for name, weight in ENDINGS for _ in range(max(1, round(weight * families / weights)))
    ]
    endings = endings[:families] + ["receiving_services"] * (families - len(endings))
    rng.shuffle(endings)
    return endings

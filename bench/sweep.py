"""Benchmark P4: beat's reminder sweep with 10,000 and with 1,000,000 cases in the
database, the same number of reminders due each time.

    .venv/bin/python bench/sweep.py            # 10,000 then 1,000,000 cases
    .venv/bin/python bench/sweep.py --small    # 1,000 then 100,000 (a quick look)

Each case has a history of finished reminders (acknowledged, due in the past) and one
scheduled in the future; ``DUE`` of them are due now. The figure is the median wall time
of ``handle(SweepReminders())`` over several sweeps (each claims the due reminders and
queues their effects; the claimed rows are put back between sweeps), against a fake
broker, so the database is what is measured. Target: the large sweep within 1.5 times
the small one, and under 100 ms. It owns the PostgreSQL database ``bench_engine_sweep``
(dropped and created at the start, dropped at the end).
"""

# ruff: noqa: E402 - the project root must be on sys.path before the project's imports

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text

from config.settings import Settings
from tests.support import RecordingPublisher
from workflow.bootstrap import bootstrap
from workflow.persistence.database import normalise_url
from workflow.persistence.migrate import upgrade
from workflow.programme.reminders import SweepReminders
from workflow.services import handle

ADMIN_URL = "postgresql://127.0.0.1:5432/test"
DB = "bench_engine_sweep"
URL = f"postgresql://127.0.0.1:5432/{DB}"
DUE = 100
HISTORY = 3  # finished reminders per case
SWEEPS = 7


def admin(sql: str) -> None:
    engine = create_engine(normalise_url(ADMIN_URL), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(sql))
    engine.dispose()


def seed(cases: int) -> None:
    admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{DB}"')
    engine = create_engine(normalise_url(URL))
    upgrade(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO staff (username, full_name, role, language, active, created_at)"
                " VALUES ('sw-bench', 'Bench', 'social_worker', 'hy', true, now())"
            )
        )
        connection.execute(
            text(
                "INSERT INTO cases (workflow, state, version, community, opened_at, updated_at)"
                " SELECT 'family_case', 'receiving_services', 1, 'bench', now(), now()"
                " FROM generate_series(1, :n)"
            ),
            {"n": cases},
        )
        connection.execute(
            text(
                "INSERT INTO reminders (case_id, kind, recipient_id, status, due_at, created_at,"
                " sent_at, acknowledged_at, acknowledged_by)"
                " SELECT c.id, 'counselling_follow_up', s.id, 'acknowledged',"
                " now() - (h * interval '30 days'), now() - (h * interval '31 days'),"
                " now() - (h * interval '30 days'), now() - (h * interval '29 days'), 'sw-bench'"
                " FROM cases c, staff s, generate_series(1, :history) h"
            ),
            {"history": HISTORY},
        )
        connection.execute(
            text(
                "INSERT INTO reminders (case_id, kind, recipient_id, status, due_at, created_at)"
                " SELECT c.id, 'counselling_follow_up', s.id, 'scheduled',"
                " CASE WHEN c.id <= :due THEN now() - interval '1 hour'"
                " ELSE now() + interval '14 days' END, now() - interval '1 day'"
                " FROM cases c, staff s"
            ),
            {"due": DUE},
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def measure(cases: int) -> float:
    seed(cases)
    rt = bootstrap(Settings(database_url=URL, var_dir=ROOT / "var" / "bench-sweep"))
    rt.publisher = RecordingPublisher()
    rt.publish_marks = None  # marks inline, so nothing outlives the database
    timings = []
    for _ in range(SWEEPS):
        started = time.perf_counter()
        claimed = handle(rt, SweepReminders())
        timings.append(time.perf_counter() - started)
        with rt.engine.begin() as connection:  # put the claimed reminders back
            connection.execute(
                text("UPDATE reminders SET status = 'scheduled' WHERE status = 'sending'")
            )
            connection.execute(text("DELETE FROM outbox"))
    rt.engine.dispose()
    print(
        f"  {cases:>9,} cases: sweep claims {claimed};"
        f" median {statistics.median(timings) * 1000:.1f} ms"
        f" (min {min(timings) * 1000:.1f}, max {max(timings) * 1000:.1f})",
        flush=True,
    )
    return statistics.median(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="1,000 and 100,000 cases")
    args = parser.parse_args()
    small, large = (1_000, 100_000) if args.small else (10_000, 1_000_000)
    print(f"P4: reminder sweep, {DUE} due, {HISTORY} finished reminders per case", flush=True)
    try:
        a = measure(small)
        b = measure(large)
    finally:
        admin(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    ratio = b / a
    met = ratio <= 1.5 and b < 0.1
    print(
        f"  ratio {large:,}/{small:,}: {ratio:.2f} (target <= 1.5 and under 100 ms:"
        f" {'met' if met else 'MISSED'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Concurrent edits and refused transitions against PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import select, text

from tests.programme_fixtures import CLOSE, prepare, register
from tests.support import ROOT
from workflow import queries
from workflow.commands import AdvanceCase, OpenCase
from workflow.errors import CaseNotFound, ConcurrentUpdate, GuardFailed, TriggerNotAllowed
from workflow.persistence.models import CaseEventRow
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
CLIENTS = 20
ROUNDS = 6


def test_twenty_concurrent_advances_one_winner_per_version(
    clean_db, clean_redis, runtime_for, tmp_path
):
    # The engine's compare-and-set, on the family workflow without the approval of
    # closing (tests/integration/test_approvals_postgres.py races the approvers).
    workflows = tmp_path / "workflows"
    workflows.mkdir()
    toml = (ROOT / "config" / "workflows" / "family_case.toml").read_text(encoding="utf-8")
    assert "\napproval = " in toml
    (workflows / "family_case.toml").write_text(
        "\n".join(line for line in toml.splitlines() if not line.startswith("approval = ")),
        encoding="utf-8",
    )
    rt = runtime_for(clean_db, clean_redis, workflows_dir=workflows)
    case_id = handle(rt, OpenCase(actor="w", family_name="Հակոբյան", community="Հրազդան")).case_id
    barrier = threading.Barrier(CLIENTS)
    outcomes: list[list[str]] = [[] for _ in range(ROUNDS)]
    lock = threading.Lock()

    def client(number: int) -> None:
        for round_number in range(ROUNDS):
            barrier.wait()  # everyone reads the same version ...
            version = queries.case_view(rt, case_id=case_id)["version"]
            trigger = "close" if round_number % 2 == 0 else "reopen"
            barrier.wait()  # ... then everyone writes at once
            try:
                handle(
                    rt,
                    AdvanceCase(
                        case_id=case_id,
                        trigger=trigger,
                        actor=f"client-{number}",
                        reason=f"round {round_number}",
                        data=CLOSE if trigger == "close" else {},
                        expected_version=version,
                    ),
                )
                outcome = "won"
            except ConcurrentUpdate:
                outcome = "conflict"
            with lock:
                outcomes[round_number].append(outcome)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [Counter(round_) for round_ in outcomes] == [
        Counter(won=1, conflict=CLIENTS - 1)
    ] * ROUNDS
    view = queries.case_view(rt, case_id=case_id)
    assert view["version"] == 1 + ROUNDS
    assert [event["version"] for event in view["timeline"]] == list(range(1, ROUNDS + 2))
    states = [event["to"] for event in view["timeline"]]
    assert states == ["referred"] + ["closed", "referred"] * (ROUNDS // 2)
    # Close and reopen queue no background work: the losers left no outbox rows behind.
    assert sum(queries.outbox_counts(rt).values()) == 0


def test_concurrent_advances_without_expected_version_still_serialise(
    clean_db, clean_redis, runtime_for
):
    rt = runtime_for(clean_db, clean_redis)
    case_id = register(rt)
    prepare(rt, case_id, "assess")
    seen = queries.case_view(rt, case_id=case_id)["version"]
    barrier = threading.Barrier(CLIENTS)
    results: list[str] = []

    def client() -> None:
        barrier.wait()
        try:
            handle(rt, AdvanceCase(case_id=case_id, trigger="assess", actor="w"))
            results.append("won")
        except (ConcurrentUpdate, TriggerNotAllowed) as exc:
            results.append(type(exc).__name__)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results.count("won") == 1 and len(results) == CLIENTS
    with rt.session_factory() as session:
        versions = session.scalars(
            select(CaseEventRow.version).where(CaseEventRow.case_id == case_id)
        ).all()
    assert sorted(versions) == list(range(1, seen + 2))


def table_dump(rt) -> dict[str, list[tuple]]:
    with rt.engine.connect() as connection:
        return {
            table: [
                tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1"))
            ]
            for table in ("cases", "case_events", "outbox", "effect_ledger", "incidents")
        }


@pytest.mark.parametrize(
    ("case", "trigger", "kwargs", "error"),
    [
        ("known", "stabilise", {}, TriggerNotAllowed),
        ("known", "close", {}, GuardFailed),
        ("anonymous", "assess", {}, GuardFailed),
        ("unknown", "assess", {}, CaseNotFound),
        ("known", "assess", {"expected_version": 3}, ConcurrentUpdate),
    ],
)
def test_refused_transitions_leave_the_database_exactly_as_it_was(
    clean_db, clean_redis, runtime_for, case, trigger, kwargs, error
):
    rt = runtime_for(clean_db, clean_redis)
    known = handle(rt, OpenCase(actor="w", family_name="Ներսիսյան", community="Աբովյան")).case_id
    anonymous = handle(rt, OpenCase(actor="w")).case_id
    case_id = {"known": known, "anonymous": anonymous, "unknown": 99_999}[case]
    before = table_dump(rt)
    with pytest.raises(error):
        handle(rt, AdvanceCase(case_id=case_id, trigger=trigger, actor="w", **kwargs))
    assert table_dump(rt) == before

"""The programme's case file on PostgreSQL: the main flows, Armenian search, import and
export, bulk reassignment, consent withdrawal and concurrent edits of a case file."""

from __future__ import annotations

import csv
import threading
from collections import Counter
from datetime import date

import pytest
import redis
from openpyxl import Workbook
from sqlalchemy import func, select, text

from tests.programme_fixtures import (
    PSYCHOLOGIST,
    SOCIAL_WORKER,
    case_in,
    ensure_staff,
    register,
    today,
)
from workflow import queries
from workflow.errors import ConcurrentUpdate
from workflow.persistence.models import CaseRow
from workflow.programme import families as programme_queries
from workflow.programme.counselling import RecordCounselling
from workflow.programme.exchange import ImportRefused, export_cases, import_families
from workflow.programme.families import (
    AssignCase,
    FamilyRow,
    MemberInput,
    MemberRow,
    PossibleDuplicate,
    ReassignCases,
    WithdrawConsent,
)
from workflow.programme.staff import AddStaff, CommunityRow
from workflow.services import handle

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def rt(clean_db, clean_redis, runtime_for):
    return runtime_for(clean_db, clean_redis)


def test_communities_survive_the_cleaning_between_tests(rt):
    with rt.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(CommunityRow)) == 15


def test_a_family_from_referral_to_stabilisation(rt):
    case_id = case_in(rt, "economically_stabilised", family_name="Մկրտչյան", community="Եղվարդ")
    view = programme_queries.family_view(rt, case_id=case_id)
    assert view["state"] == "economically_stabilised"
    assert (view["social_worker"], len(view["assessments"]), len(view["consents"])) == (
        SOCIAL_WORKER,
        1,
        1,
    )
    timeline = queries.case_view(rt, case_id=case_id)["timeline"]
    assert [e["version"] for e in timeline] == list(range(1, len(timeline) + 1))


def test_armenian_search_ignores_case_on_postgresql(rt):
    first = register(rt, family_name="Ղազարյան", phone="+374 91 000001")
    father = MemberInput("father", "Aram Hakobyan", date_of_birth=date(1980, 1, 1))
    register(rt, family_name="Hakobyan", phone="+374 91 000002", members=(father,))
    for query in ("ղազարյան", "ՂԱԶԱՐ", "ԱՆԻ ՂԱԶԱՐՅԱՆ", "նարե"):
        found = programme_queries.search_families(rt, name=query)
        assert [f["case_id"] for f in found] == [first], query
    assert [f["family_name"] for f in programme_queries.search_families(rt, name="HAKOB")] == [
        "Hakobyan"
    ]
    with rt.engine.connect() as connection:  # stored exactly as given (NFC)
        assert connection.scalar(text("SELECT family_name FROM families WHERE id = 1")) == (
            "Ղազարյան"
        )


def test_the_duplicate_check_on_postgresql(rt):
    first = register(rt)
    with pytest.raises(PossibleDuplicate, match=f"open case {first}"):
        register(rt, phone="+374 99 999999")
    register(rt, phone="+374 99 999999", confirm=True)


def _workbook(path, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["family_ref", "family_name", "community", "phone", "role", "full_name", "date_of_birth"]
    )
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_import_is_all_or_nothing_and_export_reads_back(rt, tmp_path):
    rows = [
        [
            "A",
            "Սիմոնյան",
            "Բյուրեղավան",
            "+374 94 111111",
            "mother",
            "Լիլիթ Սիմոնյան",
            "1992-07-07",
        ],
        ["A", None, None, None, "child", "Էրիկ Սիմոնյան", "2019-01-05"],
        ["B", "Դավթյան", "Nor Hachn", "+374 94 222222", "father", "Գոռ Դավթյան", "1987-02-30"],
    ]
    path = _workbook(tmp_path / "list.xlsx", rows)
    with pytest.raises(ImportRefused, match="nothing imported from list.xlsx: 1 problem"):
        import_families(rt, path=path, actor="importer")
    with rt.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(FamilyRow)) == 0
        assert session.scalar(select(func.count()).select_from(CaseRow)) == 0
    report = import_families(rt, path=path, actor="importer", skip_invalid=True)
    assert (len(report.imported_case_ids), report.skipped) == (1, ["B"])
    assert [str(p) for p in report.problems] == [
        "row 4, column date_of_birth: '1987-02-30' is not a date (use 2024-03-15 or 15.03.2024)"
    ]
    with rt.session_factory() as session:
        assert session.scalar(select(func.count()).select_from(MemberRow)) == 2
    out = tmp_path / "cases.csv"
    assert export_cases(rt, path=out) == 1
    with out.open(encoding="utf-8-sig", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert (exported[0]["family_name"], exported[0]["community"], exported[0]["members"]) == (
        "Սիմոնյան",
        "Բյուրեղավան",
        "2",
    )


def test_bulk_reassignment_on_postgresql(rt):
    ensure_staff(rt)
    for username in ("sw-leaving", "sw-taking"):
        handle(
            rt, AddStaff(username=username, full_name=username, role="social_worker", actor="admin")
        )
    cases = [
        case_in(rt, "enrolled", family_name=f"Ընտանիք{n}", phone=f"+374 91 50000{n}")
        for n in range(4)
    ]
    for case_id in cases:
        handle(rt, AssignCase(case_id=case_id, actor="m", social_worker="sw-leaving"))
    moved = handle(rt, ReassignCases(from_staff="sw-leaving", to_staff="sw-taking", actor="m"))
    assert moved.case_ids == tuple(cases)
    for case_id in cases:
        last = queries.case_view(rt, case_id=case_id)["timeline"][-1]
        assert (last["trigger"], last["data"]["to"]) == ("reassign", "sw-taking")


def test_withdrawn_consent_closes_the_case_in_one_transaction(rt, clean_redis):
    case_id = case_in(rt, "receiving_services", family_name="Գրիգորյան", community="Արզնի")
    redis.Redis.from_url(clean_redis).flushdb()
    event = handle(
        rt,
        WithdrawConsent(
            case_id=case_id, actor="w", withdrawn_on=today(rt), reason="Գրիգորյանները հրաժարվեցին"
        ),
    )
    view = queries.case_view(rt, case_id=case_id)
    assert view["state"] == "closed"
    assert view["timeline"][-1]["data"] == {"closure_reason": "consent_withdrawn"}
    # Closing queues nothing for the broker.
    assert event.outbox_ids == ()
    assert redis.Redis.from_url(clean_redis).llen("referrals") == 0


def test_concurrent_edits_of_one_case_file_have_one_winner(rt):
    ensure_staff(rt)
    case_id = case_in(rt, "enrolled")
    version = queries.case_view(rt, case_id=case_id)["version"]
    barrier = threading.Barrier(8)
    outcomes: list[str] = []

    def client(number: int) -> None:
        barrier.wait()
        try:
            handle(
                rt,
                AssignCase(
                    case_id=case_id,
                    actor=f"client-{number}",
                    social_worker=SOCIAL_WORKER,
                    psychologist=PSYCHOLOGIST,
                    expected_version=version,
                ),
            )
            outcomes.append("won")
        except ConcurrentUpdate:
            outcomes.append("conflict")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Counter(outcomes) == Counter(won=1, conflict=7)
    view = queries.case_view(rt, case_id=case_id)
    assert view["version"] == version + 1
    assert [e["trigger"] for e in view["timeline"]].count("assign") == 1


def test_a_group_session_on_postgresql(rt):
    ensure_staff(rt)
    cases = [
        case_in(rt, "enrolled", family_name=f"Խումբ{n}", phone=f"+374 91 60000{n}")
        for n in range(3)
    ]
    session = handle(
        rt,
        RecordCounselling(
            kind="group",
            case_ids=tuple(cases),
            psychologist=PSYCHOLOGIST,
            held_on=today(rt),
            actor="psy",
            notes="Ծնողների խումբ",
        ),
    )
    for case_id in cases:
        sessions = programme_queries.family_view(rt, case_id=case_id)["counselling"]
        assert sessions[0]["id"] == session.session_id and sessions[0]["case_ids"] == cases

"""A reader whose scope has several parts (a social worker's own families, own foster
families, and the open cases of their communities of both workflows) gets their caseload
picked part by part (``web.cases.caseload._page_ids``): every sort, filter and page is
exactly what the scope's union finds, a case in two parts is listed once, and nothing
outside the scope shows. A social worker's foster families are in their own caseload, with
their community and social worker, and the community filter finds them (migration 0028
fills the community copy for foster cases opened before)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, select, text, update

from tests import programme_fixtures as pf
from web.cases import caseload as caseload_module
from web.cases.caseload import ALL, OPEN, SORTS, CaseloadFilter, caseload
from workflow.persistence.migrate import upgrade
from workflow.persistence.models import CaseRow
from workflow.programme.counselling import RecordCounselling
from workflow.programme.families import AssignCase
from workflow.programme.foster_care import RegisterInquiry
from workflow.programme.staff import CommunityRow, StaffRow
from workflow.scoping import scope_of
from workflow.services import handle

COLLEAGUE = pf.COLLEAGUE


def foster_inquiry(rt, *, actor: str, family_name: str, community: str) -> int:
    event = handle(
        rt, RegisterInquiry(actor=actor, family_name=family_name, community=community, adults=2)
    )
    return int(event.case_id)


@pytest.fixture
def scene(sqlite_runtime):
    return sqlite_runtime, build_scene(sqlite_runtime)


def build_scene(rt) -> dict[str, list[int]]:
    """The social worker works in Hrazdan. Their own cases: two in Hrazdan (so in two parts
    of the scope), two in Abovyan, a foster family in Abovyan. A colleague's: three open in
    Hrazdan, one closed there, a foster family there, and one in Charentsavan."""
    pf.with_colleague(rt, "hrazdan")
    phone = iter(f"+374 91 8000{n:02d}" for n in range(100))

    def family(owner: str, name: str, community: str) -> int:
        return pf.register(
            rt, actor=owner, family_name=name, community=community, phone=next(phone)
        )

    cases = {
        "own": [
            family(pf.SOCIAL_WORKER, "Զաքարյան", "hrazdan"),
            family(pf.SOCIAL_WORKER, "Աբրահամյան", "abovyan"),
            family(pf.SOCIAL_WORKER, "Մելքոնյան", "hrazdan"),
            family(pf.SOCIAL_WORKER, "Բեգլարյան", "abovyan"),
        ],
        "own_foster": [
            foster_inquiry(rt, actor=pf.SOCIAL_WORKER, family_name="Ղազարյան", community="abovyan")
        ],
        "colleague": [
            family(COLLEAGUE, "Դավթյան", "hrazdan"),
            family(COLLEAGUE, "Էլոյան", "hrazdan"),
            family(COLLEAGUE, "Հովսեփյան", "hrazdan"),
        ],
        "colleague_foster": [
            foster_inquiry(rt, actor=COLLEAGUE, family_name="Վարդանյան", community="hrazdan")
        ],
        "colleague_closed": [family(COLLEAGUE, "Թադևոսյան", "hrazdan")],
        "elsewhere": [family(COLLEAGUE, "Իսահակյան", "charentsavan")],
    }
    pf.bring_to(rt, cases["own"][2], "assessed")
    pf.bring_to(rt, cases["colleague"][1], "assessed")
    with rt.session_factory.begin() as session:
        # Closed as the programme closes one; how it got there does not matter to a read.
        session.execute(
            update(CaseRow).where(CaseRow.id == cases["colleague_closed"][0]).values(state="closed")
        )
    return cases


def staff_id(rt, username: str) -> int:
    with rt.session_factory() as session:
        return int(session.scalar(select(StaffRow.id).where(StaffRow.username == username)))


def whole_list(rt, wanted: CaseloadFilter) -> list[int]:
    """Every page of ``wanted``, one after another."""
    found: list[int] = []
    page = 1
    while True:
        shown = caseload(rt, CaseloadFilter(**{**wanted.__dict__, "page": page}))
        found += [row.id for row in shown.rows]
        if not shown.has_next:
            return found
        page += 1


def by_the_union(rt, wanted: CaseloadFilter) -> list[int]:
    """What one statement under the session's scope (the union of its parts) finds."""
    with rt.session_factory() as session:
        query = caseload_module._filtered(rt, wanted, CaseRow.id)
        return list(session.scalars(query))


def test_every_sort_filter_and_page_is_what_the_union_finds(scene, monkeypatch):
    check_every_listing(*scene, monkeypatch)


def check_every_listing(rt, cases: dict[str, list[int]], monkeypatch) -> None:
    reader = rt.acting_for(pf.SOCIAL_WORKER)
    with reader.session_factory() as session:
        scope = scope_of(session)
        assert scope is not None and len(scope.visible_parts) == 4
    # Two rows a page, so pages end inside a part and a part's rows spread over pages.
    monkeypatch.setattr(caseload_module, "PAGE_SIZE", 2)
    me = staff_id(rt, pf.SOCIAL_WORKER)
    visible = {
        *cases["own"],
        *cases["own_foster"],
        *cases["colleague"],
        *cases["colleague_foster"],
    }
    checked = 0
    for sort in SORTS:
        for state in (OPEN, ALL, "referred"):
            for worker in (None, me):
                wanted = CaseloadFilter(state=state, worker=worker, sort=sort)
                listed = whole_list(reader, wanted)
                assert listed == by_the_union(reader, wanted), wanted
                assert len(listed) == len(set(listed)), wanted
                assert set(listed) <= visible, wanted
                checked += 1
    assert checked == len(SORTS) * 6
    # The whole of it, with the two Hrazdan cases of their own listed once.
    assert set(whole_list(reader, CaseloadFilter(state=ALL))) == visible
    assert whole_list(reader, CaseloadFilter(state=ALL, worker=me)) == sorted(
        [*cases["own"], *cases["own_foster"]], reverse=True
    )
    # By name, the foster family among the families (not after them).
    with rt.session_factory() as session:
        names = dict(session.execute(select(CaseRow.id, CaseRow.family_name)).all())
    by_name = whole_list(reader, CaseloadFilter(state=ALL, worker=me, sort="name"))
    assert [names[case_id] for case_id in by_name] == [
        "Աբրահամյան",
        "Բեգլարյան",
        "Զաքարյան",
        "Ղազարյան",
        "Մելքոնյան",
    ]
    searched = whole_list(reader, CaseloadFilter(state=ALL, q="յան", sort="-name"))
    assert searched == by_the_union(reader, CaseloadFilter(state=ALL, q="յան", sort="-name"))
    assert set(searched) == visible


def test_a_social_workers_foster_family_is_in_their_own_caseload(scene):
    rt, cases = scene
    reader = rt.acting_for(pf.SOCIAL_WORKER)
    me = staff_id(rt, pf.SOCIAL_WORKER)
    (foster,) = cases["own_foster"]
    rows = {row.id: row for row in caseload(reader, CaseloadFilter(worker=me)).rows}
    assert set(rows) == {*cases["own"], foster}
    assert rows[foster].family_name == "Ղազարյան"
    assert rows[foster].community["hy"] == "Աբովյան"
    assert rows[foster].social_worker == "Անահիտ Մարտիրոսյան"
    with rt.session_factory() as session:
        places = dict(session.execute(select(CommunityRow.code, CommunityRow.id)).all())
    by_place = caseload(reader, CaseloadFilter(worker=me, community=places["abovyan"]))
    assert [row.id for row in by_place.rows] == sorted([foster, *cases["own"][1::2]], reverse=True)
    # The colleague's foster family in the reader's community: read, not their own.
    colleagues = caseload(reader, CaseloadFilter(community=places["hrazdan"]))
    assert cases["colleague_foster"][0] in [row.id for row in colleagues.rows]


def test_a_psychologists_own_caseload_lists_the_families_they_counsel(sqlite_runtime):
    rt = sqlite_runtime
    pf.ensure_staff(rt)
    assigned = pf.register(rt, family_name="Նշանակված", phone="+374 91 810001")
    handle(rt, AssignCase(case_id=assigned, actor="t", psychologist=pf.PSYCHOLOGIST))
    counselled = pf.register(rt, family_name="Խմբային", phone="+374 91 810002")
    neither = pf.register(rt, family_name="Այլ", phone="+374 91 810003")
    handle(
        rt,
        RecordCounselling(
            kind="group",
            case_ids=(assigned, counselled),
            psychologist=pf.PSYCHOLOGIST,
            held_on=pf.today(rt),
            actor=pf.PSYCHOLOGIST,
        ),
    )
    reader = rt.acting_for(pf.PSYCHOLOGIST)
    me = staff_id(rt, pf.PSYCHOLOGIST)
    assert whole_list(reader, CaseloadFilter(worker=me)) == [counselled, assigned]
    # The social worker who registered all three: their own, counselled or not.
    assert whole_list(rt, CaseloadFilter(worker=staff_id(rt, pf.SOCIAL_WORKER))) == [
        neither,
        counselled,
        assigned,
    ]


def test_the_migration_copies_the_community_of_foster_cases_already_open(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'before.sqlite3'}")
    upgrade(engine, "0027")
    now = datetime(2026, 11, 2, tzinfo=UTC)
    with engine.begin() as connection:
        garni = connection.execute(
            text("SELECT id FROM communities WHERE code = 'garni'")
        ).scalar_one()
        for case_id, workflow in ((1, "foster_care"), (2, "family_case")):
            connection.execute(
                text(
                    "INSERT INTO cases (id, workflow, workflow_version, state, version,"
                    " opened_at, updated_at)"
                    " VALUES (:id, :workflow, 1, 'inquiry', 1, :now, :now)"
                ),
                {"id": case_id, "workflow": workflow, "now": now},
            )
        connection.execute(
            text(
                "INSERT INTO foster_families (case_id, family_name, name_key, community_id,"
                " adults, children_in_household, created_at, updated_at)"
                " VALUES (1, 'Հին', 'հին', :garni, 2, 0, :now, :now)"
            ),
            {"garni": garni, "now": now},
        )
    upgrade(engine)
    with engine.connect() as connection:
        copied = dict(connection.execute(text("SELECT id, community_id FROM cases")).all())
    engine.dispose()
    assert copied == {1: garni, 2: None}

"""The caseload filtered by community and criterion reads the case row's copies of the
family's community and of the latest assessment's criteria (one index with the state,
migration 0027): the copies follow the family when it is registered or moves and each
assessment recorded, and the migration fills them in for the cases already there."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, select, text

from tests.programme_fixtures import assess, case_in, register, today
from web.cases.caseload import ALL, CaseloadFilter, caseload
from workflow.persistence.migrate import upgrade
from workflow.persistence.models import CaseRow
from workflow.programme.families import UpdateFamily
from workflow.programme.staff import CommunityRow
from workflow.services import handle


def community_ids(rt) -> dict[str, int]:
    with rt.session_factory() as session:
        return dict(session.execute(select(CommunityRow.code, CommunityRow.id)).all())


def listed(rt, **wanted) -> list[int]:
    return [row.id for row in caseload(rt, CaseloadFilter(**wanted)).rows]


def test_the_filter_finds_a_communitys_cases_in_a_state_newest_first(sqlite_runtime):
    rt = sqlite_runtime
    hrazdan_enrolled = [
        case_in(
            rt,
            "enrolled",
            family_name=f"Հրազդանյան{n}",
            community="hrazdan",
            phone=f"+374 91 00010{n}",
        )
        for n in range(3)
    ]
    hrazdan_referred = register(
        rt, family_name="Սպասյան", community="hrazdan", phone="+374 91 000200"
    )
    abovyan_enrolled = case_in(
        rt, "enrolled", family_name="Աբովյանցի", community="abovyan", phone="+374 91 000300"
    )
    ids = community_ids(rt)

    assert listed(rt, state="enrolled", community=ids["hrazdan"]) == hrazdan_enrolled[::-1]
    assert listed(rt, state=ALL, community=ids["hrazdan"]) == [
        hrazdan_referred,
        *hrazdan_enrolled[::-1],
    ]
    assert listed(rt, state="enrolled", community=ids["abovyan"]) == [abovyan_enrolled]
    assert listed(rt, state="closed", community=ids["hrazdan"]) == []


def test_a_family_that_moves_is_listed_under_its_new_community_only(sqlite_runtime):
    rt = sqlite_runtime
    case_id = register(rt, family_name="Տեղափոխվողյան", community="hrazdan", phone="+374 91 000400")
    ids = community_ids(rt)
    handle(rt, UpdateFamily(case_id=case_id, actor="w", changes={"community": "Գառնի"}))

    assert listed(rt, state=ALL, community=ids["hrazdan"]) == []
    assert listed(rt, state=ALL, community=ids["garni"]) == [case_id]
    with rt.session_factory() as session:
        assert session.get(CaseRow, case_id).community_id == ids["garni"]


def test_the_criterion_filter_finds_the_primary_criterion_and_the_latest_assessment(
    sqlite_runtime,
):
    rt = sqlite_runtime
    at_risk = register(rt, family_name="Վտանգյան", phone="+374 91 000500")
    assess(rt, at_risk, criteria=("extreme_poverty",))
    not_at_risk = register(rt, family_name="Ապահովյան", phone="+374 91 000600")
    assess(rt, not_at_risk, risk_of_abandonment=False, risk_description=None, criteria=())

    # The primary criterion is the assessment's flag: the filter offers it and finds it.
    assert listed(rt, state=ALL, criterion="risk_of_abandonment") == [at_risk]
    assert listed(rt, state=ALL, criterion="extreme_poverty") == [at_risk]
    assert listed(rt, state=ALL, criterion="poverty") == []

    # A re-assessment replaces the criteria the caseload sees; a backdated one does not.
    assess(rt, at_risk, criteria=("single_parent",), assessed_on=today(rt))
    assess(rt, at_risk, criteria=("disability",), assessed_on=today(rt) - timedelta(days=30))
    assert listed(rt, state=ALL, criterion="extreme_poverty") == []
    assert listed(rt, state=ALL, criterion="disability") == []
    assert listed(rt, state=ALL, criterion="single_parent") == [at_risk]
    with rt.session_factory() as session:
        assert session.get(CaseRow, at_risk).criteria == "|risk_of_abandonment|single_parent|"
        assert session.get(CaseRow, not_at_risk).criteria == "|"


def test_the_migration_copies_the_community_and_criteria_already_recorded(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'before.sqlite3'}")
    upgrade(engine, "0026")
    now = datetime(2026, 11, 2, tzinfo=UTC)
    with engine.begin() as connection:
        garni = connection.execute(
            text("SELECT id FROM communities WHERE code = 'garni'")
        ).scalar_one()
        for case_id in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO cases (id, workflow, workflow_version, state, version,"
                    " opened_at, updated_at)"
                    " VALUES (:id, 'family_case', 1, 'referred', 1, :now, :now)"
                ),
                {"id": case_id, "now": now},
            )
        connection.execute(
            text(
                "INSERT INTO families (case_id, family_name, name_key, community_id,"
                " state_benefit, created_at, updated_at)"
                " VALUES (1, 'Հին', 'հին', :garni, 0, :now, :now)"
            ),
            {"garni": garni, "now": now},
        )
        # (This plain engine does not enforce foreign keys: assessor 1 needs no staff row.)
        for assessed_on, risk, criteria in (
            ("2026-10-01", 0, '["disability"]'),
            ("2026-10-20", 1, '["extreme_poverty", "single_parent"]'),
            ("2026-10-05", 0, "[]"),
        ):
            connection.execute(
                text(
                    "INSERT INTO assessments (case_id, assessor_id, assessed_on,"
                    " risk_of_abandonment, criteria, recorded_by, recorded_at)"
                    " VALUES (1, 1, :on, :risk, :criteria, 'a', :now)"
                ),
                {"on": assessed_on, "risk": risk, "criteria": criteria, "now": now},
            )
    upgrade(engine)
    with engine.connect() as connection:
        copied = {
            case_id: (community, criteria)
            for case_id, community, criteria in connection.execute(
                text("SELECT id, community_id, criteria FROM cases")
            )
        }
    engine.dispose()
    # The latest assessment by its date; a case without a family (another workflow's) and
    # not assessed has nothing to copy.
    assert copied == {
        1: (garni, "|risk_of_abandonment|extreme_poverty|single_parent|"),
        2: (None, None),
    }

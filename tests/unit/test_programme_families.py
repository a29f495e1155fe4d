"""Registering families: the household, the duplicate check, Armenian text and search."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select

from tests.programme_fixtures import close_case, family, register, today
from workflow import queries
from workflow.persistence.models import CaseEventRow, CaseRow
from workflow.programme import families as programme_queries
from workflow.programme.families import (
    AddMember,
    FamilyNotRegistered,
    FamilyRow,
    MemberInput,
    MemberRow,
    PossibleDuplicate,
    RegisterFamily,
    UpdateFamily,
    read_family,
)
from workflow.programme.shared.reference import reference
from workflow.programme.shared.values import Problems
from workflow.programme.staff import UnknownCommunity
from workflow.services import handle


def counts(rt):
    with rt.session_factory() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (CaseRow, CaseEventRow, FamilyRow, MemberRow)
        )


def test_registering_opens_a_case_with_the_household(sqlite_runtime):
    case_id = register(
        sqlite_runtime,
        actor="worker-1",  # not a social worker: nobody is assigned by registering
        family_name="Մկրտչյան",
        community="Չարենցավան",
        address="Չարենցի փ. 12",
        referral_partner_type="guardianship_commission",
        referral_partner_name="Չարենցավանի խնամակալության հանձնաժողով",
        state_benefit=True,
    )
    view = programme_queries.family_view(sqlite_runtime, case_id=case_id)
    assert view["state"] == "referred" and view["version"] == 2
    assert view["community"] == {"code": "charentsavan", "hy": "Չարենցավան", "en": "Charentsavan"}
    assert view["state_benefit"] is True
    assert view["referral"]["partner_type"] == "guardianship_commission"
    assert [(m["role"], m["full_name"]) for m in view["members"]] == [
        ("mother", "Անի Մկրտչյան"),
        ("child", "Նարե Մկրտչյան"),
    ]
    case = queries.case_view(sqlite_runtime, case_id=case_id)
    # The engine's display columns follow the family record.
    assert (case["family_name"], case["community"]) == ("Մկրտչյան", "Չարենցավան")
    assert [(e["trigger"], e["actor"]) for e in case["timeline"]] == [
        ("open", "worker-1"),
        ("register_family", "worker-1"),
    ]


@pytest.mark.parametrize("given", ["hrazdan", "Hrazdan", "HRAZDAN", "Հրազդան", "ՀՐԱԶԴԱՆ"])
def test_a_community_is_found_by_code_or_name_in_either_language(sqlite_runtime, given):
    case_id = register(sqlite_runtime, community=given)
    assert programme_queries.family_view(sqlite_runtime, case_id=case_id)["community"]["code"] == (
        "hrazdan"
    )


def test_an_unknown_community_writes_nothing(sqlite_runtime):
    before = counts(sqlite_runtime)
    with pytest.raises(UnknownCommunity, match="unknown community 'Atlantis'"):
        register(sqlite_runtime, community="Atlantis")
    assert counts(sqlite_runtime) == before


def test_same_child_name_and_birth_date_in_an_open_case_is_a_possible_duplicate(sqlite_runtime):
    first = register(sqlite_runtime, family_name="Սարգսյան", phone="+374 91 111111")
    before = counts(sqlite_runtime)
    child = MemberInput("child", "ՆԱՐԵ  սարգսյան", date_of_birth=date(2016, 9, 1))
    with pytest.raises(PossibleDuplicate) as warned:
        register(sqlite_runtime, phone="+374 93 222222", members=(child,))
    assert warned.value.case_ids == [first]
    assert f"matches Նարե Սարգսյան in open case {first} (Սարգսյան, Հրազդան, referred)" in str(
        warned.value
    )
    assert "--confirm-duplicate" in str(warned.value)
    assert counts(sqlite_runtime) == before  # nothing written without confirmation

    second = register(sqlite_runtime, phone="+374 93 222222", members=(child,), confirm=True)
    timeline = queries.case_view(sqlite_runtime, case_id=second)["timeline"]
    assert timeline[1]["data"]["possible_duplicates_confirmed"] == [first]


def test_a_child_of_another_birth_date_is_not_a_duplicate(sqlite_runtime):
    register(sqlite_runtime)
    other = MemberInput("child", "Նարե Սարգսյան", date_of_birth=date(2017, 9, 1))
    register(sqlite_runtime, phone="+374 93 222222", members=(other,))


def test_same_parent_name_and_phone_is_a_possible_duplicate(sqlite_runtime):
    first = register(sqlite_runtime, phone="+374 91 123456")
    mother = MemberInput("mother", "Անի Սարգսյան", date_of_birth=date(1991, 1, 1))
    # The same number written the national way still matches.
    with pytest.raises(PossibleDuplicate, match=f"parent Անի Սարգսյան, .* open case {first}"):
        register(sqlite_runtime, phone="091-12-34-56", members=(mother,))
    register(sqlite_runtime, phone="091 65 43 21", members=(mother,))  # another phone: fine


def test_closed_cases_are_not_duplicates(sqlite_runtime):
    first = register(sqlite_runtime)
    close_case(sqlite_runtime, first, actor="w", reason="left")
    register(sqlite_runtime)  # the same family again: its earlier case is closed


def test_adding_a_member_checks_duplicates_in_other_cases(sqlite_runtime):
    first = register(sqlite_runtime, family_name="Ավետիսյան", phone="+374 94 000001")
    second = register(sqlite_runtime, family_name="Դավթյան", phone="+374 94 000002")
    child = MemberInput("child", "Նարե Ավետիսյան", date_of_birth=date(2016, 9, 1))
    with pytest.raises(PossibleDuplicate, match=f"open case {first}"):
        handle(sqlite_runtime, AddMember(case_id=second, actor="w", member=child))
    added = handle(
        sqlite_runtime,
        AddMember(case_id=second, actor="w", member=child, confirm_duplicate=True),
    )
    assert added.version == 3
    brother = MemberInput("child", "Արամ Դավթյան", date_of_birth=date(2019, 2, 3))
    handle(sqlite_runtime, AddMember(case_id=second, actor="w", member=brother))
    names = [
        m["full_name"]
        for m in programme_queries.family_view(sqlite_runtime, case_id=second)["members"]
    ]
    assert names[-1] == "Արամ Դավթյան"


def test_armenian_text_round_trips_exactly_as_nfc(sqlite_runtime):
    # Armenian letters have no canonical decomposition; the Latin é in the name does.
    decomposed = unicodedata.normalize("NFD", "Ծովինար Ղազարյան-Ալեքսանյան (Zoé)")
    notes = unicodedata.normalize("NFD", "Ասթմա. «Բժշկի» նշանակում, և՛ դեղեր, café")
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    mother = MemberInput("mother", decomposed, date_of_birth=date(1989, 5, 6), health_notes=notes)
    case_id = register(
        sqlite_runtime, family_name="Ղազարյան", members=(mother,), address=" Գառնի, 3-րդ փ. 7 "
    )
    view = programme_queries.family_view(sqlite_runtime, case_id=case_id)
    member = view["members"][0]
    assert member["full_name"] == unicodedata.normalize("NFC", decomposed)
    assert member["health_notes"] == unicodedata.normalize("NFC", notes)
    assert view["address"] == "Գառնի, 3-րդ փ. 7"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("սարգսյան", ["Սարգսյան"]),
        ("ՍԱՐԳՍ", ["Սարգսյան"]),
        ("նարե", ["Սարգսյան"]),  # a member's name
        ("ՄԱՆԵ ՂԱԶԱՐՅԱՆ", ["Ղազարյան"]),
        ("Hovh", ["Hovhannisyan"]),
        ("HOVHANNISYAN", ["Hovhannisyan"]),
        ("յան", ["Ղազարյան", "Սարգսյան"]),
        ("100%", []),
        ("ք_", []),
    ],
)
def test_name_search_ignores_case_in_armenian_and_latin(sqlite_runtime, query, found):
    register(sqlite_runtime, family_name="Սարգսյան", phone="+374 91 000001")
    register(
        sqlite_runtime,
        family_name="Ղազարյան",
        phone="+374 91 000002",
        members=(MemberInput("child", "Մանե Ղազարյան", date_of_birth=date(2015, 1, 1)),),
    )
    register(
        sqlite_runtime,
        family_name="Hovhannisyan",
        phone="+374 91 000003",
        members=(MemberInput("father", "Aram Hovhannisyan", date_of_birth=date(1980, 1, 1)),),
    )
    results = programme_queries.search_families(sqlite_runtime, name=query)
    assert sorted(r["family_name"] for r in results) == sorted(found)


def test_updating_the_family_keeps_the_case_row_in_step(sqlite_runtime):
    case_id = register(sqlite_runtime)
    event = handle(
        sqlite_runtime,
        UpdateFamily(
            case_id=case_id,
            actor="w",
            changes={"community": "garni", "phone": "+374 77 555555", "family_name": "Սարգսյաններ"},
            expected_version=2,
        ),
    )
    assert event.version == 3
    case = queries.case_view(sqlite_runtime, case_id=case_id)
    assert (case["family_name"], case["community"]) == ("Սարգսյաններ", "Գառնի")
    assert case["timeline"][-1]["data"]["changed"]["community"] == "garni"
    assert programme_queries.search_families(sqlite_runtime, name="սարգսյաններ")[0]["case_id"] == (
        case_id
    )
    with pytest.raises(Problems, match="case_id: cannot be changed here"):
        handle(sqlite_runtime, UpdateFamily(case_id=case_id, actor="w", changes={"case_id": 3}))


def test_a_case_without_a_family_says_so(sqlite_runtime):
    from workflow.commands import OpenCase

    case_id = handle(sqlite_runtime, OpenCase(actor="w")).case_id
    with pytest.raises(FamilyNotRegistered, match="has no family registered"):
        handle(sqlite_runtime, UpdateFamily(case_id=case_id, actor="w", changes={"phone": "091"}))


def test_a_json_form_reports_every_problem_at_once():
    form = {
        "family_name": "",
        "community": "hrazdan",
        "phone": "call me",
        "members": [
            {"role": "aunt", "full_name": "Ա"},
            {"role": "child", "full_name": "Բ", "date_of_birth": "31.02.2015"},
            {"role": "child", "full_name": "Գ"},
        ],
        "consent": {"purpose": "participation", "given_on": "2030-01-01"},
        "colour": "blue",
    }
    with pytest.raises(Problems) as problems:
        read_family(form, reference(), today=date(2026, 1, 15))
    assert [str(p) for p in problems.value.problems] == [
        "colour: unknown field; known fields: family_name, community, address, phone, "
        "referral_partner_type, referral_partner_name, state_benefit, members, consent",
        "family_name: is required",
        "phone: 'call me' is not a phone number",
        "members[1].role: 'aunt' is not one of: mother, father, guardian, child, other",
        "members[2].date_of_birth: '31.02.2015' is not a date (use 2024-03-15 or 15.03.2024)",
        "members[3].date_of_birth: is required for a child",
        "consent.given_on: 2030-01-01 is in the future",
    ]


def test_a_family_needs_members(sqlite_runtime):
    with pytest.raises(Problems, match="members: at least one household member is required"):
        read_family({"family_name": "Ա", "community": "garni"}, reference(), today=date.today())


def test_registration_with_consent_records_it(sqlite_runtime):
    from workflow.programme.families import ConsentInput

    consent = ConsentInput(
        purposes=("participation",), given_on=today(sqlite_runtime), note="Մասնակցություն ծրագրին"
    )
    event = handle(sqlite_runtime, RegisterFamily(actor="w", family=family(consent=consent)))
    view = programme_queries.family_view(sqlite_runtime, case_id=event.case_id)
    assert [(c["purposes"], c["note"], c["recorded_by"]) for c in view["consents"]] == [
        (["participation"], "Մասնակցություն ծրագրին", "w")
    ]

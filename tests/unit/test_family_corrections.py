"""Correcting a family's file after registration: each change on the timeline before and
after, the duplicate check on edits, members corrected and removed (kept in the history,
out of the household, its counts and the duplicate check), sensitive fields changed only
by the roles that read them, and a consent withdrawal said before it is done."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests.programme_fixtures import SOCIAL_WORKER, case_in, register, today
from workflow import queries
from workflow.errors import ConcurrentUpdate
from workflow.persistence.models import CaseEventRow, CaseRow
from workflow.programme import families
from workflow.programme.exchange.export import case_rows
from workflow.programme.families import (
    AddMember,
    CorrectMember,
    MemberInput,
    MemberNotFound,
    MemberRow,
    PossibleDuplicate,
    PreviewWithdrawal,
    RemoveMember,
    UpdateFamily,
    WithdrawConsent,
)
from workflow.programme.privacy.anonymise import neutral_data
from workflow.programme.shared.values import Problems
from workflow.programme.staff import AddStaff
from workflow.services import handle


def members_of(rt, case_id):
    return families.family_view(rt, case_id=case_id)["members"]


def last_event(rt, case_id):
    return queries.case_view(rt, case_id=case_id)["timeline"][-1]


def written(rt):
    with rt.session_factory() as session:
        return (
            session.scalar(select(func.count()).select_from(CaseEventRow)),
            session.scalar(select(func.max(CaseRow.version))),
            tuple(session.execute(select(MemberRow.id, MemberRow.full_name, MemberRow.removed_at))),
        )


def test_a_family_change_keeps_before_and_after_on_the_timeline(sqlite_runtime):
    rt = sqlite_runtime
    case_id = register(rt, phone="+374 91 123456", community="hrazdan")
    handle(
        rt,
        UpdateFamily(
            case_id=case_id,
            actor="w",
            changes={"phone": "+374 93 000111", "community": "Գառնի", "address": "Գառնի, 5"},
        ),
    )
    event = last_event(rt, case_id)
    assert event["trigger"] == "update_family"
    assert event["data"]["changed"] == {
        "phone": "+374 93 000111",
        "community": "garni",
        "address": "Գառնի, 5",
    }
    assert event["data"]["before"] == {"phone": "+374 91 123456", "community": "hrazdan"} | {
        "address": None
    }
    # Anonymised, the entry keeps which fields changed, never their values.
    assert neutral_data(event["data"]) == {"changed": ["address", "community", "phone"]} | {
        "before": {}
    }


def test_a_new_phone_of_a_parent_in_another_open_case_is_a_possible_duplicate(sqlite_runtime):
    rt = sqlite_runtime
    first = register(rt, family_name="Սարգսյան", phone="+374 91 111111")
    mother = MemberInput("mother", "Անի Սարգսյան", date_of_birth=date(1985, 1, 1))
    second = register(rt, family_name="Սարգսյան", phone="+374 93 222222", members=(mother,))
    before = written(rt)
    with pytest.raises(PossibleDuplicate, match=f"parent Անի Սարգսյան, .* open case {first}"):
        handle(rt, UpdateFamily(case_id=second, actor="w", changes={"phone": "091-11-11-11"}))
    assert written(rt) == before  # nothing changed without confirmation
    handle(
        rt,
        UpdateFamily(
            case_id=second, actor="w", changes={"phone": "091111111"}, confirm_duplicate=True
        ),
    )
    assert last_event(rt, second)["data"]["possible_duplicates_confirmed"] == [first]


def test_a_child_renamed_to_a_child_of_another_open_case_is_a_possible_duplicate(sqlite_runtime):
    rt = sqlite_runtime
    first = register(rt, family_name="Ավետիսյան", phone="+374 94 000001")
    second = register(rt, family_name="Դավթյան", phone="+374 94 000002")
    child = [m for m in members_of(rt, second) if m["role"] == "child"][0]
    # Same birth date as the first family's child (fixtures): only the name differed.
    rename = {"full_name": "Նարե Ավետիսյան"}
    before = written(rt)
    with pytest.raises(PossibleDuplicate, match=f"open case {first}"):
        handle(rt, CorrectMember(case_id=second, member_id=child["id"], actor="w", changes=rename))
    assert written(rt) == before
    handle(
        rt,
        CorrectMember(
            case_id=second,
            member_id=child["id"],
            actor="w",
            changes=rename,
            confirm_duplicate=True,
        ),
    )
    event = last_event(rt, second)
    assert event["trigger"] == "correct_member"
    assert event["data"]["changed"] == {"full_name": "Նարե Ավետիսյան"}
    assert event["data"]["before"] == {"full_name": "Նարե Դավթյան"}
    assert event["data"]["possible_duplicates_confirmed"] == [first]


def test_a_correction_checks_the_member_as_corrected(sqlite_runtime):
    rt = sqlite_runtime
    case_id = register(rt)
    mother = members_of(rt, case_id)[0]
    with pytest.raises(Problems) as refused:
        handle(
            rt,
            CorrectMember(
                case_id=case_id,
                member_id=mother["id"],
                actor="w",
                changes={"role": "child", "date_of_birth": "", "full_name": " "},
            ),
        )
    fields = {p.field for p in refused.value.problems}
    assert fields == {"full_name"}  # the reader's problems first
    with pytest.raises(Problems, match="date_of_birth: is required for a child"):
        handle(
            rt,
            CorrectMember(
                case_id=case_id,
                member_id=mother["id"],
                actor="w",
                changes={"role": "child", "date_of_birth": ""},
            ),
        )
    with pytest.raises(MemberNotFound):
        handle(rt, CorrectMember(case_id=case_id, member_id=9999, actor="w", changes={"role": "x"}))


def test_a_stale_correction_is_refused_and_changes_nothing(sqlite_runtime):
    rt = sqlite_runtime
    case_id = register(rt)
    mother = members_of(rt, case_id)[0]
    version = queries.case_view(rt, case_id=case_id)["version"]
    handle(rt, UpdateFamily(case_id=case_id, actor="w", changes={"address": "Նոր"}))
    before = written(rt)
    with pytest.raises(ConcurrentUpdate):
        handle(
            rt,
            CorrectMember(
                case_id=case_id,
                member_id=mother["id"],
                actor="w",
                changes={"full_name": "Անի Պետրոսյան"},
                expected_version=version,
            ),
        )
    assert written(rt) == before


def test_a_social_worker_cannot_change_health_notes_she_may_not_read(sqlite_runtime):
    rt = sqlite_runtime
    case_id = register(rt)  # by the social worker
    handle(rt, AddStaff(username="mgr-h", full_name="Լուսինե", role="manager", actor="admin"))
    mother = members_of(rt, case_id)[0]
    handle(
        rt,
        CorrectMember(
            case_id=case_id,
            member_id=mother["id"],
            actor="mgr-h",
            changes={"health_notes": "Շաքարային դիաբետ"},
        ),
    )
    event = last_event(rt, case_id)
    assert event["data"]["sensitive_changed"] == ["health_notes"]
    assert "Շաքարային" not in str(event["data"])  # the timeline never holds the notes
    with pytest.raises(Problems, match="health_notes: is not shown to your role"):
        handle(
            rt,
            CorrectMember(
                case_id=case_id,
                member_id=mother["id"],
                actor=SOCIAL_WORKER,
                changes={"health_notes": ""},
            ),
        )
    # Her correction of the name leaves the notes she cannot read as they are.
    handle(
        rt,
        CorrectMember(
            case_id=case_id,
            member_id=mother["id"],
            actor=SOCIAL_WORKER,
            changes={"full_name": "Անի Սարգսյան-Պետրոսյան", "disability": True},
        ),
    )
    member = members_of(rt, case_id)[0]
    assert member["health_notes"] == "Շաքարային դիաբետ" and member["disability"] is True


def test_a_removed_member_leaves_the_household_but_not_the_history(sqlite_runtime):
    rt = sqlite_runtime
    first = register(rt, family_name="Ավետիսյան", phone="+374 94 000001")
    child = [m for m in members_of(rt, first) if m["role"] == "child"][0]
    with pytest.raises(Problems, match="reason: is required"):
        handle(rt, RemoveMember(case_id=first, member_id=child["id"], actor="w", reason=" "))
    handle(
        rt,
        RemoveMember(
            case_id=first, member_id=child["id"], actor="w", reason="Տեղափոխվել է տատիկի մոտ"
        ),
    )
    view = families.family_view(rt, case_id=first)
    assert [m["role"] for m in view["members"]] == ["mother"]
    assert [
        (m["full_name"], m["removed_by"], m["removal_reason"]) for m in view["removed_members"]
    ] == [("Նարե Ավետիսյան", "w", "Տեղափոխվել է տատիկի մոտ")]
    event = last_event(rt, first)
    assert event["trigger"] == "remove_member" and event["reason"] == "Տեղափոխվել է տատիկի մոտ"
    assert event["data"]["removed"]["full_name"] == "Նարե Ավետիսյան"
    # The row is kept, marked.
    with rt.session_factory() as session:
        row = session.get(MemberRow, child["id"])
        assert row is not None and row.removed_at is not None
    # Out of the counts and the duplicate check: the same child registers elsewhere freely.
    assert next(r for r in case_rows(rt) if r["case_id"] == first)["children"] == 0
    register(rt, family_name="Ավետիսյան", phone="+374 94 000009")
    # A removed member cannot be corrected or removed again; the last one stays.
    with pytest.raises(MemberNotFound):
        handle(rt, RemoveMember(case_id=first, member_id=child["id"], actor="w", reason="x"))
    mother = view["members"][0]
    with pytest.raises(Problems, match="last member of the household"):
        handle(rt, RemoveMember(case_id=first, member_id=mother["id"], actor="w", reason="x"))


def test_adding_a_member_records_who_was_added(sqlite_runtime):
    rt = sqlite_runtime
    case_id = register(rt)
    brother = MemberInput("child", "Արամ Սարգսյան", date_of_birth=date(2019, 2, 3))
    handle(rt, AddMember(case_id=case_id, actor="w", member=brother))
    added = last_event(rt, case_id)["data"]["added"]
    assert added == {"full_name": "Արամ Սարգսյան", "role": "child", "date_of_birth": "2019-02-03"}


def test_a_withdrawal_says_what_it_will_do_before_anything_is_written(sqlite_runtime):
    rt = sqlite_runtime
    case_id = case_in(rt, "enrolled")
    before = written(rt)
    withdrawal = WithdrawConsent(case_id=case_id, actor="w", withdrawn_on=today(rt))
    preview = handle(rt, PreviewWithdrawal(withdrawal=withdrawal))
    assert preview.closes is True and preview.state == "enrolled"
    assert "participation" in preview.purposes
    assert written(rt) == before
    only_referral = WithdrawConsent(
        case_id=case_id, actor="w", withdrawn_on=today(rt), purposes=("referral",)
    )
    preview = handle(rt, PreviewWithdrawal(withdrawal=only_referral))
    assert preview.closes is False and preview.purposes == ("referral",)
    assert written(rt) == before

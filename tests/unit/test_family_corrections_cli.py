"""`hogatar family update | correct-member | remove-member` and `consent withdraw
--preview`: the same service calls as the web; bad input is one line and exit 2 with
nothing written."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tests.programme_fixtures import SOCIAL_WORKER, case_in, register, today
from tests.unit.test_programme_cli import hogatar, ok, one_line_error  # noqa: F401 - fixture
from workflow import queries
from workflow.persistence.models import CaseEventRow
from workflow.programme import families


def events(rt):
    with rt.session_factory() as session:
        return session.scalar(select(func.count()).select_from(CaseEventRow))


def test_correcting_and_removing_members_on_the_command_line(hogatar, sqlite_runtime):  # noqa: F811
    rt = sqlite_runtime
    first = register(rt, family_name="Ավետիսյան", phone="+374 94 000001")
    case_id = register(rt, family_name="Դավթյան", phone="+374 94 000002")
    mother, child = (m["id"] for m in families.family_view(rt, case_id=case_id)["members"])
    before = events(rt)
    one_line_error(
        hogatar("family", "correct-member", str(case_id), str(child), "--born", "31.02.2016"),
        "date_of_birth",
    )
    one_line_error(
        hogatar("family", "correct-member", str(case_id), str(child), "--name", "Նարե Ավետիսյան"),
        "possible duplicate: child Նարե Ավետիսյան, born 2016-09-01, matches Նարե Ավետիսյան "
        f"in open case {first}",
    )
    one_line_error(
        hogatar("family", "remove-member", str(case_id), "999", "--reason", "x"),
        f"case {case_id} has no household member 999",
    )
    one_line_error(
        hogatar("family", "remove-member", str(case_id), str(child), "--reason", "  "),
        "reason: is required",
    )
    one_line_error(
        hogatar(
            "family",
            "correct-member",
            str(case_id),
            str(mother),
            "--health-notes",
            "x",
            "--actor",
            SOCIAL_WORKER,
        ),
        "health_notes: is not shown to your role",
    )
    assert events(rt) == before
    out = ok(
        hogatar(
            "family",
            "correct-member",
            str(case_id),
            str(child),
            "--name",
            "Նարե Ավետիսյան",
            "--confirm-duplicate",
        )
    )
    assert f"member {child} corrected" in out
    ok(hogatar("family", "correct-member", str(case_id), str(child), "--health-notes", "Ասթմա"))
    out = ok(
        hogatar("family", "remove-member", str(case_id), str(child), "--reason", "Տեղափոխվել է")
    )
    assert f"member {child} removed" in out
    view = families.family_view(rt, case_id=case_id)
    assert [m["id"] for m in view["members"]] == [mother]
    assert [m["id"] for m in view["removed_members"]] == [child]
    shown = ok(hogatar("family", "show", str(case_id)))
    assert f"(removed {today(rt).isoformat()} by cli:" in shown and "Նարե Ավետիսյան" in shown
    as_worker = json.loads(
        ok(hogatar("family", "show", str(case_id), "--json", "--actor", SOCIAL_WORKER))
    )
    assert as_worker["removed_members"][0]["health_notes"] is None
    assert as_worker["removed_members"][0]["hidden"]["health_notes"] is True
    one_line_error(hogatar("family", "update", str(case_id), "--data", '{"phone": "abc"}'), "phone")
    ok(hogatar("family", "update", str(case_id), "--data", '{"phone": "+374 94 111111"}'))
    timeline = queries.case_view(rt, case_id=case_id)["timeline"]
    assert timeline[-1]["data"]["before"] == {"phone": "+374 94 000002"}


def test_a_withdrawal_previewed_on_the_command_line_writes_nothing(hogatar, sqlite_runtime):  # noqa: F811
    rt = sqlite_runtime
    case_id = case_in(rt, "enrolled")
    before = events(rt)
    out = ok(
        hogatar("consent", "withdraw", str(case_id), "--date", today(rt).isoformat(), "--preview")
    )
    assert "the case will be closed (enrolled -> closed); nothing written yet" in out
    answer = json.loads(
        ok(
            hogatar(
                "consent",
                "withdraw",
                str(case_id),
                "--date",
                today(rt).isoformat(),
                "--purpose",
                "referral",
                "--preview",
                "--json",
            )
        )
    )
    assert answer["closes"] is False and answer["purposes"] == ["referral"]
    assert events(rt) == before

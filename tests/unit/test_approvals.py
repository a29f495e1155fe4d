"""Approvals on SQLite: a step that needs approval is requested, not done; its tiers are
decided in order by other people than the requester; the last approval does the step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.programme_fixtures import CLOSE, PSYCHOLOGIST, SOCIAL_WORKER, case_in, ensure_staff
from workflow.approval_requests import list_approvals, pending_approvals
from workflow.commands import (
    AdvanceCase,
    ApprovalDecided,
    ApprovalRequested,
    CancelApproval,
    CaseAdvanced,
    DecideApproval,
)
from workflow.errors import (
    ApprovalBlocked,
    ApprovalLapsed,
    ApprovalNotFound,
    ApprovalRefused,
    InvalidInput,
)
from workflow.persistence.models import ApprovalRow, CaseActivityRow, CaseRow
from workflow.programme.families import AssignCase
from workflow.programme.reminders import ReminderRow, SweepReminders
from workflow.programme.staff import AddStaff, StaffRow
from workflow.services import handle

MANAGER = "mgr-lusine"
OTHER_MANAGER = "mgr-armen"
ADMIN = "adm-root"


@pytest.fixture
def rt(sqlite_runtime):
    ensure_staff(sqlite_runtime)
    for username, name, role in (
        (MANAGER, "Լուսինե Հակոբյան", "manager"),
        (OTHER_MANAGER, "Արմեն Պետրոսյան", "manager"),
        (ADMIN, "Ադմին", "admin"),
    ):
        handle(sqlite_runtime, AddStaff(username=username, full_name=name, role=role, actor="t"))
    return sqlite_runtime


def request_close(rt, case_id, *, actor=SOCIAL_WORKER, data=CLOSE, reason="moved"):
    return handle(
        rt, AdvanceCase(case_id=case_id, trigger="close", actor=actor, reason=reason, data=data)
    )


def decide(rt, approval_id, actor, decision="approve", reason=None):
    return handle(
        rt,
        DecideApproval(approval_id=approval_id, decision=decision, actor=actor, reason=reason),
    )


def state_of(rt, case_id):
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        return case.state, case.version


def activities(rt, case_id):
    with rt.session_factory() as session:
        return list(
            session.scalars(
                select(CaseActivityRow.kind)
                .where(CaseActivityRow.case_id == case_id)
                .order_by(CaseActivityRow.id)
            )
        )


def approval_reminders(rt, approval_id):
    with rt.session_factory() as session:
        rows = session.scalars(
            select(ReminderRow).where(ReminderRow.approval_id == approval_id)
        ).all()
        names = {s.id: s.username for s in session.scalars(select(StaffRow))}
        return sorted((names[r.recipient_id], r.status) for r in rows)


def test_closing_is_requested_and_the_case_does_not_move(rt):
    case_id = case_in(rt, "enrolled")
    before = state_of(rt, case_id)
    requested = request_close(rt, case_id)
    assert isinstance(requested, ApprovalRequested)
    assert (requested.awaiting, requested.tier, requested.tiers) == ("manager", 1, ("manager",))
    assert requested.deadline_at == rt.clock.now() + timedelta(days=3)
    assert state_of(rt, case_id) == before
    assert "approval_requested" in activities(rt, case_id)
    # Each manager may decide it, so each is reminded on the deadline day; admins are
    # not, while a manager can be.
    assert approval_reminders(rt, requested.approval_id) == [
        (OTHER_MANAGER, "scheduled"),
        (MANAGER, "scheduled"),
    ]
    [view] = pending_approvals(rt, for_staff=MANAGER)
    assert (view.id, view.case_id, view.awaiting, view.requested_by) == (
        requested.approval_id,
        case_id,
        "manager",
        SOCIAL_WORKER,
    )
    assert pending_approvals(rt, for_staff=SOCIAL_WORKER) == []


def test_guards_are_checked_when_requesting(rt):
    from workflow.errors import GuardFailed

    case_id = case_in(rt, "enrolled")
    with pytest.raises(GuardFailed, match="choose a closure reason"):
        request_close(rt, case_id, data={})
    assert list_approvals(rt, status=None) == []


def test_manager_approves_and_the_case_closes_with_the_requesters_reason(rt):
    case_id = case_in(rt, "receiving_services")
    requested = request_close(rt, case_id, reason="moved to Yerevan")
    decided = decide(rt, requested.approval_id, MANAGER)
    assert isinstance(decided, ApprovalDecided)
    assert decided.status == "approved"
    assert isinstance(decided.advanced, CaseAdvanced)
    assert (decided.advanced.from_state, decided.advanced.to_state) == (
        "receiving_services",
        "closed",
    )
    assert state_of(rt, case_id)[0] == "closed"
    with rt.session_factory() as session:
        row = session.get(ApprovalRow, requested.approval_id)
        assert (row.status, row.closed_by, row.case_event_id) == (
            "approved",
            MANAGER,
            decided.advanced.event_id,
        )
    # The reminders of the request stop with the decision (the case closing cancels them).
    assert {status for _, status in approval_reminders(rt, requested.approval_id)} == {"cancelled"}
    assert activities(rt, case_id)[-1] == "approval_approved"
    assert pending_approvals(rt) == []


def test_nobody_approves_their_own_request_not_even_a_manager(rt):
    case_id = case_in(rt, "enrolled")
    requested = request_close(rt, case_id, actor=MANAGER)
    with pytest.raises(ApprovalRefused, match="cannot approve their own request"):
        decide(rt, requested.approval_id, MANAGER)
    assert state_of(rt, case_id)[0] == "enrolled"
    # The manager's own request is reminded to the other manager only.
    assert approval_reminders(rt, requested.approval_id) == [(OTHER_MANAGER, "scheduled")]
    decide(rt, requested.approval_id, ADMIN)
    assert state_of(rt, case_id)[0] == "closed"


def test_the_wrong_role_is_refused(rt):
    case_id = case_in(rt, "enrolled")
    requested = request_close(rt, case_id, actor="worker-1")
    with pytest.raises(ApprovalRefused, match="is a social worker: this tier needs a manager"):
        decide(rt, requested.approval_id, SOCIAL_WORKER)
    with pytest.raises(ApprovalRefused, match="is not a staff member"):
        decide(rt, requested.approval_id, "cli:someone")
    with pytest.raises(ApprovalNotFound):
        decide(rt, 999, MANAGER)
    assert [v.status for v in list_approvals(rt)] == ["pending"]


def test_reject_needs_a_reason_and_leaves_the_case_open(rt):
    case_id = case_in(rt, "enrolled")
    requested = request_close(rt, case_id)
    with pytest.raises(InvalidInput, match="a rejection needs a reason"):
        decide(rt, requested.approval_id, MANAGER, "reject", reason="  ")
    rejected = decide(rt, requested.approval_id, MANAGER, "reject", reason="the family stays")
    assert rejected.status == "rejected"
    assert state_of(rt, case_id)[0] == "enrolled"
    [view] = list_approvals(rt, status=None)
    assert (view.status, view.outcome_reason, view.awaiting) == (
        "rejected",
        "the family stays",
        None,
    )
    assert {status for _, status in approval_reminders(rt, requested.approval_id)} == {"cancelled"}
    with pytest.raises(ApprovalRefused, match="rejected, not pending"):
        decide(rt, requested.approval_id, OTHER_MANAGER)
    # Rejected, it can be requested again.
    assert isinstance(request_close(rt, case_id), ApprovalRequested)


def test_one_pending_request_per_step(rt):
    case_id = case_in(rt, "enrolled")
    request_close(rt, case_id)
    with pytest.raises(ApprovalRefused, match="already has a pending request to 'close'"):
        request_close(rt, case_id, actor=MANAGER)


def test_the_requester_may_cancel_nobody_else(rt):
    case_id = case_in(rt, "enrolled")
    requested = request_close(rt, case_id)
    with pytest.raises(ApprovalRefused, match=f"only {SOCIAL_WORKER}, who requested it"):
        handle(rt, CancelApproval(approval_id=requested.approval_id, actor=MANAGER))
    cancelled = handle(
        rt, CancelApproval(approval_id=requested.approval_id, actor=SOCIAL_WORKER, reason="oops")
    )
    assert cancelled.status == "cancelled"
    assert approval_reminders(rt, requested.approval_id) == [
        (OTHER_MANAGER, "cancelled"),
        (MANAGER, "cancelled"),
    ]
    with pytest.raises(ApprovalRefused, match="cancelled, not pending"):
        decide(rt, requested.approval_id, MANAGER)
    assert state_of(rt, case_id)[0] == "enrolled"


def test_a_case_closed_by_the_programme_lapses_its_pending_closure(rt):
    case_id = case_in(rt, "enrolled")
    requested = request_close(rt, case_id)
    # Consent withdrawn (a rule of the programme, not a step of a person) closes the case
    # at once; the pending request can no longer happen and leaves the approvers' work.
    with rt.unit_of_work() as uow:
        from workflow.services import advance_case_in

        advance_case_in(
            rt, uow, AdvanceCase(case_id=case_id, trigger="close", actor="system:t", data=CLOSE)
        )
        uow.commit()
    [view] = list_approvals(rt, status=None)
    assert view.status == "lapsed" and "no longer allowed" in view.outcome_reason
    assert pending_approvals(rt, for_staff=MANAGER) == []
    assert {status for _, status in approval_reminders(rt, requested.approval_id)} == {"cancelled"}
    with pytest.raises(ApprovalRefused, match="lapsed, not pending"):
        decide(rt, requested.approval_id, MANAGER)


def test_a_step_no_longer_allowed_at_the_last_approval_lapses_the_request(rt):
    case_id = case_in(rt, "enrolled")
    requested = request_close(rt, case_id)
    # As if the request were for a step the case has since left behind.
    with rt.session_factory.begin() as session:
        session.get(ApprovalRow, requested.approval_id).trigger = "assess"
    with pytest.raises(ApprovalLapsed, match="'assess' is not allowed from there"):
        decide(rt, requested.approval_id, MANAGER)
    [view] = list_approvals(rt, status=None)
    assert view.status == "lapsed" and view.closed_by == MANAGER
    assert state_of(rt, case_id)[0] == "enrolled"


def test_guards_are_checked_again_at_the_approval(rt, monkeypatch):
    case_id = case_in(rt, "enrolled")
    requested = request_close(rt, case_id)
    # The closure reason was taken off the list meanwhile: the guard now refuses it.
    with rt.session_factory.begin() as session:
        row = session.get(ApprovalRow, requested.approval_id)
        row.data = {"closure_reason": "no_longer_a_reason"}
    with pytest.raises(ApprovalBlocked, match="stays pending: case .* cannot 'close' yet"):
        decide(rt, requested.approval_id, MANAGER)
    assert state_of(rt, case_id)[0] == "enrolled"
    [view] = pending_approvals(rt)
    assert view.decisions == ()


def test_tiers_in_order_by_different_people(rt, tmp_path):
    """A definition with two tiers: the second cannot be decided before the first, and
    not by the first approver."""
    from workflow.definition import parse_definition

    definition = parse_definition(
        {
            "name": "t",
            "initial": "a",
            "states": [{"name": "a"}, {"name": "b"}],
            "transitions": [
                {
                    "trigger": "go",
                    "source": ["a"],
                    "dest": "b",
                    "approval": {"tiers": ["manager", "admin"], "deadline_days": 2},
                }
            ],
        },
        origin="t.toml",
    )
    approval = definition.transitions[0].approval
    assert approval is not None and approval.tiers == ("manager", "admin")
    # On the family case, through the stored row: two tiers as the definition would make.
    case_id = case_in(rt, "enrolled")
    requested = request_close(rt, case_id)
    with rt.session_factory.begin() as session:
        session.get(ApprovalRow, requested.approval_id).tiers = ["manager", "manager"]
    with pytest.raises(ApprovalRefused, match="psychologist: this tier needs a manager"):
        decide(rt, requested.approval_id, PSYCHOLOGIST)
    first = decide(rt, requested.approval_id, MANAGER)
    assert (first.status, first.awaiting) == ("pending", "manager")
    assert state_of(rt, case_id)[0] == "enrolled"
    with pytest.raises(ApprovalRefused, match="approved an earlier tier already"):
        decide(rt, requested.approval_id, MANAGER)
    [view] = pending_approvals(rt, for_staff=OTHER_MANAGER)
    assert view.tier == 2
    assert pending_approvals(rt, for_staff=MANAGER) == []
    # The first tier's reminders stopped; the second tier's go to who may decide it.
    assert (OTHER_MANAGER, "scheduled") in approval_reminders(rt, requested.approval_id)
    last = decide(rt, requested.approval_id, OTHER_MANAGER)
    assert last.status == "approved"
    assert state_of(rt, case_id)[0] == "closed"
    [view] = list_approvals(rt, status=None)
    assert [(d["tier"], d["actor"]) for d in view.decisions] == [
        (1, MANAGER),
        (2, OTHER_MANAGER),
    ]


def test_an_overdue_request_reminds_its_approvers_like_other_reminders(rt, clock):
    case_id = case_in(rt, "enrolled")
    requested = request_close(rt, case_id)
    clock.advance(timedelta(days=4))
    counts = handle(rt, SweepReminders())
    assert counts["sent"] == 2
    [view] = pending_approvals(rt)
    assert view.overdue
    assert approval_reminders(rt, requested.approval_id) == [
        (OTHER_MANAGER, "sending"),
        (MANAGER, "sending"),
    ]


def _definition(approval):
    from workflow.definition import parse_definition

    return parse_definition(
        {
            "name": "t",
            "initial": "a",
            "states": [{"name": "a"}, {"name": "b"}],
            "transitions": [{"trigger": "go", "source": ["a"], "dest": "b", "approval": approval}],
        },
        origin="t.toml",
    )


@pytest.mark.parametrize(
    ("approval", "message"),
    [
        ("manager", "'approval' must be a table"),
        ({"tiers": []}, "approval 'tiers' must be a non-empty list of roles"),
        ({"tiers": ["manager", 3]}, "approval 'tiers' must be a non-empty list of roles"),
        ({"tiers": ["manager"], "deadline_days": 0}, "'deadline_days' must be a whole number"),
        ({"tiers": ["manager"], "deadline_days": "3"}, "'deadline_days' must be a whole number"),
        ({"tiers": ["manager"], "roles": ["x"]}, "unknown key 'roles'"),
    ],
)
def test_a_malformed_approval_names_the_file_and_transition(approval, message):
    from workflow.errors import DefinitionError

    with pytest.raises(DefinitionError, match=message) as raised:
        _definition(approval)
    assert "t.toml" in str(raised.value) and "'go'" in str(raised.value)


def test_an_unknown_role_is_refused_at_load_with_the_known_ones():
    from workflow.definition import validate_definition
    from workflow.errors import DefinitionError

    definition = _definition({"tiers": ["manager", "director"], "deadline_days": 5})
    approval = definition.transitions[0].approval
    assert approval is not None and (approval.tiers, approval.deadline_days) == (
        ("manager", "director"),
        5,
    )
    with pytest.raises(DefinitionError, match="tier 'director' is not a role that can approve"):
        validate_definition(definition, guards=(), effects=(), approval_roles={"manager"})
    validate_definition(definition, guards=(), effects=(), approval_roles={"manager", "director"})


def test_the_family_case_declares_closing_with_a_managers_approval(rt):
    close = rt.machine("family_case").definition.transition("close", "enrolled")
    assert close.approval is not None and close.approval.tiers == ("manager",)
    foster_close = rt.machine("foster_care").definition.transitions
    assert all(t.approval is None for t in foster_close)


def test_the_cli_lists_what_waits_for_whom(rt, monkeypatch, capsys):
    import json

    from workflow import cli, cli_context

    monkeypatch.setattr(cli_context, "_runtime", rt)
    case_id = case_in(rt, "enrolled")
    # The worker who requests closing is the case's: acting for them, the CLI sees
    # their cases only (scoped access).
    handle(rt, AssignCase(case_id=case_id, actor="admin", social_worker=SOCIAL_WORKER))
    requested = request_close(rt, case_id)

    def run(*args):
        with pytest.raises(SystemExit) as exited:
            cli.main(list(args))
        return int(exited.value.code or 0), capsys.readouterr()

    code, out = run("approval", "list", "--mine", "--actor", MANAGER, "--json")
    assert code == 0
    [listed] = json.loads(out.out)
    assert (listed["id"], listed["awaiting"], listed["requested_by"]) == (
        requested.approval_id,
        "manager",
        SOCIAL_WORKER,
    )
    code, out = run("approval", "list", "--mine", "--actor", SOCIAL_WORKER)
    assert (code, out.out) == (0, "no requests waiting for a decision\n")
    code, out = run("approval", "list", "--mine")
    assert code == 2 and "--mine needs --actor" in out.err
    code, out = run("approval", "approve", str(requested.approval_id), "--actor", SOCIAL_WORKER)
    assert code == 2 and "cannot approve their own request" in out.err
    code, out = run(
        "approval", "reject", str(requested.approval_id), "--reason", " ", "--actor", MANAGER
    )
    assert code == 2 and "a rejection needs a reason" in out.err
    code, out = run("approval", "approve", str(requested.approval_id), "--actor", MANAGER)
    assert code == 0 and f"case {case_id} enrolled -> closed" in out.out

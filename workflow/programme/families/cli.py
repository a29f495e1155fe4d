"""``hogatar family ...``: register, show, search, update, add, correct and remove a
member; ``hogatar consent ...``: record and withdraw (``--preview`` first says what a
withdrawal will do)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, print_json, runtime
from workflow.programme.families import queries
from workflow.programme.families.commands import (
    AddMember,
    AssignCase,
    CasesReassigned,
    ConsentInput,
    ConsentWithdrawn,
    CorrectMember,
    FamilyRegistered,
    PreviewWithdrawal,
    ReassignCases,
    RecordConsent,
    RegisterFamily,
    RemoveMember,
    UpdateFamily,
    WithdrawalPreview,
    WithdrawConsent,
)
from workflow.programme.families.forms import read_family, read_member
from workflow.programme.families.sensitive import masked_member
from workflow.programme.shared.access import FileAccessed, announce_access
from workflow.programme.shared.cases import CaseFileChanged
from workflow.programme.shared.cli import (
    ConfirmOption,
    DataOption,
    DateOption,
    JsonFileOption,
    VersionOption,
    echo_changed,
    parse_day,
    read_form,
    required_day,
    today,
)
from workflow.programme.shared.reference import reference
from workflow.programme.shared.values import Collector
from workflow.programme.staff import staff_member
from workflow.services import handle

family_app = typer.Typer(no_args_is_help=True, help="Families and their households.")


@family_app.command("register")
def register_family(
    data: DataOption = None,
    json_file: JsonFileOption = None,
    confirm_duplicate: ConfirmOption = False,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Register a family and open its case. The form (JSON): family_name, community,
    address, phone, referral_partner_type, referral_partner_name, state_benefit,
    members [{role, full_name, date_of_birth, disability, health_notes}], consent
    {purpose, given_on}."""
    family = read_family(read_form(data, json_file), reference(), today=today())
    event = handle(
        runtime(),
        RegisterFamily(actor=actor_of(actor), family=family, confirm_duplicate=confirm_duplicate),
    )
    assert isinstance(event, FamilyRegistered)
    if as_json:
        print_json(
            {
                "id": event.case_id,
                "family_id": event.family_id,
                "version": event.version,
                "duplicates_confirmed": list(event.duplicates_confirmed),
            }
        )
    else:
        typer.echo(event.case_id)


def _role_of(actor: str) -> str | None:
    if ":" in actor:
        return None
    with runtime().session_factory() as session:
        return staff_member(session, actor).role


@family_app.command("show")
def show_family(case_id: int, actor: ActorOption = None, as_json: JsonFlag = False) -> None:
    """The family's file: household, consent, assessments, plan, counselling (the access
    log records who looked)."""
    view = queries.family_view(runtime(), case_id=case_id)
    who = actor_of(actor)
    # Acting as a staff member, the command shows what that person's role may see;
    # an operator (cli:NAME) sees the whole file.
    role = _role_of(who)
    view["members"] = [masked_member(member, role) for member in view["members"]]
    view["removed_members"] = [masked_member(m, role) for m in view["removed_members"]]
    announce_access(
        runtime(),
        FileAccessed(actor=who, kind="view_family", source="cli", case_id=case_id),
    )
    if as_json:
        print_json(view)
        return
    typer.echo(
        f"case {view['case_id']}: {view['family_name']}, {view['community']['hy']} "
        f"({view['state']}, version {view['version']})"
    )
    typer.echo(f"address: {view['address'] or '-'}; phone: {view['phone'] or '-'}")
    typer.echo(
        f"social worker: {view['social_worker'] or '-'}; "
        f"psychologist: {view['psychologist'] or '-'}"
    )
    for member in view["members"]:
        born = f", born {member['date_of_birth']}" if member["date_of_birth"] else ""
        typer.echo(f"  #{member['id']} {member['role']}: {member['full_name']}{born}")
    for member in view["removed_members"]:
        typer.echo(
            f"  (removed {member['removed_at'][:10]} by {member['removed_by']}) "
            f"#{member['id']} {member['role']}: {member['full_name']}"
        )
    _section(
        "consent",
        view["consents"],
        _consent_line,
    )
    _section("assessments", view["assessments"], _assessment_line)
    _section(
        "services",
        view["services"],
        lambda s: f"#{s['id']} {s['service']}: {s['status']} (target {s['target_date'] or '-'})",
    )
    _section(
        "counselling",
        view["counselling"],
        lambda s: (
            f"{s['held_on']} {s['kind']} "
            f"with {s['psychologist']}" + (", follow-up needed" if s["follow_up_needed"] else "")
        ),
    )
    _section("income", view["income_sources"], lambda i: f"{i['kind']} since {i['started_on']}")


def _consent_line(item: dict[str, Any]) -> str:
    until = f" until {item['expires_on']}" if item["expires_on"] else ""
    by = f", given by {item['given_by']}" if item["given_by"] else ""
    note = f" ({item['note']})" if item["note"] else ""
    withdrawn = f" (withdrawn {item['withdrawn_on']})" if item["withdrawn_on"] else ""
    return f"{item['given_on']}{until} {', '.join(item['purposes'])}{by}{note}{withdrawn}"


def _assessment_line(item: dict[str, Any]) -> str:
    risk = "risk of abandonment" if item["risk_of_abandonment"] else "no risk of abandonment"
    return f"{item['assessed_on']} by {item['assessor']}: {risk}; {', '.join(item['criteria'])}"


def _section(title: str, items: list[dict[str, Any]], line: Any) -> None:
    if items:
        typer.echo(f"{title}:")
        for item in items:
            typer.echo(f"  {line(item)}")


@family_app.command("search")
def search(
    name: str,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 50,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Families whose name or a member's name contains NAME (any case, any script); with
    --actor, only those that staff member may read."""
    actor_of(actor)  # a staff member's search is scoped to their cases (cli_context)
    found = queries.search_families(runtime(), name=name, limit=limit)
    if as_json:
        print_json(found)
        return
    if not found:
        typer.echo("no family found")
    for item in found:
        typer.echo(
            f"case {item['case_id']}: {item['family_name']}, {item['community']} "
            f"({item['state']}) — {', '.join(item['members'])}"
        )


@family_app.command("update")
def update_family(
    case_id: int,
    data: DataOption = None,
    json_file: JsonFileOption = None,
    confirm_duplicate: ConfirmOption = False,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
) -> None:
    """Change the family's details: the JSON holds only the fields to change (family_name,
    community, address, phone, referral_partner_type, referral_partner_name,
    state_benefit). The timeline keeps each before and after."""
    changes = read_form(data, json_file)
    event = handle(
        runtime(),
        UpdateFamily(
            case_id=case_id,
            actor=actor_of(actor),
            changes=changes,
            expected_version=expected_version,
            confirm_duplicate=confirm_duplicate,
        ),
    )
    assert isinstance(event, CaseFileChanged)
    typer.echo(f"case {event.case_id}: family details saved (version {event.version})")


@family_app.command("add-member")
def add_member(
    case_id: int,
    role: Annotated[str, typer.Option("--role", help="mother, father, guardian, child, other")],
    full_name: Annotated[str, typer.Option("--name", help="Full name.")],
    born: Annotated[
        str | None, typer.Option("--born", help="Date of birth (required for a child).")
    ] = None,
    disability: Annotated[bool, typer.Option("--disability")] = False,
    health_notes: Annotated[str | None, typer.Option("--health-notes")] = None,
    confirm_duplicate: ConfirmOption = False,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
) -> None:
    """Add a household member."""
    problems = Collector()
    member = read_member(
        {
            "role": role,
            "full_name": full_name,
            "date_of_birth": born,
            "disability": disability,
            "health_notes": health_notes,
        },
        problems,
        reference(),
        today=today(),
    )
    problems.check()
    assert member is not None
    event = handle(
        runtime(),
        AddMember(
            case_id=case_id,
            actor=actor_of(actor),
            member=member,
            confirm_duplicate=confirm_duplicate,
            expected_version=expected_version,
        ),
    )
    assert isinstance(event, CaseFileChanged)
    typer.echo(f"case {event.case_id}: member {event.record_id} added (version {event.version})")


@family_app.command("correct-member")
def correct_member(
    case_id: int,
    member_id: Annotated[int, typer.Argument(help="The member's id (hogatar family show).")],
    role: Annotated[str | None, typer.Option("--role")] = None,
    full_name: Annotated[
        str | None,
        typer.Option("--name", help="Full name (this or another correction is required)."),
    ] = None,
    born: Annotated[
        str | None, typer.Option("--born", help="Date of birth; an empty text clears it.")
    ] = None,
    disability: Annotated[
        bool | None, typer.Option("--disability/--no-disability", show_default=False)
    ] = None,
    health_notes: Annotated[
        str | None, typer.Option("--health-notes", help="An empty text clears them.")
    ] = None,
    confirm_duplicate: ConfirmOption = False,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
) -> None:
    """Correct a household member: only the options given change; the timeline keeps
    each before and after (the health notes only that they changed)."""
    given = {
        "role": role,
        "full_name": full_name,
        "date_of_birth": born,
        "disability": disability,
        "health_notes": health_notes,
    }
    event = handle(
        runtime(),
        CorrectMember(
            case_id=case_id,
            member_id=member_id,
            actor=actor_of(actor),
            changes={field: value for field, value in given.items() if value is not None},
            confirm_duplicate=confirm_duplicate,
            expected_version=expected_version,
        ),
    )
    assert isinstance(event, CaseFileChanged)
    typer.echo(f"case {event.case_id}: member {member_id} corrected (version {event.version})")


@family_app.command("remove-member")
def remove_member(
    case_id: int,
    member_id: Annotated[int, typer.Argument(help="The member's id (hogatar family show).")],
    reason: Annotated[str, typer.Option("--reason", help="Why they leave the household.")],
    expected_version: VersionOption = None,
    actor: ActorOption = None,
) -> None:
    """Remove a member from the household: marked removed with who, when and why, never
    deleted; the case's history still names them."""
    event = handle(
        runtime(),
        RemoveMember(
            case_id=case_id,
            member_id=member_id,
            actor=actor_of(actor),
            reason=reason,
            expected_version=expected_version,
        ),
    )
    assert isinstance(event, CaseFileChanged)
    typer.echo(f"case {event.case_id}: member {member_id} removed (version {event.version})")


consent_app = typer.Typer(no_args_is_help=True, help="The family's consent.")

PurposeOption = Annotated[
    list[str],
    typer.Option(
        "--purpose",
        help=(
            "What the consent covers, once per purpose: participation, referral, "
            "data_sharing, photo (config/programme/lists.toml)."
        ),
    ),
]


@consent_app.command("record")
def record_consent(
    case_id: int,
    purposes: PurposeOption,
    given_on: DateOption,
    given_by: Annotated[
        str | None,
        typer.Option(
            "--given-by",
            help="The household member who gave it: their full name or their id "
            "(hogatar family show). One of --given-by / --given-by-name is required.",
        ),
    ] = None,
    given_by_name: Annotated[
        str | None,
        typer.Option(
            "--given-by-name",
            help="Or: the guardian or legal representative who gave it, by name "
            "(one of --given-by / --given-by-name is required).",
        ),
    ] = None,
    expires_on: Annotated[
        str | None,
        typer.Option("--expires", help="The last day it covers (none: until withdrawn)."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="What the family was told.")] = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
) -> None:
    """Record the family's consent: what it covers, from when (and until when), who gave it."""
    rt = runtime()
    event = handle(
        rt,
        RecordConsent(
            case_id=case_id,
            actor=actor_of(actor),
            consent=ConsentInput(
                purposes=tuple(purposes),
                given_on=required_day(given_on, "--date"),
                expires_on=parse_day(expires_on, "--expires", required=False),
                given_by_member_id=(
                    None if given_by is None else queries.household_member(rt, case_id, given_by)
                ),
                given_by_name=given_by_name,
                note=note,
            ),
            expected_version=expected_version,
        ),
    )
    echo_changed(event, "consent")


@consent_app.command("withdraw")
def withdraw_consent(
    case_id: int,
    withdrawn_on: DateOption,
    purposes: Annotated[
        list[str] | None,
        typer.Option(
            "--purpose",
            help="Only this purpose (repeatable), e.g. referral; none: all consent, "
            "which closes the case. Withdrawing participation closes it too.",
        ),
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="What the family said.")] = None,
    preview: Annotated[
        bool,
        typer.Option(
            "--preview",
            help="Only say what the withdrawal would do (close the case? which referrals "
            "are open?); nothing is written.",
        ),
    ] = False,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The family withdraws its consent, all of it (the case is closed with that reason)
    or some purposes; the answer lists referrals still open with partners."""
    withdrawal = WithdrawConsent(
        case_id=case_id,
        actor=actor_of(actor),
        withdrawn_on=required_day(withdrawn_on, "--date"),
        reason=reason,
        purposes=tuple(purposes or ()),
        expected_version=expected_version,
    )
    if preview:
        _echo_preview(handle(runtime(), PreviewWithdrawal(withdrawal=withdrawal)), as_json)
        return
    event = handle(runtime(), withdrawal)
    assert isinstance(event, ConsentWithdrawn)
    if as_json:
        print_json(
            {
                "case_id": event.case_id,
                "purposes": list(event.purposes),
                "closed_from": event.closed_from,
                "version": event.version,
                "open_referrals": [
                    {"id": r.referral_id, "partner": r.partner, "status": r.status}
                    for r in event.open_referrals
                ],
            }
        )
        return
    what = ", ".join(event.purposes) or "all"
    moved = f"; {event.closed_from} -> closed" if event.closed_from else "; the case stays open"
    typer.echo(f"case {event.case_id}: consent withdrawn ({what}){moved} (version {event.version})")
    if event.open_referrals:
        typer.echo("referrals still open with partners (tell them the consent is withdrawn):")
        for referral in event.open_referrals:
            typer.echo(
                f"  referral {referral.referral_id} to {referral.partner}: {referral.status}"
            )
    elif "referral" in event.purposes:
        typer.echo("no referrals are open with partners")


def _echo_preview(preview: WithdrawalPreview, as_json: bool) -> None:
    if as_json:
        print_json(
            {
                "case_id": preview.case_id,
                "purposes": list(preview.purposes),
                "closes": preview.closes,
                "state": preview.state,
                "version": preview.version,
                "open_referrals": [
                    {"id": r.referral_id, "partner": r.partner, "status": r.status}
                    for r in preview.open_referrals
                ],
            }
        )
        return
    what = ", ".join(preview.purposes) or "no consent on file"
    fate = (
        f"the case will be closed ({preview.state} -> closed)"
        if preview.closes
        else "the case stays open"
    )
    typer.echo(f"case {preview.case_id}: withdrawing {what}: {fate}; nothing written yet")
    for referral in preview.open_referrals:
        typer.echo(f"  referral {referral.referral_id} to {referral.partner}: {referral.status}")


def assign(
    case_id: int,
    social_worker: Annotated[
        str | None,
        typer.Option(
            "--social-worker",
            help="Staff username (one of --social-worker / --psychologist is required).",
        ),
    ] = None,
    psychologist: Annotated[
        str | None,
        typer.Option(
            "--psychologist",
            help="Staff username (one of --social-worker / --psychologist is required).",
        ),
    ] = None,
    expected_version: VersionOption = None,
    actor: ActorOption = None,
) -> None:
    """Assign a social worker and/or a psychologist to a case."""
    event = handle(
        runtime(),
        AssignCase(
            case_id=case_id,
            actor=actor_of(actor),
            social_worker=social_worker,
            psychologist=psychologist,
            expected_version=expected_version,
        ),
    )
    echo_changed(event, "assigned")


def reassign(
    from_staff: Annotated[str, typer.Option("--from", help="The worker who leaves.")],
    to_staff: Annotated[str, typer.Option("--to", help="The worker who takes over.")],
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Move every open case of a worker to another, in one go (each timeline records it)."""
    event = handle(
        runtime(), ReassignCases(from_staff=from_staff, to_staff=to_staff, actor=actor_of(actor))
    )
    assert isinstance(event, CasesReassigned)
    if as_json:
        print_json(
            {
                "role": event.role,
                "from": event.from_staff,
                "to": event.to_staff,
                "case_ids": list(event.case_ids),
            }
        )
    else:
        typer.echo(
            f"{len(event.case_ids)} open case(s) moved from {event.from_staff} to "
            f"{event.to_staff} ({event.role.replace('_', ' ')})"
        )

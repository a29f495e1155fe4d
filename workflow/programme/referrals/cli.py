"""``hogatar partner`` and ``hogatar referral``."""

from __future__ import annotations

from typing import Annotated

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, one_of, runtime
from workflow.programme.referrals import queries
from workflow.programme.referrals.commands import (
    AddPartner,
    CreateReferral,
    DeactivatePartner,
    EditPartner,
    ResendReferralLink,
    RespondToReferral,
    RevokeReferralLinks,
    SweepReferralDeadlines,
)
from workflow.programme.referrals.models import REFERRAL_STATUSES
from workflow.programme.shared.cli import CaseOption, StatusOption, show_rows
from workflow.services import handle

partner_app = typer.Typer(no_args_is_help=True, help="Partner organisations (reference data).")
referral_app = typer.Typer(no_args_is_help=True, help="Referrals of families to partners.")
link_app = typer.Typer(
    no_args_is_help=True, help="The link in a referral's mail by which the partner answers."
)
referral_app.add_typer(link_app, name="link")


@partner_app.command("add")
def partner_add(
    code: str,
    type_: Annotated[str, typer.Option("--type", help="A partner type code (lists.toml).")],
    name_hy: Annotated[str, typer.Option("--name-hy", help="Name in Armenian.")],
    name_en: Annotated[str, typer.Option("--name-en", help="Name in English.")],
    email: Annotated[str, typer.Option("--email", help="Where referrals are sent.")],
    language: Annotated[str, typer.Option("--language", help="hy or en")] = "hy",
    actor: ActorOption = None,
) -> None:
    """Add a partner organisation."""
    handle(
        runtime(),
        AddPartner(
            code=code,
            type=type_,
            name_hy=name_hy,
            name_en=name_en,
            email=email,
            language=language,
            actor=actor_of(actor),
        ),
    )
    typer.echo(f"partner {code} added")


@partner_app.command("edit")
def partner_edit(
    code: str,
    type_: Annotated[str | None, typer.Option("--type", help="A partner type code.")] = None,
    name_hy: Annotated[str | None, typer.Option("--name-hy", help="Name in Armenian.")] = None,
    name_en: Annotated[str | None, typer.Option("--name-en", help="Name in English.")] = None,
    email: Annotated[
        str | None,
        typer.Option("--email", help="Where referrals are sent (one of the options is required)."),
    ] = None,
    language: Annotated[str | None, typer.Option("--language", help="hy or en")] = None,
    actor: ActorOption = None,
) -> None:
    """Correct a partner: what is not given stays as it is (the code stays always)."""
    if all(v is None for v in (type_, name_hy, name_en, email, language)):
        raise typer.BadParameter(
            "give what to change: --type, --name-hy, --name-en, --email or --language"
        )
    handle(
        runtime(),
        EditPartner(
            code=code,
            type=type_,
            name_hy=name_hy,
            name_en=name_en,
            email=email,
            language=language,
            actor=actor_of(actor),
        ),
    )
    typer.echo(f"partner {code} changed")


@partner_app.command("deactivate")
def partner_deactivate(code: str, actor: ActorOption = None) -> None:
    """No new referral goes to this partner; referrals already made keep it."""
    handle(runtime(), DeactivatePartner(code=code, actor=actor_of(actor)))
    typer.echo(f"partner {code} deactivated")


@partner_app.command("list")
def partner_list(as_json: JsonFlag = False) -> None:
    """Partner organisations."""
    show_rows(
        queries.list_partners(runtime()),
        as_json,
        lambda p: f"{p['code']:<24} {p['type']:<28} {p['email']}  {p['name_hy']}",
        "no partners",
    )


@referral_app.command("create")
def referral_create(
    case_id: int,
    partner: Annotated[str, typer.Option("--partner", help="Partner code (hogatar partner list).")],
    purpose: Annotated[str, typer.Option("--purpose", help="What the family is referred for.")],
    actor: ActorOption = None,
) -> None:
    """Refer a family to a partner; the referral is mailed in the background."""
    created = handle(
        runtime(),
        CreateReferral(case_id=case_id, partner=partner, purpose=purpose, actor=actor_of(actor)),
    )
    typer.echo(f"referral {created.referral_id} queued for sending")


@referral_app.command("respond")
def referral_respond(
    referral_id: int,
    response: Annotated[str, typer.Argument(help="acknowledged, accepted, declined or completed")],
    reason: Annotated[
        str | None,
        typer.Option("--reason", help="Required when declined: the partner's reason."),
    ] = None,
    feedback: Annotated[
        str | None,
        typer.Option("--feedback", help="Required when completed: the partner's feedback."),
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Record the partner's answer to a referral."""
    changed = handle(
        runtime(),
        RespondToReferral(
            referral_id=referral_id,
            response=response,
            reason=reason,
            feedback=feedback,
            actor=actor_of(actor),
        ),
    )
    typer.echo(f"referral {changed.referral_id} is {changed.status}")


@referral_app.command("list")
def referral_list(
    case: CaseOption = None, status: StatusOption = None, as_json: JsonFlag = False
) -> None:
    """Referrals, with their status."""
    one_of(status, REFERRAL_STATUSES, "--status")
    show_rows(
        queries.list_referrals(runtime(), case_id=case, status=status),
        as_json,
        lambda r: (
            f"#{r['id']} case {r['case_id']} -> {r['partner']}: {r['status']} ({r['purpose']})"
        ),
        "no referrals",
    )


@referral_app.command("deadlines")
def referral_deadlines() -> None:
    """Remind silent partners and escalate now (beat does this hourly)."""
    counts = handle(runtime(), SweepReferralDeadlines())
    typer.echo(
        f"{counts['partner_reminders']} partner reminders, {counts['escalations']} escalations"
    )


@link_app.command("revoke")
def link_revoke(referral_id: int, actor: ActorOption = None) -> None:
    """Stop the referral's links from working (the partner can no longer answer by them)."""
    count = handle(runtime(), RevokeReferralLinks(referral_id=referral_id, actor=actor_of(actor)))
    typer.echo(f"referral {referral_id}: {count} working link(s) revoked")


@link_app.command("resend")
def link_resend(referral_id: int, actor: ActorOption = None) -> None:
    """Revoke the referral's links and mail the partner a new one (in the background)."""
    count = handle(runtime(), ResendReferralLink(referral_id=referral_id, actor=actor_of(actor)))
    typer.echo(
        f"referral {referral_id}: {count} working link(s) revoked; a new link is mailed "
        "to the partner in a moment"
    )

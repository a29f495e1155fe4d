"""``hogatar staff`` and ``hogatar community``."""

from __future__ import annotations

from typing import Annotated

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, print_json, runtime
from workflow.programme.staff import queries
from workflow.programme.staff.commands import (
    AddCommunity,
    AddStaff,
    CommunityAdded,
    DeactivateCommunity,
    DeactivateStaff,
    RenameCommunity,
    SetStaffCommunities,
    SetStaffContact,
    SetStaffRole,
    StaffChanged,
)
from workflow.services import handle

staff_app = typer.Typer(no_args_is_help=True, help="Staff members.")
community_app = typer.Typer(no_args_is_help=True, help="Communities (reference data).")


@staff_app.command("add")
def add_staff(
    username: str,
    full_name: Annotated[str, typer.Option("--name", help="Full name.")],
    role: Annotated[
        str,
        typer.Option(
            "--role", help="admin, manager, social_worker, psychologist, procurement_officer"
        ),
    ],
    language: Annotated[str, typer.Option("--language", help="hy or en")] = "hy",
    email: Annotated[str | None, typer.Option("--email", help="Mails name it.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Mails name it.")] = None,
    communities: Annotated[
        list[str] | None,
        typer.Option(
            "--community",
            help="A community they work in (repeat for several): a social worker reads "
            "the open cases of their communities.",
        ),
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Add a staff member (no login yet: that comes with the web app)."""
    event = handle(
        runtime(),
        AddStaff(
            username=username,
            full_name=full_name,
            role=role,
            language=language,
            email=email,
            phone=phone,
            communities=tuple(communities or ()),
            actor=actor_of(actor),
        ),
    )
    assert isinstance(event, StaffChanged)
    typer.echo(f"staff member {event.username} added")


@staff_app.command("contact")
def staff_contact(
    username: str,
    phone: Annotated[
        str | None,
        typer.Option("--phone", help="e.g. +374 93 123456 (this or --email is required)."),
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="This or --phone is required.")
    ] = None,
    actor: ActorOption = None,
) -> None:
    """Set how partners and suppliers reach a staff member (their mails name it)."""
    event = handle(
        runtime(),
        SetStaffContact(username=username, phone=phone, email=email, actor=actor_of(actor)),
    )
    assert isinstance(event, StaffChanged)
    typer.echo(f"staff member {event.username}: contact updated")


@staff_app.command("communities")
def staff_communities(
    username: str,
    communities: Annotated[
        list[str] | None,
        typer.Argument(help="The communities they work in, replacing those recorded."),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="They work in no community (own cases only).")
    ] = False,
    actor: ActorOption = None,
) -> None:
    """Set the communities a staff member works in (scoped access reads them)."""
    if not communities and not clear:
        raise typer.BadParameter("name the communities, or --clear for none")
    if communities and clear:
        raise typer.BadParameter("name communities or --clear, not both")
    event = handle(
        runtime(),
        SetStaffCommunities(
            username=username, communities=tuple(communities or ()), actor=actor_of(actor)
        ),
    )
    assert isinstance(event, StaffChanged)
    named = ", ".join(communities or ()) or "none"
    typer.echo(f"staff member {event.username}: communities {named}")


@staff_app.command("role")
def staff_role(
    username: str,
    role: Annotated[
        str,
        typer.Argument(help="admin, manager, social_worker, psychologist, procurement_officer"),
    ],
    actor: ActorOption = None,
) -> None:
    """Change a staff member's role (the last active admin keeps theirs)."""
    event = handle(runtime(), SetStaffRole(username=username, role=role, actor=actor_of(actor)))
    assert isinstance(event, StaffChanged)
    typer.echo(f"staff member {event.username}: role {role}")


@staff_app.command("deactivate")
def deactivate_staff(username: str, actor: ActorOption = None) -> None:
    """A worker who left: kept on past records, takes no new cases."""
    event = handle(runtime(), DeactivateStaff(username=username, actor=actor_of(actor)))
    assert isinstance(event, StaffChanged)
    typer.echo(f"staff member {event.username} deactivated")


@staff_app.command("list")
def list_staff(
    include_inactive: Annotated[bool, typer.Option("--all", help="Include inactive.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Staff members by role."""
    staff = queries.list_staff(runtime(), include_inactive=include_inactive)
    if as_json:
        print_json(staff)
        return
    for member in staff:
        status = "" if member["active"] else " (inactive)"
        contact = ", ".join(c for c in (member["phone"], member["email"]) if c)
        where = ", ".join(member["communities"])
        typer.echo(
            f"{member['username']:<20} {member['role']:<20} {member['full_name']}{status}"
            + (f" ({contact})" if contact else "")
            + (f" [{where}]" if where else "")
        )


@community_app.command("add")
def add_community(
    code: Annotated[str, typer.Option("--code", help="e.g. nor_geghi")],
    name_hy: Annotated[str, typer.Option("--name-hy", help="Name in Armenian.")],
    name_en: Annotated[str, typer.Option("--name-en", help="Name in English.")],
    actor: ActorOption = None,
) -> None:
    """Add a community the programme now works in."""
    event = handle(
        runtime(), AddCommunity(code=code, name_hy=name_hy, name_en=name_en, actor=actor_of(actor))
    )
    assert isinstance(event, CommunityAdded)
    typer.echo(f"community {event.code} added")


@community_app.command("rename")
def rename_community(
    code: str,
    name_hy: Annotated[str, typer.Option("--name-hy", help="Name in Armenian.")],
    name_en: Annotated[str, typer.Option("--name-en", help="Name in English.")],
    actor: ActorOption = None,
) -> None:
    """Correct a community's names (its code stays)."""
    event = handle(
        runtime(),
        RenameCommunity(code=code, name_hy=name_hy, name_en=name_en, actor=actor_of(actor)),
    )
    assert isinstance(event, CommunityAdded)
    typer.echo(f"community {event.code} renamed")


@community_app.command("deactivate")
def deactivate_community(code: str, actor: ActorOption = None) -> None:
    """The programme no longer works there: no new family or staff member is given it."""
    event = handle(runtime(), DeactivateCommunity(code=code, actor=actor_of(actor)))
    assert isinstance(event, CommunityAdded)
    typer.echo(f"community {event.code} deactivated")


@community_app.command("list")
def list_communities(as_json: JsonFlag = False) -> None:
    """The communities of the programme."""
    communities = queries.list_communities(runtime())
    if as_json:
        print_json(communities)
        return
    for item in communities:
        typer.echo(f"{item['code']:<16} {item['hy']:<16} {item['en']}")

"""``hogatar staff|community|import|export|demo ...``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workflow.programme import queries
from workflow.programme.commands import (
    AddCommunity,
    AddStaff,
    CommunityAdded,
    DeactivateStaff,
    SetStaffContact,
    StaffChanged,
)
from workflow.programme.shared.cli import ActorOption, JsonFlag, actor_of, print_json, runtime
from workflow.services import handle

staff_app = typer.Typer(no_args_is_help=True, help="Staff members.")
community_app = typer.Typer(no_args_is_help=True, help="Communities (reference data).")
import_app = typer.Typer(no_args_is_help=True, help="Import from spreadsheets.")
export_app = typer.Typer(no_args_is_help=True, help="Export to spreadsheets.")
demo_app = typer.Typer(no_args_is_help=True, help="Demonstration data.")


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
        typer.echo(
            f"{member['username']:<20} {member['role']:<20} {member['full_name']}{status}"
            + (f" ({contact})" if contact else "")
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


@community_app.command("list")
def list_communities(as_json: JsonFlag = False) -> None:
    """The communities of the programme."""
    communities = queries.list_communities(runtime())
    if as_json:
        print_json(communities)
        return
    for item in communities:
        typer.echo(f"{item['code']:<16} {item['hy']:<16} {item['en']}")


@import_app.command("families")
def import_families(
    path: Annotated[Path, typer.Argument(help="A .csv or .xlsx file, one row per person.")],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Import the valid families, report the rest.")
    ] = False,
    confirm_duplicates: Annotated[
        bool,
        typer.Option("--confirm-duplicates", help="Import people already in an open case too."),
    ] = False,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Import families from a spreadsheet; nothing is imported if any row is invalid."""
    from workflow.programme.imports import ImportProblems, ImportReport
    from workflow.programme.imports import import_families as run_import

    def show(report: ImportReport) -> None:
        if as_json:
            print_json(report.as_dict())
        else:
            for line in report.lines():
                typer.echo(line)

    try:
        report = run_import(
            runtime(),
            path=path,
            actor=actor_of(actor),
            skip_invalid=skip_invalid,
            confirm_duplicates=confirm_duplicates,
        )
    except ImportProblems as refused:
        show(refused.report)  # row by row on stdout; the one-line verdict on stderr
        raise
    show(report)


@export_app.command("cases")
def export_cases(
    path: Annotated[Path, typer.Argument(help="The CSV file to write.")],
    state: Annotated[str | None, typer.Option("--state", help="Only cases in this state.")] = None,
) -> None:
    """Write every family case to CSV (UTF-8, opens in Excel)."""
    from workflow.programme.export import export_cases as run_export

    count = run_export(runtime(), path=path, state=state)
    typer.echo(f"{count} case(s) written to {path}")


@demo_app.command("seed")
def seed(
    if_empty: Annotated[
        bool, typer.Option("--if-empty", help="Do nothing (and succeed) if cases exist.")
    ] = False,
    families: Annotated[int, typer.Option("--families", min=1, max=500)] = 80,
) -> None:
    """Create realistic demonstration families, staff and service histories."""
    from config.settings import get_settings
    from workflow.programme.demo import seed_demo

    result = seed_demo(get_settings(), families=families, if_empty=if_empty)
    typer.echo(result)


def register(app: typer.Typer) -> None:
    app.add_typer(staff_app, name="staff")
    app.add_typer(community_app, name="community")
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")
    app.add_typer(demo_app, name="demo")

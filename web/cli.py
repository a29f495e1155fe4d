"""``hogatar web``: run the back-office web app, and set staff passwords.

hogatar web                         serve on HOGATAR_WEB_HOST:HOGATAR_WEB_PORT
hogatar web set-password USERNAME   asks for the password twice (or --password-stdin)
hogatar web set-password --demo     demo staff get the documented demo password
hogatar web reset-password USERNAME --temporary | --link
                                    a temporary password to change at first login, or a
                                    one-time link to choose one (as the admin pages do)
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from config.settings import get_settings
from workflow.errors import InvalidInput

#: The password demo staff get (README, "Web app"); only in a database with demo data.
DEMO_PASSWORD = "hogatar-demo"
#: Demo staff are recognisable by their e-mail domain (``hogatar demo seed``).
DEMO_EMAIL_DOMAIN = "@hogatar.example"


def register_commands(app: typer.Typer) -> None:
    web_app = typer.Typer(help="The back-office web app for staff.", invoke_without_command=True)

    @web_app.callback()
    def web(
        ctx: typer.Context,
        host: Annotated[str | None, typer.Option(help="Default: HOGATAR_WEB_HOST.")] = None,
        port: Annotated[
            int | None, typer.Option(min=1, max=65535, help="Default: HOGATAR_WEB_PORT.")
        ] = None,
    ) -> None:
        """Run the web app (HOGATAR_WEB_SECRET_KEY required)."""
        if ctx.invoked_subcommand is not None:
            return
        from web.server import serve

        serve(get_settings(), host=host, port=port)

    @web_app.command("set-password")
    def set_password(
        username: Annotated[str | None, typer.Argument(help="The staff member's username.")] = None,
        password_stdin: Annotated[
            bool, typer.Option("--password-stdin", help="Read the password from stdin.")
        ] = False,
        demo: Annotated[
            bool,
            typer.Option(
                "--demo",
                help=f"Give demo staff without a password the demo password ({DEMO_PASSWORD}).",
            ),
        ] = False,
    ) -> None:
        """Set a staff member's password (never on the command line: a prompt or stdin)."""
        from web.shared import accounts
        from workflow.cli_context import actor_of, runtime

        if demo:
            _demo_passwords()
            return
        if not username:
            raise InvalidInput("give the USERNAME whose password to set (or --demo)")
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
        staff = accounts.set_password(
            runtime(), username=username, password=password, actor=actor_of(None)
        )
        typer.echo(f"password set for {staff.username} ({staff.role}); their sessions are ended")

    @web_app.command("reset-password")
    def reset_password(
        username: Annotated[str, typer.Argument(help="The staff member's username.")],
        temporary: Annotated[
            bool,
            typer.Option(
                "--temporary", help="Print a temporary password they must change at first login."
            ),
        ] = False,
        link: Annotated[
            bool,
            typer.Option("--link", help="Print a one-time link to choose a password (24 hours)."),
        ] = False,
        actor: Annotated[
            str | None,
            typer.Option("--actor", help="Who is doing this (default: cli:<your login name>)."),
        ] = None,
    ) -> None:
        """Reset a staff member's password: hand over what is printed, by voice or in person."""
        from web.shared import passwords
        from workflow.cli_context import actor_of, runtime

        if temporary == link:
            raise InvalidInput("give exactly one of --temporary or --link")
        rt = runtime()
        who = actor_of(actor)
        if temporary:
            staff, password = passwords.give_temporary_password(rt, username=username, actor=who)
            typer.echo(
                f"temporary password for {staff.username}: {password} "
                "(they must change it at their first login; their sessions are ended)"
            )
            return
        made = passwords.give_reset_link(rt, username=username, actor=who)
        typer.echo(
            f"one-time password link for {made.username}, valid until "
            f"{made.expires_at:%Y-%m-%d %H:%M} UTC: {rt.settings.web_base_url}{made.path}"
        )

    app.add_typer(web_app, name="web")


def _demo_passwords() -> None:
    from web.shared import accounts
    from workflow.cli_context import runtime

    rt = runtime()
    demo_staff = accounts.staff_without_password(rt, email_domain=DEMO_EMAIL_DOMAIN)
    if demo_staff is None:
        typer.echo("no demo staff in this database: no password set")
        return
    for username in demo_staff:
        accounts.set_password(rt, username=username, password=DEMO_PASSWORD)
    everyone = accounts.staff_by_email_domain(rt, DEMO_EMAIL_DOMAIN)
    typer.echo(
        f"demo logins (password {DEMO_PASSWORD}): "
        + ", ".join(f"{name} ({role})" for name, role in everyone)
    )

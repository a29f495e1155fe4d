"""``hogatar partner|referral|reminder|inbox|procurement ...``: the background work."""

from __future__ import annotations

import typer

from workflow.programme.inbox.cli import inbox
from workflow.programme.procurement.cli import procurement_app
from workflow.programme.referrals.cli import partner_app, referral_app
from workflow.programme.reminders.cli import reminder_app


def register(app: typer.Typer) -> None:
    app.add_typer(partner_app, name="partner")
    app.add_typer(referral_app, name="referral")
    app.add_typer(reminder_app, name="reminder")
    app.command("inbox")(inbox)
    app.add_typer(procurement_app, name="procurement")

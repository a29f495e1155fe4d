"""``hogatar assessment|consent|income|plan|counselling ...`` and ``assign``/``reassign``."""

from __future__ import annotations

import typer

from workflow.programme.assessment.cli import assessment_app
from workflow.programme.counselling.cli import counselling_app
from workflow.programme.families.cli import assign, consent_app, reassign
from workflow.programme.plans.cli import income_app, plan_app


def register(app: typer.Typer) -> None:
    app.add_typer(assessment_app, name="assessment")
    app.add_typer(consent_app, name="consent")
    app.add_typer(income_app, name="income")
    app.add_typer(plan_app, name="plan")
    app.add_typer(counselling_app, name="counselling")
    app.command("assign")(assign)
    app.command("reassign")(reassign)

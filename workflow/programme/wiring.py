"""How the programme plugs into the engine: its command handlers, guards, effects,
facts, listeners and reactions (bootstrap loads ``register`` by entry point), and its
commands (``register_commands``, loaded by the CLI). The one place that imports every
feature: features never import each other's insides."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from workflow.programme import effects, guards
from workflow.programme.assessment import commands as assessment_commands  # noqa: F401 - tables
from workflow.programme.assessment import services as assessment
from workflow.programme.counselling import commands as counselling_commands
from workflow.programme.counselling import services as services_plans
from workflow.programme.facts import make_facts_loader
from workflow.programme.families import (
    assignment as people,
)
from workflow.programme.families import commands as programme_commands
from workflow.programme.families import (
    consent as casefile,
)
from workflow.programme.families import (
    registration as families,
)
from workflow.programme.plans import commands as plans_commands
from workflow.programme.plans import services as plans
from workflow.programme.plans import services as plans_plans
from workflow.programme.procurement import commands as programme_effect_commands
from workflow.programme.procurement import orders
from workflow.programme.procurement import requests as procurement
from workflow.programme.referrals import commands as referrals_commands
from workflow.programme.referrals import services as referrals
from workflow.programme.reminders import commands as reminders_commands
from workflow.programme.reminders import services as reminders
from workflow.programme.shared.cli import INTAKE
from workflow.programme.shared.policies import policies
from workflow.programme.shared.reference import reference
from workflow.programme.staff import commands
from workflow.programme.staff import services as staff
from workflow.registries import Registries
from workflow.services import register_handler

FAMILY_WORKFLOW = "family_case"
HANDLERS: dict[type[Any], Callable[..., Any]] = {
    programme_commands.RegisterFamily: families.register_family,
    programme_commands.UpdateFamily: families.update_family,
    programme_commands.AddMember: families.add_member,
    programme_commands.RecordConsent: casefile.record_consent,
    programme_commands.WithdrawConsent: casefile.withdraw_consent,
    assessment_commands.RecordAssessment: assessment.record_assessment,
    plans_commands.RecordIncome: plans_plans.record_income,
    plans_commands.PlanService: plans.plan_service,
    plans_commands.StartService: plans.start_service,
    plans_commands.DeliverService: plans.deliver_service,
    plans_commands.CancelService: plans.cancel_service,
    counselling_commands.RecordCounselling: services_plans.record_counselling,
    programme_commands.AssignCase: people.assign_case,
    programme_commands.ReassignCases: people.reassign_cases,
    commands.AddStaff: staff.add_staff,
    commands.DeactivateStaff: staff.deactivate_staff,
    commands.SetStaffContact: staff.set_staff_contact,
    commands.AddCommunity: staff.add_community,
    # Background work: referrals, reminders, procurement.
    referrals_commands.AddPartner: referrals.add_partner,
    referrals_commands.CreateReferral: referrals.create_referral,
    referrals_commands.RespondToReferral: referrals.respond_to_referral,
    referrals_commands.SweepReferralDeadlines: referrals.sweep_referral_deadlines,
    reminders_commands.AcknowledgeReminder: reminders.acknowledge_reminder,
    reminders_commands.SweepReminders: reminders.sweep_reminders,
    programme_effect_commands.RequestGoods: procurement.request_goods,
    programme_effect_commands.ApproveProcurement: procurement.approve,
    programme_effect_commands.OrderProcurement: orders.order,
    programme_effect_commands.DeliverProcurement: procurement.deliver,
    programme_effect_commands.CancelProcurement: procurement.cancel,
    programme_effect_commands.ConsolidatePurchaseOrders: orders.consolidate,
}


def register(registries: Registries) -> None:
    # Reading the reference data here stops start-up on a broken config/programme file,
    # as a broken workflow definition does.
    ref = reference()
    policies()
    guards.register(registries.guards)
    effects.register(registries.effects)
    registries.facts[FAMILY_WORKFLOW] = make_facts_loader(ref)
    registries.transition_listeners.append(reminders.on_transition)
    registries.actor_check = staff.known_actor
    registries.intakes.update(INTAKE)
    registries.react(plans_commands.ServicePlanned, procurement.after_service_planned)
    registries.react(counselling_commands.CounsellingHeld, reminders.after_counselling)
    for command_type, handler in HANDLERS.items():
        register_handler(command_type, handler)


def register_commands(app: typer.Typer) -> None:
    """Add the programme's command groups to the ``hogatar`` app."""
    from workflow.programme import cli_admin, cli_casefile, cli_family, cli_outreach

    cli_family.register(app)
    cli_casefile.register(app)
    cli_admin.register(app)
    cli_outreach.register(app)

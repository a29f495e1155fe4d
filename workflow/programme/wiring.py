"""How the programme plugs into the engine: which service function handles each of its
commands, its guards, effects and facts, the listeners and reactions that keep features
in step (bootstrap loads ``register`` as the ``hogatar.programmes`` entry point), and its
commands of the ``hogatar`` CLI (``register_commands``, a ``hogatar.commands`` entry
point). The one module that imports the insides of every feature: features use each
other through their faces, and react to each other's events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from workflow.commands import ApprovalAwaiting, ApprovalClosed
from workflow.programme import effects, guards
from workflow.programme.approvals import (
    after_approval_awaiting,
    after_approval_closed,
    approval_roles,
    approver_refusal,
)
from workflow.programme.approvals import on_transition as lapse_overtaken_requests
from workflow.programme.assessment import services as assessment
from workflow.programme.assessment.commands import RecordAssessment
from workflow.programme.counselling import COUNSELLING_ASSIGNMENTS
from workflow.programme.counselling import services as counselling
from workflow.programme.counselling.commands import CounsellingHeld, RecordCounselling
from workflow.programme.documents import services as documents
from workflow.programme.documents.commands import AddDocument
from workflow.programme.documents.config import document_rules
from workflow.programme.documents.retention import CaseDocuments
from workflow.programme.facts import make_facts_loader
from workflow.programme.families import (
    FAMILY_ASSIGNMENTS,
    assignment,
    consent,
    household,
    registration,
)
from workflow.programme.families.commands import (
    AddMember,
    AssignCase,
    CorrectMember,
    PreviewWithdrawal,
    ReassignCases,
    RecordConsent,
    ReferralConsentWithdrawn,
    RegisterFamily,
    RemoveMember,
    UpdateFamily,
    WithdrawConsent,
)
from workflow.programme.families.sensitive import sensitive_fields
from workflow.programme.foster_care import FOSTER_ASSIGNMENTS
from workflow.programme.foster_care import INTAKE as FOSTER_INTAKE
from workflow.programme.foster_care import services as foster
from workflow.programme.foster_care import steps as foster_steps
from workflow.programme.foster_care.commands import (
    RecordApplication,
    RecordCommissionDecision,
    RecordHomeAssessment,
    RecordMatch,
    RecordMonitoringVisit,
    RecordPlacement,
    RecordTraining,
    RegisterInquiry,
)
from workflow.programme.foster_care.config import foster_rules
from workflow.programme.foster_care.facts import make_foster_facts_loader
from workflow.programme.notes import services as notes
from workflow.programme.notes.commands import AddNote, CorrectNote
from workflow.programme.notes.config import note_rules
from workflow.programme.plans import services as plans
from workflow.programme.plans.commands import (
    CancelService,
    DeliverService,
    PlanService,
    RecordIncome,
    ServicePlanned,
    StartService,
)
from workflow.programme.privacy import register_document_store
from workflow.programme.privacy import retention as privacy_retention
from workflow.programme.privacy import services as privacy
from workflow.programme.procurement import orders, requests
from workflow.programme.procurement import work as procurement_work
from workflow.programme.procurement.commands import (
    ApproveProcurement,
    CancelProcurement,
    ConsolidatePurchaseOrders,
    DeliverProcurement,
    OrderProcurement,
    RequestGoods,
)
from workflow.programme.referrals import links as referral_links
from workflow.programme.referrals import partners
from workflow.programme.referrals import services as referrals
from workflow.programme.referrals import work as referrals_work
from workflow.programme.referrals.commands import (
    AddPartner,
    AnswerReferralLink,
    CreateReferral,
    DeactivatePartner,
    EditPartner,
    OpenReferralLink,
    ResendReferralLink,
    RespondToReferral,
    RevokeReferralLinks,
    SweepReferralDeadlines,
)
from workflow.programme.reminders import services as reminders
from workflow.programme.reminders import work as reminders_work
from workflow.programme.reminders.commands import AcknowledgeReminder, SweepReminders
from workflow.programme.reminders.metrics import reminder_metrics
from workflow.programme.shared.access import FileAccessed
from workflow.programme.shared.cases import FAMILY_WORKFLOW, FOSTER_WORKFLOW
from workflow.programme.shared.cli import INTAKE
from workflow.programme.shared.policies import policies
from workflow.programme.shared.reference import reference
from workflow.programme.shared.work import register_work_source
from workflow.programme.staff import ScopeRule, scope_modes
from workflow.programme.staff import services as staff
from workflow.programme.staff.commands import (
    AddCommunity,
    AddStaff,
    DeactivateCommunity,
    DeactivateStaff,
    RenameCommunity,
    SetStaffCommunities,
    SetStaffContact,
    SetStaffRole,
)
from workflow.programme.visits import services as visits
from workflow.programme.visits import work as visits_work
from workflow.programme.visits.commands import AddGoal, RecordReview, RecordVisit, UpdateGoal
from workflow.programme.visits.config import review_rules
from workflow.programme.work import sources as work_sources
from workflow.programme.work.config import work_rules
from workflow.registries import Registries
from workflow.services import register_handler

HANDLERS: dict[type[Any], Callable[..., Any]] = {
    RegisterFamily: registration.register_family,
    UpdateFamily: registration.update_family,
    AddMember: registration.add_member,
    CorrectMember: household.correct_member,
    RemoveMember: household.remove_member,
    PreviewWithdrawal: consent.preview_withdrawal,
    RecordConsent: consent.record_consent,
    WithdrawConsent: consent.withdraw_consent,
    AssignCase: assignment.assign_case,
    ReassignCases: assignment.reassign_cases,
    RecordAssessment: assessment.record_assessment,
    PlanService: plans.plan_service,
    StartService: plans.start_service,
    DeliverService: plans.deliver_service,
    CancelService: plans.cancel_service,
    RecordIncome: plans.record_income,
    RecordCounselling: counselling.record_counselling,
    AddNote: notes.add_note,
    CorrectNote: notes.correct_note,
    AddDocument: documents.add_document,
    AddStaff: staff.add_staff,
    DeactivateStaff: staff.deactivate_staff,
    SetStaffContact: staff.set_staff_contact,
    SetStaffCommunities: staff.set_staff_communities,
    SetStaffRole: staff.set_staff_role,
    AddCommunity: staff.add_community,
    RenameCommunity: staff.rename_community,
    DeactivateCommunity: staff.deactivate_community,
    # Background work: referrals, reminders, procurement.
    AddPartner: partners.add_partner,
    EditPartner: partners.edit_partner,
    DeactivatePartner: partners.deactivate_partner,
    CreateReferral: referrals.create_referral,
    RespondToReferral: referrals.respond_to_referral,
    # A partner's answer by the link in its mail, and the staff's control of the links.
    OpenReferralLink: referral_links.open_referral_link,
    AnswerReferralLink: referral_links.answer_referral_link,
    RevokeReferralLinks: referral_links.revoke_referral_links,
    ResendReferralLink: referral_links.resend_referral_link,
    SweepReferralDeadlines: referrals.sweep_referral_deadlines,
    AcknowledgeReminder: reminders.acknowledge_reminder,
    SweepReminders: reminders.sweep_reminders,
    RequestGoods: requests.request_goods,
    ApproveProcurement: requests.approve,
    OrderProcurement: orders.order,
    DeliverProcurement: requests.deliver,
    CancelProcurement: requests.cancel,
    ConsolidatePurchaseOrders: orders.consolidate,
    # The foster-care pilot, a second workflow (config/workflows/foster_care.toml).
    RegisterInquiry: foster.register_inquiry,
    RecordApplication: foster.record_application,
    RecordHomeAssessment: foster.record_home_assessment,
    RecordTraining: foster.record_training,
    RecordCommissionDecision: foster_steps.record_decision,
    RecordMatch: foster_steps.record_match,
    RecordPlacement: foster_steps.record_placement,
    RecordMonitoringVisit: foster_steps.record_visit,
    # Home visits, the plan's goals and its reviews (workflow/programme/visits).
    RecordVisit: visits.record_visit,
    AddGoal: visits.add_goal,
    UpdateGoal: visits.update_goal,
    RecordReview: visits.record_review,
}


def register(registries: Registries) -> None:
    # Reading the reference data here stops start-up on a broken config/programme file,
    # as a broken workflow definition does.
    ref = reference()
    policies()
    sensitive_fields()
    note_rules()
    document_rules()
    guards.register(registries.guards)
    effects.register(registries.effects)
    registries.facts[FAMILY_WORKFLOW] = make_facts_loader(ref)
    registries.facts[FOSTER_WORKFLOW] = make_foster_facts_loader(foster_rules())
    registries.transition_listeners.append(reminders.on_transition)
    # A case closed by the programme's own rule lapses the requests it cannot honour.
    registries.transition_listeners.append(lapse_overtaken_requests)
    registries.metric_sources.append(reminder_metrics)
    registries.transition_listeners.append(foster_steps.on_transition)
    # An anonymised case is never reopened: its family file is gone.
    registries.transition_listeners.append(privacy_retention.refuse_reopening)
    # Who may act (``--actor``), and which workflows open their cases by an intake.
    registries.actor_check = staff.known_actor
    registries.intakes.update(INTAKE)
    registries.intakes[FOSTER_WORKFLOW] = FOSTER_INTAKE
    # Approvals: a tier names a staff role; its approvers are reminded while it waits.
    registries.approval_roles.update(approval_roles())
    registries.approver_check = approver_refusal
    # Scoped access: who reads and changes which cases, from where each workflow records
    # a case's community and staff (config/programme/privacy.toml [scope]).
    scope_modes()
    registries.case_scope = ScopeRule(
        [FAMILY_ASSIGNMENTS, FOSTER_ASSIGNMENTS, COUNSELLING_ASSIGNMENTS]
    )
    registries.react(ApprovalAwaiting, after_approval_awaiting)
    registries.react(ApprovalClosed, after_approval_closed)
    # Goods planned for a case under way are requested; a session is a follow-up.
    registries.react(ServicePlanned, requests.after_service_planned)
    registries.react(CounsellingHeld, reminders.after_counselling)
    # A family file shown or exported is written to the access log.
    registries.react(FileAccessed, privacy.after_file_accessed)
    # A family's documents go into its subject-access export and out with anonymisation.
    register_document_store(CaseDocuments)
    # Referral consent withdrawn: the answer lists the family's referrals still open.
    registries.react(ReferralConsentWithdrawn, referrals.after_referral_consent_withdrawn)
    for command_type, handler in HANDLERS.items():
        register_handler(command_type, handler)
    register_my_work()


def register_my_work() -> None:
    """The sources of "My work", in the order their items win when two are about the
    same thing (a visit due before the reminder of it). A feature with work for people
    (documents expiring, ...) registers its source here."""
    review_rules()
    work_rules()
    register_work_source("home_visits", visits_work.visits_due)
    register_work_source("plan_reviews", visits_work.reviews_due)
    register_work_source("approvals", work_sources.approvals_awaiting)
    register_work_source("reminders", reminders_work.my_reminders)
    register_work_source("referrals", referrals_work.awaiting_answer)
    register_work_source("deliveries", visits_work.deliveries_due)
    register_work_source("goods_approvals", procurement_work.awaiting_approval)
    register_work_source("stale_cases", work_sources.stale_cases)


def register_commands(app: typer.Typer) -> None:
    """Add the programme's command groups to the ``hogatar`` app, in the order of its help."""
    # Imported here: workers and the web app load ``register`` only, never the commands.
    from workflow.programme.administration.cli import admin_app
    from workflow.programme.approvals.cli import approval_app
    from workflow.programme.assessment.cli import assessment_app
    from workflow.programme.counselling.cli import counselling_app
    from workflow.programme.demo.cli import demo_app
    from workflow.programme.documents.cli import document_app
    from workflow.programme.exchange.cli import export_app, import_app
    from workflow.programme.families.cli import assign, consent_app, family_app, reassign
    from workflow.programme.foster_care.cli import foster_app
    from workflow.programme.inbox.cli import inbox
    from workflow.programme.notes.cli import note_app
    from workflow.programme.plans.cli import income_app, plan_app
    from workflow.programme.privacy.cli import access_app, privacy_app, retention_app
    from workflow.programme.procurement.cli import procurement_app
    from workflow.programme.referrals.cli import partner_app, referral_app
    from workflow.programme.reminders.cli import reminder_app
    from workflow.programme.staff.cli import community_app, staff_app
    from workflow.programme.summaries.cli import summary_command
    from workflow.programme.visits.cli import goal_app, review, visit_app
    from workflow.programme.work.cli import my_work_command

    # The case summary reads families and notes, so it is a room above both (summaries/).
    if not any(command.name == "summary" for command in family_app.registered_commands):
        family_app.command("summary")(summary_command)
    app.add_typer(family_app, name="family")
    app.add_typer(assessment_app, name="assessment")
    app.add_typer(consent_app, name="consent")
    app.add_typer(income_app, name="income")
    if not any(group.name == "goal" for group in plan_app.registered_groups):  # once
        plan_app.add_typer(goal_app, name="goal")
        plan_app.command("review")(review)
    app.add_typer(plan_app, name="plan")
    app.add_typer(visit_app, name="visit")
    app.command("my-work")(my_work_command)
    app.add_typer(counselling_app, name="counselling")
    app.add_typer(note_app, name="note")
    app.add_typer(document_app, name="document")
    app.command("assign")(assign)
    app.command("reassign")(reassign)
    app.add_typer(staff_app, name="staff")
    app.add_typer(community_app, name="community")
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")
    app.add_typer(demo_app, name="demo")
    app.add_typer(partner_app, name="partner")
    app.add_typer(admin_app, name="admin")
    app.add_typer(referral_app, name="referral")
    app.add_typer(reminder_app, name="reminder")
    app.command("inbox")(inbox)
    app.add_typer(procurement_app, name="procurement")
    app.add_typer(approval_app, name="approval")
    app.add_typer(foster_app, name="foster")
    app.add_typer(access_app, name="access")
    app.add_typer(retention_app, name="retention")
    app.add_typer(privacy_app, name="privacy")

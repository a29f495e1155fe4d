"""Beat's periodic jobs over due rows. Thin: a command to the service layer, which
claims the rows atomically and publishes the effects it queued after its commit."""

from __future__ import annotations

from typing import Any

from tasks.runtime import app, runtime
from workflow.programme.privacy import RunRetention, run_retention
from workflow.programme.procurement import ConsolidatePurchaseOrders
from workflow.programme.referrals import SweepReferralDeadlines
from workflow.programme.reminders import SweepReminders
from workflow.services import handle


@app.task(name="reminders.sweep", queue="reminders", ignore_result=True)
def sweep_reminders() -> Any:
    return handle(runtime(), SweepReminders())


@app.task(name="referrals.deadlines", queue="referrals", ignore_result=True)
def sweep_referral_deadlines() -> Any:
    return handle(runtime(), SweepReferralDeadlines())


@app.task(name="procurement.consolidate", queue="procurement", ignore_result=True)
def consolidate_purchase_orders() -> Any:
    return handle(runtime(), ConsolidatePurchaseOrders())


@app.task(name="privacy.retention", queue="relay", ignore_result=True)
def retention() -> Any:
    """Anonymise the cases past their retention and purge the old access log."""
    report = run_retention(runtime(), RunRetention(actor="system:retention", dry_run=False))
    return {"anonymised": len(report.due), "purged": report.access_entries_purged}

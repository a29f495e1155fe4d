"""Purchase orders: approved requests ordered from a supplier, one order per supplier
and week, and the mail that sends it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from workflow.activity import note_activity, require_actor
from workflow.clock import local_day
from workflow.notifications import language_of
from workflow.notifications.values import money
from workflow.programme.inbox import SYSTEM_ACTOR, active_managers, send_mail, staff_contact
from workflow.programme.procurement.commands import (
    ConsolidatePurchaseOrders,
    OrderProcurement,
    ProcurementChanged,
)
from workflow.programme.procurement.errors import ProcurementRequestNotFound
from workflow.programme.procurement.models import ProcurementRequestRow, PurchaseOrderRow
from workflow.programme.procurement.requests import case_of_request, locked_request
from workflow.programme.shared.policies import policies
from workflow.programme.shared.reference import reference
from workflow.programme.staff import StaffRow
from workflow.runtime import EffectContext, Runtime
from workflow.services import enqueue_effect
from workflow.unit_of_work import UnitOfWork

#: How long suppliers are given to deliver an order.
DELIVERY_TIME = timedelta(days=14)


def _purchase_order(
    rt: Runtime, uow: UnitOfWork, *, supplier: str, rows: list[ProcurementRequestRow], actor: str
) -> PurchaseOrderRow:
    now = rt.clock.now()
    order = PurchaseOrderRow(
        supplier=supplier,
        created_at=now,
        created_by=actor,
        total_amd=sum(row.amount_amd for row in rows),
    )
    uow.session.add(order)
    uow.session.flush()
    for row in rows:
        row.status = "ordered"
        row.purchase_order_id = order.id
        row.ordered_at = now
        note_activity(
            uow,
            case=case_of_request(uow, row),
            kind="procurement_ordered",
            actor=actor,
            now=now,
            data={"request_id": row.id, "purchase_order_id": order.id},
        )
    enqueue_effect(
        rt,
        uow,
        case_id=None,
        event_id=None,
        effect="procurement.send_purchase_order",
        payload={"purchase_order_id": order.id},
        now=now,
    )
    return order


def order(rt: Runtime, uow: UnitOfWork, command: OrderProcurement) -> ProcurementChanged:
    """Order one approved request now, without waiting for the weekly purchase order."""
    actor = require_actor(command.actor)
    row = locked_request(uow, command.request_id, ("approved",), "ordered")
    purchase_order = _purchase_order(rt, uow, supplier=row.supplier, rows=[row], actor=actor)
    uow.commit()
    return ProcurementChanged(row.id, row.status, purchase_order.id)


def consolidate(rt: Runtime, uow: UnitOfWork, command: ConsolidatePurchaseOrders) -> list[int]:
    """Weekly: one purchase order per supplier for everything approved and not ordered."""
    rows = uow.session.scalars(
        select(ProcurementRequestRow)
        .where(ProcurementRequestRow.status == "approved")
        .order_by(ProcurementRequestRow.id)
        .with_for_update(skip_locked=True)
    ).all()
    by_supplier: dict[str, list[ProcurementRequestRow]] = defaultdict(list)
    for row in rows:
        by_supplier[row.supplier].append(row)
    orders = [
        _purchase_order(rt, uow, supplier=supplier, rows=group, actor=SYSTEM_ACTOR).id
        for supplier, group in sorted(by_supplier.items())
    ]
    uow.commit()
    return orders


def send_purchase_order(context: EffectContext) -> Mapping[str, Any]:
    order_id = int(context.payload["purchase_order_id"])
    purchase_order = context.session.get(PurchaseOrderRow, order_id, with_for_update=True)
    if purchase_order is None:
        raise ProcurementRequestNotFound(order_id)
    if purchase_order.sent_at is not None:
        return {"purchase_order_id": order_id, "skipped": "already sent"}
    rules = policies()
    supplier = rules.suppliers[purchase_order.supplier]
    catalogue = reference().services
    rows = context.session.scalars(
        select(ProcurementRequestRow)
        .where(ProcurementRequestRow.purchase_order_id == order_id)
        .order_by(ProcurementRequestRow.id)
    ).all()
    language = language_of(supplier.language)
    case_word = "դեպք" if language == "hy" else "case"
    items = "\n".join(
        f"- {catalogue[row.service].label(language)} × {row.quantity}: "
        f"{money(row.amount_amd, language)} (#{row.id}, {case_word} {row.case_id})"
        for row in rows
    )
    # The supplier's contact: a procurement officer, else a manager.
    officer = context.session.scalar(
        select(StaffRow)
        .where(StaffRow.role == "procurement_officer", StaffRow.active.is_(True))
        .order_by(StaffRow.id)
    ) or next(iter(active_managers(context.session)), None)
    settings = context.runtime.settings
    name, phone, email = staff_contact(settings, officer)
    message_id = send_mail(
        context,
        template="purchase_order",
        to=supplier.email,
        language=language,
        values={
            "order_number": order_id,
            "ordered_on": local_day(purchase_order.created_at),
            "deliver_by": local_day(purchase_order.created_at + DELIVERY_TIME),
            "items": items,
            "total": money(purchase_order.total_amd, language),
            "contact_name": name or settings.programme_address(language),
            "contact_phone": phone,
            "contact_email": email,
            "delivery_address": settings.programme_address(language),
        },
        key_parts=("purchase-order", order_id),
    )
    purchase_order.sent_at = context.now
    return {"purchase_order_id": order_id, "supplier": supplier.code, "message_id": message_id}

"""Attaching a document: one unit of work writes its row, the case's timeline entry and,
for a kind that expires, the reminder before its expiry; the staged file is moved into
the store just before, and taken out again if the transaction fails (unless another
document holds the same content), so a refused or failed upload leaves no file and no
row. The timeline entry names the document's kind, member and expiry, never its file
name (a name can be personal data; the timeline is read by everyone who opens the case).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.activity import require_actor
from workflow.clock import local_day
from workflow.persistence.models import CaseRow
from workflow.programme.documents.commands import AddDocument, DocumentAdded
from workflow.programme.documents.config import DocumentKind, document_rules
from workflow.programme.documents.models import DocumentRow
from workflow.programme.documents.store import DocumentStore, StagedFile, document_store
from workflow.programme.families import FamilyRow, MemberRow
from workflow.programme.reminders import DOCUMENT_EXPIRY, schedule_reminder
from workflow.programme.shared.cases import PLAN_WORKFLOWS, case_for_change, record_change
from workflow.programme.shared.values import Collector
from workflow.programme.staff import staff_member
from workflow.runtime import Runtime
from workflow.scoping import unscoped
from workflow.text import clean
from workflow.unit_of_work import UnitOfWork

#: Staff who work on cases attach documents; a procurement officer sees goods, not families.
UPLOADER_ROLES = frozenset({"admin", "manager", "social_worker", "psychologist"})
NAME_LENGTH = 255


def check_fields(
    *,
    kind: object,
    expires_on: date | None,
    today: date | None,
    problems: Collector,
) -> DocumentKind | None:
    """The kind (one of documents.toml) and its expiry: required for a kind that
    expires, not before ``today``; refused for one that does not."""
    rules = document_rules()
    found = rules.kind(kind) if isinstance(kind, str) else None
    if found is None:
        shown = kind if isinstance(kind, str) and kind else "nothing"
        problems.add("kind", f"{shown!r} is not one of: {', '.join(rules.kind_codes())}")
        return None
    if found.expires and expires_on is None:
        problems.add("expires_on", "is required: this kind of document expires")
    elif not found.expires and expires_on is not None:
        problems.add("expires_on", "this kind of document does not expire: leave it empty")
    elif expires_on is not None and today is not None and expires_on < today:
        problems.add("expires_on", f"{expires_on.isoformat()} is in the past")
    return found


def _check_member(session: Session, case_id: int, member_id: int, problems: Collector) -> None:
    member = session.scalar(
        select(MemberRow)
        .join(FamilyRow, FamilyRow.id == MemberRow.family_id)
        .where(MemberRow.id == member_id, FamilyRow.case_id == case_id)
    )
    if member is None:
        problems.add("member_id", "is not a member of this family's household")
    elif member.removed_at is not None:
        problems.add("member_id", "is no longer a member of this family's household")


def _check_uploader(uow: UnitOfWork, actor: str, problems: Collector) -> int | None:
    """The uploader's staff id (None for an operator, ``cli:NAME``)."""
    if ":" in actor:
        return None
    staff = staff_member(uow.session, actor)
    if staff.role not in UPLOADER_ROLES:
        problems.add("actor", f"a {staff.role.replace('_', ' ')} does not attach documents")
    return staff.id


def safe_display_name(name: str, staged: StagedFile) -> str:
    """The uploaded name without folders or control characters, ending in the extension
    its content has; ``document.pdf`` when nothing is left of it."""
    base = (clean(name.replace("\\", "/").rsplit("/", 1)[-1]) or "").strip(". ")
    base = "".join(ch for ch in base if ch.isprintable())
    extensions = staged.file_type.extensions
    stem = base
    if "." in base and ("." + base.rsplit(".", 1)[1].lower()) in extensions:
        stem = base.rsplit(".", 1)[0]
    stem = stem[: NAME_LENGTH - 8] or "document"
    return f"{stem}{extensions[0]}"


def _recipient(uow: UnitOfWork, case: CaseRow, uploader_id: int | None) -> int | None:
    """Who is reminded of the expiry: the family's social worker, else whoever attached it."""
    social_worker = uow.session.scalar(
        select(FamilyRow.social_worker_id).where(FamilyRow.case_id == case.id)
    )
    return social_worker if social_worker is not None else uploader_id


def _still_referenced(session: Session, sha256: str) -> bool:
    """Whether a committed document holds this content; True when that cannot be told
    (a file kept for nothing is better than a document without its file)."""
    try:
        session.rollback()
        # Past the reader's scope: one file is shared by every case whose document holds it.
        with unscoped(session):
            found = session.scalar(
                select(DocumentRow.id).where(DocumentRow.sha256 == sha256).limit(1)
            )
    except Exception:  # noqa: BLE001 - the database failed too: keep the file
        return True
    return found is not None


def add_document(rt: Runtime, uow: UnitOfWork, command: AddDocument) -> DocumentAdded:
    store: DocumentStore = document_store(rt.settings)
    staged = command.staged
    try:
        actor = require_actor(command.actor)
        now = rt.clock.now()
        problems = Collector()
        kind = check_fields(
            kind=command.kind,
            expires_on=command.expires_on,
            today=local_day(now),
            problems=problems,
        )
        if command.member_id is not None:
            _check_member(uow.session, command.case_id, command.member_id, problems)
        uploader_id = _check_uploader(uow, actor, problems)
        problems.check()
        assert kind is not None
        # Documents go on a case whoever changed it meanwhile: no version to match.
        case = case_for_change(rt, uow, command.case_id, None, workflows=PLAN_WORKFLOWS)
    except BaseException:
        staged.discard()
        raise
    try:
        created = store.put(staged)
    finally:
        staged.discard()  # moved in, or the same content was there already
    try:
        document = DocumentRow(
            case_id=case.id,
            member_id=command.member_id,
            kind=kind.code,
            original_name=safe_display_name(staged.original_name, staged),
            content_type=staged.file_type.content_type,
            size_bytes=staged.size,
            sha256=staged.sha256,
            expires_on=command.expires_on,
            uploaded_by=actor,
            uploaded_at=now,
        )
        uow.session.add(document)
        uow.session.flush()
        version = record_change(
            rt,
            uow,
            case=case,
            trigger="add_document",
            actor=actor,
            data={
                "document_id": document.id,
                "kind": document.kind,
                "member_id": document.member_id,
                "expires_on": document.expires_on.isoformat() if document.expires_on else None,
            },
        )
        reminder_id = None
        if kind.expires and command.expires_on is not None:
            recipient = _recipient(uow, case, uploader_id)
            if recipient is not None:
                due_day = max(command.expires_on - kind.remind_before, local_day(now))
                reminder = schedule_reminder(
                    uow,
                    case=case,
                    kind=DOCUMENT_EXPIRY,
                    recipient_id=recipient,
                    due_day=due_day,
                    actor=actor,
                    now=now,
                )
                reminder_id = reminder.id
        uow.commit()
    except BaseException:
        if created and not _still_referenced(uow.session, staged.sha256):
            store.remove(staged.sha256)
        raise
    return DocumentAdded(
        case_id=case.id, document_id=document.id, version=version, reminder_id=reminder_id
    )

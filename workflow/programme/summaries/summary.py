"""A family's case summary as one reader may read it: the file as ``family_view`` reads
it (``hogatar family show`` and the JSON API read the same), its household masked for
the reader's role (``masked_member``), and the newest notes as ``case_notes`` gives them
to the reader (a confidential note they may not read has no text). Read through the
runtime it is given, so a scoped runtime finds only the reader's cases."""

from __future__ import annotations

from typing import Any

from workflow.clock import as_utc
from workflow.errors import CaseNotFound
from workflow.persistence.models import CaseRow
from workflow.programme.families import family_view, masked_member
from workflow.programme.notes import NoteReader, case_notes
from workflow.programme.shared.cases import FAMILY_WORKFLOW
from workflow.runtime import Runtime

#: The summary shows this many notes, newest first; the case page has them all.
RECENT_NOTES = 10
#: The access log's detail of a summary's view: told apart from the case page's.
PRINTED = "printed summary"


def _header(rt: Runtime, case_id: int) -> dict[str, Any]:
    """The case's number, workflow version, state and opening (``family_view`` has not
    these); a case that is not a family's has no summary, so it is not found."""
    with rt.session_factory() as session:
        case = session.get(CaseRow, case_id)
        if case is None or case.workflow != FAMILY_WORKFLOW:
            raise CaseNotFound(case_id)
        return {
            "id": case.id,
            "workflow": case.workflow,
            "workflow_version": case.workflow_version,
            "state": case.state,
            "opened_at": as_utc(case.opened_at),
        }


def case_summary(rt: Runtime, *, case_id: int, reader: NoteReader) -> dict[str, Any]:
    """What the summary shows to ``reader`` (role None: an operator, who reads all)."""
    header = _header(rt, case_id)
    view = family_view(rt, case_id=case_id)
    notes = case_notes(rt, case_id=case_id, reader=reader)
    return {
        "case": header,
        "family": view,
        "members": [masked_member(member, reader.role) for member in view["members"]],
        "consents": [c for c in view["consents"] if c["withdrawn_on"] is None],
        # Newest first; the file lists them in the order they were recorded.
        "assessments": list(reversed(view["assessments"])),
        "services": view["services"],
        "notes": notes[:RECENT_NOTES],
        "notes_total": len(notes),
        "printed_at": rt.clock.now(),
    }

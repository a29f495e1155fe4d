"""The versions of each workflow in use (managers and administrators): which is the
newest, when each was recorded and from which file, how many cases run on each and how
many are finished, and the running cases stranded in a state the newest version lacks,
with the command that moves them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from web.shared.accounts import Staff
from web.shared.auth import require, runtime
from web.shared.permissions import Permission
from web.shared.plugins import plugins, workflow_labels
from web.shared.templating import render
from workflow.runtime import Runtime
from workflow.versions import VersionInUse, versions_in_use

router = APIRouter(include_in_schema=False)


def migrate_command(row: VersionInUse, newest: int) -> str:
    """What an operator runs to move the stranded cases of ``row`` to the newest version:
    a dry run first, with a mapping for each state the newest version lacks."""
    mappings = " ".join(f"--map {state}=NEW_STATE" for state in row.stranded_states)
    return f"hogatar workflow migrate {row.workflow} --to {newest} {mappings} --dry-run"


def workflow_versions(rt: Runtime) -> dict[str, list[dict[str, Any]]]:
    """Workflow -> its versions, newest first, each with its cases and, when some are
    stranded, the command that migrates them."""
    with rt.session_factory() as session:
        rows = versions_in_use(session, rt.versions, rt.session_factory)
    by_workflow: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        newest = rt.current_version(row.workflow)
        by_workflow.setdefault(row.workflow, []).append(
            {
                "row": row,
                # Its stranded states are named as that version names them.
                "definition": rt.machine_at(row.workflow, row.version).definition,
                "command": migrate_command(row, newest) if row.stranded_cases else None,
            }
        )
    return by_workflow


@router.get("/workflows")
def workflows_page(
    request: Request,
    staff: Staff = Depends(require(Permission.VIEW_WORKFLOWS)),  # noqa: B008
) -> Response:
    rt = runtime(request)
    versions = workflow_versions(rt)
    registered = plugins(request)
    context = {
        "workflows": [
            {
                "name": name,
                "labels": workflow_labels(registered.of(name), rt.machine(name).definition),
                "versions": versions.get(name, []),
            }
            for name in sorted(rt.definitions)
        ],
    }
    return render(request, "workflows/versions.html", context)

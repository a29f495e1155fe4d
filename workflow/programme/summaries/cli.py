"""``hogatar family summary CASE [--actor USERNAME] [--json]``: the printable case
summary as text, what the web page shows that reader (the access log records it)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, print_json, runtime
from workflow.programme.notes import reader_of
from workflow.programme.shared.access import FileAccessed, announce_access
from workflow.programme.summaries.summary import PRINTED, case_summary

HIDDEN = "(filled; not shown to your role)"


def _plain(value: Any) -> Any:
    """JSON for ``--json``: dates and times as ISO 8601 text."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def _member_line(member: dict[str, Any]) -> str:
    hidden = member.get("hidden", {})
    born = f", born {member['date_of_birth']}" if member["date_of_birth"] else ""
    if "disability" in hidden:
        disability = f"; disability: {HIDDEN}"
    else:
        disability = "; disability: yes" if member["disability"] else ""
    if hidden.get("health_notes"):
        health = f"; health notes: {HIDDEN}"
    else:
        health = f"; health notes: {member['health_notes']}" if member["health_notes"] else ""
    return f"  {member['role']}: {member['full_name']}{born}{disability}{health}"


def _lines(summary: dict[str, Any], reader: str) -> list[str]:
    case, family = summary["case"], summary["family"]
    lines = [
        f"case {case['id']}: {family['family_name']}, {family['community']['hy']} "
        f"({case['state']}, opened {case['opened_at']:%Y-%m-%d})",
        f"summary printed {summary['printed_at']:%Y-%m-%d %H:%M} UTC by {reader}",
        f"address: {family['address'] or '-'}; phone: {family['phone'] or '-'}",
        f"social worker: {family['social_worker'] or '-'}; "
        f"psychologist: {family['psychologist'] or '-'}",
        "consent: "
        + (
            "; ".join(
                f"given {c['given_on']}"
                + (f", valid until {c['expires_on']}" if c["expires_on"] else "")
                for c in summary["consents"]
            )
            or "not on file"
        ),
        "household:",
        *(_member_line(member) for member in summary["members"]),
        "assessments:" if summary["assessments"] else "assessments: none",
    ]
    for a in summary["assessments"]:
        risk = "yes" if a["risk_of_abandonment"] else "no"
        about = f" ({a['risk_description']})" if a["risk_description"] else ""
        lines.append(
            f"  {a['assessed_on']} by {a['assessor'] or '-'}: risk of child abandonment {risk}"
            f"{about}; criteria: {', '.join(a['criteria']) or '-'}"
        )
    lines.append("plan:" if summary["services"] else "plan: none")
    for s in summary["services"]:
        provider = s["provider_staff"] or s["provider_partner"] or "-"
        lines.append(
            f"  {s['service']}: {s['status']} (target {s['target_date'] or '-'}, by {provider})"
        )
        lines.extend(
            f"    delivered {d['delivered_on']}: {d['quantity']} for {d['cost_amd']} AMD"
            for d in s["deliveries"]
        )
    shown, total = len(summary["notes"]), summary["notes_total"]
    lines.append(f"notes ({shown} most recent of {total}):" if total else "notes: none")
    for n in summary["notes"]:
        mark = " [confidential]" if n["confidential"] else ""
        text = n["text"] if n["readable"] else "(a confidential note you may not read)"
        lines.append(f"  {n['noted_on']} {n['kind']} by {n['author']}{mark}: {text}")
    return lines


def summary_command(
    case_id: Annotated[int, typer.Argument(help="The case's number.")],
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The printable case summary: family, household, assessments with criteria, plan
    with deliveries, recent notes, as the actor may read them (the access log records
    who looked)."""
    rt = runtime()
    who = actor_of(actor)
    with rt.session_factory() as session:
        reader = reader_of(session, who)
    summary = case_summary(rt, case_id=case_id, reader=reader)
    announce_access(
        rt,
        FileAccessed(actor=who, kind="view_case", source="cli", case_id=case_id, detail=PRINTED),
    )
    if as_json:
        print_json(_plain(summary))
        return
    typer.echo("\n".join(_lines(summary, who)))

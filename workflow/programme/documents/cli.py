"""``hogatar document add | list | get``. ``--actor`` is who attaches or reads: a staff
member sees and downloads what the web shows them (their cases; a sensitive kind only
if their role may, or if they attached it); an operator (no ``--actor``) opens all.
Each ``get`` is in the access log, as a download from the web is."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, print_json, runtime
from workflow.errors import InvalidInput
from workflow.programme.documents.commands import AddDocument, DocumentAdded
from workflow.programme.documents.queries import DocumentReader, case_documents, open_document
from workflow.programme.documents.store import document_store, read_chunks
from workflow.programme.shared.cli import parse_day, show_rows
from workflow.programme.staff import staff_member
from workflow.services import handle

document_app = typer.Typer(no_args_is_help=True, help="Documents attached to cases.")


def reader_of(actor: str) -> DocumentReader:
    if ":" in actor:
        return DocumentReader(username=actor, role=None)
    with runtime().session_factory() as session:
        staff = staff_member(session, actor)
        return DocumentReader(username=staff.username, role=staff.role)


def _json(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in document.items()}


def _line(document: dict[str, Any]) -> str:
    member = f" ({document['member_name']})" if document["member_name"] else ""
    expiry = f", expires {document['expires_on'].isoformat()}" if document["expires_on"] else ""
    expired = " [expired]" if document["expired"] else ""
    closed = "" if document["downloadable"] else " [not for your role]"
    if document["removed"]:
        closed = " [removed]"
    return (
        f"#{document['id']} {document['kind']}{member}: {document['name']} "
        f"{document['content_type']} {document['size_bytes']} bytes{expiry}{expired}, "
        f"by {document['uploaded_by']} {document['uploaded_at']:%Y-%m-%d %H:%M}{closed}"
    )


@document_app.command("add")
def add_document(
    case_id: Annotated[int, typer.Option("--case", help="Case id.")],
    kind: Annotated[str, typer.Option("--kind", help="A kind of config/programme/documents.toml.")],
    file: Annotated[Path, typer.Option("--file", help="The PDF, JPEG, PNG, HEIC or WebP file.")],
    member_id: Annotated[
        int | None, typer.Option("--member", help="The household member it is about.")
    ] = None,
    expires: Annotated[
        str | None, typer.Option("--expires", help="Its expiry day (kinds that expire).")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Attach a document to a case (or one of its household members)."""
    rt = runtime()
    expires_on = parse_day(expires, "--expires", required=False)
    try:
        source = file.open("rb")
    except OSError as exc:
        raise InvalidInput(f"--file: cannot read {file}: {exc.strerror}") from None
    with source:
        staged = document_store(rt.settings).stage(
            read_chunks(source),
            original_name=file.name,
            max_bytes=rt.settings.document_max_bytes,
        )
    try:
        event = handle(
            rt,
            AddDocument(
                case_id=case_id,
                kind=kind,
                staged=staged,
                member_id=member_id,
                expires_on=expires_on,
                actor=actor_of(actor),
            ),
        )
    finally:
        staged.discard()  # moved into the store, or refused: never left staged
    assert isinstance(event, DocumentAdded)
    if as_json:
        print_json(
            {
                "case_id": event.case_id,
                "document_id": event.document_id,
                "version": event.version,
                "reminder_id": event.reminder_id,
            }
        )
    else:
        reminder = f", reminder #{event.reminder_id}" if event.reminder_id else ""
        typer.echo(
            f"case {event.case_id}: document #{event.document_id} attached "
            f"(version {event.version}{reminder})"
        )


@document_app.command("list")
def list_documents(
    case_id: Annotated[int, typer.Option("--case", help="Case id.")],
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """A case's documents, newest first."""
    rows = case_documents(runtime(), case_id=case_id, reader=reader_of(actor_of(actor)))
    show_rows([_json(r) for r in rows] if as_json else rows, as_json, _line, "no documents")


@document_app.command("get")
def get_document(
    document_id: Annotated[int, typer.Argument(help="Document id (hogatar document list).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the file.")],
    actor: ActorOption = None,
) -> None:
    """Write a document's content to a file (logged in the access log as a download)."""
    download = open_document(
        runtime(), document_id=document_id, reader=reader_of(actor_of(actor)), source="cli"
    )
    partial = out.with_name(f".{out.name}.partial")
    try:
        with partial.open("wb") as target:
            for chunk in download.chunks:
                target.write(chunk)
        os.replace(partial, out)
    except OSError as exc:
        raise InvalidInput(f"--out: cannot write {out}: {exc.strerror}") from None
    finally:
        partial.unlink(missing_ok=True)
    typer.echo(f"document #{document_id}: {download.document['size_bytes']} bytes to {out}")

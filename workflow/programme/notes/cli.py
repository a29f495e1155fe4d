"""``hogatar note add | list | correct | search``. ``--actor`` is who writes or reads:
a staff member sees confidential notes as the web shows them to them (the text only
if they may read it); an operator (no ``--actor``) reads them all."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from workflow.cli_context import ActorOption, JsonFlag, actor_of, print_json, runtime
from workflow.programme.notes.commands import AddNote, CorrectNote, NoteSaved
from workflow.programme.notes.queries import case_notes, reader_of, search_notes
from workflow.programme.shared.cli import DateOption, required_day, show_rows
from workflow.services import handle

note_app = typer.Typer(no_args_is_help=True, help="Case notes.")
TextOption = Annotated[str, typer.Option("--text", help="What the note says.")]


def _json(note: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in note.items()} | {
        "history": [
            {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in h.items()}
            for h in note["history"]
        ]
    }


def _line(note: dict[str, Any]) -> str:
    flag = " [confidential]" if note["confidential"] else ""
    corrected = f" (corrected {note['corrections']}x)" if note["corrections"] else ""
    text = note["text"] if note["readable"] else "(confidential: not shown to you)"
    where = f"case {note['case_id']} " if "family_name" in note else ""
    return (
        f"#{note['id']} {where}{note['noted_on'].isoformat()} {note['kind']} "
        f"by {note['author']}{flag}{corrected}: {text}"
    )


@note_app.command("add")
def add_note(
    case_id: Annotated[int, typer.Option("--case", help="Case id.")],
    kind: Annotated[str, typer.Option("--kind", help="A kind of config/programme/notes.toml.")],
    text: TextOption,
    noted_on: DateOption,
    confidential: Annotated[
        bool, typer.Option("--confidential/--not-confidential", help="Only for those who may.")
    ] = False,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Write a dated note on a case."""
    event = handle(
        runtime(),
        AddNote(
            case_id=case_id,
            kind=kind,
            noted_on=required_day(noted_on, "--date"),
            text=text,
            confidential=confidential,
            actor=actor_of(actor),
        ),
    )
    assert isinstance(event, NoteSaved)
    if as_json:
        print_json({"case_id": event.case_id, "note_id": event.note_id, "version": event.version})
    else:
        typer.echo(f"case {event.case_id}: note #{event.note_id} written (version {event.version})")


@note_app.command("correct")
def correct_note(
    note_id: Annotated[int, typer.Option("--note", help="Note id.")],
    text: TextOption,
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Correct your own note's text (within the hours notes.toml allows); the earlier
    text is kept in its history."""
    event = handle(runtime(), CorrectNote(note_id=note_id, text=text, actor=actor_of(actor)))
    assert isinstance(event, NoteSaved)
    if as_json:
        print_json({"case_id": event.case_id, "note_id": event.note_id, "version": event.version})
    else:
        typer.echo(
            f"case {event.case_id}: note #{event.note_id} corrected (version {event.version})"
        )


@note_app.command("list")
def list_notes(
    case_id: Annotated[int, typer.Option("--case", help="Case id.")],
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """A case's notes, newest first, as the actor may read them."""
    rt = runtime()
    with rt.session_factory() as session:
        reader = reader_of(session, actor_of(actor))
    rows = case_notes(rt, case_id=case_id, reader=reader)
    show_rows([_json(r) for r in rows] if as_json else rows, as_json, _line, "no notes")


@note_app.command("search")
def search(
    words: Annotated[str, typer.Argument(help="Words the note's text holds.")],
    actor: ActorOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Notes of every case whose text holds the words (confidential ones only for those
    who may read them)."""
    rt = runtime()
    with rt.session_factory() as session:
        reader = reader_of(session, actor_of(actor))
    rows = search_notes(rt, query=words, reader=reader)
    show_rows([_json(r) for r in rows] if as_json else rows, as_json, _line, "no note found")

"""One-time form tokens: a form that changes something is saved once, however often it
is sent.

Every such form carries a fresh random token (``new_token``, rendered by the
``once`` macro). Its first submission claims the token in ``form_submissions`` before
the command runs and records where it led once saved; the same form sent again (Back
and save, a double click, a reloaded POST) finds the claim and is sent where the first
one went, with a notice saying when it was saved, instead of recording the change a
second time or refusing it as a stale version. A refused submission (a problem in a
field, a stale version) gives its token back, so the form shown again can be sent again.

Claiming and saving are two transactions: if the process dies in between, the claim
stays without a result, and a resubmission is told the form was already sent and to
check the case, never saved twice.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from starlette.responses import RedirectResponse, Response

from web.shared.accounts import Staff
from web.shared.models import FormSubmissionRow
from workflow.runtime import Runtime

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
#: Claims older than this are forgotten: nobody goes Back to a form after a month.
KEEP = timedelta(days=30)
FIELD = "form_token"


def new_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Earlier:
    """What the first submission of a form did: where it led, and when it was saved
    (both None while it is being saved, or if saving it was cut off)."""

    location: str | None
    saved_at: datetime | None


def claim(rt: Runtime, token: str, staff_id: int) -> Earlier | None:
    """Claim the token for this submission: None if it is the first, else the first's result."""
    now = rt.clock.now()
    with rt.session_factory() as session:
        session.execute(delete(FormSubmissionRow).where(FormSubmissionRow.claimed_at < now - KEEP))
        session.add(FormSubmissionRow(token=token, staff_id=staff_id, claimed_at=now))
        try:
            session.commit()
            return None
        except IntegrityError:
            session.rollback()
        row = session.get(FormSubmissionRow, token)
        if row is None:  # given back by the first in the meantime: go ahead
            return claim(rt, token, staff_id)
        return Earlier(location=row.location, saved_at=row.saved_at)


def complete(rt: Runtime, token: str, location: str) -> None:
    with rt.session_factory() as session:
        session.execute(
            update(FormSubmissionRow)
            .where(FormSubmissionRow.token == token)
            .values(saved_at=rt.clock.now(), location=location[:500])
        )
        session.commit()


def release(rt: Runtime, token: str) -> None:
    """Give the token back: the submission was refused, the form may be sent again."""
    with rt.session_factory() as session:
        session.execute(
            delete(FormSubmissionRow).where(
                FormSubmissionRow.token == token, FormSubmissionRow.saved_at.is_(None)
            )
        )
        session.commit()


def token_of(values: Mapping[str, Any]) -> str | None:
    token = values.get(FIELD)
    return token if isinstance(token, str) and TOKEN.match(token) else None


def submit_once(
    rt: Runtime,
    staff: Staff,
    values: Mapping[str, Any],
    run: Callable[[], Response],
    *,
    fallback: str,
) -> Response:
    """Run a form's submission unless its token was used already.

    ``run`` reads the form and hands the command over; a redirect (303) is a success and
    is remembered, any other answer or an error gives the token back. ``fallback`` is
    where a second submission goes if the first left no result (it was cut off).
    A form without a token (an old page, a script) is simply run.
    """
    token = token_of(values)
    if token is None:
        return run()
    earlier = claim(rt, token, staff.id)
    if earlier is not None:
        return replay(earlier, fallback)
    try:
        response = run()
    except BaseException:
        release(rt, token)
        raise
    location = response.headers.get("location")
    if response.status_code == 303 and location:
        complete(rt, token, location)
    else:
        release(rt, token)
    return response


def replay(earlier: Earlier, fallback: str) -> Response:
    """Where the first submission led, with the "already saved" notice instead of its own."""
    parts = urlsplit(earlier.location or fallback)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k not in ("msg", "saved_at")]
    if earlier.saved_at is not None:
        query += [("msg", "already_saved"), ("saved_at", earlier.saved_at.isoformat())]
    else:
        query += [("msg", "already_sent")]
    location = urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))
    return RedirectResponse(location, status_code=303)

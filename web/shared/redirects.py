"""Where to go after a form: a safe ``next`` (never another site), back with a notice."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from starlette.responses import RedirectResponse, Response


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another host."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def back_to(target: str | None, default: str, msg: str) -> Response:
    """Back where the button was (the board, the inbox, a case), with a notice."""
    parts = urlsplit(safe_next(target or default))
    query = f"{parts.query}&msg={msg}" if parts.query else f"msg={msg}"
    location = urlunsplit(("", "", parts.path, query, parts.fragment))
    return RedirectResponse(location, status_code=303)

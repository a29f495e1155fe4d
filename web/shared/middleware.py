"""ASGI middleware: the request's language for everything that runs inside it, and the
server time of each request in a ``Server-Timing`` header (the benchmark reads it)."""

from __future__ import annotations

import time
from http.cookies import SimpleCookie

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.shared.auth import LANGUAGE_COOKIE
from web.shared.i18n import DEFAULT_LANGUAGE, normalise_language, use_language


def _cookie_language(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            cookie: SimpleCookie = SimpleCookie()
            try:
                cookie.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header: use the default
                return DEFAULT_LANGUAGE
            morsel = cookie.get(LANGUAGE_COOKIE)
            return normalise_language(morsel.value if morsel else None) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


class LanguageAndTiming:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def send_with_timing(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", f"app;dur={elapsed:.2f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        # Threads that run sync routes copy this context, so gettext sees the language.
        with use_language(_cookie_language(scope)):
            await self.app(scope, receive, send_with_timing)

"""ASGI middleware: the request's language for everything that runs inside it, the
server time of each request in a ``Server-Timing`` header (the benchmark reads it), and
the hardening headers of every answer."""

from __future__ import annotations

import time
from http.cookies import SimpleCookie

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.shared.auth import LANGUAGE_COOKIE
from web.shared.edge import BODY_LIMIT_FACTOR, RequestTooLarge
from web.shared.errors import domain_error
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


#: Everything the pages use comes from the app itself: scripts and styles from files
#: under /static (no inline script, style or eval: htmx runs with allowEval off, Swagger
#: UI starts from a file), images from the app or data: URIs (Swagger UI's icons), and
#: no page may be framed by another site (clickjacking) or send a form elsewhere.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
Headers = tuple[tuple[bytes, bytes], ...]
HARDENING_HEADERS: Headers = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    # For browsers that predate frame-ancestors.
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    # The app's own pages still see where a reader came from (the "reload" of a 409);
    # other sites never see a case's address.
    (b"referrer-policy", b"same-origin"),
)
#: Pages and API answers hold families' data: never kept by a browser or a proxy (Back
#: after logout, a shared computer). The app's static files may be cached.
NO_STORE: Headers = ((b"cache-control", b"no-store"), (b"pragma", b"no-cache"))
STATIC_PREFIX = "/static/"


class SecurityHeaders:
    """Adds the hardening headers to every answer; a header a route set itself (a
    stricter Referrer-Policy, say) is left as it is."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        wanted: Headers = HARDENING_HEADERS
        if not scope.get("path", "").startswith(STATIC_PREFIX):
            wanted = wanted + NO_STORE

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend((name, value) for name, value in wanted if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a request whose declared body is over the limit before a byte of it is
    read (413, in the reader's language): a route that declares form fields has its body
    parsed before any dependency runs, so this is middleware, not a dependency."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            declared = dict(scope["headers"]).get(b"content-length", b"")
            limit = BODY_LIMIT_FACTOR * scope["app"].state.runtime.settings.document_max_bytes
            if declared.isdigit() and int(declared) > limit:
                response = await domain_error(Request(scope), RequestTooLarge(int(declared), limit))
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

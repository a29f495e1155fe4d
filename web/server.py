"""Serving the app with uvicorn: one process, sync routes in its thread pool."""

from __future__ import annotations

import uvicorn

from config.settings import Settings
from web.app import create_app
from workflow.bootstrap import bootstrap


def serve(settings: Settings, *, host: str | None = None, port: int | None = None) -> None:
    secret = settings.require_web_secret_key()  # before anything starts: a clear message
    app = create_app(bootstrap(settings), secret_key=secret)
    uvicorn.run(
        app,
        host=host or settings.web_host,
        port=port or settings.web_port,
        log_level=settings.log_level.lower(),
        # Behind a reverse proxy on this machine, X-Forwarded-Proto says HTTPS (Secure cookies).
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
        server_header=False,
    )

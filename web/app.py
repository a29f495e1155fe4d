"""The back-office web app: ``create_app(runtime)`` builds it on the same runtime (and so
the same service layer) as the CLI and the workers.

Every router but the public ones (login, health; a partner's page opened by the link
in its referral mail) depends on ``require_login``; state
changes also need a CSRF token. The JSON API lives under /api/v1 with OpenAPI docs at
/api/v1/docs (behind the login too).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from web.access import routes as access_routes
from web.admin import account as admin_account
from web.admin import api as admin_api
from web.admin import history as admin_history
from web.admin import reference as admin_reference
from web.admin import staff as admin_staff
from web.cases import api, approvals_api, caseload_export, casework, pages, summary
from web.cases.family import family_plugin
from web.documents import api as documents_api
from web.documents import routes as documents_routes
from web.foster_care.plugin import foster_plugin
from web.incidents import routes as incidents_routes
from web.notes import api as notes_api
from web.notes import routes as notes_routes
from web.partners import api as partners_api
from web.partners import routes as partners_routes
from web.partners import staff as partners_staff
from web.procurement import api as procurement_api
from web.procurement import routes as procurement_routes
from web.referrals import api as referrals_api
from web.referrals import routes as referrals_routes
from web.reminders import api as reminders_api
from web.reminders import approvals as reminders_approvals
from web.reminders import routes as reminders_routes
from web.reports import routes as reports_routes
from web.session import public, routes
from web.shared import errors
from web.shared.auth import require_login, verify_csrf
from web.shared.edge import refuse_impossible_input
from web.shared.middleware import BodyLimit, LanguageAndTiming, SecurityHeaders
from web.shared.plugins import WorkflowPlugin, WorkflowPlugins
from web.visits import api as visits_api
from web.work import api as work_api
from web.work import routes as work_routes
from web.workflows import routes as workflows_routes
from workflow.runtime import Runtime

STATIC_DIR = Path(__file__).resolve().parent / "static"
API_PREFIX = "/api/v1"


def programme_plugins() -> list[WorkflowPlugin]:
    """The programme's workflows that have more than the generic case page: their own
    sections, forms and intake. A workflow not listed here gets the generic page."""
    return [family_plugin(), foster_plugin()]


def create_app(
    runtime: Runtime,
    *,
    secret_key: str | None = None,
    plugins: list[WorkflowPlugin] | None = None,
) -> FastAPI:
    """The app; ``secret_key`` defaults to HOGATAR_WEB_SECRET_KEY (required), ``plugins``
    to the programme's (``programme_plugins``)."""
    key = secret_key or runtime.settings.require_web_secret_key()
    registered = WorkflowPlugins(programme_plugins() if plugins is None else plugins)
    app = FastAPI(
        title="Hogatar back-office API",
        version="1",
        description="Family cases of the family strengthening programme (Kotayk region). "
        "Log in with POST /api/v1/login; send the returned csrf_token as the X-CSRF-Token "
        "header with every POST. Errors are problem details (RFC 9457).",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        # Before every route's own: ids above 2**63, absurd pages, NUL characters.
        dependencies=[Depends(refuse_impossible_input)],
    )
    app.state.runtime = runtime
    app.state.secret_key = key
    app.state.plugins = registered
    errors.install(app)
    app.add_middleware(BodyLimit)  # inside: the language is known, the headers are set
    app.add_middleware(LanguageAndTiming)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    app.include_router(public.router, dependencies=[Depends(verify_csrf)])
    app.include_router(public.api_router, prefix=API_PREFIX)
    # A partner's page, opened from its referral mail: the link is the key (no login);
    # its forms check a CSRF token bound to the link (web/partners/routes.py).
    app.include_router(partners_routes.router)
    # A one-time password link an admin handed over: the link is the key (no login).
    app.include_router(admin_account.public_router, dependencies=[Depends(verify_csrf)])
    protected = [Depends(require_login), Depends(verify_csrf)]
    app.include_router(routes.router, dependencies=protected)
    app.include_router(pages.router, dependencies=protected)
    app.include_router(summary.router, dependencies=protected)
    app.include_router(caseload_export.router, dependencies=protected)
    app.include_router(casework.router, dependencies=protected)
    for plugin in registered:
        for router in plugin.routers:
            app.include_router(router, dependencies=protected)
    app.include_router(workflows_routes.router, dependencies=protected)
    app.include_router(access_routes.router, dependencies=protected)
    app.include_router(reports_routes.router, dependencies=protected)
    app.include_router(reminders_routes.router, dependencies=protected)
    app.include_router(reminders_approvals.router, dependencies=protected)
    app.include_router(referrals_routes.router, dependencies=protected)
    app.include_router(partners_staff.router, dependencies=protected)
    app.include_router(procurement_routes.router, dependencies=protected)
    app.include_router(incidents_routes.router, dependencies=protected)
    app.include_router(notes_routes.router, dependencies=protected)
    app.include_router(work_routes.router, dependencies=protected)
    app.include_router(documents_routes.router, dependencies=protected)
    app.include_router(admin_account.router, dependencies=protected)
    app.include_router(admin_staff.router, dependencies=protected)
    app.include_router(admin_reference.router, dependencies=protected)
    app.include_router(admin_history.router, dependencies=protected)
    app.include_router(routes.api_router, prefix=API_PREFIX, dependencies=protected)
    app.include_router(api.router, prefix=API_PREFIX, dependencies=protected)
    app.include_router(approvals_api.router, prefix=API_PREFIX, dependencies=protected)
    app.include_router(referrals_api.router, prefix=API_PREFIX, dependencies=protected)
    app.include_router(partners_api.router, prefix=API_PREFIX, dependencies=protected)
    app.include_router(reminders_api.router, prefix=API_PREFIX, dependencies=protected)
    app.include_router(procurement_api.router, prefix=API_PREFIX, dependencies=protected)
    app.include_router(notes_api.router, prefix=API_PREFIX, dependencies=protected)
    app.include_router(admin_api.router, prefix=API_PREFIX, dependencies=protected)
    app.include_router(visits_api.router, prefix=API_PREFIX, dependencies=protected)
    app.include_router(work_api.router, prefix=API_PREFIX, dependencies=protected)
    app.include_router(documents_api.router, prefix=API_PREFIX, dependencies=protected)
    app.include_router(api.docs_router(app), prefix=API_PREFIX, dependencies=protected)
    return app

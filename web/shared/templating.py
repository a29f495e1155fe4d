"""Jinja2 templates with gettext: one environment, rendered in the request's language."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from web.shared import forms, i18n, labels, once
from web.shared.i18n import LANGUAGE_NAMES, LANGUAGES
from workflow.programme.families import may_see
from workflow.programme.shared.values import ticked

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"


def _per_render(function: Callable[..., Any]) -> Callable[..., Any]:
    """The filter evaluated at each render. Jinja computes a filter of a constant
    (``{{ "risk_of_abandonment"|criterion }}``) once, when it compiles the template: in the
    language of the first page rendered, for every page after. A filter that takes the
    context is never computed ahead, and ours depend on the request's language."""

    @pass_context
    def filter_(_context: Any, *args: Any, **kwargs: Any) -> Any:
        return function(*args, **kwargs)

    return filter_


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(("html", "svg", "xml")),
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # The callables read the request's language from a context variable, set by render().
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    builtin = set(env.filters)
    env.filters.update(
        date=i18n.format_date,
        datetime=i18n.format_datetime,
        money=i18n.format_money,
        number=i18n.format_number,
        trigger=labels.trigger,
        trigger_in=labels.trigger_in,
        state_in=labels.state_in,
        effect=labels.effect,
        outbox_status=labels.outbox_status,
        service=labels.service,
        service_status=labels.service_status,
        category=labels.category,
        criterion=labels.criterion,
        staff_role=labels.staff_role,
        member_role=labels.member_role,
        partner_type=labels.partner_type,
        closure_reason=labels.closure_reason,
        income_kind=labels.income_kind,
        note_kind=labels.note_kind,
        counselling_kind=labels.counselling_kind,
        label=i18n.label,
        guard_label=labels.guard,
        who_can=labels.who_can,
        actor=labels.actor,
        reason=labels.reason,
        item_options=labels.item_options,
        service_options=labels.service_options,
        staff_options=labels.staff_options,
        community_options=labels.community_options,
        partner_options=labels.partner_options,
        response_options=labels.response_options,
        activity=labels.activity,
        access_kind=labels.access_kind,
        referral_status=labels.referral_status,
        referral_response=labels.referral_response,
        reminder_status=labels.reminder_status,
        reminder_kind=labels.reminder_kind,
        procurement_status=labels.procurement_status,
        partner_name=labels.partner_name,
        supplier=labels.supplier,
        budget_line=labels.budget_line,
        iso_datetime=i18n.format_iso_datetime,
        iso_date=i18n.format_iso_date,
        foster_document=labels.foster_document,
        foster_module=labels.foster_module,
        foster_outcome=labels.foster_outcome,
        ticked=ticked,
        form_date=forms.form_date,
    )
    env.filters.update(
        {name: _per_render(f) for name, f in env.filters.items() if name not in builtin}
    )
    env.globals.update(
        LANGUAGES=LANGUAGES,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        new_form_token=once.new_token,
        may_see=may_see,
    )
    return env


def render_text(name: str, language: str, context: dict[str, Any]) -> str:
    with i18n.use_language(language):
        return environment().get_template(name).render(context)


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """A page in the request's language, with what every page needs (user, CSRF, nav)."""
    from web.shared.auth import finish, page_context  # the request state those values come from

    values = page_context(request)
    values.update(context or {})
    html = render_text(name, values["language"], values)
    response = HTMLResponse(html, status_code=status_code)
    finish(request, response)
    return response

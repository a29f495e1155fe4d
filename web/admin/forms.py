"""What the administration's forms read, and how they say the service layer's refusals
and the history's entries in the reader's language. The rules are the service layer's
(workflow/programme/staff/, referrals/partners.py, web/shared/passwords.py)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from web.shared import labels
from web.shared.i18n import N_, format_number, gettext, label
from web.shared.messages import field_message
from workflow.errors import InvalidInput
from workflow.programme.shared.errors import AlreadyExists
from workflow.programme.shared.values import Problems
from workflow.programme.staff import LastAdmin, all_communities
from workflow.runtime import Runtime

#: The administration's own problems (as the services word them), as the pages say them.
ADMIN_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        r"^use 2-64 lower-case letters",
        N_("Use 2 to 64 lower-case Latin letters, digits, “.”, “_” or “-”, e.g. anna.m"),
    ),
    (
        r"^use lower-case (latin )?letters, digits and _",
        N_("Use lower-case Latin letters, digits and “_”."),
    ),
    (r"is not an e-mail address", N_("This is not an e-mail address.")),
    (r"is not a community", N_("Choose communities from the list.")),
    (
        r"^a password needs at least (?P<minimum>\d+) characters",
        N_("The password is too short: at least %(minimum)s characters."),
    ),
    (r"^a password cannot be blank", N_("The password cannot be only spaces.")),
    (
        r"^is the same as the current password",
        N_("The new password is the same as the current one: choose a new one."),
    ),
    (r"^does not match the new password", N_("This does not match the new password.")),
    (r"^is not your current password", N_("This is not your current password.")),
    (r"^must be hy or en|^must be one of: hy, en", N_("Choose Armenian or English.")),
)


def admin_message(problem: str) -> str:
    for pattern, message in ADMIN_PATTERNS:
        found = re.search(pattern, problem)
        if found:
            figures = {name: format_number(int(value)) for name, value in found.groupdict().items()}
            return gettext(message) % figures if figures else gettext(message)
    return field_message(problem)


def admin_errors(exc: InvalidInput) -> dict[str, list[str]]:
    """The refusal beside its field: each field's problems, or the whole refusal beside the
    field it is about (an existing username, the last admin)."""
    if isinstance(exc, Problems):
        errors: dict[str, list[str]] = {}
        for problem in exc.problems:
            errors.setdefault(problem.field, []).append(admin_message(problem.problem))
        return errors
    return {}


def top_message(exc: InvalidInput) -> str:
    """The sentence at the top of a refused form."""
    if isinstance(exc, LastAdmin):
        return gettext(
            "This is the last active admin: make another staff member an admin first, "
            "or nobody could administer the programme in the browser."
        )
    if isinstance(exc, AlreadyExists):
        return gettext("This already exists: %(what)s") % {"what": str(exc)}
    if isinstance(exc, Problems):
        return gettext("Some fields need your attention: see the messages beside them.")
    return str(exc)


def text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    return value if isinstance(value, str) else ""


def optional(values: Mapping[str, Any], name: str) -> str | None:
    return text(values, name).strip() or None


def chosen(values: Mapping[str, Any], name: str) -> tuple[str, ...]:
    """The ticked boxes of a repeated field (``form_values`` keeps only a list field's all)."""
    value = values.get(name)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str) and v)
    return (value,) if isinstance(value, str) and value else ()


#: What the history calls each change.
ACTIONS = {
    "added": N_("Added"),
    "role": N_("Role changed"),
    "communities": N_("Communities changed"),
    "contact": N_("Contact changed"),
    "deactivated": N_("Deactivated"),
    "edited": N_("Changed"),
    "renamed": N_("Renamed"),
    "temporary_password": N_("Temporary password given"),
    "reset_link": N_("Password link given"),
    "password_set_by_link": N_("Password chosen by link"),
    "password_changed": N_("Password changed"),
    "password_set": N_("Password set on the command line"),
}
AREAS = {"staff": N_("Staff"), "partner": N_("Partners"), "community": N_("Communities")}
FIELDS = {
    "full_name": N_("Full name"),
    "role": N_("Role"),
    "language": N_("Language"),
    "email": N_("E-mail"),
    "phone": N_("Phone"),
    "active": N_("Active"),
    "communities": N_("Communities"),
    "type": N_("Type"),
    "name_hy": N_("Name in Armenian"),
    "name_en": N_("Name in English"),
    "must_change_password": N_("Must change the password"),
    "link_expires_at": N_("Link valid until"),
}


#: The languages of staff and of partners' mails, named in the page's language.
LANGUAGES = {"hy": N_("Armenian"), "en": N_("English")}


def language_name(code: str) -> str:
    return history_label(LANGUAGES, code)


def language_options() -> list[tuple[str, str]]:
    return [(code, gettext(name)) for code, name in LANGUAGES.items()]


def history_label(table: Mapping[str, str], code: str) -> str:
    message = table.get(code)
    return gettext(message) if message else code


def community_names(rt: Runtime) -> dict[str, str]:
    """Each community's name in the page's language, by code (deactivated ones too)."""
    return {
        c["code"]: label({"hy": c["hy"], "en": c["en"]}, c["code"]) for c in all_communities(rt)
    }


def history_value(field: str, value: Any, names: Mapping[str, str] | None = None) -> str:
    """A recorded value as the reader knows it: a role, a language or a partner type by its
    name, a flag as yes or no; text and codes as recorded."""
    if isinstance(value, str) and field in ("role", "language", "type"):
        named = {
            "role": labels.staff_role,
            "language": language_name,
            "type": labels.partner_type,
        }[field]
        return str(named(value))
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join((names or {}).get(str(v), str(v)) for v in value)
    return str(value)

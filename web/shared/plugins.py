"""What a workflow adds to the generic case pages: its own sections of the case page,
its forms (some of which take a step of the workflow), its intake ("new case" form)
and the routes those need.

The case pages know no workflow by name. The app's composition root (``web.app``)
registers one ``WorkflowPlugin`` per workflow that has more than the generic page; a
workflow without one still gets a working case page: header, state, its version, its
diagram, the steps with what each still needs, a reason field where a guard needs one,
and the timeline with its effects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request

from web.shared.i18n import LANGUAGES, translations
from web.shared.permissions import Permission
from workflow.definition import WorkflowDefinition
from workflow.runtime import Runtime


@dataclass(frozen=True)
class CaseForm:
    """One form of a case page: its template, who may use it, the reader of what it sends
    (``read(values, case_id=..., actor=...)`` gives the command), where on the case page
    it returns, and what a new form starts with."""

    template: str
    permission: Permission
    read: Callable[..., Any]
    anchor: str = ""
    #: The notice on the case page after the form is saved (a code of web.shared.messages).
    notice: str = "saved"
    #: Or the notice chosen from what the command answered (e.g. referrals still open).
    notice_for: Callable[[Any], str] | None = None
    #: What else the form offers to choose from (beyond staff, communities, services).
    context: Callable[[Runtime], dict[str, Any]] | None = None
    #: What the form offers from the case itself (its household, ...): ``(rt, case_id)``.
    case_context: Callable[[Runtime, int], dict[str, Any]] | None = None
    #: Date fields of something that happens now: a new form starts them at today.
    today_fields: tuple[str, ...] = ()
    #: Staff fields a new form starts at the logged-in member of staff, if they are one
    #: of its choices (field -> which list of ``lookups`` it chooses from).
    self_fields: tuple[tuple[str, str], ...] = ()
    #: The step of the workflow this form takes (its card on the case page links here).
    trigger: str | None = None


@dataclass(frozen=True)
class Intake:
    """Where a new case of the workflow is opened, and what the link to it says (a
    message id, translated where it is shown)."""

    path: str
    label: str
    permission: Permission


@dataclass(frozen=True)
class WorkflowPlugin:
    workflow: str
    #: What the workflow is called (a message id), when its definition carries no label.
    title: str = ""
    #: The workflow's own part of the case file, read by case id after the generic part
    #: (it opens its own sessions); its keys are what ``sections`` read.
    load: Callable[[Runtime, int], dict[str, Any]] | None = None
    #: Templates included in the case page, in order, below the workflow's steps.
    sections: tuple[str, ...] = ()
    #: The case page's forms by name (``/cases/{id}/forms/{name}``).
    forms: Mapping[str, CaseForm] = field(default_factory=dict)
    intake: Intake | None = None
    #: Routes of the workflow's own (its intake, forms about a part of its file).
    routers: tuple[APIRouter, ...] = ()

    def form_for(self, trigger: str) -> str | None:
        """The name of the form that takes ``trigger``, if the workflow has one."""
        return next((name for name, form in self.forms.items() if form.trigger == trigger), None)


class WorkflowPlugins:
    """The registered plug-ins by workflow; a workflow without one gets an empty one."""

    def __init__(self, plugins: Iterable[WorkflowPlugin] = ()) -> None:
        self._by_workflow: dict[str, WorkflowPlugin] = {}
        for plugin in plugins:
            if plugin.workflow in self._by_workflow:
                raise ValueError(f"workflow {plugin.workflow!r} has two web plug-ins")
            self._by_workflow[plugin.workflow] = plugin

    def of(self, workflow: str) -> WorkflowPlugin:
        return self._by_workflow.get(workflow) or WorkflowPlugin(workflow=workflow)

    def __iter__(self) -> Any:
        return iter(self._by_workflow.values())

    def intakes(self, workflows: Iterable[str]) -> list[Intake]:
        """The intakes of the workflows that are loaded, in the order given."""
        return [intake for name in workflows if (intake := self.of(name).intake) is not None]


def plugins(request: Request) -> WorkflowPlugins:
    found: WorkflowPlugins = request.app.state.plugins
    return found


def workflow_labels(plugin: WorkflowPlugin, definition: WorkflowDefinition) -> dict[str, str]:
    """What the workflow is called, per language: the definition's own ``label`` table,
    else the plug-in's title in each language, else the definition's title."""
    own = definition.raw.get("label")
    if isinstance(own, Mapping) and own:
        return {str(language): str(text) for language, text in own.items()}
    if plugin.title:
        return {language: translations(language).gettext(plugin.title) for language in LANGUAGES}
    return {"en": definition.title or definition.name}

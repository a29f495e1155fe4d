"""Guards of the programme's workflows. Pure: they read the context, never the database."""

from __future__ import annotations

from workflow.guards import GuardContext, GuardRegistry, reason_given


def family_identified(context: GuardContext) -> list[str]:
    if not context.case.family_name:
        return ["the family's name is recorded"]
    return []


def community_recorded(context: GuardContext) -> list[str]:
    if not context.case.community:
        return ["the family's community is recorded"]
    return []


def register(registry: GuardRegistry) -> None:
    registry.register("reason_given")(reason_given)
    registry.register("family_identified")(family_identified)
    registry.register("community_recorded")(community_recorded)

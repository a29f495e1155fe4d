"""Refusals about visits and the plan's goals."""

from __future__ import annotations

from workflow.errors import NotFound


class GoalNotFound(NotFound):
    def __init__(self, goal_id: int) -> None:
        super().__init__(f"plan goal {goal_id} does not exist")

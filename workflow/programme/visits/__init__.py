"""The face of visits/: what the rest of the code may use of it. Everything else in the
package is its inside (pyproject.toml: import-linter contracts).

Home visits (date, who went, who was met, observations, when the next is due: its
reminder), the service plan's goals (what, by when, open/achieved/dropped) and the plan's
reviews every few months (config/programme/visits.toml), reminded and recorded."""

from workflow.programme.visits.commands import (
    AddGoal,
    GoalDecision,
    RecordReview,
    RecordVisit,
    UpdateGoal,
)
from workflow.programme.visits.config import ReviewRules, add_months, review_rules
from workflow.programme.visits.errors import GoalNotFound
from workflow.programme.visits.models import (
    GOAL_STATUSES,
    HomeVisitRow,
    PlanGoalRow,
    PlanReviewRow,
)
from workflow.programme.visits.queries import visits_and_plan

__all__ = [
    "GOAL_STATUSES",
    "AddGoal",
    "GoalDecision",
    "GoalNotFound",
    "HomeVisitRow",
    "PlanGoalRow",
    "PlanReviewRow",
    "RecordReview",
    "RecordVisit",
    "ReviewRules",
    "UpdateGoal",
    "add_months",
    "review_rules",
    "visits_and_plan",
]

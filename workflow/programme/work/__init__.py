"""The face of work/: "My work", everything due for a member of staff (and a manager's
team), gathered from the work sources the rooms register
(``workflow.programme.shared.work``). Everything else in the package is its inside."""

from workflow.programme.work.collector import TEAM_ROLES, my_work, worker_of
from workflow.programme.work.config import WorkRules, work_rules

__all__ = ["TEAM_ROLES", "WorkRules", "my_work", "work_rules", "worker_of"]

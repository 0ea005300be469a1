"""Tracking: where every target and task of a plan stands at a date, and why.

Pure functions over pydantic models (no database, no printing): the store and the CLI
build :class:`TargetSpec`/:class:`ObservationPoint` and :class:`TaskSpec`/
:class:`ProgressReport` from their rows and show the :class:`TargetStatus` and
:class:`TaskStatus` that come back. How a light is decided is data: the rule sets under
``tracking/rules/`` (see :mod:`innodrive.tracking.ruleset`).
"""

from innodrive.tracking.models import (
    Forecast,
    Milestone,
    ObservationPoint,
    ProgressReport,
    TargetSpec,
    TargetStatus,
    TaskSpec,
    TaskStatus,
)
from innodrive.tracking.ruleset import RuleSet, list_rule_sets, load_rules
from innodrive.tracking.targets import evaluate_target, expected_on_path
from innodrive.tracking.tasks import evaluate_task

__all__ = [
    "Forecast", "Milestone", "ObservationPoint", "ProgressReport", "RuleSet", "TargetSpec", "TargetStatus",
    "TaskSpec", "TaskStatus", "evaluate_target", "evaluate_task", "expected_on_path", "list_rule_sets", "load_rules",
]

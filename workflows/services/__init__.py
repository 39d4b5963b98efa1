"""Every write of the workflow engine."""

from .deadlines import workflow_deadlines_check
from .migrate import Move, workflow_subjects_migrate
from .sync import SyncResult, workflow_definitions_sync
from .transitions import workflow_definition_latest, workflow_start, workflow_transition

__all__ = [
    "Move",
    "SyncResult",
    "workflow_deadlines_check",
    "workflow_definition_latest",
    "workflow_definitions_sync",
    "workflow_start",
    "workflow_subjects_migrate",
    "workflow_transition",
]

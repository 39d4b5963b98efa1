"""What the engine refuses, as domain errors the views and the API turn into readable answers."""

from core.errors import Conflict, DomainError


class TransitionNotAllowed(DomainError):
    """The transition cannot be taken now; `reason` says why in words (a guard, a missing comment)."""


class TransitionForbidden(TransitionNotAllowed):
    """The actor holds none of the roles the transition is open to."""

    status_code = 403


class TransitionConflict(Conflict):
    """Someone else moved the subject on since the actor looked at it."""


class WorkflowNotFound(DomainError):
    """No synced definition has this key (run `manage.py workflows_sync`)."""


class StateChangeRefused(RuntimeError):
    """Code tried to write a subject's workflow fields outside the transition service (a bug)."""


class WorkflowMigrationRefused(DomainError):
    """A version migration that would strand subjects; `problems` names each one."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems

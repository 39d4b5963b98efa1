from django.apps import AppConfig


class WorkflowTestappConfig(AppConfig):
    """A tiny subject for testing the engine without projects (installed by test_settings only)."""

    name = "tests.workflow_testapp"
    label = "workflow_testapp"

    def ready(self) -> None:
        from notifications.subjects import Superusers, UserField, register_subject

        from . import hooks  # noqa: F401
        from .models import Ticket

        register_subject(Ticket, UserField("roles__user") | Superusers())

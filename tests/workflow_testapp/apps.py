from django.apps import AppConfig


class WorkflowTestappConfig(AppConfig):
    """A tiny subject for testing the engine without projects (installed by test_settings only)."""

    name = "tests.workflow_testapp"
    label = "workflow_testapp"

    def ready(self) -> None:
        from . import hooks  # noqa: F401

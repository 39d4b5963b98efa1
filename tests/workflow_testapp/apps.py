from django.apps import AppConfig


class WorkflowTestappConfig(AppConfig):
    """A tiny subject for testing the engine without projects (installed by test_settings only)."""

    name = "tests.workflow_testapp"
    label = "workflow_testapp"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from notifications.subjects import Superusers, UserField, register_subject
        from workflows.registry import register_role

        from . import hooks  # noqa: F401
        from .models import Ticket

        register_subject(Ticket, UserField("roles__user") | Superusers())
        # The ticket's roles are the projects' names with the projects' labels: registering them
        # again is what a second subject (escalations) does. Its definition files are synced by
        # the tests themselves (tests/workflows/conftest.py), so their folder is not registered.
        for name, label in (
            ("member", _("Mitglied")),
            ("chair", _("Vorsitz")),
            ("steering", _("Steuerteam")),
            ("staff", _("Wirtschaftsförderung")),
            ("forum", _("Forum")),
        ):
            register_role(name, label)

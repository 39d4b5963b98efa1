from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Abläufe")

    def ready(self) -> None:
        from notifications.kinds import register_kind

        from . import hooks  # noqa: F401 - registers the engine's own guards and effects
        from .checks import subjects_implement_protocol
        from .notices import (
            KIND_DEADLINE,
            KIND_TRANSITION,
            deadline_body,
            deadline_title,
            transition_body,
            transition_title,
        )

        register_kind(
            KIND_TRANSITION, _("Schritt in einem Ablauf"), title=transition_title, body=transition_body
        )
        register_kind(
            KIND_DEADLINE, _("Frist im Ablauf überschritten"), title=deadline_title, body=deadline_body
        )
        checks.register(subjects_implement_protocol, checks.Tags.models)
        # Every `migrate` (deploys, `make run`, test databases) also loads changed definition files.
        post_migrate.connect(definitions_sync_after_migrate, sender=self)


def definitions_sync_after_migrate(sender, using="default", **kwargs) -> None:
    from .services import workflow_definitions_sync

    workflow_definitions_sync()

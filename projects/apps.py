from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projekte")

    def ready(self) -> None:
        from notifications.kinds import register_kind

        register_kind("task_assigned", _("Aufgabe zugewiesen"))
        register_kind("task_comment", _("Kommentar zu einer Aufgabe, der Sie folgen"))
        register_kind("task_due", _("Aufgabe bald oder überfällig"))

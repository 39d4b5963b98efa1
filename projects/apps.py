from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projekte")

    def ready(self) -> None:
        from notifications.kinds import register_kind
        from notifications.reminders import register_reminder_source
        from notifications.subjects import ObjectPermission, register_subject
        from workgroups.pages import register_body_page_context

        from . import workflow  # noqa: F401 - registers the project roles, definitions, guards and effects
        from .models import Project, ProjectGroupObjectPermission, Task
        from .reminders import tasks_due

        register_kind(
            "task_assigned", _("Aufgabe zugewiesen"), title=_("{actor} hat Ihnen „{title}“ zugewiesen")
        )
        register_kind(
            "task_comment",
            _("Kommentar zu einer Aufgabe, der Sie folgen"),
            title=_("{actor} hat „{title}“ kommentiert"),
        )
        register_kind("task_due", _("Aufgabe bald oder überfällig"), title=_("Fällig: „{title}“ ({due})"))
        register_reminder_source("projects.tasks_due", tasks_due)
        register_subject(Project, ObjectPermission(ProjectGroupObjectPermission, "view_project"))
        # Who may see a task is decided by its project (projects.permissions.TASK_ON_PROJECT).
        register_subject(
            Task, ObjectPermission(ProjectGroupObjectPermission, "view_project_tasks", via="project")
        )
        register_body_page_context(_group_projects)
        from .lifecycle import register as register_lifecycle  # leaving drops follows and assignments

        register_lifecycle()


def _group_projects(*, user, body) -> dict:
    """The group page lists the group's projects the reader may see."""
    from .selectors import projects_of_group

    return {"projects": projects_of_group(user=user, body=body)}

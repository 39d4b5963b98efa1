from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import Organisation
from workflows.models import WorkflowSubject
from workgroups.models import Body


class Project(WorkflowSubject):
    """Work a working group owns; its summary is public, the rest belongs to the group."""

    class Type(models.TextChoices):
        JOBTICKET = "jobticket", _("Jobticket")
        INNOVATION_CLUSTER = "innovationscluster", _("Innovationscluster")
        TEACHER_INTERNSHIPS = "lehrerpraktika", _("Lehrerpraktika")
        EXHIBITION = "gesicht_zeigen", _("Ausstellung")
        GENERIC = "generic", _("Allgemeines Projekt")

    workgroup = models.ForeignKey(
        Body,
        verbose_name=_("Arbeitsgruppe"),
        on_delete=models.PROTECT,
        related_name="projects",
        limit_choices_to={"kind": Body.Kind.WORKING_GROUP},
    )
    type = models.CharField(_("Projektart"), max_length=32, choices=Type.choices, default=Type.GENERIC)
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.TextField(_("Kurzbeschreibung (öffentlich)"), max_length=1000)
    description = models.TextField(_("Beschreibung (Markdown)"), blank=True)
    goals = models.TextField(_("Ziele"), blank=True)
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    partner_organisations = models.ManyToManyField(
        Organisation, verbose_name=_("Partnerorganisationen"), blank=True, related_name="projects"
    )
    is_public = models.BooleanField(_("öffentlich sichtbar"), default=False)
    # Raised by every write that changes what the board shows (projects.services.board_changed):
    # an open board asks for it and reloads only when it moved.
    board_version = models.PositiveBigIntegerField(default=0, editable=False)
    archived_at = models.DateTimeField(_("archiviert"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("Projekt")
        verbose_name_plural = _("Projekte")
        permissions = [
            ("view_project_summary", _("Öffentliche Kurzbeschreibung sehen")),
            ("archive_project", _("Projekt archivieren")),
            ("add_task_to_project", _("Aufgaben anlegen")),
            # What a role may do with the project's tasks and their comments: a task has no
            # permission rows of its own (projects.permissions.TASK_ON_PROJECT).
            ("view_project_tasks", _("Aufgaben und Kommentare sehen")),
            ("change_project_tasks", _("Aufgaben bearbeiten")),
            ("comment_project_tasks", _("Aufgaben kommentieren")),
            ("delete_project_tasks", _("Aufgaben löschen")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="project_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", kwargs={"pk": self.pk})

    def workflow_roles(self, user) -> set[str]:
        from .workflow import project_workflow_roles

        return project_workflow_roles(self, user)

    def workflow_role_holders(self, role: str):
        from .workflow import project_workflow_role_holders

        return project_workflow_role_holders(self, role)

    def workflow_audit_scope(self) -> Body:
        return self.workgroup

    def workflow_notification_data(self) -> dict[str, str]:
        return {
            "title": self.title,
            "url": self.get_absolute_url(),
            "group": self.workgroup.name,
            "project": self.title,
        }


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Offen")
        IN_PROGRESS = "in_progress", _("In Arbeit")
        DONE = "done", _("Erledigt")

    class Priority(models.IntegerChoices):
        LOW = 1, _("niedrig")
        NORMAL = 2, _("normal")
        HIGH = 3, _("hoch")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("zuständig"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tasks",
    )
    due_date = models.DateField(_("fällig am"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("Priorität"), choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(_("Status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    # The card's place in its board column, lowest first (gaps allowed; ties fall back to pk).
    position = models.IntegerField(_("Position"), default=0, editable=False)
    followers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="followed_tasks")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-priority", "due_date", "pk"]
        verbose_name = _("Aufgabe")
        verbose_name_plural = _("Aufgaben")
        permissions = [("comment_task", _("Aufgabe kommentieren"))]
        indexes = [
            models.Index(fields=["project", "status", "position"]),
            models.Index(fields=["assignee", "status", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:task", kwargs={"pk": self.pk})


class Comment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("Kommentar"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")

    def __str__(self) -> str:
        return self.body[:60]


class ProjectUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


class ProjectGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Project, on_delete=models.CASCADE)


# Per-task rows are not written: a task's access follows its project's. The tables stay for the
# one exception documented in projects.permissions (a confidential task).
class TaskUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Task, on_delete=models.CASCADE)


class TaskGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Task, on_delete=models.CASCADE)

"""Task permissions move to the project: the role groups get the project-level task permissions
on every existing project, and the per-task rows (ten or so for every task) are deleted."""

from django.db import migrations

# The rules as they stand in this migration (projects.permissions.PROJECT_GRANTS may change later):
# (relation, role) -> the task permissions held on each of a working group's projects.
TASK_GRANTS_ON_PROJECT = {
    ("self", "member"): ["view_project_tasks", "change_project_tasks", "comment_project_tasks"],
    ("self", "chair"): [
        "view_project_tasks",
        "change_project_tasks",
        "comment_project_tasks",
        "delete_project_tasks",
    ],
    ("steering", "member"): ["view_project_tasks"],
    ("forum", "staff"): ["view_project_tasks", "comment_project_tasks"],
}
NAMES = {
    "view_project_tasks": "Aufgaben und Kommentare sehen",
    "change_project_tasks": "Aufgaben bearbeiten",
    "comment_project_tasks": "Aufgaben kommentieren",
    "delete_project_tasks": "Aufgaben löschen",
}
# The old per-task codename each project-level one stands for (for the way back).
ON_TASK = {
    "view_project_tasks": "view_task",
    "change_project_tasks": "change_task",
    "comment_project_tasks": "comment_task",
    "delete_project_tasks": "delete_task",
}
BATCH = 2000


def _permissions(apps, model: str, codenames) -> dict:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="projects", model=model)
    return {
        codename: Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": NAMES.get(codename, codename)}
        )[0]
        for codename in codenames
    }


def grant_on_projects(apps, schema_editor):
    Body = apps.get_model("workgroups", "Body")
    Group = apps.get_model("auth", "Group")
    Project = apps.get_model("projects", "Project")
    ProjectGroupObjectPermission = apps.get_model("projects", "ProjectGroupObjectPermission")
    permissions = _permissions(apps, "project", NAMES)
    forum_id = Body.objects.filter(kind="forum").values_list("pk", flat=True).first()
    groups: dict[str, int] = {}

    def group_id(body_id: int, role: str) -> int:
        name = f"body:{body_id}:{role}"
        if name not in groups:
            groups[name] = Group.objects.get_or_create(name=name)[0].pk
        return groups[name]

    rows = []
    for project_id, workgroup_id, steering_id in Project.objects.values_list(
        "pk", "workgroup_id", "workgroup__parent_id"
    ).iterator():
        bodies = {"self": workgroup_id, "steering": steering_id, "forum": forum_id}
        for (relation, role), codenames in TASK_GRANTS_ON_PROJECT.items():
            if bodies[relation] is None:
                continue
            for codename in codenames:
                rows.append(
                    ProjectGroupObjectPermission(
                        group_id=group_id(bodies[relation], role),
                        permission=permissions[codename],
                        content_object_id=project_id,
                    )
                )
    ProjectGroupObjectPermission.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    apps.get_model("projects", "TaskGroupObjectPermission").objects.all().delete()
    apps.get_model("projects", "TaskUserObjectPermission").objects.all().delete()


def grant_on_tasks(apps, schema_editor):
    """The way back: every task gets the rows its project's task permissions stand for."""
    Task = apps.get_model("projects", "Task")
    ProjectGroupObjectPermission = apps.get_model("projects", "ProjectGroupObjectPermission")
    TaskGroupObjectPermission = apps.get_model("projects", "TaskGroupObjectPermission")
    on_task = _permissions(apps, "task", ON_TASK.values())
    held = ProjectGroupObjectPermission.objects.filter(permission__codename__in=ON_TASK)
    by_project: dict[int, list[tuple[int, str]]] = {}
    for project_id, group_id, codename in held.values_list(
        "content_object_id", "group_id", "permission__codename"
    ):
        by_project.setdefault(project_id, []).append((group_id, codename))
    rows = []
    for task_id, project_id in Task.objects.values_list("pk", "project_id").iterator():
        for group_id, codename in by_project.get(project_id, []):
            rows.append(
                TaskGroupObjectPermission(
                    group_id=group_id, permission=on_task[ON_TASK[codename]], content_object_id=task_id
                )
            )
        if len(rows) >= BATCH:
            TaskGroupObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    TaskGroupObjectPermission.objects.bulk_create(rows, ignore_conflicts=True)
    held.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("workgroups", "0001_initial"),
        ("projects", "0003_workflow_definitions_project_defaults"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="project",
            options={
                "ordering": ["title"],
                "permissions": [
                    ("view_project_summary", "Öffentliche Kurzbeschreibung sehen"),
                    ("archive_project", "Projekt archivieren"),
                    ("add_task_to_project", "Aufgaben anlegen"),
                    ("view_project_tasks", "Aufgaben und Kommentare sehen"),
                    ("change_project_tasks", "Aufgaben bearbeiten"),
                    ("comment_project_tasks", "Aufgaben kommentieren"),
                    ("delete_project_tasks", "Aufgaben löschen"),
                ],
                "verbose_name": "Projekt",
                "verbose_name_plural": "Projekte",
            },
        ),
        migrations.RunPython(grant_on_projects, grant_on_tasks),
    ]

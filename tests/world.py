"""A small initiative for tests: bodies, one person per role, a project with a task and comment."""

from dataclasses import dataclass, field

from accounts.models import User
from projects.models import Comment, Project, Task
from projects.services import comment_create, project_create, task_create
from tests.factories import UserFactory
from workgroups.models import Body, Role
from workgroups.services import body_create, membership_add

ROLES = [
    "anonymous",
    "outsider",
    "other_member",
    "member",
    "chair",
    "steering",
    "other_steering",
    "forum_member",
    "staff",
    "admin",
]


@dataclass
class World:
    """The test world; `reread()` gives a copy with every object read again from the database."""

    forum: Body
    steering: Body
    other_steering: Body
    group: Body
    other_group: Body
    project: Project
    task: Task
    comment: Comment
    other_project: Project
    people: dict[str, User | None] = field(default_factory=dict)

    def reread(self) -> "World":
        """The same world with fresh objects: what one test changed in memory is gone, and what it
        wrote in the database rolled back with it (tests.conftest.shared_world)."""
        objects = {name: _reread(getattr(self, name)) for name in OBJECTS}
        users = User.objects.in_bulk([user.pk for user in self.people.values() if user is not None])
        people = {role: user and users[user.pk] for role, user in self.people.items()}
        return World(**objects, people=people)


OBJECTS = (
    *("forum", "steering", "other_steering", "group", "other_group"),
    *("project", "task", "comment", "other_project"),
)


def _reread(obj):
    return type(obj)._default_manager.get(pk=obj.pk)


def build_world() -> World:
    forum = body_create(kind=Body.Kind.FORUM, name="Forum", slug="forum")
    steering = body_create(
        kind=Body.Kind.STEERING_TEAM, name="ST Fachkräfte & CSR", slug="st-1", parent=forum
    )
    other_steering = body_create(
        kind=Body.Kind.STEERING_TEAM, name="ST Innovation & Kommunikation", slug="st-2", parent=forum
    )
    group = body_create(kind=Body.Kind.WORKING_GROUP, name="AG Fachkräfte", slug="ag-fk", parent=steering)
    other_group = body_create(
        kind=Body.Kind.WORKING_GROUP, name="AG Kommunikation", slug="ag-kom", parent=other_steering
    )
    people = {"anonymous": None}
    for role in ROLES[1:]:
        people[role] = UserFactory(
            email=f"{role}@example.org",
            first_name=role.title(),
            is_superuser=role == "admin",
            is_staff=role == "admin",
        )
    membership_add(body=other_group, user=people["other_member"])
    membership_add(body=group, user=people["member"])
    membership_add(body=group, user=people["chair"], role=Role.CHAIR)
    membership_add(body=steering, user=people["steering"])
    membership_add(body=other_steering, user=people["other_steering"])
    membership_add(body=forum, user=people["forum_member"])
    membership_add(body=forum, user=people["staff"], role=Role.STAFF)
    chair = people["chair"]
    project = project_create(
        workgroup=group,
        actor=chair,
        title="Jobticket",
        type=Project.Type.JOBTICKET,
        summary="Ein Jobticket für alle.",
        description="Geheime Verhandlungsstrategie",
    )
    task = task_create(project=project, actor=chair, title="Fragebogen entwerfen", assignee=people["member"])
    comment = comment_create(task=task, actor=chair, body="Bitte bis Freitag")
    other_admin = people["admin"]
    other_project = project_create(
        workgroup=other_group,
        actor=other_admin,
        title="Gesicht zeigen",
        summary="Ausstellung",
        type=Project.Type.EXHIBITION,
    )
    return World(
        forum=forum,
        steering=steering,
        other_steering=other_steering,
        group=group,
        other_group=other_group,
        project=project,
        task=task,
        comment=comment,
        other_project=other_project,
        people=people,
    )

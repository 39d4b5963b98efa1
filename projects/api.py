import django_filters
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.models import Organisation, User
from workflows.api import WorkflowActionsMixin
from workflows.spec import STATE_CLASSES
from workgroups.models import Body
from workgroups.selectors import bodies_visible

from . import selectors, services
from .models import Comment, Project, Task


class ProjectSerializer(serializers.ModelSerializer):
    """A project; `description`, `goals` and partners are null for summary-only readers."""

    workgroup = serializers.PrimaryKeyRelatedField(queryset=Body.objects.none())
    partner_organisations = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), many=True, required=False
    )
    full_access = serializers.BooleanField(read_only=True)
    state_class = serializers.ChoiceField(
        choices=STATE_CLASSES,
        read_only=True,
        help_text=_("active; on_hold: keine neuen Aufgaben; terminal: nur noch lesbar."),
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "workgroup",
            "type",
            "title",
            "summary",
            "description",
            "goals",
            "start_date",
            "end_date",
            "partner_organisations",
            "is_public",
            "archived_at",
            "state",
            "state_class",
            "full_access",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["archived_at", "created_at", "updated_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            fields["workgroup"].queryset = bodies_visible(user=request.user).filter(
                kind=Body.Kind.WORKING_GROUP
            )
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not getattr(instance, "full_access", True):
            for name in ("description", "goals", "partner_organisations", "start_date", "end_date"):
                data[name] = None
        return data


class ProjectUpdateSerializer(ProjectSerializer):
    class Meta(ProjectSerializer.Meta):
        read_only_fields = [*ProjectSerializer.Meta.read_only_fields, "workgroup"]


class TaskSerializer(serializers.ModelSerializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.none())
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "project",
            "title",
            "description",
            "assignee",
            "due_date",
            "priority",
            "status",
            "created_at",
            "updated_at",
            "completed_at",
            "position",
        ]
        read_only_fields = ["created_at", "updated_at", "completed_at", "position"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            fields["project"].queryset = selectors.projects_visible(user=request.user)
        return fields


class TaskMoveSerializer(serializers.Serializer):
    """Where a card goes on the board: a column and, if given, the card it goes below."""

    status = serializers.ChoiceField(choices=Task.Status.choices)
    after = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=_(
            "Die Karte (id), unter die sie kommt; null: an den Anfang der Spalte; ohne: in einer anderen "
            "Spalte an deren Anfang, in derselben bleibt sie, wo sie ist."
        ),
    )
    expected_status = serializers.ChoiceField(
        choices=Task.Status.choices,
        required=False,
        help_text=_("Die Spalte, in der die Karte zuletzt gesehen wurde; hat sie sie verlassen: 409."),
    )

    def validate_after(self, value: int | None) -> Task | None:
        if value is None:
            return None
        after = Task.objects.filter(pk=value, project_id=self.context["task"].project_id).first()
        if after is None:
            raise serializers.ValidationError(_("Die Karte gehört nicht zu diesem Projekt."))
        return after


class TaskUpdateSerializer(TaskSerializer):
    class Meta(TaskSerializer.Meta):
        read_only_fields = [*TaskSerializer.Meta.read_only_fields, "project"]


class CommentSerializer(serializers.ModelSerializer):
    task = serializers.PrimaryKeyRelatedField(queryset=Task.objects.none())
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "task", "author", "author_name", "body", "created_at"]
        read_only_fields = ["author", "created_at"]

    @extend_schema_field(serializers.CharField())
    def get_author_name(self, obj) -> str:
        return str(obj.author) if obj.author else ""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            fields["task"].queryset = selectors.tasks_visible(user=request.user)
        return fields


# Filters by reference take a plain id and narrow the reader's own rows: an id of something
# hidden from them answers exactly like one that does not exist (an empty list), where a
# choice filter over all rows would tell the two apart (400 "not a valid choice" vs empty).
class TaskFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="project_id")
    assignee = django_filters.NumberFilter(field_name="assignee_id")
    group = django_filters.CharFilter(field_name="project__workgroup__slug")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    mine = django_filters.BooleanFilter(method="filter_mine")

    class Meta:
        model = Task
        fields = ["status", "priority"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(assignee=self.request.user) if value else queryset


class ProjectFilter(django_filters.FilterSet):
    workgroup = django_filters.NumberFilter(field_name="workgroup_id")
    workgroup__slug = django_filters.CharFilter(field_name="workgroup__slug")

    class Meta:
        model = Project
        fields = {"type": ["exact"], "is_public": ["exact"], "archived_at": ["isnull"]}


class CommentFilter(django_filters.FilterSet):
    task = django_filters.NumberFilter(field_name="task_id")

    class Meta:
        model = Comment
        fields = []


class ProjectViewSet(
    WorkflowActionsMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Projects you may see (summary-only where you see only the public summary)."""

    queryset = Project.objects.none()

    filterset_class = ProjectFilter

    def get_serializer_class(self):
        return ProjectUpdateSerializer if self.action in ("update", "partial_update") else ProjectSerializer

    def get_queryset(self):
        return (
            selectors.projects_listed(user=self.request.user)
            .prefetch_related("partner_organisations")
            .order_by("title", "pk")
        )

    def get_object(self):
        project = super().get_object()
        if self.action != "retrieve" and not project.full_access:
            raise Http404
        return project

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.project_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        serializer.instance = services.project_update(
            project=serializer.instance, actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(request=None, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        project = services.project_archive(project=self.get_object(), actor=request.user)
        project.full_access = True
        return Response(ProjectSerializer(project, context=self.get_serializer_context()).data)


class TaskViewSet(viewsets.ModelViewSet):
    """Tasks of projects you may see; filter by project, group, status, assignee, due dates."""

    queryset = Task.objects.none()

    filterset_class = TaskFilter

    def get_serializer_class(self):
        return TaskUpdateSerializer if self.action in ("update", "partial_update") else TaskSerializer

    def get_queryset(self):
        queryset = selectors.tasks_visible(user=self.request.user).order_by("due_date", "pk")
        if self.action == "list":
            # A list shows ids of project and assignee only: joining them for every visible task
            # before the page is cut costs more than the rest of the request.
            queryset = queryset.select_related(None)
        return queryset

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("status", None)
        serializer.instance = services.task_create(actor=self.request.user, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        task = serializer.instance
        new_status = data.pop("status", None)
        if data:
            task = services.task_update(task=task, actor=self.request.user, **data)
        if new_status is not None and new_status != task.status:
            task = services.task_move(task=task, status=new_status, actor=self.request.user)
        serializer.instance = task

    def perform_destroy(self, instance):
        services.task_delete(task=instance, actor=self.request.user)

    @extend_schema(request=TaskMoveSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move the card on the board: to a column, below another card or to the column's top."""
        task = self.get_object()
        place = TaskMoveSerializer(data=request.data, context={"task": task})
        place.is_valid(raise_exception=True)
        task = services.task_move(task=task, actor=request.user, **place.validated_data)
        return Response(TaskSerializer(task, context=self.get_serializer_context()).data)


class CommentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Comments on tasks you may see."""

    queryset = Comment.objects.none()

    serializer_class = CommentSerializer
    filterset_class = CommentFilter

    def get_queryset(self):
        return selectors.comments_visible(user=self.request.user).select_related("author").order_by("pk")

    def perform_create(self, serializer):
        serializer.instance = services.comment_create(
            task=serializer.validated_data["task"],
            actor=self.request.user,
            body=serializer.validated_data["body"],
        )

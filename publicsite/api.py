"""The public read-only API (/api/v1/public/): what the public pages show, for anyone, no sign-in."""

from django.utils.translation import gettext_lazy as _
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny

from accounts.models import Organisation
from projects.models import Project
from workgroups.models import Body, Theme

from . import selectors


class PublicThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "name_en"]


class PublicProjectSerializer(serializers.ModelSerializer):
    """A public project: its public summary and where it stands in its workflow."""

    state_label = serializers.CharField(
        read_only=True, help_text=_("Der Zustand im Ablauf, in der Sprache der Anfrage.")
    )

    class Meta:
        model = Project
        fields = ["id", "title", "summary", "state", "state_label"]


class PublicWorkgroupSerializer(serializers.ModelSerializer):
    """A working group with its theme and its public projects."""

    theme = PublicThemeSerializer(read_only=True, allow_null=True)
    projects = PublicProjectSerializer(source="public_projects", many=True, read_only=True)

    class Meta:
        model = Body
        fields = ["slug", "name", "description", "theme", "projects"]


class PublicOrganisationSerializer(serializers.ModelSerializer):
    """An organisation in the forum that agreed to be named publicly."""

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "city", "website"]


class PublicWorkgroupViewSet(viewsets.ReadOnlyModelViewSet):
    """Working groups and the projects they present publicly; open to everyone."""

    permission_classes = [AllowAny]
    serializer_class = PublicWorkgroupSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.workgroups_public()


class PublicOrganisationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The forum's member organisations that agreed to be named; open to everyone."""

    permission_classes = [AllowAny]
    serializer_class = PublicOrganisationSerializer

    def get_queryset(self):
        return selectors.organisations_public()

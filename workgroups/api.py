from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from audit.models import AuditEntry

from . import selectors, services
from .models import Body, Invitation, Membership, Role
from .permissions import may_view_audit


class BodySerializer(serializers.ModelSerializer):
    theme = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Body
        fields = ["id", "slug", "kind", "name", "description", "parent", "theme"]


class MembershipSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    user_name = serializers.CharField(source="user.__str__", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "body", "user", "user_name", "role", "joined_at", "left_at"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "body",
            "invitee",
            "email",
            "role",
            "invited_by",
            "status",
            "created_at",
            "answered_at",
            "expires_at",
        ]
        read_only_fields = fields

    def get_status(self, invitation: Invitation) -> str:
        """An open invitation past its date reads "expired" before the periodic expiry marks it."""
        return Invitation.Status.EXPIRED.value if invitation.is_expired else invitation.status


class RoleChangeSerializer(serializers.Serializer):
    # Which of these a body has depends on its kind; the service refuses the others with a reason.
    role = serializers.ChoiceField(choices=Role.choices)


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["id", "at", "action", "actor", "actor_label", "subject_label", "before", "after"]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer):
    body = serializers.SlugField()
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=[Role.MEMBER, Role.CHAIR], default=Role.MEMBER)


class BodyViewSet(viewsets.ReadOnlyModelViewSet):
    """The forum, steering teams and working groups you may see."""

    queryset = Body.objects.none()

    serializer_class = BodySerializer
    lookup_field = "slug"
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.bodies_visible(user=self.request.user).order_by("kind", "name")

    @extend_schema(responses=AuditEntrySerializer(many=True), filters=False)
    @action(detail=True, methods=["get"], url_path="audit", filterset_fields=[])
    def audit(self, request, slug=None):
        """The body's audit log, newest first: staff for every body, a chair for their own; else 404."""
        body = self.get_object()
        if not may_view_audit(request.user, body):
            raise Http404
        page = self.paginate_queryset(selectors.audit_entries_of(body=body))
        return self.get_paginated_response(AuditEntrySerializer(page, many=True).data)


class MembershipViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet
):
    """Memberships in bodies you may see; DELETE ends one (leave, or remove as chair)."""

    queryset = Membership.objects.none()

    serializer_class = MembershipSerializer
    filterset_fields = {"body__slug": ["exact"], "user": ["exact"], "role": ["exact"], "left_at": ["isnull"]}

    def get_queryset(self):
        visible = selectors.bodies_visible(user=self.request.user)
        return (
            Membership.objects.filter(body__in=visible.values("pk"))
            .select_related("body", "user")
            .order_by("pk")
        )

    def destroy(self, request, *args, **kwargs):
        services.membership_end(membership=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=RoleChangeSerializer, responses=MembershipSerializer)
    @action(detail=True, methods=["post"])
    def role(self, request, pk=None):
        """Change a member's role (chair ↔ member); the chair decides."""
        data = RoleChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_change_role(
            membership=self.get_object(), role=data.validated_data["role"], actor=request.user
        )
        return Response(MembershipSerializer(membership).data)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Invitations addressed to you and those of groups you manage; chairs invite, re-send and withdraw."""

    queryset = Invitation.objects.none()

    serializer_class = InvitationSerializer

    def get_queryset(self):
        return selectors.invitations_visible(user=self.request.user).order_by("-pk")

    @extend_schema(request=InvitationCreateSerializer, responses={201: InvitationSerializer})
    def create(self, request):
        data = InvitationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        body = selectors.body_get_for_user(user=request.user, slug=data.validated_data["body"])
        invitation = services.invitation_create(
            body=body,
            invitee_email=data.validated_data["email"],
            role=data.validated_data["role"],
            actor=request.user,
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        invitation = services.invitation_answer(invitation=self.get_object(), actor=request.user, accept=True)
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        invitation = services.invitation_answer(
            invitation=self.get_object(), actor=request.user, accept=False
        )
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def resend(self, request, pk=None):
        """Send again with a new link (older links die) and a new expiry."""
        invitation = services.invitation_resend(invitation=self.get_object(), actor=request.user)
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        invitation = services.invitation_withdraw(invitation=self.get_object(), actor=request.user)
        return Response(InvitationSerializer(invitation).data)

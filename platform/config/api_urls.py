"""The REST API under /api/v1/: each app's viewsets registered on one router."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import ApiTokenViewSet, MeView, TokenView
from escalations.api import EscalationViewSet
from events.api import EventViewSet, RegistrationViewSet
from notifications.api import DeliveryViewSet, NotificationViewSet, PreferenceViewSet
from projects.api import CommentViewSet, ProjectViewSet, TaskViewSet
from publicsite.api import PublicOrganisationViewSet, PublicWorkgroupViewSet
from reports.api import ReportViewSet
from seals.api import ApplicationViewSet, SealViewSet
from votes.api import VoteViewSet
from workgroups.api import BodyViewSet, InvitationViewSet, MembershipViewSet

router = DefaultRouter()
router.register("auth/tokens", ApiTokenViewSet, basename="auth-token-key")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("notification-preferences", PreferenceViewSet, basename="notification-preference")
router.register("notification-deliveries", DeliveryViewSet, basename="notification-delivery")
router.register("bodies", BodyViewSet, basename="body")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("invitations", InvitationViewSet, basename="invitation")
router.register("projects", ProjectViewSet, basename="project")
router.register("tasks", TaskViewSet, basename="task")
router.register("comments", CommentViewSet, basename="comment")
router.register("escalations", EscalationViewSet, basename="escalation")
router.register("votes", VoteViewSet, basename="vote")
router.register("seal-applications", ApplicationViewSet, basename="seal-application")
router.register("seals", SealViewSet, basename="seal")
router.register("events", EventViewSet, basename="event")
router.register("event-registrations", RegistrationViewSet, basename="event-registration")
router.register("public/groups", PublicWorkgroupViewSet, basename="public-group")
router.register("public/organisations", PublicOrganisationViewSet, basename="public-organisation")
router.register("reports", ReportViewSet, basename="report")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("", include(router.urls)),
]

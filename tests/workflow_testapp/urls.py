from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import include, path, reverse
from django.views.decorators.http import require_POST
from rest_framework import serializers, viewsets
from rest_framework.routers import DefaultRouter

from workflows.api import WorkflowActionsMixin
from workflows.selectors import workflow_panel
from workflows.views import workflow_transition_respond

from .models import Ticket


class TicketSerializer(serializers.ModelSerializer):
    class Meta:
        model = Ticket
        fields = "__all__"


class TicketViewSet(WorkflowActionsMixin, viewsets.ModelViewSet):
    queryset = Ticket.objects.select_related("workflow")
    serializer_class = TicketSerializer


@login_required
def ticket_detail(request, pk):
    ticket = get_object_or_404(Ticket.objects.select_related("workflow"), pk=pk)
    action_url = reverse("ticket-transition", args=[pk])
    return render(
        request,
        "workflow_testapp/detail.html",
        workflow_panel(subject=ticket, user=request.user, action_url=action_url),
    )


@require_POST
@login_required
def ticket_transition(request, pk):
    ticket = get_object_or_404(Ticket.objects.select_related("workflow"), pk=pk)
    return workflow_transition_respond(
        request,
        subject=ticket,
        action_url=reverse("ticket-transition", args=[pk]),
        redirect_url=reverse("ticket-detail", args=[pk]),
    )


router = DefaultRouter()
router.register("tickets", TicketViewSet)

urlpatterns = [
    path("api/", include(router.urls)),
    path("tickets/<int:pk>/", ticket_detail, name="ticket-detail"),
    path("tickets/<int:pk>/transition/", ticket_transition, name="ticket-transition"),
    path("", include("config.urls")),  # the site's pages, for base.html's links
]

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from projects.selectors import tasks_for_user
from publicsite.views import landing_context
from workgroups.selectors import invitations_open_for, memberships_of


def home(request):
    """The front page: the initiative's public face for everyone; members find their way on from it."""
    return render(request, "portal/home.html", landing_context())


@login_required
def dashboard(request):
    user = request.user
    return render(
        request,
        "portal/dashboard.html",
        {
            "organisation": user.organisation,
            "memberships": memberships_of(user=user),
            "invitations": invitations_open_for(user=user),
            "tasks": tasks_for_user(user=user, scope="mine").exclude(status="done")[:10],
        },
    )

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from projects.selectors import tasks_for_user
from workgroups.selectors import invitations_open_for, memberships_of


def home(request):
    return render(request, "portal/home.html")


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

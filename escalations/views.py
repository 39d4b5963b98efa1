from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import escalation_get_for_user, escalations_visible, reviews_of


@login_required
def escalation_list(request):
    return render(request, "escalations/list.html", {"escalations": escalations_visible(user=request.user)})


@login_required
def escalation_detail(request, pk: int):
    escalation = escalation_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "escalations/detail.html",
        {"escalation": escalation, "reviews": reviews_of(escalation, round=escalation.round)},
    )

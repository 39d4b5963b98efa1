from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import participation_of, vote_get_for_user, vote_turnout, votes_list
from .services import vote_close_if_due


@login_required
def vote_list(request):
    return render(request, "votes/list.html", {"votes": votes_list(user=request.user)})


@login_required
def vote_detail(request, pk: int):
    vote = vote_close_if_due(vote_get_for_user(user=request.user, pk=pk))
    return render(
        request,
        "votes/detail.html",
        {
            "vote": vote,
            "turnout": vote_turnout(vote),
            "participation": participation_of(vote=vote, user=request.user),
        },
    )

"""The list of votes and the form for a new thematic-direction vote."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.forms import add_service_errors

from ..forms import VoteForm
from ..models import Vote
from ..permissions import may_create_vote
from ..selectors import vote_get_for_user, votes_due, votes_list
from ..services import vote_close_if_due, vote_create

PAST_VOTES_SHOWN = 200


def vote_for(request, pk: int) -> Vote:
    """The vote, or 404; one that is due opens or closes first."""
    return vote_close_if_due(vote_get_for_user(user=request.user, pk=pk))


@login_required
def vote_list(request):
    for vote in votes_due(user=request.user):
        vote_close_if_due(vote)
    votes = list(votes_list(user=request.user)[: PAST_VOTES_SHOWN + 100])
    return render(
        request,
        "votes/list.html",
        {
            "current": [vote for vote in votes if not vote.is_closed],
            "past": [vote for vote in votes if vote.is_closed][:PAST_VOTES_SHOWN],
            "may_create": may_create_vote(request.user),
        },
    )


@login_required
def vote_new(request):
    if not may_create_vote(request.user):
        raise PermissionDenied
    form = VoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        options = data.pop("options")
        if data["opens_at"] is None:
            del data["opens_at"]
        try:
            vote = vote_create(actor=request.user, options=options, **data)
        except (ValidationError, DomainError) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Abstimmung angelegt; sie ist geöffnet.")
                if vote.is_open
                else _("Abstimmung angelegt; sie öffnet zur angegebenen Zeit."),
            )
            return redirect(vote)
    return render(request, "votes/form.html", {"form": form})

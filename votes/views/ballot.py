"""The vote's page and its ballot: cast, change, rearrange without JavaScript, live turnout.

Every page first lets a vote that is due open or close (`vote_close_if_due`), so nobody sees an
open ballot after the closing time, even when the closing task has not come by yet.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from core.forms import add_service_errors

from ..forms import (
    BallotForm,
    content_from_ranks,
    option_labels,
    rank_field,
    ranks_from_content,
    ranks_from_post,
    ranks_move,
    ranks_order,
)
from ..models import Elector, Vote
from ..permissions import may_download_ballots, may_see_results
from ..selectors import electors_for, open_ballot_content, vote_turnout
from ..services import ballot_cast, receipt_sha256
from .pages import vote_for


def _turnout_context(vote: Vote) -> dict[str, Any]:
    turnout = vote_turnout(vote) if vote.status != Vote.Status.SCHEDULED else 0
    size = vote.electorate_size or 0
    return {"vote": vote, "turnout": turnout, "share": (100 * turnout / size) if size else None}


def _ballot_text(vote: Vote, labels: list[tuple[int, str]], *, content=None, ranks=None, choices=None):
    """The ballot in words, for the confirmation and for "your vote": ranked tiers or the choices."""
    shown = dict(labels)
    if vote.ranked:
        if ranks is None:
            ranks = ranks_from_content(content)
        order = ranks_order(ranks)
        tiers: list[list[str]] = []
        left_out = []
        last = object()
        for position in order:
            if ranks[position] is None:
                left_out.append(shown[position])
            elif ranks[position] == last:
                tiers[-1].append(shown[position])
            else:
                tiers.append([shown[position]])
                last = ranks[position]
        return {"tiers": tiers, "left_out": left_out}
    chosen = choices if choices is not None else content
    return {"choices": [shown[position] for position in chosen]}


def _ranked_rows(form: BallotForm, ranks: dict[int, int | None]) -> list[dict[str, Any]]:
    shown = dict(form.labels)
    return [
        {"position": position, "label": shown[position], "field": form[rank_field(position)]}
        for position in ranks_order(ranks)
    ]


def _section(
    request,
    vote: Vote,
    options,
    elector: Elector,
    *,
    prefix: str | None,
    form: BallotForm | None = None,
    ranks: dict[int, int | None] | None = None,
    receipt: str = "",
) -> dict[str, Any]:
    """One elector's part of the ballot area: who votes for whom, the state, the form."""
    labels = option_labels(vote, options)
    voted = elector.voted
    section: dict[str, Any] = {
        "elector": elector,
        "prefix": prefix,
        "voted": voted,
        "as_deputy": bool(elector.organisation_id) and elector.representative_id != request.user.pk,
        "mine": None,
        "form": None,
        "rows": [],
    }
    if voted and not vote.secret:
        content = open_ballot_content(vote=vote, elector=elector)
        if content is not None:
            section["mine"] = _ballot_text(vote, labels, content=content)
    may_cast = vote.is_open and (voted is None or vote.ballots_changeable)
    if not may_cast:
        return section
    needs_receipt = bool(voted) and vote.secret
    if form is None:
        initial: dict[str, Any] = {"receipt": receipt}
        if voted and not vote.secret and ranks is None:
            content = open_ballot_content(vote=vote, elector=elector)
            if content is not None and vote.ranked:
                ranks = ranks_from_content(content)
            elif content is not None and vote.method == Vote.Method.APPROVAL:
                initial["choices"] = content
            elif content:
                initial["choice"] = content[0]
        if vote.ranked:
            ranks = ranks or {position: None for position, _label in labels}
            initial.update({rank_field(position): rank for position, rank in ranks.items()})
        form = BallotForm(
            initial=initial, vote=vote, options=options, needs_receipt=needs_receipt, prefix=prefix
        )
    section["form"] = form
    if vote.ranked:
        if ranks is None:
            ranks = ranks_from_post(form.data, labels, prefix) if form.is_bound else {}
        section["rows"] = _ranked_rows(form, ranks)
    return section


def _ballot_context(request, vote: Vote, *, replace: dict[int, dict] | None = None) -> dict[str, Any]:
    options = list(vote.options.order_by("position"))
    electors = electors_for(vote=vote, user=request.user) if vote.status != Vote.Status.SCHEDULED else []
    prefixed = len(electors) > 1
    sections = []
    for elector in electors:
        if replace and elector.pk in replace:
            sections.append(replace[elector.pk])
        else:
            prefix = f"e{elector.pk}" if prefixed else None
            sections.append(_section(request, vote, options, elector, prefix=prefix))
    return {"vote": vote, "sections": sections, "in_electorate": bool(electors)}


def _detail_context(request, vote: Vote, *, replace: dict[int, dict] | None = None) -> dict[str, Any]:
    escalation = getattr(vote, "escalation", None) if vote.origin_body_id else None
    if escalation is not None and not request.user.has_perm("escalations.view_escalation", escalation):
        escalation = None  # the forum sees the vote, not the group's topic behind it
    return {
        **_turnout_context(vote),
        **_ballot_context(request, vote, replace=replace),
        "escalation": escalation,
        "may_see_results": may_see_results(vote),
        "may_download": may_download_ballots(vote, request.user),
    }


@login_required
def vote_detail(request, pk: int):
    vote = vote_for(request, pk)
    return render(request, "votes/detail.html", _detail_context(request, vote))


@require_GET
@login_required
def vote_turnout_partial(request, pk: int):
    vote = vote_for(request, pk)
    return render(request, "votes/_turnout.html", {**_turnout_context(vote), "polled": True})


def _ballot_response(request, vote: Vote, section: dict[str, Any], *, cast: bool = False) -> HttpResponse:
    """The ballot area with one elector's section replaced: alone for htmx, else the whole page."""
    replace = {section["elector"].pk: section}
    if request.htmx:
        response = render(request, "votes/_ballot.html", _ballot_context(request, vote, replace=replace))
        if cast:
            response["HX-Trigger"] = "ballot-cast"
    else:
        response = render(request, "votes/detail.html", _detail_context(request, vote, replace=replace))
    add_never_cache_headers(response)  # it may hold a receipt code, shown this once
    return response


def _elector_posted(request, electors: list[Elector]) -> Elector:
    if len(electors) == 1:
        return electors[0]
    wanted = request.POST.get("elector", "")
    elector = next((e for e in electors if str(e.pk) == wanted), None)
    if elector is None:
        raise Http404
    return elector


@require_POST
@login_required
def vote_ballot(request, pk: int):
    """Cast or change a ballot; or, without JavaScript, rearrange a ranked ballot (`move`)."""
    vote = vote_for(request, pk)
    electors = electors_for(vote=vote, user=request.user)
    if not electors:
        raise PermissionDenied(_("Sie sind bei dieser Abstimmung nicht stimmberechtigt."))
    elector = _elector_posted(request, electors)
    prefix = f"e{elector.pk}" if len(electors) > 1 else None
    options = list(vote.options.order_by("position"))
    labels = option_labels(vote, options)

    if not vote.is_open:
        # Posted from a page loaded before the close (or the opening): the service says why not.
        # No ballot is passed, so nothing can be cast here even if the vote opened meanwhile.
        section = _section(request, vote, options, elector, prefix=prefix)
        try:
            ballot_cast(vote=vote, actor=request.user, organisation_id=elector.organisation_id)
        except DomainError as exc:
            section["error"] = exc.reason
        except ValidationError:
            section["error"] = _("Die Seite ist veraltet. Bitte laden Sie sie neu.")
        return _ballot_response(request, vote, section)

    move = request.POST.get("move", "")
    if vote.ranked and move:
        position, _sep, direction = move.partition(":")
        ranks = ranks_from_post(request.POST, labels, prefix)
        if position.isdigit():
            ranks = ranks_move(ranks, int(position), direction)
        receipt_key = f"{prefix}-receipt" if prefix else "receipt"
        section = _section(
            request,
            vote,
            options,
            elector,
            prefix=prefix,
            ranks=ranks,
            receipt=request.POST.get(receipt_key, "")[:40],
        )
        for row in section["rows"]:
            if str(row["position"]) == position:
                row["focus"] = direction  # without JavaScript, the keyboard carries on from here
        return _ballot_response(request, vote, section)

    form = BallotForm(
        request.POST,
        vote=vote,
        options=options,
        needs_receipt=bool(elector.voted) and vote.secret,
        prefix=prefix,
    )
    error = ""
    if form.is_valid():
        try:
            result = ballot_cast(
                vote=vote,
                actor=request.user,
                organisation_id=elector.organisation_id,
                receipt=form.cleaned_data.get("receipt") or None,
                **form.ballot(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except DomainError as exc:
            error = exc.reason  # closed meanwhile, not changeable, cast at the same moment elsewhere
        else:
            return _cast_done(request, vote, options, elector, form, result, prefix=prefix)
    if error:
        vote.refresh_from_db()
        elector = next(e for e in electors_for(vote=vote, user=request.user) if e.pk == elector.pk)
        section = _section(request, vote, options, elector, prefix=prefix)
        section["error"] = error
    else:
        section = _section(request, vote, options, elector, prefix=prefix, form=form)
    return _ballot_response(request, vote, section)


def _cast_done(request, vote, options, elector, form, result, *, prefix):
    labels = option_labels(vote, options)
    if vote.ranked:
        shown = _ballot_text(vote, labels, content=content_from_ranks(form.ranks()))
    else:
        shown = _ballot_text(vote, labels, choices=form.ballot()["choices"])
    message = _confirmation(elector, changed=result.changed)
    if result.receipt is None and not request.htmx:
        messages.success(request, message)
        return redirect(vote)
    refreshed = {e.pk: e for e in electors_for(vote=vote, user=request.user)}
    section = _section(request, vote, options, refreshed[elector.pk], prefix=prefix)
    section["done"] = {
        "message": message,
        "ballot": shown,
        "receipt": result.receipt,
        "receipt_sha256": receipt_sha256(result.receipt) if result.receipt else "",
    }
    return _ballot_response(request, vote, section, cast=True)


def _confirmation(elector: Elector, *, changed: bool) -> str:
    if elector.organisation_id:
        names = {"organisation": elector.organisation}
        if changed:
            return _("Die Stimme für %(organisation)s wurde geändert.") % names
        return _("Ihre Stimme für %(organisation)s ist abgegeben.") % names
    return _("Ihre Stimme wurde geändert.") if changed else _("Ihre Stimme ist abgegeben.")

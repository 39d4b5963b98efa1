"""The result of a vote (stored at the close, or live) and the download of its anonymised ballots."""

from __future__ import annotations

import json
import math
from fractions import Fraction
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..forms import option_labels
from ..models import Vote
from ..permissions import may_download_ballots, may_see_results
from ..services import result_passed, vote_count
from ..services import vote_export as export_document
from .pages import vote_for


def _matrix(labels: list[str], rows: list[list[int]]) -> list[dict[str, Any]]:
    return [
        {
            "label": labels[i],
            "cells": [
                {"value": value, "diagonal": i == j, "wins": i != j and value > rows[j][i]}
                for j, value in enumerate(row)
            ],
        }
        for i, row in enumerate(rows)
    ]


def result_context(vote: Vote) -> dict[str, Any]:
    """The stored result of a closed vote (or the count as it stands, for live results), for the page."""
    if vote.is_closed:
        data, passed, live = vote.result, vote.passed, False
    else:
        counted = vote_count(vote)
        data = {**counted.as_dict(), "turnout": counted.ballots, "electorate_size": vote.electorate_size}
        passed, live = result_passed(counted), True
    options = list(vote.options.order_by("position"))
    stored = data["options"]
    shown = dict(zip(stored, (label for _p, label in option_labels(vote, options)), strict=False))
    ballots = data["ballots"]
    counts = data["counts"].get("first_preferences", data["counts"]) if vote.ranked else data["counts"]
    bars = [
        {
            "label": shown.get(label, label),
            "count": counts.get(label, 0),
            "share": 100 * counts.get(label, 0) / ballots if ballots else 0,
        }
        for label in stored
    ]
    quorum = data.get("quorum")
    if quorum:
        quorum = {**quorum, "needed": math.ceil(Fraction(quorum["required"]))}
    context = {
        "live": live,
        "passed": passed,
        "ballots": ballots,
        "bar_max": max(ballots, 1),
        "electorate_size": data.get("electorate_size"),
        "turnout_share": 100 * ballots / data["electorate_size"] if data.get("electorate_size") else None,
        "bars": bars,
        "quorum": quorum,
        "threshold": data.get("threshold"),
        "order": [[shown.get(label, label) for label in tier] for tier in data.get("order", [])],
        "winner": shown.get(data.get("winner"), data.get("winner")),
        "tied": data.get("tied", False),
        "ballots_sha256": data.get("ballots_sha256", ""),
    }
    if vote.ranked:
        labels = [shown.get(label, label) for label in stored]
        context["pairwise"] = _matrix(labels, data["pairwise"])
        context["strongest_paths"] = _matrix(labels, data["strongest_paths"])
        context["labels"] = labels
    return context


@login_required
def vote_results(request, pk: int):
    vote = vote_for(request, pk)
    if not may_see_results(vote):
        raise Http404
    return render(
        request,
        "votes/results.html",
        {
            "vote": vote,
            "result": result_context(vote),
            "may_download": may_download_ballots(vote, request.user),
        },
    )


@require_GET
@login_required
def vote_export(request, pk: int):
    vote = vote_for(request, pk)
    if not may_download_ballots(vote, request.user):
        raise Http404
    document = export_document(vote)
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2) + "\n",
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="vote-{vote.pk}.json"'
    return response

"""Closing a vote and counting it: the stored result, the sweep, the published export."""

from __future__ import annotations

import datetime
import logging
from collections import Counter
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import DomainError
from notifications.services import notify

from .. import counting, export
from ..export import ballots_sha256, build_export
from ..models import Ballot, Vote
from .opening import KIND_CLOSED, electorate_users, notification_data, vote_open

logger = logging.getLogger(__name__)


def _quorum(vote: Vote) -> counting.Quorum | None:
    if vote.quorum_kind == Vote.QuorumKind.SHARE:
        return counting.Quorum(share=Fraction(vote.quorum_value, 100))
    if vote.quorum_kind == Vote.QuorumKind.NUMBER:
        return counting.Quorum(minimum=vote.quorum_value)
    return None


def labelled_content(vote: Vote, labels: Sequence[str], content: Sequence[int]) -> list:
    """One stored ballot as the export writes it: chosen labels, or the ranking's tiers of labels."""
    if not vote.ranked:
        return [labels[p] for p in content]
    tiers: dict[int, list[str]] = {}
    for position, rank in enumerate(content):
        tiers.setdefault(rank, []).append(labels[position])
    return [tiers[rank] for rank in sorted(tiers)]


def labelled_ballots(vote: Vote, labels: Sequence[str], contents: Any) -> list[dict[str, Any]]:
    """Stored ballot contents as export ballots, identical ones merged with their count."""
    field = "ranking" if vote.ranked else "choices"
    grouped = Counter(map(tuple, contents))
    return [{"count": n, field: labelled_content(vote, labels, content)} for content, n in grouped.items()]


def vote_labels(vote: Vote) -> list[str]:
    return list(vote.options.order_by("position").values_list("label", flat=True))


# Reading 10,000 ranked ballots makes some 200,000 small lists (and notifying 10,000 people as
# many model instances); each batch of new objects would set the cycle collector walking the whole
# heap. None of them forms a cycle: paused, closing such a vote took 0.9 s instead of 1.2-1.6 s
# (bench/votes_forum.py, SQLite).
@export._collector_paused()
def vote_ballots(vote: Vote) -> list[dict[str, Any]]:
    return labelled_ballots(
        vote, vote_labels(vote), Ballot.objects.filter(vote=vote).values_list("content", flat=True)
    )


def vote_count(vote: Vote) -> counting.Result:
    """The count of the ballots as they stand (the close stores it; live results show it)."""
    return counting.count(
        vote.method,
        vote_labels(vote),
        vote_ballots(vote),
        threshold=counting.THRESHOLDS[vote.threshold],
        quorum=_quorum(vote),
        electorate=vote.electorate_size,
    )


def result_passed(result: counting.Result) -> bool:
    """Yes/no: the threshold and the quorum. Other methods: the quorum and one clear winner
    (a tie passes nothing). The rule lives in votes.counting, so that a recount applies it too."""
    return counting.result_passed(result)


@transaction.atomic
@export._collector_paused()  # see vote_ballots; resumed before the commit
def vote_close(
    *, vote: Vote, reason: str = Vote.CloseReason.SCHEDULE, now: datetime.datetime | None = None
) -> bool:
    """Close a vote whose time is up, count it and store the result once; False if not due or done."""
    now = now or timezone.now()
    locked = Vote.objects.select_for_update().get(pk=vote.pk)
    if locked.status == Vote.Status.CLOSED or locked.closes_at > now:
        return False
    if locked.status == Vote.Status.SCHEDULED:
        vote_open(
            vote=locked
        )  # never opened (worker down the whole time): an empty electorate would be wrong
        locked = Vote.objects.select_for_update().get(pk=vote.pk)
    labels = vote_labels(locked)
    ballots = vote_ballots(locked)
    result = counting.count(
        locked.method,
        labels,
        ballots,
        threshold=counting.THRESHOLDS[locked.threshold],
        quorum=_quorum(locked),
        electorate=locked.electorate_size,
    )
    digest = ballots_sha256(locked.method, labels, ballots)
    stored = {
        **result.as_dict(),
        "turnout": result.ballots,
        "electorate_size": locked.electorate_size,
        "electorate_sha256": locked.electorate_sha256,
        "ballots_sha256": digest,
    }
    passed = result_passed(result)
    Vote.objects.filter(pk=locked.pk).update(
        status=Vote.Status.CLOSED,
        closed_at=now,
        close_reason=reason,
        result=stored,
        ballots_sha256=digest,
        passed=passed,
    )
    locked.refresh_from_db()
    recipients = electorate_users(locked)
    if locked.origin_body_id:
        recipients = recipients | User.objects.filter(
            memberships__body_id=locked.origin_body_id, memberships__left_at__isnull=True
        )
    notify(
        kind=KIND_CLOSED,
        recipients=recipients.distinct(),
        subject=locked,
        data={
            **notification_data(locked),
            "passed": "yes" if passed else "no",
            "turnout": str(result.ballots),
        },
    )
    return True


def votes_sweep(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Open what is due to open and close what is due to close (a lost scheduled task); (opened, closed)."""
    now = now or timezone.now()
    opened = closed = 0
    # One vote that fails (logged) must not keep the others from opening or closing.
    for pk in Vote.objects.filter(
        status=Vote.Status.SCHEDULED, opens_at__lte=now, closes_at__gt=now
    ).values_list("pk", flat=True):
        try:
            vote_open(vote=Vote(pk=pk))
            opened += 1
        except Exception:
            logger.exception("the sweep could not open vote #%s", pk)
    for pk in Vote.objects.filter(
        status__in=[Vote.Status.OPEN, Vote.Status.SCHEDULED], closes_at__lte=now
    ).values_list("pk", flat=True):
        try:
            closed += vote_close(vote=Vote(pk=pk), reason=Vote.CloseReason.SWEEP, now=now)
        except Exception:
            logger.exception("the sweep could not close vote #%s", pk)
    return opened, closed


def vote_close_if_due(vote: Vote) -> Vote:
    """Whoever looks at a vote after its time sees it closed, even before the sweep came by."""
    if vote.status != Vote.Status.CLOSED and vote.closes_at <= timezone.now():
        vote_close(vote=vote, reason=Vote.CloseReason.ON_READ)
        vote.refresh_from_db()
    elif vote.status == Vote.Status.SCHEDULED and vote.opens_at <= timezone.now():
        vote_open(vote=vote)
    return vote


def vote_export(vote: Vote) -> dict[str, Any]:
    """The published export of a closed vote (see votes.export for the format)."""
    if not vote.is_closed:
        raise DomainError(_("Die Stimmzettel werden erst nach dem Schluss der Abstimmung veröffentlicht."))
    labels = vote_labels(vote)
    receipts = None
    if vote.secret:
        # Each ballot with the hash of its receipt, so that a voter can find their own.
        receipts = [
            (digest, labelled_content(vote, labels, content))
            for digest, content in Ballot.objects.filter(vote=vote).values_list("receipt_sha256", "content")
        ]
    # The vote's rules, so that a recount reproduces "passed" without options.
    quorum = None
    if vote.quorum_kind == Vote.QuorumKind.SHARE:
        quorum = f"{vote.quorum_value}%"
    elif vote.quorum_kind == Vote.QuorumKind.NUMBER:
        quorum = f"{vote.quorum_value}"
    return build_export(
        title=vote.title,
        method=vote.method,
        options=labels,
        threshold=vote.threshold if vote.method == Vote.Method.YES_NO_ABSTAIN else None,
        quorum=quorum,
        ballots=vote_ballots(vote),
        electorate_size=vote.electorate_size,
        electorate_sha256=vote.electorate_sha256,
        receipts=receipts,
    )

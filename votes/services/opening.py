"""Creating a vote and opening it: options, rules, the frozen electorate and its fingerprint; delegations."""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from notifications.services import notify
from workgroups.models import Body, Membership, Role

from ..models import Delegation, Elector, Option, Vote
from ..permissions import may_create_vote

logger = logging.getLogger(__name__)

KIND_OPENED, KIND_CLOSING, KIND_CLOSED = "vote_opened", "vote_closing", "vote_closed"
YES_NO_ABSTAIN_LABELS = ("Ja", "Nein", "Enthaltung")  # shared content: the platform's source language
MAX_OPTIONS = 30
VOTE_FIELDS = (
    "title",
    "description",
    "method",
    "electorate_kind",
    "opens_at",
    "closes_at",
    "quorum_kind",
    "quorum_value",
    "threshold",
    "secret",
    "results_live",
    "ballots_changeable",
)


def vote_options_clean(method: str, options: Sequence[str] | None) -> list[str]:
    """The option labels a vote of `method` gets (yes/no/abstain brings its own); ValidationError."""
    if method == Vote.Method.YES_NO_ABSTAIN:
        return list(YES_NO_ABSTAIN_LABELS)
    labels = [str(label).strip() for label in options or [] if str(label).strip()]
    if len(labels) < 2:
        raise ValidationError({"options": _("Eine Abstimmung braucht mindestens zwei Optionen.")})
    if len(labels) > MAX_OPTIONS:
        raise ValidationError({"options": _("Höchstens %(max)d Optionen.") % {"max": MAX_OPTIONS}})
    if len(set(labels)) != len(labels):
        raise ValidationError({"options": _("Jede Option darf nur einmal vorkommen.")})
    if any(len(label) > 200 for label in labels):
        raise ValidationError({"options": _("Eine Option hat höchstens 200 Zeichen.")})
    return labels


def _check_settings(vote: Vote) -> None:
    errors: dict[str, str] = {}
    if vote.closes_at and vote.opens_at and vote.closes_at <= vote.opens_at:
        errors["closes_at"] = _("Die Abstimmung muss nach ihrer Öffnung schließen.")
    if vote.closes_at and vote.closes_at <= timezone.now():
        errors["closes_at"] = _("Der Schluss der Abstimmung muss in der Zukunft liegen.")
    if vote.quorum_kind == Vote.QuorumKind.NONE:
        vote.quorum_value = None
    elif vote.quorum_value is None:
        errors["quorum_value"] = _("Bitte den Wert des Quorums angeben.")
    elif vote.quorum_kind == Vote.QuorumKind.SHARE and not 1 <= vote.quorum_value <= 100:
        errors["quorum_value"] = _("Ein Quorum als Anteil liegt zwischen 1 und 100 Prozent.")
    if vote.method != Vote.Method.YES_NO_ABSTAIN and vote.threshold != Vote.Threshold.SIMPLE:
        errors["threshold"] = _("Eine Zwei-Drittel-Mehrheit gibt es nur bei Ja / Nein / Enthaltung.")
    if vote.secret and vote.results_live:
        # Watching the count move between two entries in the turnout would show one voter's ballot.
        errors["results_live"] = _(
            "Bei einer geheimen Abstimmung bleibt das Ergebnis bis zum Schluss verborgen: "
            "ein laufender Zwischenstand würde einzelne Stimmen erkennbar machen."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def vote_create(*, actor: User, options: Sequence[str] | None = None, **fields: Any) -> Vote:
    """A thematic-direction vote of the forum, created by a steering team member or staff."""
    if not may_create_vote(actor):
        raise PermissionDenied
    return vote_create_raised(actor=actor, options=options, origin_body=None, **fields)


@transaction.atomic
def vote_create_raised(
    *, actor: User | None, options: Sequence[str] | None, origin_body: Body | None, **fields: Any
) -> Vote:
    """A vote on behalf of a caller that has checked the permission itself (an approved escalation)."""
    vote = Vote(
        created_by=actor,
        origin_body=origin_body,
        **{name: value for name, value in fields.items() if name in VOTE_FIELDS},
    )
    if vote.opens_at is None:
        vote.opens_at = timezone.now()
    labels = vote_options_clean(vote.method, options)
    # The table's constraints say the same as _check_settings, which says it in words.
    vote.full_clean(exclude=["status"], validate_constraints=False)
    _check_settings(vote)
    vote.save()
    Option.objects.bulk_create(
        [Option(vote=vote, position=position, label=label) for position, label in enumerate(labels)]
    )
    audit_record(
        actor=actor,
        action="vote.created",
        subject=vote,
        scope=origin_body,
        after={**{name: _plain(getattr(vote, name)) for name in VOTE_FIELDS}, "options": labels},
    )
    if vote.opens_at <= timezone.now():
        vote_open(vote=vote)
    return vote


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.datetime) else value


def electorate_fingerprint(ids: Sequence[int]) -> str:
    """SHA-256 (hex) of the sorted ids written in decimal, joined by commas: "3,17,42"."""
    return hashlib.sha256(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()


def _forum_members() -> Any:
    return Membership.objects.filter(
        body__kind=Body.Kind.FORUM, role=Role.MEMBER, left_at__isnull=True, user__is_active=True
    )


def _electorate_rows(vote: Vote) -> list[Elector]:
    """The electorate as of now: the forum's members, or the organisations that named who votes."""
    if vote.electorate_kind == Vote.ElectorateKind.MEMBERS:
        user_ids = sorted(set(_forum_members().values_list("user_id", flat=True)))
        return [Elector(vote=vote, user_id=pk) for pk in user_ids]
    voters = set(_forum_members().values_list("user_id", flat=True))
    rows = []
    for delegation in Delegation.objects.order_by("organisation_id"):
        representative = delegation.representative_id if delegation.representative_id in voters else None
        deputy = delegation.deputy_id if delegation.deputy_id in voters else None
        if representative or deputy:
            rows.append(
                Elector(
                    vote=vote,
                    organisation_id=delegation.organisation_id,
                    representative_id=representative,
                    deputy_id=deputy,
                )
            )
    return rows


@transaction.atomic
def vote_open(*, vote: Vote) -> Vote:
    """Freeze the electorate, publish its size and fingerprint, tell the electorate, schedule the close."""
    locked = Vote.objects.select_for_update().get(pk=vote.pk)
    if locked.status != Vote.Status.SCHEDULED:
        return locked
    electors = Elector.objects.bulk_create(_electorate_rows(locked))
    now = timezone.now()
    locked.status = Vote.Status.OPEN
    locked.opened_at = now
    locked.electorate_size = len(electors)
    locked.electorate_sha256 = electorate_fingerprint([e.key for e in electors])
    Vote.objects.filter(pk=locked.pk).update(
        status=locked.status,
        opened_at=now,
        electorate_size=locked.electorate_size,
        electorate_sha256=locked.electorate_sha256,
    )
    if locked.closes_at > now:
        # (A vote that the sweep opens only after its close, to close it, is not announced.)
        notify(
            kind=KIND_OPENED,
            recipients=electorate_users(locked),
            subject=locked,
            data=notification_data(locked),
        )
    transaction.on_commit(partial(_schedule_close, locked.pk, locked.closes_at), robust=True)
    vote.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return vote


def _schedule_close(pk: int, closes_at: datetime.datetime) -> None:
    from ..tasks import vote_close_due

    vote_close_due.apply_async((pk,), eta=closes_at, retry=False)


def electorate_users(vote: Vote) -> QuerySet[User]:
    """The people behind the electorate: members, or representatives and deputies (a subquery
    for notify(), which then never loads or lists the 10,000 of a forum vote)."""
    electors = Elector.objects.filter(vote=vote)
    return User.objects.filter(
        Q(pk__in=electors.values("user_id"))
        | Q(pk__in=electors.values("representative_id"))
        | Q(pk__in=electors.values("deputy_id"))
    )


def notification_data(vote: Vote) -> dict[str, str]:
    return {
        "title": vote.title,
        "url": vote.get_absolute_url(),
        "closes": timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M"),
    }


# Casting ----------------------------------------------------------------------------------------


def vote_default_duration() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "VOTE_DEFAULT_DAYS", 14))


@transaction.atomic
def delegation_set(
    *, actor: User, organisation: Any, representative: User | None, deputy: User | None
) -> Delegation:
    """Name who casts an organisation's vote in the forum (staff); both must belong to it."""
    from workgroups.permissions import is_platform_staff

    if not is_platform_staff(actor):
        raise PermissionDenied
    errors = {}
    for field, person in (("representative", representative), ("deputy", deputy)):
        if person is not None and person.organisation_id != organisation.pk:
            errors[field] = _("%(person)s gehört nicht zu %(organisation)s.") % {
                "person": person,
                "organisation": organisation,
            }
    if representative is not None and deputy is not None and representative.pk == deputy.pk:
        errors["deputy"] = _("Vertretung und Stellvertretung müssen verschiedene Personen sein.")
    if errors:
        raise ValidationError(errors)
    delegation, _created = Delegation.objects.select_for_update().get_or_create(organisation=organisation)
    before = {"representative": delegation.representative_id, "deputy": delegation.deputy_id}
    delegation.representative = representative
    delegation.deputy = deputy
    delegation.save()
    audit_record(
        actor=actor,
        action="vote.delegation_set",
        subject=delegation,
        scope=None,
        before=before,
        after={"representative": delegation.representative_id, "deputy": delegation.deputy_id},
    )
    return delegation

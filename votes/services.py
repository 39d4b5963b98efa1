"""Every write to forum votes: create, open (freeze the electorate), cast a ballot, close and count."""

from __future__ import annotations

import base64
import datetime
import hashlib
import logging
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from core.errors import Conflict, DomainError
from notifications.services import notify
from workgroups.models import Body, Membership, Role

from . import counting, export
from .export import ballots_sha256, build_export
from .models import Ballot, Delegation, Elector, Option, Participation, Vote
from .permissions import electors_of, may_create_vote

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


class VoteClosed(Conflict):
    """The vote is not open (not yet, or no longer)."""


# Creating and opening -------------------------------------------------------------------------


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
    from .tasks import vote_close_due

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


@dataclass(frozen=True)
class CastResult:
    changed: bool
    receipt: str | None  # secret votes, first cast: the code to keep (shown once)
    elector: Elector


def receipt_new() -> str:
    raw = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def receipt_sha256(code: str) -> str:
    """The hash a secret ballot keeps of its receipt: SHA-256 of the code in capitals without dashes
    (the export publishes it, and `vote_recount --receipt` finds the ballot by it)."""
    return export.receipt_sha256(code)


def ballot_content(vote: Vote, *, option_count: int, choices: Any = None, ranking: Any = None) -> list[int]:
    """The stored form of a ballot from option positions; ValidationError says what is wrong."""
    if vote.ranked:
        if not isinstance(ranking, list) or any(not isinstance(tier, list) for tier in ranking):
            raise ValidationError({"ranking": _("Bitte eine Rangfolge angeben.")})
        listed = [p for tier in ranking for p in tier]
        _check_positions(listed, option_count, "ranking")
        if any(not tier for tier in ranking):
            raise ValidationError({"ranking": _("Ein Rang darf nicht leer sein.")})
        ranks = [len(ranking)] * option_count
        for rank, tier in enumerate(ranking):
            for position in tier:
                ranks[position] = rank
        return ranks
    if not isinstance(choices, list):
        raise ValidationError({"choices": _("Bitte eine Auswahl treffen.")})
    _check_positions(choices, option_count, "choices")
    if vote.method != Vote.Method.APPROVAL and len(choices) != 1:
        raise ValidationError({"choices": _("Bitte genau eine Option wählen.")})
    return sorted(choices)


def _check_positions(positions: list, option_count: int, field: str) -> None:
    if any(type(p) is not int or not 0 <= p < option_count for p in positions):
        raise ValidationError({field: _("Eine gewählte Option gehört nicht zu dieser Abstimmung.")})
    if len(set(positions)) != len(positions):
        raise ValidationError({field: _("Jede Option darf nur einmal vorkommen.")})


def _lock_open(vote: Vote) -> Vote:
    """The vote, share-locked against closing until this transaction ends, if it is still open."""
    if connection.vendor == "postgresql":
        # FOR SHARE: ballots do not wait for each other, closing (FOR UPDATE) waits for them all.
        locked = Vote.objects.raw("SELECT * FROM votes_vote WHERE id = %s FOR SHARE", [vote.pk])[0]
    else:
        locked = Vote.objects.get(pk=vote.pk)
    if locked.status == Vote.Status.SCHEDULED:
        raise VoteClosed(_("Die Abstimmung ist noch nicht geöffnet."))
    if locked.status == Vote.Status.CLOSED or timezone.now() >= locked.closes_at:
        raise VoteClosed(
            _("Die Abstimmung ist seit %(closed)s geschlossen; es kann nicht mehr abgestimmt werden.")
            % {"closed": timezone.localtime(locked.closed_at or locked.closes_at).strftime("%d.%m.%Y %H:%M")}
        )
    return locked


@transaction.atomic
def ballot_cast(
    *,
    vote: Vote,
    actor: User,
    choices: Any = None,
    ranking: Any = None,
    receipt: str | None = None,
    organisation_id: int | None = None,
) -> CastResult:
    """Cast or change the ballot of the actor (or of the organisation they cast for).

    One ballot per elector: the Participation row is unique per elector (a database
    constraint), so ballots cast at the same moment by the same voter leave exactly one. Of
    such casts the first to commit casts the ballot; each later one is a change of it (and
    is refused as any change would be: no changes allowed, or a secret ballot without its
    receipt), so the ballot that stays is the last one accepted. An organisation's vote is
    cast by its representative or its deputy, whoever comes first; only that person may
    change it, the other is told who voted.
    """
    if vote.status == Vote.Status.SCHEDULED and vote.opens_at <= timezone.now():
        vote_open(vote=vote)  # its time has come, and the sweep has not been by yet
    locked = _lock_open(vote)
    electors = electors_of(locked, actor)
    if organisation_id is not None:
        electors = electors.filter(organisation_id=organisation_id)
    elector = electors.first()
    if elector is None:
        raise PermissionDenied(_("Sie sind bei dieser Abstimmung nicht stimmberechtigt."))
    option_count = locked.options.count()
    content = ballot_content(locked, option_count=option_count, choices=choices, ranking=ranking)
    participation = Participation.objects.select_for_update().filter(elector=elector).first()
    if participation is None:
        try:
            with transaction.atomic():
                Participation.objects.create(vote=locked, elector=elector, cast_by=actor)
        except IntegrityError:
            # Cast for the same elector at the same moment, and committed first (on PostgreSQL
            # the insert waited for it): this cast changes that ballot, if a change may.
            participation = Participation.objects.select_for_update().filter(elector=elector).first()
            if participation is None:
                raise Conflict(
                    _("Für diese Stimme wurde gerade eben abgestimmt. Bitte die Seite neu laden.")
                ) from None
        else:
            code = receipt_new() if locked.secret else None
            Ballot.objects.create(
                vote=locked,
                content=content,
                elector=None if locked.secret else elector,
                receipt_sha256=receipt_sha256(code) if code else "",
            )
            return CastResult(changed=False, receipt=code, elector=elector)
    if elector.organisation_id and participation.cast_by_id != actor.pk:
        raise Conflict(
            _(
                "Für %(organisation)s hat %(person)s bereits abgestimmt; nur diese Person kann "
                "die Stimme ändern."
            )
            % {"organisation": elector.organisation, "person": participation.cast_by}
        )
    if not locked.ballots_changeable:
        raise Conflict(_("Die Stimme ist abgegeben; bei dieser Abstimmung kann sie nicht geändert werden."))
    if locked.secret:
        if not receipt:
            raise Conflict(
                _(
                    "Die Stimme ist bereits abgegeben. Zum Ändern bitte den Beleg-Code "
                    "der Stimmabgabe angeben."
                )
            )
        updated = Ballot.objects.filter(vote=locked, receipt_sha256=receipt_sha256(receipt)).update(
            content=content
        )
        if not updated:
            raise ValidationError(
                {"receipt": _("Dieser Beleg-Code passt zu keinem Stimmzettel dieser Abstimmung.")}
            )
    else:
        Ballot.objects.filter(elector=elector).update(content=content)
    Participation.objects.filter(pk=participation.pk).update(cast_by=actor, changed_at=timezone.now())
    return CastResult(changed=True, receipt=None, elector=elector)


# Closing and counting ---------------------------------------------------------------------------


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

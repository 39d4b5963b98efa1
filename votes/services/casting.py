"""Casting and changing ballots: one per elector, secret ones found again only by their receipt."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Conflict

from .. import export
from ..models import Ballot, Elector, Participation, Vote
from ..permissions import electors_of
from .opening import vote_open


class VoteClosed(Conflict):
    """The vote is not open (not yet, or no longer)."""


# Creating and opening -------------------------------------------------------------------------


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

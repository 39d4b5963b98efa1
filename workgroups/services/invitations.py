"""Invitations: of registered people (notified through the outbox, answered on the dashboard) and of
addresses without an account (an `InvitationMail` outbox row, a signed link that expires and
works once, registration through it). Every step is audited with the body as scope.

The link carries the invitation's id and its current `link_nonce`, signed with the secret key
(django.core.signing, timestamped). Re-sending draws a new nonce, so every older link is dead;
accepting, withdrawing or expiring clears it, so a link works once. Nothing secret is stored:
the outbox task builds the link from the row when it sends the mail.
"""

import datetime
import secrets
from functools import partial

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.lifecycle import organisation_propose
from accounts.models import Organisation, User
from accounts.services import user_create
from audit.services import audit_record
from core.errors import DomainError
from notifications.services import notify

from ..models import ROLES_BY_KIND, Body, Invitation, InvitationMail, Membership
from ..permissions import may_manage_members
from .memberships import membership_add

LINK_SALT = "workgroups.invitation"


def max_age() -> datetime.timedelta:
    return datetime.timedelta(days=getattr(settings, "INVITATION_MAX_AGE_DAYS", 14))


def invitation_link_token(invitation: Invitation) -> str:
    """The signed token of the invitation's current link."""
    return signing.dumps({"i": invitation.pk, "n": invitation.link_nonce}, salt=LINK_SALT)


def _audit(invitation: Invitation, *, actor: User | None, action: str, **after) -> None:
    audit_record(
        actor=actor,
        action=action,
        subject=invitation,
        scope=invitation.body,
        after={"email": invitation.email, "invitee": invitation.invitee_id, "role": invitation.role, **after},
    )


def _send(invitation: Invitation, *, actor: User) -> None:
    """Tell the invitee: through notify() for an account, through the invitation mail outbox otherwise."""
    if invitation.invitee_id is not None:
        body = invitation.body
        notify(
            kind="membership_invitation",
            recipients=[invitation.invitee],
            subject=invitation,
            actor=actor,
            data={
                "title": body.name,
                "url": body.get_absolute_url(),
                "group": body.name,
                "role": invitation.role,
                "inviter": str(actor),
            },
        )
        return
    from ..mail import invitation_mails_queue

    mail = InvitationMail.objects.create(invitation=invitation, link_nonce=invitation.link_nonce)
    # robust: the invitation is committed whatever the broker does; the sweep catches up.
    transaction.on_commit(partial(invitation_mails_queue, ids=[mail.pk]), robust=True)


@transaction.atomic
def invitation_create(*, body: Body, invitee_email: str, role: str, actor: User) -> Invitation:
    """Invite by email: a registered person is notified, an unknown address gets a registration link."""
    if not may_manage_members(actor, body):
        raise PermissionDenied
    if role not in ROLES_BY_KIND[body.kind]:
        raise DomainError(_("Diese Rolle gibt es in diesem Gremium nicht."))
    email = invitee_email.strip().lower()
    invitee = User.objects.filter(email__iexact=email).first()
    if invitee is not None and not invitee.is_active:
        raise DomainError(_("Das Konto zu dieser E-Mail-Adresse ist deaktiviert."))
    if invitee is not None:
        if Membership.objects.filter(body=body, user=invitee, left_at__isnull=True).exists():
            raise DomainError(_("Diese Person ist bereits Mitglied."))
        already = Invitation.objects.filter(body=body, invitee=invitee, status=Invitation.Status.OPEN)
    else:
        already = Invitation.objects.filter(
            body=body, invitee__isnull=True, email=email, status=Invitation.Status.OPEN
        )
    if already.filter(expires_at__gt=timezone.now()).exists():
        raise DomainError(_("Diese Person ist bereits eingeladen."))
    # An open invitation past its date that the periodic expiry has not reached yet gives way.
    for stale in already.select_for_update():
        _expire(stale)
    invitation = Invitation.objects.create(
        body=body,
        invitee=invitee,
        email=email,
        role=role,
        invited_by=actor,
        expires_at=timezone.now() + max_age(),
        link_nonce=secrets.token_hex(16),
    )
    _send(invitation, actor=actor)
    _audit(invitation, actor=actor, action="invitation.created", account=invitee is not None)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    """Send an open or expired invitation again with a new link (older links die) and a new expiry."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("body", "invitee")
        .get(pk=invitation.pk)
    )
    if not may_manage_members(actor, invitation.body):
        raise PermissionDenied
    if invitation.status not in (Invitation.Status.OPEN, Invitation.Status.EXPIRED):
        raise DomainError(_("Diese Einladung ist nicht mehr offen."))
    if invitation.status == Invitation.Status.EXPIRED:
        newer = Invitation.objects.filter(body=invitation.body, status=Invitation.Status.OPEN).exclude(
            pk=invitation.pk
        )
        newer = (
            newer.filter(invitee=invitation.invitee)
            if invitation.invitee_id
            else newer.filter(invitee__isnull=True, email=invitation.email)
        )
        if newer.exists():
            raise DomainError(_("Diese Person ist bereits eingeladen."))
        if (
            invitation.invitee_id
            and Membership.objects.filter(
                body=invitation.body, user_id=invitation.invitee_id, left_at__isnull=True
            ).exists()
        ):
            raise DomainError(_("Diese Person ist bereits Mitglied."))
    invitation.status = Invitation.Status.OPEN
    invitation.answered_at = None
    invitation.expires_at = timezone.now() + max_age()
    invitation.link_nonce = secrets.token_hex(16)
    invitation.sent_count += 1
    invitation.save(update_fields=["status", "answered_at", "expires_at", "link_nonce", "sent_count"])
    _send(invitation, actor=actor)
    _audit(invitation, actor=actor, action="invitation.resent", sent_count=invitation.sent_count)
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, actor: User) -> Invitation:
    """Whoever manages the body's members withdraws an open invitation; its link dies."""
    invitation = Invitation.objects.select_for_update().select_related("body").get(pk=invitation.pk)
    if not may_manage_members(actor, invitation.body):
        raise PermissionDenied
    if invitation.status != Invitation.Status.OPEN:
        raise DomainError(_("Diese Einladung ist nicht mehr offen."))
    _close(invitation, Invitation.Status.WITHDRAWN)
    _audit(invitation, actor=actor, action="invitation.withdrawn")
    return invitation


def _close(invitation: Invitation, status: str) -> None:
    invitation.status = status
    invitation.answered_at = timezone.now()
    invitation.link_nonce = ""
    invitation.save(update_fields=["status", "answered_at", "link_nonce"])


def _expire(invitation: Invitation) -> None:
    _close(invitation, Invitation.Status.EXPIRED)
    _audit(invitation, actor=None, action="invitation.expired")


def _refuse_if_closed(invitation: Invitation) -> None:
    if invitation.status == Invitation.Status.WITHDRAWN:
        raise DomainError(_("Diese Einladung wurde zurückgezogen."))
    if invitation.is_expired:
        raise DomainError(_("Diese Einladung ist abgelaufen. Bitten Sie den Vorsitz um eine neue."))
    if invitation.status != Invitation.Status.OPEN:
        raise DomainError(_("Diese Einladung ist nicht mehr offen."))


@transaction.atomic
def invitation_answer(*, invitation: Invitation, actor: User, accept: bool) -> Invitation:
    """The invitee accepts (and becomes a member) or declines."""
    invitation = Invitation.objects.select_for_update().select_related("body").get(pk=invitation.pk)
    if invitation.invitee_id != actor.pk:
        raise PermissionDenied
    _refuse_if_closed(invitation)
    _close(invitation, Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED)
    _audit(invitation, actor=actor, action="invitation.accepted" if accept else "invitation.declined")
    if accept:
        membership_add(body=invitation.body, user=actor, role=invitation.role, actor=actor)
    return invitation


@transaction.atomic
def invitations_expire(*, now: datetime.datetime | None = None) -> int:
    """Mark open invitations past their date expired (their links die); returns how many."""
    now = now or timezone.now()
    due = list(
        Invitation.objects.select_for_update(skip_locked=True)
        .select_related("body")
        .filter(status=Invitation.Status.OPEN, expires_at__lte=now)
        .order_by("pk")[:1000]
    )
    for invitation in due:
        _expire(invitation)
    return len(due)


def invitation_from_link(token: str) -> Invitation:
    """The open invitation a link names, or DomainError saying why the link no longer works."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=max_age())
    except signing.SignatureExpired:
        raise DomainError(_("Diese Einladung ist abgelaufen. Bitten Sie den Vorsitz um eine neue.")) from None
    except signing.BadSignature:
        raise DomainError(_("Dieser Einladungslink ist ungültig.")) from None
    invitation = (
        Invitation.objects.select_related("body", "invited_by").filter(pk=data.get("i")).first()
        if isinstance(data, dict)
        else None
    )
    if invitation is None:
        raise DomainError(_("Dieser Einladungslink ist ungültig."))
    if invitation.status == Invitation.Status.ACCEPTED:
        raise DomainError(_("Diese Einladung wurde bereits angenommen. Bitte melden Sie sich an."))
    _refuse_if_closed(invitation)
    if not invitation.link_nonce or data.get("n") != invitation.link_nonce:
        raise DomainError(
            _("Dieser Link wurde durch eine neuere Einladung ersetzt. Bitte nutzen Sie den neuesten.")
        )
    return invitation


@transaction.atomic
def invitation_register(
    *,
    token: str,
    first_name: str,
    last_name: str,
    password: str,
    organisation: Organisation | None = None,
    organisation_name: str = "",
    language: str = settings.LANGUAGE_CODE,
) -> User:
    """Register through an invitation link: a new account joins the body with the invited role."""
    invitation = invitation_from_link(token)
    invitation = Invitation.objects.select_for_update().select_related("body").get(pk=invitation.pk)
    # Checked again under the lock: two tabs submitting the same link create one account.
    _refuse_if_closed(invitation)
    if invitation.invitee_id is not None:
        raise DomainError(_("Diese Einladung gilt einem bestehenden Konto. Bitte melden Sie sich an."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise DomainError(_("Zu dieser E-Mail-Adresse gibt es schon ein Konto. Bitte melden Sie sich an."))
    if organisation is not None and not organisation.is_confirmed:
        raise DomainError(_("Bitte wählen Sie eine bestätigte Organisation oder schlagen Sie eine neue vor."))
    probe = User(email=invitation.email, first_name=first_name, last_name=last_name)
    validate_password(password, user=probe)
    if organisation is None and organisation_name.strip():
        organisation = organisation_propose(name=organisation_name)
    user = user_create(
        email=invitation.email,
        password=password,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        organisation=organisation,
        language=language,
    )
    invitation.invitee = user
    invitation.save(update_fields=["invitee"])
    _close(invitation, Invitation.Status.ACCEPTED)
    _audit(invitation, actor=user, action="invitation.accepted", registered=True)
    membership_add(body=invitation.body, user=user, role=invitation.role, actor=user)
    return user


@transaction.atomic
def invitation_accept_by_link(*, token: str, actor: User) -> Invitation:
    """Someone who has an account under the invited address accepts through the link."""
    invitation = invitation_from_link(token)
    invitation = Invitation.objects.select_for_update().select_related("body").get(pk=invitation.pk)
    if invitation.email.lower() != actor.email.lower() or invitation.invitee_id not in (None, actor.pk):
        raise PermissionDenied
    if invitation.invitee_id is None:
        invitation.invitee = actor
        invitation.save(update_fields=["invitee"])
    return invitation_answer(invitation=invitation, actor=actor, accept=True)

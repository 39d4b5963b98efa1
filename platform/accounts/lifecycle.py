"""Accounts that end, organisations that are proposed: deactivation and organisation confirmation.

platform/ imports no domain app, so what deactivation means for memberships is registered by
workgroups with `on_user_deactivate` in its AppConfig.ready(); it runs in the same transaction.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import audit_record
from core.errors import DomainError

from .models import Organisation, User
from .services import api_tokens_revoke_all

_ON_DEACTIVATE: list[Callable] = []


def on_user_deactivate(hook: Callable) -> Callable:
    """Register `hook(*, user, actor)`, run before the account is switched off."""
    if hook not in _ON_DEACTIVATE:
        _ON_DEACTIVATE.append(hook)
    return hook


def _may_deactivate(actor: User) -> bool:
    return actor.is_superuser or (actor.is_staff and actor.has_perm("accounts.change_user"))


@transaction.atomic
def user_deactivate(*, user: User, actor: User) -> User:
    """Switch an account off: end every membership (hooks), revoke its sessions and API tokens, audit it."""
    if not _may_deactivate(actor):
        raise PermissionDenied
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise DomainError(_("Dieses Konto ist bereits deaktiviert."))
    if user.pk == actor.pk:
        raise DomainError(_("Sie können Ihr eigenes Konto nicht deaktivieren."))
    for hook in _ON_DEACTIVATE:
        hook(user=user, actor=actor)
    user.is_active = False
    user.save(update_fields=["is_active"])
    tokens = api_tokens_revoke_all(user=user)
    sessions = _sessions_revoke(user)
    audit_record(
        actor=actor,
        action="account.deactivated",
        subject=user,
        before={"is_active": True},
        after={"is_active": False, "tokens_revoked": tokens, "sessions_revoked": sessions},
    )
    return user


def _sessions_revoke(user: User) -> int:
    """Delete the person's stored sessions (database sessions only; an inactive account is refused anyway)."""
    if settings.SESSION_ENGINE not in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    ):
        return 0
    # Sessions are not indexed by person: a scan of the live ones, acceptable for a rare admin action.
    doomed = [
        session.session_key
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk)
    ]
    if settings.SESSION_ENGINE.endswith("cached_db"):
        from django.contrib.sessions.backends.cached_db import SessionStore

        for key in doomed:
            SessionStore(session_key=key).delete()
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)


@transaction.atomic
def organisation_propose(*, name: str, actor: User | None = None) -> Organisation:
    """The organisation of this name, or a new one that waits for staff to confirm it."""
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Bitte geben Sie den Namen der Organisation an."))
    existing = Organisation.objects.filter(name__iexact=name).first()
    if existing is not None:
        return existing
    organisation = Organisation.objects.create(name=name[:200], is_confirmed=False)
    audit_record(actor=actor, action="organisation.proposed", subject=organisation, after={"name": name})
    return organisation


@transaction.atomic
def organisation_confirm(*, organisation: Organisation, actor: User) -> Organisation:
    """Staff confirm a proposed organisation; from then on it is listed and offered to others."""
    if not (actor.is_superuser or actor.has_perm("accounts.change_organisation")):
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.is_confirmed:
        return organisation
    organisation.is_confirmed = True
    organisation.save(update_fields=["is_confirmed", "updated_at"])
    audit_record(
        actor=actor,
        action="organisation.confirmed",
        subject=organisation,
        before={"is_confirmed": False},
        after={"is_confirmed": True},
    )
    return organisation

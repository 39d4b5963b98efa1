"""Every write to people and organisations."""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import ApiToken, Organisation, User
from .tokens import PREFIX_LENGTH, key_digest, new_key

logger = logging.getLogger("accounts")

# Each POST to the token endpoint makes a key; past this many the least recently used go.
MAX_API_TOKENS = 20
# last_used_at is a hint for the person, not an audit log: one write per key every few minutes.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    organisation: Organisation | None = None,
    language: str = settings.LANGUAGE_CODE,
    is_superuser: bool = False,
    password_hash: str | None = None,
) -> User:
    """Create a person; without a password the account can only be entered via password reset.

    `password_hash` (an already hashed password) lets bulk creation hash a shared password once.
    """
    manager = User.objects
    create = manager.create_superuser if is_superuser else manager.create_user
    user = create(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        language=language,
    )
    if password_hash is not None:
        user.password = password_hash
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def user_update_profile(*, user: User, first_name: str, last_name: str, language: str) -> User:
    """Change a person's own name and language."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.first_name = first_name
    user.last_name = last_name
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "language"])
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Store a person's language choice."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user


@transaction.atomic
def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Make a new API key for `user` and return it with the key (shown this once, stored hashed).

    Beyond MAX_API_TOKENS keys the least recently used ones are revoked.
    """
    User.objects.select_for_update().filter(pk=user.pk).first()
    key = new_key()
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:100] or "API",
        prefix=key[:PREFIX_LENGTH],
        digest=key_digest(key),
    )
    surplus = ApiToken.objects.filter(user=user).order_by(
        F("last_used_at").desc(nulls_last=True), "-created_at", "-pk"
    )[MAX_API_TOKENS:]
    ApiToken.objects.filter(pk__in=list(surplus.values_list("pk", flat=True))).delete()
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> bool:
    """Delete one of `user`'s own API keys; False when they have no such key."""
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    return bool(deleted)


@transaction.atomic
def api_tokens_revoke_all(*, user: User) -> int:
    """Delete every API key of `user` (after a password change or reset); returns how many."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def api_token_touch(*, token: ApiToken) -> None:
    """Note that `token` was used now, at most once per TOKEN_TOUCH_INTERVAL (one UPDATE, no lock)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the mail is rendered and sent by a worker after commit."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        mail = {
            "user_id": context["user"].pk,
            "uid": context["uid"],
            "token": context["token"],
            "base_url": f"{context['protocol']}://{context['domain']}",
        }
        transaction.on_commit(partial(_password_reset_mail_queue, mail))


def _password_reset_mail_queue(mail: dict) -> None:
    """Hand the reset mail to a worker; while the broker is down, send it from this process.

    The person is waiting for this mail and the page must not fail: one try at the broker
    (no publish retries that would hold the request), then SMTP directly, then a log line.
    """
    from .tasks import password_reset_mail_send

    try:
        with password_reset_mail_send.app.connection_for_write() as connection:
            if not password_reset_mail_send.app.conf.task_always_eager:
                connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)
            password_reset_mail_send.apply_async(kwargs=mail, retry=False, connection=connection)
        return
    except (OperationalError, OSError) as exc:
        logger.warning("broker unavailable, sending the reset mail in-process", extra={"error": str(exc)})
    try:
        password_reset_mail_send(**mail)
    except Exception:
        logger.exception("password-reset mail could not be sent")


def password_reset_request(*, email: str, protocol: str, domain: str) -> None:
    """Queue a reset mail for the active account with this address, if there is one."""
    form = QueuedPasswordResetForm({"email": email})
    if form.is_valid():
        form.save(domain_override=domain, use_https=protocol == "https")

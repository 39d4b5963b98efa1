"""Sign-in throttling (django-axes hooks) and the password-reset mail limit."""

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

from core.net import client_ip

logger = logging.getLogger("accounts.throttling")

RESET_WINDOW_SECONDS = 3600


def axes_username(request, credentials) -> str | None:
    """The account a sign-in attempt is for, case-folded: 'Anna@…' and 'anna@…' share one count."""
    username = (credentials or {}).get("username")
    if username is None:
        data = getattr(request, "data", None) or request.POST
        username = data.get("username") or data.get("email")
    return username.strip().lower() if isinstance(username, str) else None


def lockout_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page again, with status 429 and the waiting time, instead of axes' bare text."""
    minutes = max(1, lockout_seconds() // 60)
    response = render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(lockout_seconds())
    return response


def _counter_key(kind: str, value: str) -> str:
    # Hashed: the cache should not hold a list of e-mail addresses.
    return f"pwreset:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def _count(key: str) -> int:
    if cache.add(key, 1, RESET_WINDOW_SECONDS):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, RESET_WINDOW_SECONDS)
        return 1


def password_reset_allowed(request, email: str) -> bool:
    """Count a reset request from this client address and for this e-mail address; False past the limit.

    Callers answer the same either way, so the limit reveals nothing about accounts.
    """
    limit = settings.PASSWORD_RESET_LIMIT_PER_HOUR
    by_address = _count(_counter_key("ip", client_ip(request)))
    by_email = _count(_counter_key("email", email.strip().lower()))
    allowed = by_address <= limit and by_email <= limit
    if not allowed:
        logger.warning("password reset mail withheld: limit reached", extra={"limit": limit})
    return allowed


def locked_out_detail() -> str:
    minutes = max(1, lockout_seconds() // 60)
    return _(
        "Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in %(minutes)d Minuten erneut."
    ) % {"minutes": minutes}

"""The address of the client, as far as the configured proxies vouch for it."""

import ipaddress

from django.conf import settings


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or with N trusted proxies the Nth entry of X-Forwarded-For
    counted from the right (each proxy appends the address it was reached from).

    Entries left of that one were written by the client and are never believed.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    # Fewer entries than proxies: every entry was appended by a proxy, the leftmost is the farthest.
    candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def axes_client_ip(request) -> str:
    """django-axes asks through this hook (AXES_CLIENT_IP_CALLABLE)."""
    return client_ip(request)

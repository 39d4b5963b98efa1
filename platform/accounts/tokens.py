"""API keys: random, shown once, stored as a keyed hash (HMAC with SECRET_KEY) so a copy of the
database does not hand out working keys."""

import secrets

from django.utils.crypto import salted_hmac

PREFIX_LENGTH = 8


def new_key() -> str:
    return secrets.token_urlsafe(32)


def key_digest(key: str) -> str:
    return salted_hmac("accounts.ApiToken", key, algorithm="sha256").hexdigest()

"""Reads of people's own account data."""

from django.db.models import QuerySet

from .models import ApiToken, User


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    """The API keys of `user` (nobody sees another person's keys)."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)

"""The registry of notification kinds; domain apps register theirs in AppConfig.ready()."""

from dataclasses import dataclass

from django.utils.functional import Promise


class Preference:
    IMMEDIATE = "immediate"
    DIGEST = "digest"
    OFF = "off"
    CHOICES = [IMMEDIATE, DIGEST, OFF]


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    default: str = Preference.IMMEDIATE


_KINDS: dict[str, Kind] = {}


def register_kind(key: str, label: str | Promise, *, default: str = Preference.IMMEDIATE) -> Kind:
    """Make a kind known (idempotent for the same key)."""
    if default not in Preference.CHOICES:
        raise ValueError(f"unknown default preference {default!r} for kind {key!r}")
    kind = Kind(key=key, label=label, default=default)
    _KINDS[key] = kind
    return kind


def get_kind(key: str) -> Kind:
    try:
        return _KINDS[key]
    except KeyError:
        raise LookupError(f"notification kind {key!r} is not registered") from None


def all_kinds() -> list[Kind]:
    return sorted(_KINDS.values(), key=lambda k: k.key)

"""Tunables of the notification delivery, with defaults; tests and deployments may override them
in settings (NOTIFICATIONS_<NAME>)."""

from datetime import timedelta

from django.conf import settings

DEFAULTS = {
    # Deliveries per Celery task: one SMTP session each, so a batch is the unit two workers share.
    "BATCH_SIZE": 100,
    # Seconds to wait before the 2nd, 3rd, ... attempt after a temporary SMTP error; when
    # they are used up the delivery is marked failed for staff to look at.
    "RETRY_DELAYS": (60, 300, 1800, 7200),
    # A delivery still pending this long after it was due is queued again by the sweep.
    "SWEEP_AFTER": timedelta(minutes=3),
    # At most this many deliveries are queued again per sweep run (the rest on the next run).
    "SWEEP_LIMIT": 20_000,
    # A digest entry this old was missed by the daily run (broker down at the time): the sweep sends it.
    "DIGEST_MISSED_AFTER": timedelta(hours=25),
}


def get(name: str):
    return getattr(settings, f"NOTIFICATIONS_{name}", DEFAULTS[name])


def max_attempts() -> int:
    return len(get("RETRY_DELAYS")) + 1


def retry_delay(attempts: int) -> int:
    """Seconds before the next attempt after `attempts` failed ones."""
    delays = get("RETRY_DELAYS")
    return int(delays[min(attempts, len(delays)) - 1])

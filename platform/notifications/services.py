"""Every write of the notifications app; `notify()` is the outbox the domain apps write to.

Contract of ``notify(*, kind, recipients, subject=None, actor=None, data=None)``:

- Call it inside the transaction that makes the change. It writes one Notification (the inbox
  entry) per recipient and, per the recipient's preference for the kind, one Delivery
  (immediate email or daily digest) — in two statements however many recipients there are:
  one inserts the inbox rows of those who may see the subject (reading who they are as it
  writes), one the deliveries their preferences choose. Nothing is sent if the transaction
  rolls back; after commit a Celery task sends the emails, and a periodic sweep sends whatever
  that task missed.
- `kind` must be registered (notifications.kinds.register_kind), else LookupError.
- `recipients`: users, as a list or as a queryset; duplicates and the actor are dropped,
  inactive accounts are skipped, and so is everyone who may not see `subject`. A queryset stays
  a subquery of the read: nobody is loaded, no list of ids is sent (a forum vote's 10,000).
- `subject`: the saved model instance it is about (stored as content type and id;
  notifications never import domain models). Its model must be registered with who may see
  it (notifications.subjects.register_subject), else LookupError. Without a subject every
  recipient is kept. Who may see the subject is asked again when the email or the digest is
  sent and whenever the inbox shows it: someone who lost access in between gets nothing.
- `data`: JSON values, rendered later in each reader's language, so plain values only, never
  a translated (lazy) string. Conventions: "title" (the name of the thing, e.g. a task's
  title), "body" (optional text), "url" (a path on this site, e.g. get_absolute_url()),
  "group" (working group name) and "project" (project title) for grouping in the digest.
  Other keys are free and can be used as `{name}` in the kind's title/body.
"""

import logging
from collections.abc import Iterable, Sequence
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, models, router, transaction
from django.db.models import Case, F, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from accounts.models import User

from . import conf
from .bulk import ids_source, insert_select
from .kinds import Kind, Preference, all_kinds, get_kind
from .models import Delivery, KindPreference, Notification
from .rendering import safe_relative_url
from .subjects import get_subject, viewers_of, visible_to

logger = logging.getLogger(__name__)

# The rows are committed before anything is published: if the broker does not answer at once
# the sweep delivers later, so a request must not hang on the broker.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}


def _check_data(data: dict) -> dict:
    for key, value in data.items():
        if isinstance(value, Promise):
            raise TypeError(
                f"notify(data={{{key!r}: ...}}) got a lazy translation: pass plain values and let "
                "the kind's title/body say the sentence, so that each reader gets their own language"
            )
    if "url" in data and data["url"] and not safe_relative_url(data["url"]):
        raise ValueError(f"notify(data={{'url': ...}}) must be a path on this site, got {data['url']!r}")
    return data


def notify(
    *,
    kind: str,
    recipients: Iterable[User] | QuerySet[User],
    subject: models.Model | None = None,
    actor: User | None = None,
    data: dict | None = None,
) -> list[Notification]:
    """Write inbox rows and their deliveries in the caller's transaction; emails go out after commit."""
    registered = get_kind(kind)
    if subject is not None:
        get_subject(type(subject))
        if subject.pk is None:
            raise ValueError("notify(subject=...) must be saved: notifications point at it by its id")
    data = _check_data(dict(data or {}))
    if isinstance(recipients, QuerySet):
        if not issubclass(recipients.model, User):
            raise TypeError(
                f"notify(recipients=...) takes people, got a queryset of {recipients.model.__name__}"
            )
        # Stays a subquery of the one read below: 10,000 people are never loaded, nor listed as ids.
        people: dict[int, User] | QuerySet[User] = recipients
    else:
        people = {user.pk: user for user in recipients if user is not None and user.is_active}
        if actor is not None:
            people.pop(actor.pk, None)
        if not people:
            return []
    # Refused input raised above leaves the caller's transaction usable; from here on rows are
    # written, and without a savepoint a failure spoils the caller's transaction as it should.
    with transaction.atomic(savepoint=False):
        return _write(kind=registered, people=people, subject=subject, actor=actor, data=data)


def _candidates(
    *, kind: Kind, people: dict[int, User] | QuerySet[User], subject: models.Model | None, actor: User | None
) -> QuerySet[User]:
    """Of `people` but the actor, those still active who may see `subject`."""
    if isinstance(people, QuerySet):
        candidates = User.objects.filter(pk__in=people.values("pk"))
    else:
        candidates = User.objects.filter(pk__in=list(people))
    candidates = candidates.filter(is_active=True).order_by()
    if actor is not None:
        candidates = candidates.exclude(pk=actor.pk)
    if subject is not None:
        candidates = candidates.filter(pk__in=viewers_of(subject).values("pk"))
    return candidates


def _channel(*, kind: Kind, person: str) -> Case:
    """The delivery channel the preference of the person at `person` (a reference) chooses; NULL for none."""
    chosen = Coalesce(
        Subquery(KindPreference.objects.filter(user=OuterRef(person), kind=kind.key).values("value")[:1]),
        Value(kind.default),
    )
    return Case(
        When(Exact(chosen, Preference.IMMEDIATE.value), then=Value(Delivery.Channel.EMAIL.value)),
        When(Exact(chosen, Preference.DIGEST.value), then=Value(Delivery.Channel.DIGEST.value)),
        default=Value(None),
        output_field=models.CharField(),
    )


def _write(
    *,
    kind: Kind,
    people: dict[int, User] | QuerySet[User],
    subject: models.Model | None,
    actor: User | None,
    data: dict,
) -> list[Notification]:
    subject_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    # One row stands for all: what they share is prepared (and `data` encoded) once.
    shared = Notification(
        kind=kind.key,
        actor=actor,
        subject_type=subject_type,
        subject_id=subject.pk if subject is not None else None,
        data=data,
    )
    # Who may hear of it is read by the insert itself: one statement for the inbox rows.
    candidates = _candidates(kind=kind, people=people, subject=subject, actor=actor)
    returned = dict(
        (recipient, pk)
        for pk, recipient in insert_select(
            Notification,
            shared=shared,
            columns={"recipient_id": "n_recipient"},
            source=candidates.annotate(n_recipient=F("pk")).values("n_recipient"),
            returning=["id", "recipient_id"],
        )
    )
    if not returned:
        return []
    order = sorted(returned) if isinstance(people, QuerySet) else (pk for pk in people if pk in returned)
    ids = {recipient: returned[recipient] for recipient in order}
    # The deliveries in a second one, each row's channel chosen by its recipient's preference.
    connection = connections[router.db_for_write(Delivery)]
    written_sql, written_params = ids_source(connection, list(ids.values()))
    deliveries = insert_select(
        Delivery,
        shared=Delivery(next_attempt_at=timezone.now()),
        columns={"notification_id": "d_notification", "channel": "d_channel"},
        # A fixed subquery over one parameter, not text from outside.
        source=Notification.objects.filter(pk__in=RawSQL(written_sql, written_params))  # noqa: S611
        .annotate(d_notification=F("pk"), d_channel=_channel(kind=kind, person="recipient_id"))
        .filter(d_channel__isnull=False)
        .order_by()
        .values("d_notification", "d_channel"),
        returning=["id", "channel"],
    )
    emails = sorted(pk for pk, channel in deliveries if channel == Delivery.Channel.EMAIL)
    if emails:
        # robust: the change is committed whatever the broker does; the sweep catches up.
        transaction.on_commit(partial(email_deliveries_queue, ids=emails), robust=True)
    return _notifications(shared=shared, ids=ids, people=people)


def _notifications(*, shared: Notification, ids: dict[int, int], people: dict[int, User] | QuerySet[User]):
    """The written rows as instances, as bulk_create() returns them (without its cost per field)."""
    names = [field.attname for field in Notification._meta.concrete_fields]
    values = [getattr(shared, name) for name in names]
    recipient_at, id_at = names.index("recipient_id"), names.index("id")
    cached = [
        (field, getattr(shared, field.name))
        for field in (Notification.actor.field, Notification.subject_type.field)
    ]
    database = router.db_for_write(Notification)
    created = []
    for recipient, pk in ids.items():
        values[id_at], values[recipient_at] = pk, recipient
        note = Notification.from_db(database, names, values)
        for field, value in cached:
            field.set_cached_value(note, value)
        if not isinstance(people, QuerySet):
            Notification.recipient.field.set_cached_value(note, people[recipient])
        created.append(note)
    return created


def email_deliveries_queue(*, ids: Sequence[int], countdown: float | None = None) -> None:
    """Publish delivery tasks for these email deliveries, in batches; never raises."""
    from .tasks import deliver

    size = conf.get("BATCH_SIZE")
    for start in range(0, len(ids), size):
        batch = list(ids[start : start + size])
        try:
            deliver.apply_async(
                args=[batch], countdown=countdown, retry=True, retry_policy=PUBLISH_RETRY_POLICY
            )
        except OperationalError:
            logger.warning(
                "broker unavailable: %d deliveries wait for the sweep", len(ids) - start, exc_info=True
            )
            return


def digest_queue(*, user_ids: Iterable[int], countdown: float | None = None) -> None:
    """Publish a digest task per person; never raises."""
    from .tasks import digest_send

    for user_id in user_ids:
        try:
            digest_send.apply_async(
                args=[user_id], countdown=countdown, retry=True, retry_policy=PUBLISH_RETRY_POLICY
            )
        except OperationalError:
            logger.warning("broker unavailable: digests wait for the sweep", exc_info=True)
            return


@transaction.atomic
def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one of a person's notifications read (again harmlessly)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: User) -> int:
    """Mark all the notifications a person is shown read; returns how many were unread."""
    # What they may no longer see stays as it was, so the count agrees with the bell's.
    return Notification.objects.filter(visible_to(user), recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preferences_update(*, user: User, values: dict[str, str]) -> None:
    """Store a person's choice per kind (immediate, digest, off); unknown kinds or values are refused."""
    known = {kind.key for kind in all_kinds()}
    errors = {}
    for key, value in values.items():
        if key not in known:
            errors[key] = _("Diese Benachrichtigungsart gibt es nicht.")
        elif value not in Preference.values:
            errors[key] = _("Wählen Sie sofort, täglich oder keine E-Mail.")
    if errors:
        raise ValidationError(errors)
    KindPreference.objects.bulk_create(
        [KindPreference(user=user, kind=key, value=value) for key, value in values.items()],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["value"],
    )


@transaction.atomic
def deliveries_retry(*, ids: Iterable[int]) -> int:
    """Give failed deliveries a fresh set of attempts; they are sent after commit. Returns how many."""
    now = timezone.now()
    rows = list(
        Delivery.objects.select_for_update(of=("self",))
        .filter(pk__in=list(ids), status=Delivery.Status.FAILED)
        .values_list("pk", "channel", "notification__recipient_id")
    )
    Delivery.objects.filter(pk__in=[pk for pk, _c, _u in rows]).update(
        status=Delivery.Status.PENDING, attempts=0, next_attempt_at=now
    )
    emails = [pk for pk, channel, _u in rows if channel == Delivery.Channel.EMAIL]
    digest_users = sorted({user for _pk, channel, user in rows if channel == Delivery.Channel.DIGEST})
    transaction.on_commit(partial(email_deliveries_queue, ids=emails), robust=True)
    transaction.on_commit(partial(digest_queue, user_ids=digest_users), robust=True)
    return len(rows)

"""Who may see a notification's subject: a registry the domain apps fill in AppConfig.ready().

The outbox never imports a domain model, yet tells nobody of what they may not see. Every
model that is passed to ``notify(subject=...)`` is registered with a rule that answers, in
the database, two questions:

- ``viewers(subject)``: the people who may see this instance (a User queryset; notify() keeps
  only recipients among them, in the same query that reads their preferences);
- ``visible_ids(user)``: the primary keys of this model the person may see (a ``.values("pk")``
  queryset, or None for "all of them"; the inbox, the unread count, the digest and the email
  delivery filter on it when they show or send).

Rules for the usual cases, combinable with ``|``::

    from notifications.subjects import ObjectPermission, UserField, register_subject

    register_subject(Task, ObjectPermission(TaskGroupObjectPermission, "view_task"))
    register_subject(Invitation, UserField("invitee")
                     | ObjectPermission(BodyGroupObjectPermission, "manage_members", via="body"))
    register_subject(Ticket, UserField("roles__user") | Superusers())
    register_subject(Report, viewers=report_readers, visible_ids=report_ids)  # any two callables

``ObjectPermission`` follows core.permissions: the permission is held through a role group,
superusers see everything. Inactive people see nothing. A notification without a subject is
seen by its recipient; one whose subject model is no longer registered by nobody.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q, QuerySet

from accounts.models import User

Viewers = Callable[[Model], QuerySet]
VisibleIds = Callable[[User], QuerySet | None]


class Rule:
    """Who may see instances of one model; combine rules with ``|`` (either one suffices)."""

    model: type[Model] | None = None

    def viewers(self, subject: Model) -> QuerySet:
        raise NotImplementedError

    def visible_ids(self, user: User) -> QuerySet | None:
        raise NotImplementedError

    def id_sources(self, user: User) -> list[QuerySet] | None:
        """Subqueries whose union is `visible_ids(user)` (None: all), so callers can OR them flat."""
        ids = self.visible_ids(user)
        return None if ids is None else [ids]

    def __or__(self, other: "Rule") -> "Rule":
        return AnyOf(self, other)

    def bind(self, model: type[Model]) -> "Rule":
        self.model = model
        return self


class AnyOf(Rule):
    def __init__(self, *rules: Rule):
        self.rules = rules

    def bind(self, model: type[Model]) -> Rule:
        for rule in self.rules:
            rule.bind(model)
        return super().bind(model)

    def viewers(self, subject: Model) -> QuerySet:
        condition = Q()
        for rule in self.rules:
            condition |= Q(pk__in=rule.viewers(subject).values("pk"))
        return User.objects.filter(condition)

    def id_sources(self, user: User) -> list[QuerySet] | None:
        sources = []
        for rule in self.rules:
            more = rule.id_sources(user)
            if more is None:
                return None
            sources.extend(more)
        return sources

    def visible_ids(self, user: User) -> QuerySet | None:
        sources = self.id_sources(user)
        if sources is None:
            return None
        condition = Q()
        for ids in sources:
            condition |= Q(pk__in=ids)
        return self.model._base_manager.filter(condition).values("pk")


class ObjectPermission(Rule):
    """Those holding `codename` on the subject (or on the object at the subject's field `via`)
    through one of their groups, as guardian grants it; and superusers."""

    def __init__(self, perm_model: type[Model], codename: str, *, via: str | None = None):
        self.perm_model = perm_model
        self.codename = codename
        self.via = via

    def _targets(self, subject: Model) -> QuerySet:
        """The ids of the objects the permission is held on, as a subquery (no query of its own)."""
        return self.model._base_manager.filter(pk=subject.pk).values(self.via or "pk")

    def viewers(self, subject: Model) -> QuerySet:
        holders = self.perm_model.objects.filter(
            permission__codename=self.codename, content_object__in=self._targets(subject)
        ).values("group__user")
        return User.objects.filter(Q(pk__in=holders) | Q(is_superuser=True))

    def visible_ids(self, user: User) -> QuerySet | None:
        if user.is_superuser:
            return None
        # The user's groups as a subquery on the through table: one join fewer to plan than
        # group__user, which matters to the bell's count, asked every few seconds.
        groups = User.groups.through.objects.filter(user_id=user.pk).values("group_id")
        held = self.perm_model.objects.filter(permission__codename=self.codename, group_id__in=groups).values(
            "content_object_id"
        )
        if self.via is None:
            return held
        return self.model._base_manager.filter(**{f"{self.via}__in": held}).values("pk")


class UserField(Rule):
    """The person (or people) the subject names at `path`, e.g. "invitee" or "roles__user"."""

    def __init__(self, path: str):
        self.path = path

    def viewers(self, subject: Model) -> QuerySet:
        return User.objects.filter(pk__in=self.model._base_manager.filter(pk=subject.pk).values(self.path))

    def visible_ids(self, user: User) -> QuerySet | None:
        return self.model._base_manager.filter(**{self.path: user}).values("pk")


class Superusers(Rule):
    """Platform admins, who see everything."""

    def viewers(self, subject: Model) -> QuerySet:
        return User.objects.filter(is_superuser=True)

    def visible_ids(self, user: User) -> QuerySet | None:
        return None if user.is_superuser else self.model._base_manager.none().values("pk")


class Callables(Rule):
    def __init__(self, viewers: Viewers, visible_ids: VisibleIds):
        self._viewers = viewers
        self._visible_ids = visible_ids

    def viewers(self, subject: Model) -> QuerySet:
        return self._viewers(subject)

    def visible_ids(self, user: User) -> QuerySet | None:
        return self._visible_ids(user)


@dataclass(frozen=True)
class Subject:
    model: type[Model]
    rule: Rule


_SUBJECTS: dict[str, Subject] = {}


def _label(model: type[Model]) -> str:
    return model._meta.label_lower


def register_subject(
    model: type[Model],
    rule: Rule | None = None,
    *,
    viewers: Viewers | None = None,
    visible_ids: VisibleIds | None = None,
) -> Subject:
    """Say who may see instances of `model`: a rule, or the two callables; once per model."""
    if (rule is None) == (viewers is None or visible_ids is None):
        raise ImproperlyConfigured(
            f"register_subject({model.__name__}) takes a rule or both viewers and visible_ids"
        )
    model = model._meta.concrete_model
    if _label(model) in _SUBJECTS:
        raise ImproperlyConfigured(f"notification subject {_label(model)} is registered twice")
    subject = Subject(model=model, rule=(rule or Callables(viewers, visible_ids)).bind(model))
    _SUBJECTS[_label(model)] = subject
    return subject


def get_subject(model: type[Model]) -> Subject:
    """The registration of `model`; LookupError for a model no app registered."""
    try:
        return _SUBJECTS[_label(model._meta.concrete_model)]
    except KeyError:
        raise LookupError(
            f"notification subject {_label(model)} is not registered: "
            "call notifications.subjects.register_subject in its app's AppConfig.ready()"
        ) from None


def registered_subjects() -> list[Subject]:
    return list(_SUBJECTS.values())


def viewers_of(subject: Model) -> QuerySet:
    """The active people who may see `subject` (LookupError if its model is not registered)."""
    return get_subject(type(subject)).rule.viewers(subject).filter(is_active=True)


def sees(user: User, *, subject_type_id: int, subject_id: int) -> bool:
    """Whether `user` may see the one subject, asked of its own model's rule only (one query):
    what sending one email checks, where visible_to() would build a clause for every model."""
    if not user.is_active:
        return False
    model = ContentType.objects.get_for_id(subject_type_id).model_class()
    subject = _SUBJECTS.get(_label(model._meta.concrete_model)) if model is not None else None
    if subject is None:  # no longer registered: seen by nobody
        return False
    sources = subject.rule.id_sources(user)
    if sources is None:
        return True
    any_of = Q()
    for ids in sources:
        any_of |= Q(pk__in=ids)
    return model._default_manager.filter(any_of, pk=subject_id).exists()


def visible_to(user: User, *, prefix: str = "") -> Q:
    """A condition on Notification rows (at `prefix`, e.g. "notification__"): what `user` may see.

    One clause per registered model, each a subquery: the cost does not grow with the rows.
    """
    if not user.is_active:
        return Q(pk__in=[])
    condition = Q(**{f"{prefix}subject_type__isnull": True})
    for subject in _SUBJECTS.values():
        content_type = ContentType.objects.get_for_model(subject.model)
        sources = subject.rule.id_sources(user)
        clause = Q(**{f"{prefix}subject_type": content_type})
        if sources is not None:
            any_of = Q()
            for ids in sources:
                any_of |= Q(**{f"{prefix}subject_id__in": ids})
            clause &= any_of
        condition |= clause
    return condition

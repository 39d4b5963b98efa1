from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .errors import StateChangeRefused
from .spec import ACTIVE, Definition, State, parse_definition

if TYPE_CHECKING:
    from accounts.models import User


class WorkflowDefinition(models.Model):
    """One version of one workflow definition file, as synced; never changed afterwards."""

    key = models.CharField(_("Schlüssel"), max_length=64)
    version = models.PositiveIntegerField(_("Version"))
    checksum = models.CharField(max_length=64)
    source = models.TextField(_("Quelltext"), blank=True)
    data = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("Ablaufdefinition")
        verbose_name_plural = _("Ablaufdefinitionen")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="workflow_definition_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"

    def save(self, **kwargs) -> None:
        if not self._state.adding:
            raise StateChangeRefused("a synced definition version never changes; sync a new version instead")
        super().save(**kwargs)

    @cached_property
    def definition(self) -> Definition:
        # A version's checksum is that of its data, so one parse serves every row of it in this
        # process; lists select versions without their data (DEFINITION_DEFERRED).
        parsed = _PARSED.get(self.checksum)
        if parsed is None:
            if len(_PARSED) >= 512:
                _PARSED.clear()
            parsed = _PARSED[self.checksum] = parse_definition(self.data)
        return parsed


_PARSED: dict[str, Definition] = {}
# What a list of subjects leaves out of their selected versions: the parsed definition comes
# from the cache above, and decoding the data once per row costs more than the rest of the row.
DEFINITION_DEFERRED = ("data", "source")


# The fields the transition service alone writes (attribute names).
WORKFLOW_ATTNAMES = ("workflow_id", "state", "previous_state", "state_entered_at", "workflow_sequence")
_UNSTARTED = {
    "workflow_id": None,
    "state": "",
    "previous_state": "",
    "state_entered_at": None,
    "workflow_sequence": 0,
}
_WORKFLOW_NAMES = {*WORKFLOW_ATTNAMES, "workflow"}


class WorkflowSubject(models.Model):
    """Mixin for a model that moves through a workflow (a project, an escalation, a seal application).

    The subject implements `workflow_roles(user)` and `workflow_role_holders(role)`, and may
    override `workflow_notification_data()`. Its workflow fields are written only by
    `workflows.services`: `save()` leaves them out of every UPDATE (so a stale instance cannot
    undo a transition) and refuses to save an instance whose workflow fields were changed.
    """

    workflow = models.ForeignKey(
        WorkflowDefinition,
        verbose_name=_("Ablauf (Version)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    state = models.CharField(_("Zustand"), max_length=64, blank=True, editable=False, db_index=True)
    previous_state = models.CharField(_("vorheriger Zustand"), max_length=64, blank=True, editable=False)
    state_entered_at = models.DateTimeField(_("im Zustand seit"), null=True, blank=True, editable=False)
    workflow_sequence = models.PositiveIntegerField(
        _("Zahl der Einträge im Verlauf"), default=0, editable=False
    )

    class Meta:
        abstract = True

    def save(self, **kwargs) -> None:
        changed = self._workflow_changed()
        if changed:
            raise StateChangeRefused(
                f"{', '.join(changed)} of {type(self).__name__} #{self.pk} may only be changed by "
                "workflows.services (workflow_start, workflow_transition)"
            )
        if not (self._state.adding or self.pk is None):
            update_fields = kwargs.get("update_fields")
            if update_fields is None:
                kwargs["update_fields"] = [
                    f.name
                    for f in self._meta.concrete_fields
                    if not f.primary_key and f.attname not in WORKFLOW_ATTNAMES
                ]
            elif set(update_fields) & _WORKFLOW_NAMES:
                raise StateChangeRefused("workflow fields are written by workflows.services only")
        super().save(**kwargs)
        self._workflow_loaded = self._workflow_present()

    def workflow_roles(self, user: User) -> set[str]:
        """The workflow roles (those the subject app registered) `user` holds for this subject."""
        raise NotImplementedError(f"{type(self).__name__} must implement workflow_roles(user)")

    def workflow_role_holders(self, role: str) -> models.QuerySet[User]:
        """The active people holding `role` for this subject (for notifications and deadlines)."""
        raise NotImplementedError(f"{type(self).__name__} must implement workflow_role_holders(role)")

    def workflow_notification_data(self) -> dict[str, str]:
        """`title`, and where the subject has them `url`, `group`, `project`, for notifications."""
        return {"title": str(self)}

    def workflow_audit_scope(self) -> models.Model | None:
        """Whose audit log shows the engine's changes to this subject (e.g. a project's group)."""
        return None

    @property
    def workflow_definition(self) -> Definition | None:
        return self.workflow.definition if self.workflow_id else None

    @property
    def workflow_state(self) -> State | None:
        definition = self.workflow_definition
        return definition.states.get(self.state) if definition else None

    @property
    def state_class(self) -> str:
        """active, on_hold or terminal (see workflows.spec.state_class_of); active before the start."""
        state = self.workflow_state
        return state.state_class if state else ACTIVE

    @property
    def state_label(self) -> str:
        state = self.workflow_state
        return state.label if state else self.state

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._workflow_loaded = instance._workflow_present()
        return instance

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        loaded = getattr(self, "_workflow_loaded", {})
        for attname, value in self._workflow_present().items():
            if fields is None or attname in fields or attname.removesuffix("_id") in fields:
                loaded[attname] = value
        self._workflow_loaded = loaded

    def _workflow_present(self) -> dict[str, Any]:
        return {name: self.__dict__[name] for name in WORKFLOW_ATTNAMES if name in self.__dict__}

    def _workflow_changed(self) -> list[str]:
        inserting = self._state.adding or self.pk is None
        baseline = _UNSTARTED if inserting else getattr(self, "_workflow_loaded", {})
        return [
            name
            for name, value in self._workflow_present().items()
            if name in baseline and baseline[name] != value
        ]

    def _workflow_apply(self, values: dict[str, Any]) -> None:
        """Take over what the transition service wrote to the row (services only)."""
        for name, value in values.items():
            setattr(self, name, value)  # a new workflow_id also drops the cached definition row
        self._workflow_loaded = {**getattr(self, "_workflow_loaded", {}), **values}


def subject_models() -> list[type[WorkflowSubject]]:
    """Every installed model that is a workflow subject."""
    return [m for m in apps.get_models() if issubclass(m, WorkflowSubject)]


class TransitionRecord(models.Model):
    """One entry of a subject's history: append-only, numbered without gaps per subject."""

    class Kind(models.TextChoices):
        START = "start", _("Start")
        TRANSITION = "transition", _("Schritt")
        MIGRATION = "migration", _("Versionswechsel")

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    sequence = models.PositiveIntegerField(_("Nr."))
    kind = models.CharField(_("Art"), max_length=16, choices=Kind.choices)
    workflow = models.ForeignKey(WorkflowDefinition, on_delete=models.PROTECT, related_name="records")
    transition = models.CharField(_("Schritt"), max_length=64, blank=True)
    from_state = models.CharField(_("von"), max_length=64, blank=True)
    to_state = models.CharField(_("nach"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("durch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    comment = models.TextField(_("Kommentar"), blank=True)
    created_at = models.DateTimeField(_("am"), default=timezone.now)

    class Meta:
        ordering = ["subject_type", "subject_id", "sequence"]
        verbose_name = _("Eintrag im Ablaufverlauf")
        verbose_name_plural = _("Ablaufverlauf")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "sequence"], name="workflow_record_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.from_state or '∅'} → {self.to_state}"

    def save(self, **kwargs) -> None:
        if not self._state.adding:
            raise StateChangeRefused("the workflow history is append-only")
        super().save(**kwargs)

    def delete(self, *args, **kwargs):
        raise StateChangeRefused("the workflow history is append-only")


class DeadlineNotice(models.Model):
    """A state deadline that has been announced: at most once per state entry and kind."""

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("Erinnerung")
        ESCALATION = "escalation", _("Meldung an das Steuerteam")

    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    state = models.CharField(max_length=64)
    state_entered_at = models.DateTimeField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Fristmeldung")
        verbose_name_plural = _("Fristmeldungen")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "state_entered_at", "kind"],
                name="workflow_deadline_once_per_state_entry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.state} ({self.subject_type_id}:{self.subject_id})"

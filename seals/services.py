"""Every write to seal applications and seals: apply, state, evidence, review, propose, decide,
revoke, expire; and an organisation's logo (checked like evidence)."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from audit.services import audit_record
from core.errors import Conflict
from core.storage import private_storage
from notifications.services import notify
from workflows.models import TransitionRecord
from workflows.roles import role_holders
from workflows.services import workflow_start, workflow_transition

from . import permissions
from .models import WORKFLOW_KEY, Application, Criterion, CriterionReview, Decision, Evidence, Seal, Statement
from .uploads import EVIDENCE_TYPES, LOGO_TYPES, check_upload

KIND_SUBMITTED = "seal_submitted"
KIND_IN_REVIEW = "seal_in_review"
KIND_INFORMATION_REQUESTED = "seal_information_requested"
KIND_AWARDED = "seal_awarded"
KIND_REFUSED = "seal_refused"
KIND_REVOKED = "seal_revoked"
KIND_EXPIRED = "seal_expired"
KIND_NEW_SUBMISSION = "seal_new_submission"
KIND_RESUBMITTED = "seal_resubmitted"
KIND_AWAITING_CONFIRMATION = "seal_awaiting_confirmation"
OPEN_STATES = ("draft", "submitted", "in_review", "information_requested")


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("workflow", "organisation")
        .get(pk=application.pk)
    )


def _staff(application: Application):
    return role_holders(subject=application, roles=["staff"])


def _company(application: Application):
    return role_holders(subject=application, roles=["applicant"])


def _data(application: Application, **extra) -> dict:
    return {**application.workflow_notification_data(), **extra}


@transaction.atomic
def application_create(*, organisation: Organisation, actor: User, renews: Seal | None = None) -> Application:
    """A company's person starts an application (or a renewal) as a draft with four empty statements."""
    if not permissions.may_apply(actor, organisation):
        raise PermissionDenied
    # Lock the organisation: two clicks on "apply" must not open two applications.
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    if Application.objects.filter(organisation=organisation, state__in=OPEN_STATES).exists():
        raise Conflict(_("Für diese Organisation läuft bereits ein Antrag; bitte führen Sie ihn fort."))
    if renews is not None:
        if renews.organisation_id != organisation.pk:
            raise ValidationError(
                {"renews": _("Verlängert werden kann nur ein Siegel der eigenen Organisation.")}
            )
        if renews.status_on(timezone.localdate()) not in (Seal.Status.VALID, Seal.Status.PENDING):
            raise ValidationError(
                {"renews": _("Verlängern lässt sich nur ein gültiges Siegel, vor seinem Ablauf.")}
            )
    elif Seal.objects.filter(
        organisation=organisation, revoked_at__isnull=True, valid_until__gte=timezone.localdate()
    ).exists():
        raise ValidationError(
            {
                "renews": _(
                    "Die Organisation trägt das Siegel bereits; stellen Sie einen Antrag auf Verlängerung."
                )
            }
        )
    application = Application.objects.create(organisation=organisation, applicant=actor, renews=renews)
    Statement.objects.bulk_create(
        [Statement(application=application, criterion=criterion) for criterion in Criterion.values]
    )
    audit_record(
        actor=actor,
        action="seal_application.created",
        subject=application,
        scope=organisation,
        after={"organisation": organisation.pk, "renews": renews.pk if renews else None},
    )
    workflow_start(subject=application, key=WORKFLOW_KEY, actor=actor)
    return application


@transaction.atomic
def statements_update(*, application: Application, actor: User, texts: dict[str, str]) -> Application:
    """The company writes its statements on the criteria (while the application is with it)."""
    application = _locked(application)
    if not permissions.may_view(actor, application):
        raise PermissionDenied
    if not permissions.may_edit(actor, application):
        raise Conflict(
            _("Der Antrag liegt zur Prüfung bei der Geschäftsstelle und kann nicht geändert werden.")
        )
    unknown = set(texts) - set(Criterion.values)
    if unknown:
        raise ValidationError({name: _("Unbekanntes Kriterium.") for name in sorted(unknown)})
    too_long = {c: _("Höchstens 5000 Zeichen.") for c, t in texts.items() if len(t or "") > 5000}
    if too_long:
        raise ValidationError(too_long)
    for criterion, text in texts.items():
        Statement.objects.update_or_create(
            application=application, criterion=criterion, defaults={"text": (text or "").strip()}
        )
    Application.objects.filter(pk=application.pk).update(updated_at=timezone.now())
    return application


@transaction.atomic
def evidence_add(*, application: Application, actor: User, criterion: str, upload: UploadedFile) -> Evidence:
    """Attach a file to one criterion: checked by content and size first, stored under a random name
    in private storage; a refused file leaves nothing behind."""
    application = _locked(application)
    if not permissions.may_view(actor, application):
        raise PermissionDenied
    if not permissions.may_edit(actor, application):
        raise Conflict(_("Nachweise lassen sich nur ergänzen, solange der Antrag beim Unternehmen liegt."))
    if criterion not in Criterion.values:
        raise ValidationError({"criterion": _("Bitte ein Kriterium wählen.")})
    try:
        checked = check_upload(upload, allowed=EVIDENCE_TYPES, max_bytes=settings.SEAL_EVIDENCE_MAX_BYTES)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None
    storage = private_storage()
    path = storage.save(f"seals/evidence/{timezone.now():%Y}/{uuid.uuid4().hex}{checked.extension}", upload)
    # The file is written before the row: if writing the row fails, the file goes again.
    try:
        evidence = Evidence.objects.create(
            application=application,
            criterion=criterion,
            file=path,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        audit_record(
            actor=actor,
            action="seal_evidence.added",
            subject=application,
            scope=application.organisation,
            after={"criterion": criterion, "name": checked.name, "sha256": checked.sha256},
        )
    except BaseException:
        storage.delete(path)
        raise
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, actor: User) -> None:
    """The company removes a file it no longer wants to submit."""
    application = _locked(evidence.application)
    if not permissions.may_view(actor, application):
        raise PermissionDenied
    if not permissions.may_edit(actor, application):
        raise Conflict(_("Nachweise lassen sich nur ändern, solange der Antrag beim Unternehmen liegt."))
    path = evidence.file.name
    evidence.delete()
    audit_record(
        actor=actor,
        action="seal_evidence.deleted",
        subject=application,
        scope=application.organisation,
        before={"criterion": evidence.criterion, "name": evidence.name},
    )
    transaction.on_commit(lambda: private_storage().delete(path))


def _may_review_or_raise(actor: User, application: Application) -> None:
    if not permissions.may_view(actor, application) or not permissions.is_staff(actor):
        raise PermissionDenied
    if application.state != "in_review":
        raise Conflict(_("Der Antrag ist nicht (mehr) in Prüfung."))


def _clear_proposal(application: Application) -> None:
    Application.objects.filter(pk=application.pk).update(
        proposed_decision="", proposed_by=None, proposed_at=None, proposal_comment=""
    )
    application.proposed_decision, application.proposed_by, application.proposed_at = "", None, None
    application.proposal_comment = ""


@transaction.atomic
def criterion_review_set(
    *, application: Application, actor: User, criterion: str, met: bool, comment: str = ""
) -> CriterionReview:
    """Staff record a finding on one criterion; a changed finding withdraws an open proposal."""
    application = _locked(application)
    _may_review_or_raise(actor, application)
    if criterion not in Criterion.values:
        raise ValidationError({"criterion": _("Bitte ein Kriterium wählen.")})
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError({"comment": _("Höchstens 2000 Zeichen.")})
    if not met and not comment:
        raise ValidationError({"comment": _("Bitte begründen Sie, warum das Kriterium nicht erfüllt ist.")})
    review, _created = CriterionReview.objects.update_or_create(
        application=application,
        criterion=criterion,
        defaults={"met": met, "comment": comment, "reviewer": actor},
    )
    if application.proposed_decision:
        _clear_proposal(application)
    audit_record(
        actor=actor,
        action="seal_application.criterion_reviewed",
        subject=application,
        scope=application.organisation,
        after={"criterion": criterion, "met": met, "comment": comment},
    )
    return review


def decision_from_findings(application: Application) -> str | None:
    """award when all four criteria are met, refuse when one is not, None while one is unreviewed."""
    findings = dict(application.criterion_reviews.values_list("criterion", "met"))
    if set(findings) != set(Criterion.values):
        return None
    return Decision.AWARD if all(findings.values()) else Decision.REFUSE


@transaction.atomic
def application_propose(
    *, application: Application, actor: User, decision: str, comment: str = ""
) -> Application:
    """The reviewer proposes award or refusal (from the findings); another member of staff confirms."""
    application = _locked(application)
    _may_review_or_raise(actor, application)
    expected = decision_from_findings(application)
    if expected is None:
        raise ValidationError(
            {"decision": _("Erst alle vier Kriterien prüfen, dann die Entscheidung vorschlagen.")}
        )
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Bitte Verleihen oder Ablehnen wählen.")})
    if decision != expected:
        raise ValidationError(
            {
                "decision": _("Verliehen wird nur, wenn alle vier Kriterien erfüllt sind.")
                if decision == Decision.AWARD
                else _("Alle Kriterien sind erfüllt: Eine Ablehnung ist so nicht begründet.")
            }
        )
    comment = (comment or "").strip()[:2000]
    if decision == Decision.REFUSE and not comment:
        raise ValidationError({"comment": _("Bitte begründen Sie den Vorschlag, den Antrag abzulehnen.")})
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(
        proposed_decision=decision, proposed_by=actor, proposed_at=now, proposal_comment=comment
    )
    application.proposed_decision, application.proposed_by, application.proposed_at = decision, actor, now
    application.proposal_comment = comment
    audit_record(
        actor=actor,
        action="seal_application.proposed",
        subject=application,
        scope=application.organisation,
        after={"decision": decision, "comment": comment},
    )
    notify(
        kind=KIND_AWAITING_CONFIRMATION,
        recipients=_staff(application),
        subject=application,
        actor=actor,
        data=_data(application, decision=decision, comment=comment),
    )
    return application


@transaction.atomic
def application_transition(
    *, application: Application, actor: User, name: str, comment: str = "", expected_state: str | None = None
) -> TransitionRecord:
    """Submit, start the review, ask back, confirm (award / refuse), withdraw: through the engine."""
    if not permissions.may_view(actor, application):
        raise PermissionDenied
    return workflow_transition(
        subject=application, name=name, actor=actor, comment=comment, expected_state=expected_state
    )


def on_submitted(*, application: Application, actor: User | None, from_state: str) -> None:
    """(Effect of submit.) A receipt for the company, a note for staff; an old proposal no longer holds."""
    if application.proposed_decision:
        _clear_proposal(application)
    notify(
        kind=KIND_SUBMITTED,
        recipients=_company(application),
        subject=application,
        actor=actor,
        data=_data(application),
    )
    notify(
        kind=KIND_RESUBMITTED if from_state == "information_requested" else KIND_NEW_SUBMISSION,
        recipients=_staff(application),
        subject=application,
        actor=actor,
        data=_data(application),
    )


def on_review_started(*, application: Application, actor: User | None) -> None:
    notify(
        kind=KIND_IN_REVIEW,
        recipients=_company(application),
        subject=application,
        actor=actor,
        data=_data(application),
    )


def on_information_requested(*, application: Application, actor: User | None, comment: str) -> None:
    if application.proposed_decision:
        _clear_proposal(application)
    notify(
        kind=KIND_INFORMATION_REQUESTED,
        recipients=_company(application),
        subject=application,
        actor=actor,
        data=_data(application, comment=comment),
    )


def seal_period(*, renews: Seal | None, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From today (a renewal: the day after the old seal ends) for SEAL_VALIDITY_DAYS days."""
    start = today
    if renews is not None and renews.revoked_at is None and renews.valid_until >= today:
        start = renews.valid_until + datetime.timedelta(days=1)
    return start, start + datetime.timedelta(days=settings.SEAL_VALIDITY_DAYS - 1)


def on_awarded(*, application: Application, actor: User | None, comment: str) -> Seal:
    """(Effect of award.) The seal is created and the company told."""
    valid_from, valid_until = seal_period(renews=application.renews, today=timezone.localdate())
    seal = Seal.objects.create(
        organisation=application.organisation,
        application=application,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    audit_record(
        actor=actor,
        action="seal.awarded",
        subject=seal,
        scope=application.organisation,
        after={"valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat()},
    )
    notify(
        kind=KIND_AWARDED,
        recipients=_company(application),
        subject=application,
        actor=actor,
        data=_data(application, valid_from=valid_from.isoformat(), valid_until=valid_until.isoformat()),
    )
    return seal


def on_refused(*, application: Application, actor: User | None, comment: str) -> None:
    notify(
        kind=KIND_REFUSED,
        recipients=_company(application),
        subject=application,
        actor=actor,
        data=_data(application, comment="\n\n".join(c for c in (application.proposal_comment, comment) if c)),
    )


def _holders(seal: Seal):
    """The holder's active people, who hear of a revocation or the end of their seal."""
    return User.objects.filter(organisation_id=seal.organisation_id, is_active=True)


@transaction.atomic
def seal_revoke(*, seal: Seal, actor: User, reason: str) -> Seal:
    """Staff revoke a seal, with a reason; the holder's people are told; the register drops it at once."""
    if not permissions.may_revoke(actor):
        raise PermissionDenied
    seal = Seal.objects.select_for_update().select_related("application", "organisation").get(pk=seal.pk)
    if seal.revoked_at is not None:
        raise Conflict(_("Dieses Siegel ist bereits entzogen."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Bitte geben Sie den Grund für den Entzug an.")})
    if len(reason) > 2000:
        raise ValidationError({"reason": _("Höchstens 2000 Zeichen.")})
    seal.revoked_at, seal.revoked_by, seal.revoke_reason = timezone.now(), actor, reason
    seal.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        actor=actor, action="seal.revoked", subject=seal, scope=seal.organisation, after={"reason": reason}
    )
    notify(
        kind=KIND_REVOKED,
        recipients=_holders(seal),
        subject=seal.application,
        actor=actor,
        data=_data(seal.application, reason=reason, verify_url=seal.get_absolute_url()),
    )
    return seal


def seals_expire(*, day: datetime.date | None = None) -> int:
    """(Daily task.) Mark seals whose validity ended before `day` as expired and tell the holders, once."""
    day = day or timezone.localdate()
    done = 0
    due = Seal.objects.filter(expired_at__isnull=True, revoked_at__isnull=True, valid_until__lt=day)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            # The conditional update is the claim: a second run (or worker) finds nothing to do.
            if not Seal.objects.filter(pk=pk, expired_at__isnull=True).update(expired_at=timezone.now()):
                continue
            seal = Seal.objects.select_related("application", "organisation").get(pk=pk)
            notify(
                kind=KIND_EXPIRED,
                recipients=_holders(seal),
                subject=seal.application,
                data=_data(seal.application, valid_until=seal.valid_until.isoformat()),
            )
            done += 1
    return done


@transaction.atomic
def organisation_logo_set(*, organisation: Organisation, actor: User, upload: UploadedFile) -> Organisation:
    """The organisation's people (or staff) set its logo: PNG or JPEG by content, at most 2 MB."""
    if not (actor.organisation_id == organisation.pk or permissions.is_staff(actor)):
        raise PermissionDenied
    try:
        checked = check_upload(upload, allowed=LOGO_TYPES, max_bytes=2 * 1024 * 1024)
    except ValidationError as exc:
        raise ValidationError({"logo": exc.messages}) from None
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    storage = private_storage()
    old = organisation.logo.name
    path = storage.save(f"logos/{uuid.uuid4().hex}{checked.extension}", upload)
    try:
        organisation.logo = path
        organisation.save(update_fields=["logo", "updated_at"])
        audit_record(
            actor=actor,
            action="organisation.logo_set",
            subject=organisation,
            after={"sha256": checked.sha256},
        )
    except BaseException:
        storage.delete(path)
        raise
    if old:
        transaction.on_commit(lambda: storage.delete(old))
    return organisation

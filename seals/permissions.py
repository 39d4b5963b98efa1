"""Who may do what with seal applications and seals: the company's people and the office's staff.

An application is seen by the organisation's active people (and the person who applied) and by
staff (the forum's staff role, or a platform admin). The company edits and submits it while it
is a draft or answers a question; staff review, propose and, as a second person, confirm.
"""

from django.db.models import Exists, Q

from accounts.models import Organisation, User
from workgroups.models import Body, Membership, Role
from workgroups.permissions import is_platform_staff

from .models import Application

EDITABLE_STATES = ("draft", "information_requested")


def staff_memberships(user: User):
    return Membership.objects.filter(
        user_id=user.pk, role=Role.STAFF, body__kind=Body.Kind.FORUM, left_at__isnull=True
    )


def visible_condition(user: User) -> Q:
    """The applications `user` may see, as one condition on Application (no query of its own)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return Q()
    mine = Q(applicant_id=user.pk)
    if user.organisation_id:
        mine |= Q(organisation_id=user.organisation_id)
    return mine | Q(Exists(staff_memberships(user)))


def is_staff(user: User) -> bool:
    return is_platform_staff(user)


def is_company_side(user: User, application: Application) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and (user.pk == application.applicant_id or user.organisation_id == application.organisation_id)
    )


def may_view(user: User, application: Application) -> bool:
    return is_company_side(user, application) or is_staff(user)


def may_apply(user: User, organisation: Organisation | None = None) -> bool:
    """A company's people apply for their own organisation (a confirmed company)."""
    organisation = organisation or getattr(user, "organisation", None)
    return (
        user.is_authenticated
        and user.is_active
        and organisation is not None
        and user.organisation_id == organisation.pk
        and organisation.kind == Organisation.Kind.COMPANY
        and organisation.is_confirmed
    )


def may_edit(user: User, application: Application) -> bool:
    """Statements and evidence: the company, while the application is with it."""
    return application.state in EDITABLE_STATES and is_company_side(user, application)


def may_review(user: User, application: Application) -> bool:
    """Findings per criterion and the proposal: staff, while the application is in review."""
    return application.state == "in_review" and is_staff(user)


def four_eyes_refusal(user: User, application: Application) -> str | None:
    """Why `user` may not confirm the decision on `application` (None: they may)."""
    from django.utils.translation import gettext as _

    if application.proposed_by_id == user.pk:
        return _("Vier-Augen-Prinzip: Wer die Entscheidung vorgeschlagen hat, kann sie nicht bestätigen.")
    if application.criterion_reviews.filter(reviewer_id=user.pk).exists():
        return _("Vier-Augen-Prinzip: Wer Kriterien geprüft hat, kann die Entscheidung nicht bestätigen.")
    return None


def may_revoke(user: User) -> bool:
    return is_staff(user)

"""Seal applications as workflow subjects: their roles, definition, guards and effects.

Roles: `applicant` (the person who applied, and the organisation's other active people),
`staff` (the business development office). Imported in SealsConfig.ready().
"""

from django.db.models import QuerySet

from accounts.models import User


def application_workflow_roles(application, user: User) -> set[str]:
    from workgroups.permissions import is_platform_staff

    roles = set()
    if user.is_authenticated and user.is_active:
        if user.pk == application.applicant_id or user.organisation_id == application.organisation_id:
            roles.add("applicant")
        if is_platform_staff(user):
            roles.add("staff")
    return roles


def application_workflow_role_holders(application, role: str) -> QuerySet[User]:
    from workgroups.models import Body, Membership, Role

    if role == "applicant":
        return User.objects.filter(pk=application.applicant_id, is_active=True)
    if role == "staff":
        staff = Membership.objects.filter(role=Role.STAFF, body__kind=Body.Kind.FORUM, left_at__isnull=True)
        return User.objects.filter(is_active=True, pk__in=staff.values("user_id"))
    return User.objects.none()

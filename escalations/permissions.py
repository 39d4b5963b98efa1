"""What each role group holds on a working group's escalations (see workgroups.permissions)."""

from workgroups.models import Body, Membership, Role
from workgroups.permissions import FORUM, SELF, STEERING, grant, related_role_groups

from .models import Escalation, EscalationGroupObjectPermission

ESCALATION_GRANTS = {
    (SELF, Role.MEMBER): ["view_escalation"],
    (SELF, Role.CHAIR): ["view_escalation", "change_escalation"],
    (STEERING, Role.MEMBER): ["view_escalation", "review_escalation"],
    (FORUM, Role.STAFF): ["view_escalation"],
}


def escalation_grant_permissions(escalation: Escalation) -> int:
    return grant(
        obj=escalation,
        perm_model=EscalationGroupObjectPermission,
        grants=ESCALATION_GRANTS,
        groups=related_role_groups(escalation.workgroup),
    )


def may_raise(user, body: Body) -> bool:
    """Raising a topic: the chair of the working group."""
    return (
        user.is_authenticated
        and user.is_active
        and body.kind == Body.Kind.WORKING_GROUP
        and Membership.objects.filter(user=user, body=body, role=Role.CHAIR, left_at__isnull=True).exists()
    )

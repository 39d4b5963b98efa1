"""Who holds what on bodies: one auth group per body and role; permissions go to those groups.

A working group's permissions reach three kinds of holder: its own members and chair, the
members of its steering team ("steering"), and the staff of the business development office
(the forum's "staff" role). Forum members reach projects only through their public summary.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from .models import Body, BodyGroupObjectPermission, Role

SELF, STEERING, FORUM = "self", "steering", "forum"

# (relation, role) -> the permissions that role group holds on a body of this kind.
BODY_GRANTS = {
    Body.Kind.WORKING_GROUP: {
        (SELF, Role.MEMBER): ["view_body"],
        (SELF, Role.CHAIR): ["view_body", "manage_members", "create_project"],
        (STEERING, Role.MEMBER): ["view_body"],
        (FORUM, Role.STAFF): ["view_body"],
    },
    Body.Kind.STEERING_TEAM: {
        (SELF, Role.MEMBER): ["view_body"],
        (FORUM, Role.STAFF): ["view_body", "manage_members"],
    },
    Body.Kind.FORUM: {
        (SELF, Role.MEMBER): ["view_body"],
        (SELF, Role.STAFF): ["view_body", "manage_members"],
    },
}


def role_group_name(body: Body, role: str) -> str:
    return f"body:{body.pk}:{role}"


def role_group(body: Body, role: str) -> Group:
    """The auth group whose members hold `role` in `body` (created on first use)."""
    group, _ = Group.objects.get_or_create(name=role_group_name(body, role))
    return group


def related_role_groups(body: Body) -> dict[tuple[str, str], Group]:
    """The role groups that a working group's permissions reach, keyed by (relation, role)."""
    groups = {(SELF, role): role_group(body, role) for role in _roles_of(body)}
    steering = body.parent if body.kind == Body.Kind.WORKING_GROUP else None
    if steering is not None:
        groups[(STEERING, Role.MEMBER)] = role_group(steering, Role.MEMBER)
    forum = Body.objects.filter(kind=Body.Kind.FORUM).first()
    if forum is not None:
        for role in (Role.MEMBER, Role.STAFF):
            groups[(FORUM, role)] = role_group(forum, role)
    return groups


def _roles_of(body: Body) -> set[str]:
    from .models import ROLES_BY_KIND

    return ROLES_BY_KIND[body.kind]


def grant(
    *, obj, perm_model, grants: dict[tuple[str, str], list[str]], groups: dict[tuple[str, str], Group]
) -> int:
    """Write the object permission rows `grants` describes for `obj` in one bulk insert."""
    content_type = ContentType.objects.get_for_model(obj)
    codenames = {c for names in grants.values() for c in names}
    permissions = {
        p.codename: p for p in Permission.objects.filter(content_type=content_type, codename__in=codenames)
    }
    rows = [
        perm_model(group=groups[key], permission=permissions[codename], content_object=obj)
        for key, names in grants.items()
        if key in groups
        for codename in names
    ]
    perm_model.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def body_grant_permissions(body: Body) -> int:
    """Grant the role groups their permissions on a new body."""
    return grant(
        obj=body,
        perm_model=BodyGroupObjectPermission,
        grants=BODY_GRANTS[body.kind],
        groups=related_role_groups(body),
    )


def is_platform_staff(user) -> bool:
    """The business development office (the forum's staff role) or a platform admin."""
    from .models import Membership

    if not user.is_authenticated or not user.is_active:
        return False
    return (
        user.is_superuser
        or Membership.objects.filter(
            user=user, role=Role.STAFF, body__kind=Body.Kind.FORUM, left_at__isnull=True
        ).exists()
    )


def may_manage_members(user, body: Body) -> bool:
    """Invite, change roles, remove: whoever holds manage_members on the body (a working group's chair)."""
    return user.is_authenticated and user.has_perm("workgroups.manage_members", body)


def may_remove_members(user, body: Body) -> bool:
    """Ending someone else's membership: who manages members, and staff, who support every group."""
    return may_manage_members(user, body) or is_platform_staff(user)


def may_view_audit(user, body: Body) -> bool:
    """A body's audit log: staff for every body, a chair (who manages members) for their own."""
    return may_remove_members(user, body)

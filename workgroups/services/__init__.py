"""Every write to bodies, memberships and invitations."""

from .bodies import body_create
from .invitations import (
    invitation_accept_by_link,
    invitation_answer,
    invitation_create,
    invitation_from_link,
    invitation_link_token,
    invitation_register,
    invitation_resend,
    invitation_withdraw,
    invitations_expire,
)
from .memberships import membership_add, membership_change_role, membership_end, memberships_end_for_user

__all__ = [
    "invitation_accept_by_link",
    "body_create",
    "invitation_answer",
    "invitation_create",
    "invitation_from_link",
    "invitation_link_token",
    "invitation_register",
    "invitation_resend",
    "invitation_withdraw",
    "invitations_expire",
    "membership_add",
    "membership_change_role",
    "membership_end",
    "memberships_end_for_user",
]

"""Who may do what with events: staff of the business development office run them, every active
signed-in person may register; anonymous visitors see the public ones."""

from workgroups.permissions import is_platform_staff

from .models import Event, Registration


def may_manage_events(user) -> bool:
    """Create, change, cancel events, invite guests, see registrations, take attendance."""
    return is_platform_staff(user)


def may_register(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def may_see_event(user, event: Event) -> bool:
    return event.is_public or (user.is_authenticated and user.is_active)


def may_cancel_registration(user, registration: Registration) -> bool:
    """The person themself, or staff (guests cancel through their link, without an account)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return registration.user_id == user.pk or may_manage_events(user)

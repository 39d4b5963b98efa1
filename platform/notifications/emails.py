"""The emails: one per notification, and the daily digest; rendered in the recipient's language.

Templates (overridable per kind through `register_kind(email_template=...)`) get this context:
`recipient`, `notification`, `message` (label, headline, body, url), `link` (absolute URL of
the thing or ''), `actor`, `preferences_url` (absolute), `site_url`.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string, select_template
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User

from .kinds import find_kind
from .models import Notification
from .rendering import Message, message_render

GENERIC = "notifications/email/notification"


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else ""


def _language(user: User) -> str:
    return user.language or settings.LANGUAGE_CODE


def _headers(**extra: str) -> dict[str, str]:
    # RFC 3834: tells auto-responders (holiday replies) not to answer.
    return {"Auto-Submitted": "auto-generated", **extra}


def _one_line(text: str, limit: int = 180) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def notification_email(notification: Notification) -> EmailMultiAlternatives:
    """The email for one notification, in its recipient's language."""
    recipient = notification.recipient
    with translation.override(_language(recipient)):
        message = message_render(notification)
        context = {
            "recipient": recipient,
            "notification": notification,
            "message": message,
            "link": _absolute(message.url),
            "actor": notification.actor,
            "preferences_url": _absolute(reverse("notifications:preferences")),
            "site_url": settings.SITE_URL,
        }
        kind = find_kind(notification.kind)
        names = [kind.email_template] if kind is not None and kind.email_template else []
        text = select_template([f"{n}.txt" for n in [*names, GENERIC]]).render(context)
        html = _optional([f"{n}.html" for n in [*names, GENERIC]], context)
    email = EmailMultiAlternatives(
        subject=_one_line(message.headline),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers=_headers(
            **{"X-Notification-Id": str(notification.pk), "Content-Language": _language(recipient)}
        ),
    )
    if html:
        email.attach_alternative(html, "text/html")
    return email


def _optional(names: list[str], context: dict) -> str:
    try:
        return select_template(names).render(context)
    except TemplateDoesNotExist:
        return ""


@dataclass
class DigestProject:
    name: str
    entries: list[Message] = field(default_factory=list)


@dataclass
class DigestGroup:
    name: str
    # The group's own news (no project) first, then its projects by name.
    entries: list[Message] = field(default_factory=list)
    projects: list[DigestProject] = field(default_factory=list)


def digest_sections(notifications: list[Notification]) -> list[DigestGroup]:
    """Group messages by working group, then project; what belongs to no group comes last."""
    by_group: dict[str, dict[str, list[Message]]] = defaultdict(lambda: defaultdict(list))
    for notification in sorted(notifications, key=lambda n: (n.created_at, n.pk)):
        group = str(notification.data.get("group") or "")
        project = str(notification.data.get("project") or "")
        by_group[group][project].append(message_render(notification))
    sections = []
    for group in sorted(by_group, key=lambda name: (name == "", name.casefold())):
        projects = by_group[group]
        sections.append(
            DigestGroup(
                name=group or _("Weitere Neuigkeiten"),
                entries=projects.pop("", []),
                projects=[
                    DigestProject(name=name, entries=projects[name])
                    for name in sorted(projects, key=str.casefold)
                ],
            )
        )
    return sections


def digest_email(recipient: User, notifications: list[Notification]) -> EmailMultiAlternatives:
    """One email with everything the person chose to receive daily, grouped by group and project."""
    with translation.override(_language(recipient)):
        count = len(notifications)
        context = {
            "recipient": recipient,
            "sections": digest_sections(notifications),
            "count": count,
            "site_url": settings.SITE_URL,
            "inbox_url": _absolute(reverse("notifications:inbox")),
            "preferences_url": _absolute(reverse("notifications:preferences")),
        }
        subject = ngettext(
            "Ihre tägliche Zusammenfassung: %(count)d Neuigkeit",
            "Ihre tägliche Zusammenfassung: %(count)d Neuigkeiten",
            count,
        ) % {"count": count}
        text = render_to_string("notifications/email/digest.txt", context)
        html = get_template("notifications/email/digest.html").render(context)
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
        headers=_headers(
            **{
                "X-Notification-Digest": ", ".join(str(n.pk) for n in notifications),
                "Content-Language": _language(recipient),
            }
        ),
    )
    email.attach_alternative(html, "text/html")
    return email

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .models import User


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def password_reset_mail_send(*, user_id: int, uid: str, token: str, base_url: str) -> None:
    """Send the reset link in the person's own language."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    with translation.override(user.language):
        link = base_url + reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
        context = {"user": user, "link": link}
        subject = render_to_string("accounts/email/password_reset_subject.txt", context).strip()
        body = render_to_string("accounts/email/password_reset.txt", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.send()

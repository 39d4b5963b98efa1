"""Every write to people and organisations."""

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import Organisation, User


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    organisation: Organisation | None = None,
    language: str = settings.LANGUAGE_CODE,
    is_superuser: bool = False,
    password_hash: str | None = None,
) -> User:
    """Create a person; without a password the account can only be entered via password reset.

    `password_hash` (an already hashed password) lets bulk creation hash a shared password once.
    """
    manager = User.objects
    create = manager.create_superuser if is_superuser else manager.create_user
    user = create(
        email=email,
        password=password,
        first_name=first_name,
        last_name=last_name,
        organisation=organisation,
        language=language,
    )
    if password_hash is not None:
        user.password = password_hash
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def user_update_profile(*, user: User, first_name: str, last_name: str, language: str) -> User:
    """Change a person's own name and language."""
    user = User.objects.select_for_update().get(pk=user.pk)
    user.first_name = first_name
    user.last_name = last_name
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["first_name", "last_name", "language"])
    return user


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Store a person's language choice."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"unknown language {language!r}")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language
    return user


def user_token_get_or_create(*, user: User) -> str:
    """The person's API token, created on first use."""
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form, but the mail is rendered and sent by a worker after commit."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from .tasks import password_reset_mail_send

        password_reset_mail_send.delay_on_commit(
            user_id=context["user"].pk,
            uid=context["uid"],
            token=context["token"],
            base_url=f"{context['protocol']}://{context['domain']}",
        )


def password_reset_request(*, email: str, protocol: str, domain: str) -> None:
    """Queue a reset mail for the active account with this address, if there is one."""
    form = QueuedPasswordResetForm({"email": email})
    if form.is_valid():
        form.save(domain_override=domain, use_https=protocol == "https")

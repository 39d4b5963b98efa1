"""Invitations of addresses without an account: a mail through the outbox, a signed link that
expires and works once, registration through it, and the chair's view of every invitation."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Organisation, User
from audit.models import AuditEntry
from tests.factories import OrganisationFactory
from workgroups import mail as invitation_mail
from workgroups.models import Invitation, InvitationMail, Membership, Role
from workgroups.services import invitation_create, invitation_resend, invitation_withdraw, invitations_expire

NEW = "neu.person@example.org"
PASSWORD = "Kaiserpfalz-2015!"


def _invite(world, capture, *, email=NEW, role=Role.MEMBER) -> tuple[Invitation, str]:
    with capture(execute=True):
        invitation = invitation_create(
            body=world.group, invitee_email=email, role=role, actor=world.people["chair"]
        )
    return invitation, _link_in_last_mail(email)


def _link_in_last_mail(email: str) -> str:
    message = [m for m in mail.outbox if m.to == [email]][-1]
    return re.search(r"https?://\S+(/groups/join/\S+/)", message.body).group(1)


def _register(client, link, **overrides):
    data = {
        "first_name": "Nora",
        "last_name": "Neumann",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "organisation": "",
        "organisation_name": "Printen Manufaktur Aachen",
        "language": "de",
        **overrides,
    }
    return client.post(link, data)


def test_a_new_address_gets_a_mail_registers_through_the_link_and_is_a_member(
    world, client, django_capture_on_commit_callbacks
):
    invitation, link = _invite(world, django_capture_on_commit_callbacks, role=Role.CHAIR)
    assert InvitationMail.objects.get(invitation=invitation).status == InvitationMail.Status.SENT
    message = mail.outbox[-1]
    assert "AG Fachkräfte" in message.subject and "Chair" in message.body

    page = client.get(link)
    assert page.status_code == 200 and NEW in page.content.decode()
    response = _register(client, link)
    assert response.status_code == 302 and response["Location"] == world.group.get_absolute_url()

    user = User.objects.get(email=NEW)
    assert user.check_password(PASSWORD) and user.get_full_name() == "Nora Neumann"
    assert Membership.objects.filter(
        body=world.group, user=user, role=Role.CHAIR, left_at__isnull=True
    ).exists()
    assert client.get(world.group.get_absolute_url()).status_code == 200  # signed in, sees the group
    assert user.organisation.name == "Printen Manufaktur Aachen" and not user.organisation.is_confirmed
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED and invitation.invitee == user
    actions = set(AuditEntry.objects.filter(scope_id=world.group.pk).values_list("action", flat=True))
    assert {"invitation.created", "invitation.accepted", "membership.joined"} <= actions


def test_the_link_works_once(world, client, django_capture_on_commit_callbacks):
    _invitation, link = _invite(world, django_capture_on_commit_callbacks)
    assert _register(client, link).status_code == 302
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "bereits angenommen" in again.content.decode()
    second = _register(client, link, first_name="Mallory")
    assert second.status_code == 410
    assert User.objects.filter(email=NEW).count() == 1


def test_an_expired_link_is_refused_with_a_reason_and_the_expiry_is_recorded(
    world, client, django_capture_on_commit_callbacks
):
    invitation, link = _invite(world, django_capture_on_commit_callbacks)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.get(link)
    assert response.status_code == 410 and "abgelaufen" in response.content.decode()
    assert _register(client, link).status_code == 410
    assert not User.objects.filter(email=NEW).exists()

    assert invitations_expire() == 1
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.EXPIRED
    assert AuditEntry.objects.filter(
        action="invitation.expired", subject_id=invitation.pk, actor=None
    ).exists()


def test_the_signature_expires_too(world, client, django_capture_on_commit_callbacks, settings):
    _invitation, link = _invite(world, django_capture_on_commit_callbacks)
    settings.INVITATION_MAX_AGE_DAYS = 0
    response = client.get(link)
    assert response.status_code == 410 and "abgelaufen" in response.content.decode()


def test_a_withdrawn_invitations_link_is_refused(world, client, django_capture_on_commit_callbacks):
    invitation, link = _invite(world, django_capture_on_commit_callbacks)
    chair = client.__class__()
    chair.force_login(world.people["chair"])
    assert chair.post(f"/groups/invitations/{invitation.pk}/withdraw/").status_code == 302
    response = client.get(link)
    assert response.status_code == 410 and "zurückgezogen" in response.content.decode()
    assert AuditEntry.objects.filter(action="invitation.withdrawn", subject_id=invitation.pk).exists()


def test_resending_kills_the_old_link_and_the_new_one_works(
    world, client, django_capture_on_commit_callbacks
):
    invitation, old_link = _invite(world, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_resend(invitation=invitation, actor=world.people["chair"])
    new_link = _link_in_last_mail(NEW)
    assert new_link != old_link
    response = client.get(old_link)
    assert response.status_code == 410 and "ersetzt" in response.content.decode()
    assert _register(client, new_link).status_code == 302
    assert AuditEntry.objects.filter(action="invitation.resent", subject_id=invitation.pk).exists()


def test_a_tampered_link_is_refused(world, client, django_capture_on_commit_callbacks):
    _invitation, link = _invite(world, django_capture_on_commit_callbacks)
    response = client.get(link.replace("/join/", "/join/x"))
    assert response.status_code == 410 and "ungültig" in response.content.decode()


def test_a_weak_password_is_refused_by_djangos_validators(world, client, django_capture_on_commit_callbacks):
    _invitation, link = _invite(world, django_capture_on_commit_callbacks)
    response = _register(client, link, password1="12345678", password2="12345678")
    assert response.status_code == 200
    assert "Dieses Passwort ist zu üblich." in response.content.decode()
    assert not User.objects.filter(email=NEW).exists()


def test_registration_offers_confirmed_organisations_only_until_staff_confirm(
    world, client, django_capture_on_commit_callbacks
):
    OrganisationFactory(name="Zentis")
    proposed = Organisation.objects.create(name="Vorgeschlagen GmbH", is_confirmed=False)
    _invitation, link = _invite(world, django_capture_on_commit_callbacks)
    page = client.get(link).content.decode()
    assert "Zentis" in page and "Vorgeschlagen GmbH" not in page
    refused = _register(client, link, organisation=str(proposed.pk), organisation_name="")
    assert refused.status_code == 200 and not User.objects.filter(email=NEW).exists()

    admin = client.__class__()
    admin.force_login(world.people["admin"])
    admin.post("/admin/accounts/organisation/", {"action": "confirm", "_selected_action": [proposed.pk]})
    assert Organisation.objects.get(pk=proposed.pk).is_confirmed
    assert AuditEntry.objects.filter(action="organisation.confirmed", subject_id=proposed.pk).exists()
    assert "Vorgeschlagen GmbH" in client.get(link).content.decode()


def test_someone_with_an_account_accepts_as_before(world, client, django_capture_on_commit_callbacks):
    outsider = world.people["outsider"]
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            body=world.group, invitee_email=outsider.email, role=Role.MEMBER, actor=world.people["chair"]
        )
    assert invitation.invitee == outsider and not InvitationMail.objects.exists()
    client.force_login(outsider)
    client.post(f"/groups/invitations/{invitation.pk}/answer/", {"accept": "0"})
    assert AuditEntry.objects.filter(action="invitation.declined", subject_id=invitation.pk).exists()


def test_the_member_page_shows_every_invitation_with_its_status(
    world, client, django_capture_on_commit_callbacks
):
    chair = world.people["chair"]
    open_one, _ = _invite(world, django_capture_on_commit_callbacks, email="offen@example.org")
    withdrawn, _ = _invite(world, django_capture_on_commit_callbacks, email="weg@example.org")
    invitation_withdraw(invitation=withdrawn, actor=chair)
    expired, _ = _invite(world, django_capture_on_commit_callbacks, email="alt@example.org")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    declined = invitation_create(
        body=world.group, invitee_email=world.people["outsider"].email, role=Role.MEMBER, actor=chair
    )
    client.force_login(world.people["outsider"])
    client.post(f"/groups/invitations/{declined.pk}/answer/", {"accept": "0"})
    client.force_login(chair)
    page = client.get(world.group.get_absolute_url()).content.decode()
    row = re.compile(r'<tr>\s*<td>([^<]+)</td>\s*<td>[^<]*</td>\s*<td><span class="badge">([^<]+)</span>')
    rows = {m.group(1): m.group(2) for m in row.finditer(page)}
    assert rows["offen@example.org"] == "offen"
    assert rows["weg@example.org"] == "zurückgezogen"
    assert rows["alt@example.org"] == "abgelaufen"
    assert rows["Outsider " + world.people["outsider"].last_name] == "abgelehnt"
    member_page = client.__class__()
    member_page.force_login(world.people["member"])
    assert "offen@example.org" not in member_page.get(world.group.get_absolute_url()).content.decode()


def test_the_mail_goes_out_after_commit_and_the_sweep_catches_up(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the task was lost: the broker never ran it
        invitation = invitation_create(
            body=world.group, invitee_email=NEW, role=Role.MEMBER, actor=world.people["chair"]
        )
    row = InvitationMail.objects.get(invitation=invitation)
    assert row.status == InvitationMail.Status.PENDING and not mail.outbox
    assert invitation_mail.invitation_mails_sweep() == []  # not overdue yet
    overdue = timezone.now() - invitation_mail.SWEEP_AFTER - datetime.timedelta(seconds=1)
    InvitationMail.objects.filter(pk=row.pk).update(next_attempt_at=overdue)
    ids = invitation_mail.invitation_mails_sweep()
    assert ids == [row.pk]
    invitation_mail.invitation_mails_send(ids=ids)
    invitation_mail.invitation_mails_send(ids=ids)  # a second run sends nothing
    assert len([m for m in mail.outbox if m.to == [NEW]]) == 1


def test_a_mail_for_a_withdrawn_invitation_is_not_sent(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        invitation = invitation_create(
            body=world.group, invitee_email=NEW, role=Role.MEMBER, actor=world.people["chair"]
        )
    invitation_withdraw(invitation=invitation, actor=world.people["chair"])
    row = InvitationMail.objects.get(invitation=invitation)
    invitation_mail.invitation_mails_send(ids=[row.pk])
    assert InvitationMail.objects.get(pk=row.pk).status == InvitationMail.Status.SKIPPED and not mail.outbox


def test_a_failing_mail_server_is_retried_later(world, django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BACKEND = "tests.workgroups.test_invitations.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=False):
        invitation = invitation_create(
            body=world.group, invitee_email=NEW, role=Role.MEMBER, actor=world.people["chair"]
        )
    row = InvitationMail.objects.get(invitation=invitation)
    retry = invitation_mail.invitation_mails_send(ids=[row.pk])
    row.refresh_from_db()
    assert row.status == InvitationMail.Status.PENDING and row.attempts == 1 and "refused" in row.last_error
    assert list(retry.values()) == [[row.pk]]


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        raise ConnectionRefusedError("refused")

    def close(self):
        pass


@pytest.mark.parametrize("email", ["member@example.org", "chair@example.org"])
def test_members_are_not_invited_again(world, email):
    from core.errors import DomainError

    with pytest.raises(DomainError):
        invitation_create(
            body=world.group, invitee_email=email, role=Role.MEMBER, actor=world.people["chair"]
        )

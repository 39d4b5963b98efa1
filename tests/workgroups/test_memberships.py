import pytest
from django.core.exceptions import PermissionDenied

from core.errors import DomainError
from notifications.models import Notification
from tests.factories import UserFactory
from workgroups.models import Invitation, Membership, Role
from workgroups.services import invitation_answer, invitation_create, membership_end


def test_invited_person_is_notified_accepts_and_then_sees_the_group(
    world, client, django_capture_on_commit_callbacks
):
    newcomer = UserFactory(email="neu@example.org")
    client.force_login(newcomer)
    assert client.get(world.group.get_absolute_url()).status_code == 404

    invitation = invitation_create(
        body=world.group, invitee_email="NEU@example.org", role=Role.MEMBER, actor=world.people["chair"]
    )
    assert Notification.objects.filter(recipient=newcomer, kind="membership_invitation").count() == 1
    assert "AG Fachkräfte" in client.get("/dashboard/").content.decode()

    response = client.post(f"/groups/invitations/{invitation.pk}/answer/", {"accept": "1"})
    assert response.status_code == 302
    assert client.get(world.group.get_absolute_url()).status_code == 200
    assert client.get(world.project.get_absolute_url()).status_code == 200


def test_membership_change_is_one_group_row(world):
    newcomer = UserFactory(email="neu@example.org")
    invitation = invitation_create(
        body=world.group, invitee_email=newcomer.email, role=Role.MEMBER, actor=world.people["chair"]
    )
    before = newcomer.groups.count()
    invitation_answer(invitation=invitation, actor=newcomer, accept=True)
    assert newcomer.groups.count() == before + 1


def test_member_leaves_loses_access_and_history_is_kept(world, client):
    member = world.people["member"]
    client.force_login(member)
    membership = Membership.objects.get(body=world.group, user=member, left_at__isnull=True)
    response = client.post(f"/groups/memberships/{membership.pk}/end/")
    assert response.status_code == 302
    assert client.get(world.project.get_absolute_url()).status_code == 404
    history = Membership.objects.get(pk=membership.pk)
    assert history.left_at is not None and history.joined_at < history.left_at


def test_chair_removes_a_member_but_a_member_cannot_remove_another(world):
    target = Membership.objects.get(body=world.group, user=world.people["member"])
    other = UserFactory()
    with pytest.raises(PermissionDenied):
        membership_end(membership=target, actor=other)
    membership_end(membership=target, actor=world.people["chair"])
    assert not world.people["member"].has_perm("projects.view_project", world.project)


def test_member_can_rejoin_after_leaving(world):
    member = world.people["member"]
    membership_end(membership=Membership.objects.get(body=world.group, user=member), actor=member)
    invitation = invitation_create(
        body=world.group, invitee_email=member.email, role=Role.MEMBER, actor=world.people["chair"]
    )
    invitation_answer(invitation=invitation, actor=member, accept=True)
    assert Membership.objects.filter(body=world.group, user=member).count() == 2


@pytest.mark.parametrize(
    ("email", "message"),
    [("member@example.org", "bereits Mitglied"), ("chair@example.org", "bereits Mitglied")],
)
def test_invitation_refusals_say_why(world, client, email, message):
    client.force_login(world.people["chair"])
    response = client.post(world.group.get_absolute_url(), {"email": email, "role": "member"})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_second_open_invitation_is_refused(world):
    newcomer = UserFactory(email="neu@example.org")
    invitation_create(
        body=world.group, invitee_email=newcomer.email, role=Role.MEMBER, actor=world.people["chair"]
    )
    with pytest.raises(DomainError):
        invitation_create(
            body=world.group, invitee_email=newcomer.email, role=Role.MEMBER, actor=world.people["chair"]
        )


def test_only_the_invitee_answers_and_only_once(world):
    newcomer = UserFactory(email="neu@example.org")
    invitation = invitation_create(
        body=world.group, invitee_email=newcomer.email, role=Role.MEMBER, actor=world.people["chair"]
    )
    with pytest.raises(PermissionDenied):
        invitation_answer(invitation=invitation, actor=world.people["member"], accept=True)
    invitation_answer(invitation=invitation, actor=newcomer, accept=False)
    assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.DECLINED
    with pytest.raises(DomainError):
        invitation_answer(invitation=invitation, actor=newcomer, accept=True)


def test_api_leave_and_invitation_accept(world, api_client):
    newcomer = UserFactory(email="neu@example.org")
    api_client.force_authenticate(world.people["chair"])
    created = api_client.post(
        "/api/v1/invitations/", {"body": world.group.slug, "email": newcomer.email}, format="json"
    )
    assert created.status_code == 201
    api_client.force_authenticate(newcomer)
    assert api_client.post(f"/api/v1/invitations/{created.json()['id']}/accept/").status_code == 200
    membership = api_client.get(
        f"/api/v1/memberships/?body__slug={world.group.slug}&user={newcomer.pk}"
    ).json()
    (row,) = membership["results"]
    assert api_client.delete(f"/api/v1/memberships/{row['id']}/").status_code == 204
    assert api_client.get(f"/api/v1/bodies/{world.group.slug}/").status_code == 404


@pytest.mark.parametrize(
    ("kind", "parent"),
    [("working_group", "forum"), ("steering_team", None), ("working_group", None), ("forum", "forum")],
)
def test_bodies_sit_where_the_structure_says(world, kind, parent):
    from django.core.exceptions import ValidationError

    from workgroups.services import body_create

    with pytest.raises(ValidationError):
        body_create(kind=kind, name="X", slug="x", parent=world.forum if parent else None)

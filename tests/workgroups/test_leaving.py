"""Leaving a working group, by every path, takes everything with it in one transaction.

For each way of leaving, the person's API token and browser session afterwards find the
group's projects, tasks and comments gone (404), cannot write to them, no longer follow the
task, are no longer its assignee, and neither a new comment nor a due-date reminder reaches them.
"""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_create
from audit.models import AuditEntry
from notifications.delivery import digest_send
from notifications.models import Delivery, Notification
from notifications.reminders import reminders_send
from notifications.services import preferences_update
from projects.models import Comment, Task
from projects.services import comment_create, task_update
from workgroups.models import Membership

WAYS = ["member_api", "member_ui", "chair_ui", "chair_api", "staff_ui", "admin_action", "deactivation"]
EXPECTED_ACTION = {
    "member_api": "membership.left",
    "member_ui": "membership.left",
    "chair_ui": "membership.removed",
    "chair_api": "membership.removed",
    "staff_ui": "membership.removed",
    "admin_action": "membership.removed",
    "deactivation": "membership.ended_account_deactivated",
}


def _leave(way, world, membership, client_factory):
    people = world.people
    if way == "member_api":
        api = APIClient()
        api.force_authenticate(people["member"])
        assert api.delete(f"/api/v1/memberships/{membership.pk}/").status_code == 204
    elif way == "chair_api":
        api = APIClient()
        api.force_authenticate(people["chair"])
        assert api.delete(f"/api/v1/memberships/{membership.pk}/").status_code == 204
    elif way in ("member_ui", "chair_ui", "staff_ui"):
        client = client_factory()
        client.force_login(people[way.removesuffix("_ui")])
        assert client.post(f"/groups/memberships/{membership.pk}/end/").status_code == 302
    elif way == "admin_action":
        client = client_factory()
        client.force_login(people["admin"])
        response = client.post(
            "/admin/workgroups/membership/",
            {"action": "end_membership", "_selected_action": [membership.pk]},
        )
        assert response.status_code == 302
    elif way == "deactivation":
        client = client_factory()
        client.force_login(people["admin"])
        response = client.post(
            "/admin/accounts/user/", {"action": "deactivate", "_selected_action": [people["member"].pk]}
        )
        assert response.status_code == 302
    else:  # pragma: no cover - a new way must be added above
        raise AssertionError(way)


@pytest.mark.parametrize("way", WAYS)
def test_leaving_revokes_access_follows_assignments_and_notifications(
    way, world, client_factory, django_capture_on_commit_callbacks
):
    member, chair = world.people["member"], world.people["chair"]
    task, project = world.task, world.project
    # The member is the task's assignee and follower, due tomorrow: a reminder would go out.
    task_update(task=task, actor=chair, due_date=timezone.localdate() + datetime.timedelta(days=1))
    _key_row, token = api_token_create(user=member)
    token_client = APIClient()
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    session_client = client_factory()
    session_client.force_login(member)
    assert token_client.get(f"/api/v1/tasks/{task.pk}/").status_code == 200
    assert session_client.get(task.get_absolute_url()).status_code == 200
    assert task.followers.filter(pk=member.pk).exists()
    membership = Membership.objects.get(body=world.group, user=member, left_at__isnull=True)
    # A comment while still a member waits for the daily digest, which goes out after leaving.
    preferences_update(user=member, values={"task_comment": "digest"})
    comment_create(task=task, actor=chair, body="Entwurf vor dem Austritt")
    assert Delivery.objects.filter(
        notification__recipient=member, channel="digest", status="pending"
    ).exists()

    _leave(way, world, membership, client_factory)

    membership.refresh_from_db()
    assert membership.left_at is not None
    reads = [
        f"/api/v1/tasks/{task.pk}/",
        f"/api/v1/comments/{world.comment.pk}/",
        f"/api/v1/projects/{project.pk}/",
    ]
    pages = [task.get_absolute_url(), project.get_absolute_url(), world.group.get_absolute_url()]
    if way == "deactivation":
        # The token is revoked (refused as unknown) and the session no longer signs anyone in.
        answers = [token_client.get(url) for url in reads]
        assert all(a.status_code in (401, 403) and "API-Schlüssel" in a.json()["detail"] for a in answers)
        assert all(session_client.get(url).status_code == 302 for url in pages)
    else:
        assert [token_client.get(url).status_code for url in reads] == [404, 404, 404]
        assert [session_client.get(url).status_code for url in pages] == [404, 404, 404]
        # Writing: the task is as unknown as a task that does not exist.
        assert (
            token_client.patch(f"/api/v1/tasks/{task.pk}/", {"status": "done"}, format="json").status_code
            == 404
        )
        assert session_client.post(f"/tasks/{task.pk}/move/", {"status": "done"}).status_code == 404
        assert (
            session_client.post(task.get_absolute_url(), {"action": "comment", "body": "x"}).status_code
            == 404
        )
        refused = token_client.post("/api/v1/comments/", {"task": task.pk, "body": "Hallo"}, format="json")
        assert refused.status_code == 400  # "no such task", the answer for one that does not exist
        assert not Comment.objects.filter(author=member).exists()
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN
    assert task.assignee is None
    assert not task.followers.filter(pk=member.pk).exists()

    before = Notification.objects.filter(recipient=member).count()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(task=task, actor=chair, body="Neuer Stand nach dem Austritt")
        reminders_send(now=timezone.now())
    digest_send(user_id=member.pk)
    assert Notification.objects.filter(recipient=member).count() == before
    assert [m.subject for m in mail.outbox if member.email in m.to] == []

    left = AuditEntry.objects.filter(
        action=EXPECTED_ACTION[way], subject_id=membership.pk, scope_id=world.group.pk
    )
    assert left.count() == 1
    assert AuditEntry.objects.filter(action="task.unassigned_member_left", subject_id=task.pk).count() == 1
    told = Notification.objects.filter(
        recipient=chair, kind="task_unassigned_member_left", subject_id=task.pk
    )
    # The chair who removed the member did it themselves and is not told again.
    assert told.count() == (0 if way.startswith("chair") else 1)


def test_a_person_who_still_sees_the_group_keeps_following(world):
    """Leaving the working group while staying in its steering team keeps what the steering team sees."""
    from workgroups.services import membership_add, membership_end

    member = world.people["member"]
    membership_add(body=world.steering, user=member)
    membership_end(
        membership=Membership.objects.get(body=world.group, user=member, left_at__isnull=True), actor=member
    )
    task = Task.objects.get(pk=world.task.pk)
    assert task.followers.filter(pk=member.pk).exists()
    assert task.assignee is None  # only members are assignees


def test_a_member_cannot_remove_another_member(world, client):
    client.force_login(world.people["member"])
    chair_membership = Membership.objects.get(body=world.group, user=world.people["chair"])
    assert client.post(f"/groups/memberships/{chair_membership.pk}/end/").status_code == 403
    assert Membership.objects.get(pk=chair_membership.pk).left_at is None


def test_an_outsider_does_not_learn_that_a_membership_exists(world, client):
    client.force_login(world.people["outsider"])
    membership = Membership.objects.get(body=world.group, user=world.people["member"])
    assert client.post(f"/groups/memberships/{membership.pk}/end/").status_code == 404
    assert client.post(f"/groups/memberships/{membership.pk}/role/", {"role": "chair"}).status_code == 404


def test_the_admin_cannot_delete_or_edit_memberships_or_toggle_is_active(world, client):
    admin_user = world.people["admin"]
    client.force_login(admin_user)
    membership = Membership.objects.get(body=world.group, user=world.people["member"])
    assert (
        client.post(f"/admin/workgroups/membership/{membership.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    response = client.post(
        "/admin/workgroups/membership/", {"action": "delete_selected", "_selected_action": [membership.pk]}
    )
    assert Membership.objects.filter(pk=membership.pk, left_at__isnull=True).exists()
    assert response.status_code in (200, 302)
    page = client.get(f"/admin/accounts/user/{world.people['member'].pk}/change/").content.decode()
    assert 'name="is_active"' not in page


def test_role_change_swaps_the_auth_group_and_is_audited(world, api_client):
    member = world.people["member"]
    membership = Membership.objects.get(body=world.group, user=member, left_at__isnull=True)
    api_client.force_authenticate(member)
    assert api_client.post(f"/api/v1/memberships/{membership.pk}/role/", {"role": "chair"}).status_code == 403
    api_client.force_authenticate(world.people["chair"])
    response = api_client.post(f"/api/v1/memberships/{membership.pk}/role/", {"role": "chair"})
    assert response.status_code == 200 and response.json()["role"] == "chair"
    member = type(member).objects.get(pk=member.pk)
    assert member.has_perm("workgroups.manage_members", world.group)
    entry = AuditEntry.objects.get(action="membership.role_changed", subject_id=membership.pk)
    assert entry.before == {"role": "member"} and entry.after["role"] == "chair"
    assert entry.actor == world.people["chair"]
    bad = api_client.post(f"/api/v1/memberships/{membership.pk}/role/", {"role": "staff"})
    assert bad.status_code == 400 and "Rolle" in bad.json()["detail"]

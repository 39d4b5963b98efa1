"""The audit trail of a body: a row for each audited action, and who may read the log (page and API)."""

import pytest
from rest_framework.test import APIClient

from accounts.lifecycle import user_deactivate
from audit.models import AuditEntry
from tests.factories import UserFactory
from workgroups.models import Membership, Role
from workgroups.services import membership_add, membership_change_role, membership_end

READERS = {"staff", "chair", "admin"}
ROLES = ["staff", "chair", "admin", "other_chair", "member", "steering", "outsider", "anonymous"]


@pytest.fixture
def audited(world):
    other_chair = UserFactory(email="other.chair@example.org")
    membership_add(body=world.other_group, user=other_chair, role=Role.CHAIR)
    world.people["other_chair"] = other_chair
    newcomer = UserFactory(email="neu@example.org")
    joined = membership_add(body=world.group, user=newcomer, actor=world.people["chair"])
    membership_change_role(membership=joined, role=Role.CHAIR, actor=world.people["chair"])
    membership_end(membership=joined, actor=world.people["staff"])
    return world


def _client(world, role) -> APIClient:
    client = APIClient()
    if world.people.get(role) is not None:
        client.force_login(world.people[role])
    return client


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_groups_audit_page(audited, role):
    response = _client(audited, role).get(f"/groups/{audited.group.slug}/audit/")
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in READERS:
        assert response.status_code == 200
        page = response.content.decode()
        assert "membership.role_changed" in page and "membership.removed" in page
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_groups_audit_api(audited, role):
    response = _client(audited, role).get(f"/api/v1/bodies/{audited.group.slug}/audit/")
    if role == "anonymous":
        assert response.status_code in (401, 403)
    elif role in READERS:
        assert response.status_code == 200
        actions = [row["action"] for row in response.json()["results"]]
        assert actions[:3] == ["membership.removed", "membership.role_changed", "membership.joined"]
    else:
        assert response.status_code == 404


def test_the_api_log_is_paginated_and_holds_only_the_bodys_rows(audited):
    newcomers = [UserFactory() for _ in range(30)]
    for person in newcomers:
        membership_end(membership=membership_add(body=audited.group, user=person), actor=person)
    membership_add(body=audited.other_group, user=newcomers[0])
    client = _client(audited, "chair")
    first = client.get(f"/api/v1/bodies/{audited.group.slug}/audit/").json()
    assert len(first["results"]) == 50 and first["next"]
    total = AuditEntry.objects.filter(scope_id=audited.group.pk, scope_type__model="body").count()
    assert first["count"] == total
    assert all(row["action"].startswith(("membership.", "invitation.", "task.")) for row in first["results"])


def test_each_membership_action_writes_one_row_with_actor_and_scope(audited):
    group = audited.group
    rows = AuditEntry.objects.filter(scope_id=group.pk, actor__isnull=False)
    by_action = {row.action: row for row in rows}
    assert by_action["membership.joined"].actor == audited.people["chair"]
    assert by_action["membership.role_changed"].before == {"role": "member"}
    assert by_action["membership.removed"].actor == audited.people["staff"]


def test_deactivation_is_audited_on_the_account_and_in_each_body(audited):
    member = audited.people["member"]
    membership_add(body=audited.other_group, user=member)
    user_deactivate(user=member, actor=audited.people["admin"])
    assert AuditEntry.objects.filter(action="account.deactivated", subject_id=member.pk).count() == 1
    ended = AuditEntry.objects.filter(action="membership.ended_account_deactivated")
    assert sorted(ended.values_list("scope_id", flat=True)) == sorted(
        [audited.group.pk, audited.other_group.pk]
    )
    assert not Membership.objects.filter(user=member, left_at__isnull=True).exists()


def test_staff_who_are_not_admins_cannot_deactivate_accounts(audited):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        user_deactivate(user=audited.people["member"], actor=audited.people["chair"])

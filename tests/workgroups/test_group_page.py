"""The group page's members list: what a chair may do per member, and what a member sees."""

import re

from workgroups.models import Membership


def _member(world, role):
    return Membership.objects.get(body=world.group, user=world.people[role], left_at__isnull=True)


def test_chair_changes_roles_and_removes_members_from_the_list(client, world):
    client.force_login(world.people["chair"])
    html = client.get(world.group.get_absolute_url()).content.decode()
    member = _member(world, "member")
    form = re.search(
        rf'<form method="post" action="/groups/memberships/{member.pk}/role/".*?</form>', html, re.S
    )
    assert form, html
    assert 'name="csrfmiddlewaretoken"' in form.group(0)
    assert re.search(r'<option value="member" selected>', form.group(0))
    assert f'for="role-{member.pk}"' in form.group(0) and "Rolle von" in form.group(0)
    assert f'action="/groups/memberships/{member.pk}/end/"' in html
    # The chair is not offered to remove themself from the list (they leave instead).
    assert f'action="/groups/memberships/{_member(world, "chair").pk}/end/" class="inline"' not in html


def test_member_sees_the_list_without_forms(client, world):
    client.force_login(world.people["member"])
    html = client.get(world.group.get_absolute_url()).content.decode()
    assert str(world.people["chair"]) in html
    assert "/role/" not in html and '/end/" class="inline"' not in html
    assert "Gremium verlassen" in html  # their own membership they end below the list

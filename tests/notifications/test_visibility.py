"""Nobody hears of what they may not see: when notified, when sent, in the digest and in the inbox.

The demo world (tests/world.py): the member is assigned the task "Fragebogen entwerfen" of the
group's project and follows it; the chair commented "Bitte bis Freitag". The member leaves the
group through the membership service, as they would on the site.
"""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import User
from notifications import reminders
from notifications.delivery import NO_ACCESS, digest_send, email_deliveries_send
from notifications.models import Delivery, Notification, ReminderSent
from notifications.reminders import Reminder, register_reminder_source, reminders_send
from notifications.services import notify, preferences_update
from notifications.subjects import get_subject, register_subject
from notifications.tasks import digests_send
from projects.models import Project, Task
from projects.services import comment_create, task_create, task_update
from tests.workflow_testapp.models import Ticket
from workgroups.models import Invitation, Membership, Role
from workgroups.permissions import role_group
from workgroups.services import invitation_create, membership_end

SECRET = "Fragebogen entwerfen"  # the task's title: what someone outside the group must not read


def _leave(world, who: str = "member") -> User:
    person = world.people[who]
    membership = Membership.objects.get(body=world.group, user=person, left_at__isnull=True)
    membership_end(membership=membership, actor=person)
    return person


def _tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


def _news(person: User) -> Notification:
    """Something without a subject: it stays theirs whatever group they are in."""
    (note,) = notify(kind="test_comment", recipients=[person], data={"title": "Forum am 24. Juni"})
    return note


def _bell(client) -> int:
    """The number the header's bell shows."""
    html = client.get("/notifications/bell/").content.decode()
    return int(re.search(r'id="notification-count"[^>]*>(\d+)<', html).group(1))


def test_every_subject_the_domain_apps_notify_about_says_who_may_see_it():
    for model in (Project, Task, Invitation, Ticket):
        assert get_subject(model).model is model
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        register_subject(Task, viewers=lambda task: User.objects.none(), visible_ids=lambda user: None)


# Who hears of the group's project and its tasks: its members and chair, its steering team,
# the business development office (forum staff) and platform admins; nobody else.
SEES_THE_GROUPS_WORK = {
    "outsider": False,
    "other_member": False,
    "member": True,
    "chair": True,
    "steering": True,
    "other_steering": False,
    "forum_member": False,
    "staff": True,
    "admin": True,
}


@pytest.mark.parametrize("subject", ["project", "task"])
@pytest.mark.parametrize(("role", "sees"), SEES_THE_GROUPS_WORK.items())
def test_who_is_notified_of_and_shown_the_groups_work(world, api_client, subject, role, sees):
    person, thing = world.people[role], getattr(world, subject)
    Notification.objects.filter(recipient=person).delete()
    created = notify(kind="test_comment", recipients=[person], subject=thing, data={"title": SECRET})
    assert bool(created) is sees
    assert sees is person.has_perm(f"projects.view_{subject}", thing)  # the site's own rule agrees

    # Written regardless (as if they had lost access since): only those who may see it are shown it.
    Notification.objects.create(recipient=person, kind="test_comment", subject=thing, data={"title": SECRET})
    api_client.force_authenticate(person)
    shown = api_client.get("/api/v1/notifications/").json()["results"]
    assert len(shown) == (2 if sees else 0)


def test_notify_refuses_a_subject_nobody_said_who_may_see(world):
    member = world.people["member"]
    before = Notification.objects.count()
    with pytest.raises(LookupError, match="workgroups.body"):
        notify(kind="task_comment", recipients=[member], subject=world.group, data={"title": "AG"})
    with pytest.raises(ValueError, match="must be saved"):
        notify(kind="task_comment", recipients=[member], subject=Task(project=world.project, title="neu"))
    assert Notification.objects.count() == before


def test_followers_who_may_not_see_the_task_hear_nothing_of_a_comment(
    world, django_capture_on_commit_callbacks
):
    people = world.people
    world.task.followers.add(people["outsider"], people["forum_member"], people["steering"], people["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(task=world.task, actor=people["chair"], body="Entwurf liegt im Ordner")

    told = set(
        Notification.objects.filter(kind="task_comment", data__body="Entwurf liegt im Ordner").values_list(
            "recipient__email", flat=True
        )
    )
    assert told == {"member@example.org", "steering@example.org", "staff@example.org"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(told)


def test_member_who_left_hears_nothing_of_a_comment_posted_afterwards(
    world, client, django_capture_on_commit_callbacks
):
    chair, steering = world.people["chair"], world.people["steering"]
    world.task.followers.add(steering)  # someone who may still see the task, for contrast
    member = _leave(world)

    with django_capture_on_commit_callbacks(execute=True):
        comment_create(task=world.task, actor=chair, body="Neuer Termin: Montag")

    assert [m.to for m in mail.outbox] == [["steering@example.org"]]
    assert not Notification.objects.filter(recipient=member, data__body="Neuer Termin: Montag").exists()
    client.force_login(member)
    assert "Montag" not in client.get("/notifications/").content.decode()


def test_member_who_left_gets_no_due_date_reminder(world, django_capture_on_commit_callbacks):
    chair = world.people["chair"]
    task_update(task=world.task, actor=chair, due_date=_tomorrow())
    task_create(project=world.project, actor=chair, title="Raum buchen", assignee=chair, due_date=_tomorrow())
    member = _leave(world)

    with django_capture_on_commit_callbacks(execute=True):
        reminders_send()

    reminded = Notification.objects.filter(kind="task_due")
    assert list(reminded.values_list("recipient__email", "data__title")) == [
        ("chair@example.org", "Raum buchen")
    ]
    assert [m.to for m in mail.outbox] == [["chair@example.org"]]
    assert not ReminderSent.objects.filter(recipient=member).exists()


def test_a_reminder_for_someone_who_may_not_see_its_subject_is_neither_sent_nor_recorded(world, monkeypatch):
    monkeypatch.setattr(reminders, "_SOURCES", {})
    outsider, member = world.people["outsider"], world.people["member"]

    def due(now):
        for person in (outsider, member):
            yield Reminder(recipient=person, kind="task_due", subject=world.task, data={"title": SECRET})

    register_reminder_source("tests.due", due)

    assert reminders_send() == 1
    assert list(Notification.objects.filter(kind="task_due").values_list("recipient", flat=True)) == [
        member.pk
    ]
    assert list(ReminderSent.objects.values_list("recipient", flat=True)) == [member.pk]


def test_member_who_left_finds_nothing_of_the_group_in_the_next_digest(
    world, django_capture_on_commit_callbacks
):
    chair, member = world.people["chair"], world.people["member"]
    preferences_update(user=member, values={"task_comment": "digest", "test_comment": "digest"})
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(task=world.task, actor=chair, body="Entwurf liegt im Ordner")
        _news(member)
    _leave(world)
    with django_capture_on_commit_callbacks(execute=True):
        comment_create(task=world.task, actor=chair, body="Neuer Termin: Montag")

    report = digest_send(user_id=member.pk)

    assert (report.sent, report.skipped, report.failed) == (1, 1, 0)
    (digest,) = mail.outbox
    assert digest.to == ["member@example.org"]
    assert "Forum am 24. Juni" in digest.body
    for secret in (SECRET, "Entwurf liegt im Ordner", "Montag"):
        assert secret not in digest.body and secret not in digest.alternatives[0][0]
    skipped = Delivery.objects.get(channel="digest", notification__kind="task_comment")
    assert (skipped.status, skipped.last_error, skipped.sent_at) == ("skipped", NO_ACCESS, None)
    assert digest_send(user_id=member.pk).sent == 0  # nothing left waiting


def test_an_email_written_before_leaving_and_sent_after_is_skipped(world):
    chair, steering = world.people["chair"], world.people["steering"]
    world.task.followers.add(steering)
    comment_create(task=world.task, actor=chair, body="Entwurf liegt im Ordner")  # not committed: not sent
    member = _leave(world)

    pending = Delivery.objects.filter(notification__data__body="Entwurf liegt im Ordner")
    report = email_deliveries_send(ids=list(pending.values_list("pk", flat=True)))

    assert (report.sent, report.skipped, report.failed) == (1, 1, 0)
    assert [m.to for m in mail.outbox] == [["steering@example.org"]]
    mine = pending.get(notification__recipient=member)
    assert (mine.status, mine.attempts, mine.last_error) == ("skipped", 0, NO_ACCESS)


def test_inbox_bell_and_api_hide_what_the_member_may_no_longer_see(world, client, api_client):
    member = world.people["member"]
    news = _news(member)
    hidden = list(Notification.objects.filter(recipient=member).exclude(pk=news.pk))
    assert {n.kind for n in hidden} == {"task_assigned", "task_comment"}
    client.force_login(member)
    api_client.force_authenticate(member)
    assert SECRET in client.get("/notifications/").content.decode()
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 3}
    assert _bell(client) == 3

    _leave(world)

    page = client.get("/notifications/").content.decode()
    assert SECRET not in page and "Bitte bis Freitag" not in page and "Forum am 24. Juni" in page
    assert SECRET not in client.get("/notifications/?filter=unread").content.decode()
    assert _bell(client) == 1
    listed = api_client.get("/api/v1/notifications/").json()
    assert [row["id"] for row in listed["results"]] == [news.pk]
    assert api_client.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    for note in hidden:
        assert api_client.get(f"/api/v1/notifications/{note.pk}/").status_code == 404
        assert api_client.post(f"/api/v1/notifications/{note.pk}/read/").status_code == 404
        assert client.post(f"/notifications/{note.pk}/open/").status_code == 404
        assert client.post(f"/notifications/{note.pk}/read/").status_code == 404
    assert api_client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert Notification.objects.filter(pk__in=[n.pk for n in hidden], read_at__isnull=True).count() == 2


def test_an_invitation_is_seen_by_its_invitee_and_whoever_manages_the_members(world, api_client):
    invitee = world.people["outsider"]
    invitation = invitation_create(
        body=world.group, invitee_email=invitee.email, role=Role.MEMBER, actor=world.people["chair"]
    )
    rule = get_subject(Invitation).rule
    viewers = set(rule.viewers(invitation).values_list("email", flat=True))
    assert viewers == {"outsider@example.org", "chair@example.org", "admin@example.org"}
    for role in ("outsider", "chair", "admin", "member", "steering", "staff"):
        ids = rule.visible_ids(world.people[role])
        sees = ids is None or Invitation.objects.filter(pk__in=ids).filter(pk=invitation.pk).exists()
        assert sees == (f"{role}@example.org" in viewers), role
    api_client.force_authenticate(invitee)
    (row,) = api_client.get("/api/v1/notifications/").json()["results"]
    assert (row["kind"], row["subject_type"], row["subject_id"]) == (
        "membership_invitation",
        "workgroups.invitation",
        invitation.pk,
    )


def _crowd(world, count: int, prefix: str) -> tuple[list[User], list[User]]:
    """`count` people; the first half members of the group (through its role group), the rest not."""
    people = User.objects.bulk_create(
        [User(email=f"{prefix}{i}@example.org", first_name=f"P{i}") for i in range(count)]
    )
    allowed = people[: count // 2]
    role_group(world.group, Role.MEMBER).user_set.add(*allowed)
    return people, allowed


def test_notify_costs_the_same_queries_for_1_and_60_recipients_however_many_may_see(
    world, django_assert_num_queries
):
    chair = world.people["chair"]
    one, _ = _crowd(world, 2, "one")
    crowd, allowed = _crowd(world, 60, "crowd")
    notify(kind="task_comment", recipients=one, actor=chair, subject=world.task, data={"title": "warm-up"})

    # inbox rows of those who may see the task; deliveries by their preferences
    with django_assert_num_queries(2):
        notify(kind="task_comment", recipients=one, actor=chair, subject=world.task, data={"title": "a"})
    with django_assert_num_queries(2):
        created = notify(
            kind="task_comment", recipients=crowd, actor=chair, subject=world.task, data={"title": "b"}
        )
    assert {note.recipient_id for note in created} == {person.pk for person in allowed}


def test_notify_a_queryset_leaves_out_whom_a_list_would_and_honours_each_choice(
    world, django_capture_on_commit_callbacks
):
    chair = world.people["chair"]
    people, allowed = _crowd(world, 12, "crowd")  # six of them in the group, six outside
    immediate, off, inactive, *by_default = allowed
    preferences_update(user=immediate, values={"test_digest": "immediate"})
    preferences_update(user=off, values={"test_digest": "off"})
    User.objects.filter(pk=inactive.pk).update(is_active=False)
    recipients = User.objects.filter(email__startswith="crowd") | User.objects.filter(pk=chair.pk)

    with django_capture_on_commit_callbacks(execute=True):
        created = notify(
            kind="test_digest", recipients=recipients, actor=chair, subject=world.task, data={"title": "b"}
        )

    notified = {immediate, off, *by_default}  # not the actor, the inactive one, nor the outsiders
    assert sorted(note.recipient_id for note in created) == sorted(person.pk for person in notified)

    def rows(notes):
        return sorted(
            (n.pk, n.recipient_id, n.kind, n.actor_id, n.subject, n.data, n.created_at) for n in notes
        )

    assert rows(created) == rows(Notification.objects.filter(pk__in=[note.pk for note in created]))
    channels = dict(
        Delivery.objects.filter(notification__in=created).values_list("notification__recipient", "channel")
    )
    assert channels == {immediate.pk: "email", **{person.pk: "digest" for person in by_default}}
    assert [m.to for m in mail.outbox] == [[immediate.email]]  # sent after the commit


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_inbox_and_api_cost_the_same_queries_for_1_and_20_rows(world, client, api_client):
    chair, member = world.people["chair"], world.people["member"]
    Notification.objects.filter(recipient=member).delete()
    client.force_login(member)
    api_client.force_authenticate(member)

    def add(count: int) -> None:
        for i in range(count):
            notify(
                kind="task_comment",
                recipients=[member],
                actor=chair,
                subject=world.task,
                data={"title": SECRET, "body": f"Kommentar {i}"},
            )
            _news(member)

    add(1)
    client.get("/notifications/")  # warm caches (content types, sessions)
    api_client.get("/api/v1/notifications/")
    small = [
        _queries(lambda: client.get("/notifications/")),
        _queries(lambda: api_client.get("/api/v1/notifications/")),
    ]
    add(9)
    large = [
        _queries(lambda: client.get("/notifications/")),
        _queries(lambda: api_client.get("/api/v1/notifications/")),
    ]
    assert small == large
    assert api_client.get("/api/v1/notifications/").json()["count"] == 20


@pytest.mark.services
def test_a_real_worker_sends_nothing_to_someone_who_left_before_it_got_to_the_mail(
    transactional_db, world, purged_broker
):
    """The events are committed and queued while the member belongs to the group; the worker
    starts only after they left, as when the queue is long or a worker was down."""
    from tests.notifications.support import ScriptedSmtpServer, settle, wait_for_idle_workers
    from tests.support import running_worker, wait_for, worker_env

    chair, member, steering = world.people["chair"], world.people["member"], world.people["steering"]
    world.task.followers.add(steering)
    preferences_update(user=member, values={"task_assigned": "digest"})
    smtp = ScriptedSmtpServer().start()
    try:
        with transaction.atomic():
            comment_create(task=world.task, actor=chair, body="Entwurf liegt im Ordner")
            task_create(project=world.project, actor=chair, title="Raum buchen", assignee=member)
        _leave(world)
        comment_note = Notification.objects.get(recipient=member, data__body="Entwurf liegt im Ordner")
        assigned_note = Notification.objects.get(recipient=member, data__title="Raum buchen")
        steering_note = Notification.objects.get(recipient=steering, data__body="Entwurf liegt im Ordner")
        member_deliveries = Delivery.objects.filter(notification__in=[comment_note, assigned_note])
        assert sorted(member_deliveries.values_list("channel", "status")) == [
            ("digest", "pending"),
            ("email", "pending"),
        ]

        env = worker_env(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port))
        with running_worker(name="visibility", env=env):
            wait_for(
                lambda: steering_note.pk in smtp.notification_ids(),
                timeout=60,
                message="the steering member's mail",
            )
            digests_send.delay()  # as beat does daily
            wait_for(
                lambda: not member_deliveries.filter(status="pending").exists(),
                timeout=60,
                message="the member's deliveries to be settled",
            )
            wait_for_idle_workers(purged_broker)
            settle()

        # The worker sweeps every due delivery when it connects, so older pending mail of the
        # world's other people may go out too; none of it is the member's.
        sent = set(smtp.notification_ids())
        assert steering_note.pk in sent
        assert not Notification.objects.filter(pk__in=sent, recipient=member).exists()
        assert all(m["To"] != "member@example.org" for m in smtp.messages)
        comment_delivery = Delivery.objects.get(notification=comment_note)
        assert (comment_delivery.status, comment_delivery.attempts, comment_delivery.sent_at) == (
            "skipped",
            0,
            None,
        )
        assert set(member_deliveries.values_list("status", flat=True)) == {"skipped"}
    finally:
        smtp.stop()

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import transaction

from accounts.models import Organisation, User
from notifications.models import Delivery, Notification
from notifications.services import notify
from tests.factories import UserFactory


def _people(count: int, prefix: str) -> list[User]:
    return User.objects.bulk_create(
        [User(email=f"{prefix}{i}@example.org", first_name=f"P{i}") for i in range(count)]
    )


def test_notify_writes_inbox_rows_and_emails_after_commit(anna, ben, django_capture_on_commit_callbacks):
    organisation = Organisation.objects.get(name="3Win Maschinenbau")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = notify(
            kind="test_assigned",
            recipients=[ben],
            subject=organisation,
            actor=anna,
            data={"title": "Flyer drucken", "url": "/projects/1/"},
        )
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1

    (note,) = created
    assert note.recipient == ben and note.actor == anna
    assert note.subject == organisation
    assert note.subject_type == ContentType.objects.get_for_model(Organisation)
    (delivery,) = note.deliveries.all()
    assert (delivery.channel, delivery.status, delivery.attempts) == ("email", "sent", 1)
    (email,) = mail.outbox
    assert email.to == ["ben.schmitz@example.org"]
    assert email.subject == "Anna Becker hat Ihnen „Flyer drucken“ zugewiesen"


def test_rolled_back_transaction_sends_nothing(anna, ben, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(kind="test_assigned", recipients=[ben], actor=anna, data={"title": "Verworfen"})
        raise RuntimeError("the change fails")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_actor_duplicates_and_inactive_people_are_not_notified(anna, ben, django_capture_on_commit_callbacks):
    gone = UserFactory(email="left@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        created = notify(
            kind="test_comment", recipients=[ben, anna, ben, gone], actor=anna, data={"title": "Budget"}
        )
    assert [n.recipient for n in created] == [ben]
    assert [m.to for m in mail.outbox] == [["ben.schmitz@example.org"]]


def test_unknown_kind_is_refused_before_anything_is_written(ben):
    with pytest.raises(LookupError, match="not_a_kind"):
        notify(kind="not_a_kind", recipients=[ben])
    assert not Notification.objects.exists()


def test_a_queryset_of_anything_but_people_is_refused(ben):
    with pytest.raises(TypeError, match="queryset of Organisation"):
        notify(kind="test_comment", recipients=Organisation.objects.all(), data={"title": "x"})
    assert not Notification.objects.exists()


def test_data_must_be_plain_values_and_a_local_url(ben):
    from django.utils.translation import gettext_lazy as _

    with pytest.raises(TypeError, match="lazy translation"):
        notify(kind="test_comment", recipients=[ben], data={"title": _("Projekte")})
    with pytest.raises(ValueError, match="path on this site"):
        notify(kind="test_comment", recipients=[ben], data={"title": "x", "url": "https://evil.example/"})
    assert not Notification.objects.exists()


@pytest.mark.parametrize("as_queryset", [False, True], ids=["list", "queryset"])
def test_notify_costs_the_same_two_queries_for_1_and_1500_recipients(
    anna, as_queryset, django_assert_num_queries
):
    one, many = _people(1, "one"), _people(1500, "many")
    if as_queryset:
        one, many = (
            User.objects.filter(email__startswith="one"),
            User.objects.filter(email__startswith="many"),
        )
    notify(kind="test_comment", recipients=one, actor=anna, subject=anna, data={"title": "warm-up"})

    # the notifications of those who may see the subject; deliveries by their preferences
    with django_assert_num_queries(2):
        notify(kind="test_comment", recipients=one, actor=anna, subject=anna, data={"title": "a"})
    with django_assert_num_queries(2):
        created = notify(kind="test_comment", recipients=many, actor=anna, subject=anna, data={"title": "b"})
    assert len(created) == len({note.recipient_id for note in created}) == 1500
    assert Notification.objects.filter(data__title="b").count() == 1500
    assert Delivery.objects.filter(notification__data__title="b", channel="email").count() == 1500

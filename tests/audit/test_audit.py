import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from audit.models import AppendOnlyError, AuditEntry
from audit.selectors import audit_entries_for_scope, audit_entries_for_subject
from audit.services import audit_record
from tests.factories import OrganisationFactory


@pytest.fixture
def entry(db, anna, organisation):
    return audit_record(
        actor=anna,
        action="organisation.renamed",
        subject=organisation,
        scope=organisation,
        before={"name": "Alt"},
        after={"name": organisation.name},
    )


def test_audit_row_records_who_what_and_before_after(entry, anna, organisation):
    row = audit_entries_for_subject(subject=organisation).get()
    assert row.actor == anna
    assert row.actor_label == str(anna)
    assert row.action == "organisation.renamed"
    assert row.subject_label == str(organisation)
    assert (row.before, row.after) == ({"name": "Alt"}, {"name": organisation.name})


def test_scope_log_holds_only_its_own_rows(entry, organisation):
    other = OrganisationFactory(name="Philips")
    audit_record(actor=None, action="organisation.renamed", subject=other, scope=other)
    assert list(audit_entries_for_scope(scope=organisation)) == [entry]


def test_audit_rows_cannot_be_changed_or_deleted_through_the_model(entry):
    entry.action = "something.else"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "organisation.renamed"


def test_audit_row_rolls_back_with_the_change(db, anna, organisation):
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=anna, action="organisation.renamed", subject=organisation)
        raise RuntimeError
    assert not AuditEntry.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_database_refuses_to_rewrite_history(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE audit_auditentry SET action = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])


def test_person_with_a_history_cannot_be_deleted(entry, anna):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        anna.delete()

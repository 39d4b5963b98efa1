"""The database itself refuses to change an issued report (beside Report.save() and the services)."""

from django.db import migrations

POSTGRESQL = """
CREATE OR REPLACE FUNCTION reports_issued_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.status = 'issued' THEN
        RAISE EXCEPTION 'an issued report never changes';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reports_report_issued_frozen
    BEFORE UPDATE ON reports_report
    FOR EACH ROW EXECUTE FUNCTION reports_issued_frozen();
"""
POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS reports_report_issued_frozen ON reports_report;
DROP FUNCTION IF EXISTS reports_issued_frozen();
"""
SQLITE = """
CREATE TRIGGER reports_report_issued_frozen
BEFORE UPDATE ON reports_report
WHEN OLD.status = 'issued'
BEGIN
    SELECT RAISE(ABORT, 'the report is issued: it never changes');
END;
"""
SQLITE_DROP = "DROP TRIGGER IF EXISTS reports_report_issued_frozen;"


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_report")]

    operations = [migrations.RunPython(forwards, backwards)]

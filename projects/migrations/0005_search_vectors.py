"""A stored, indexed German tsvector on tasks, projects and comments (PostgreSQL only).

Each is a generated column (`search_vector`, kept up to date by PostgreSQL on every write) with
a GIN index; projects.selectors.search matches and ranks on it. The column is not a model field:
Django never writes it. SQLite has no tsvector and keeps searching with icontains.

A later migration that changes the type of one of the source columns must drop the generated
column first and add it again (PostgreSQL refuses to alter a column a generated one reads).
"""

from django.db import migrations

# table -> the text columns the vector is made of (the same as SearchVector(*columns, config="german")).
SOURCES = {
    "projects_task": ["title", "description"],
    "projects_project": ["title", "summary", "description", "goals"],
    "projects_comment": ["body"],
}


def _vector(columns: list[str]) -> str:
    text = " || ' ' || ".join(f"coalesce({column}, '')" for column in columns)
    return f"to_tsvector('german'::regconfig, {text})"


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, columns in SOURCES.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({_vector(columns)}) STORED"
        )
        schema_editor.execute(f"CREATE INDEX {table}_search_vector ON {table} USING gin (search_vector)")


def drop_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in SOURCES:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN search_vector")  # drops the index too


class Migration(migrations.Migration):
    dependencies = [("projects", "0004_task_permissions_on_projects")]

    operations = [migrations.RunPython(add_vectors, drop_vectors)]

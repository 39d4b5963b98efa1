"""Write the project defaults into the stored workflow versions that left them to the engine.

Until now the engine itself filled in what a definition left out: the watchers member and
chair, and the steering team for a deadline's escalation. These are the projects' defaults
now (projects/workflow.py), which the sync fills into a file before it takes the checksum.
Every stored version was parsed with the engine's old defaults, so each keeps that meaning
written out, with the checksum the sync now computes for the same file: an unchanged file
makes no new version, and running projects stay on theirs.
"""

from django.db import migrations

from workflows.services.sync import checksum_of

# What the engine assumed until this migration (frozen: the stored versions keep this meaning).
WATCHERS = ["member", "chair"]
ESCALATE_ROLE = "steering"
# The definitions the old engine held: the project types (escalations came with their own folder).
PROJECT_KEYS = ["jobticket", "innovationscluster", "lehrerpraktika", "gesicht_zeigen", "generic"]


def with_old_defaults(data: dict) -> dict:
    data = dict(data)
    if not data.get("watchers"):  # the engine read an empty list as "member and chair" too
        data["watchers"] = list(WATCHERS)
    if data.get("deadlines"):
        data["deadlines"] = [
            {**d, "escalate_role": ESCALATE_ROLE}
            if d.get("escalate_after_days") and "escalate_role" not in d
            else d
            for d in data["deadlines"]
        ]
    return data


def write_defaults(apps, schema_editor):
    WorkflowDefinition = apps.get_model("workflows", "WorkflowDefinition")
    for row in WorkflowDefinition.objects.filter(key__in=PROJECT_KEYS).only("pk", "data").order_by("pk"):
        data = with_old_defaults(row.data)
        if data != row.data:
            # Versions are immutable through save(); this one-off rewrite keeps their meaning.
            WorkflowDefinition.objects.filter(pk=row.pk).update(data=data, checksum=checksum_of(data))


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0002_project_previous_state_project_state_and_more"),
        ("workflows", "0001_initial"),
    ]

    # Backwards: nothing to undo; the written-out values are what the old engine assumed anyway.
    operations = [migrations.RunPython(write_defaults, migrations.RunPython.noop)]

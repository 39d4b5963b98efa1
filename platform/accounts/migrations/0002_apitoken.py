import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def copy_authtoken_keys(apps, schema_editor):
    """Keys made by DRF's authtoken app (one per person) keep working, now stored hashed."""
    from accounts.tokens import PREFIX_LENGTH, key_digest

    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name="API",
            prefix=key[:PREFIX_LENGTH],
            digest=key_digest(key),
            created_at=created,
        )
        for key, user_id, created in rows
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ApiToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, verbose_name="Name")),
                ("prefix", models.CharField(max_length=8, verbose_name="Anfang des Schlüssels")),
                ("digest", models.CharField(max_length=64, unique=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="erstellt")),
                ("last_used_at", models.DateTimeField(blank=True, null=True, verbose_name="zuletzt benutzt")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="api_tokens",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="Person",
                    ),
                ),
            ],
            options={
                "verbose_name": "API-Schlüssel",
                "verbose_name_plural": "API-Schlüssel",
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.RunPython(copy_authtoken_keys, migrations.RunPython.noop),
    ]

from django.db import migrations


class Migration(migrations.Migration):
    """Separate from 0005, so that its data migration and this ALTER TABLE do not share a transaction."""

    dependencies = [
        ('workers', '0005_resident_id_kept_minimal_and_identity_claims'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='workerprofile',
            name='birth_date',
        ),
    ]

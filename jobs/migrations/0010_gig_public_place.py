"""Gigs keep their site apart from their public place; households' public place becomes approximate."""

from django.db import migrations, models


def split_sites(apps, schema_editor):
    from jobs.models import approximate_point
    from zero_gig.geo import cells_for, h3_field

    Gig = apps.get_model("jobs", "Gig")
    batch = []
    for gig in Gig.objects.select_related("employer").iterator(chunk_size=2000):
        gig.site_latitude, gig.site_longitude, gig.site_address = gig.latitude, gig.longitude, gig.address
        if gig.employer.kind == "individual":
            gig.latitude, gig.longitude = approximate_point(gig.latitude, gig.longitude)
            gig.address = ""
            for res, cell in cells_for(gig.latitude, gig.longitude).items():
                setattr(gig, h3_field(res), cell)
        batch.append(gig)
        if len(batch) == 2000:
            Gig.objects.bulk_update(batch, FIELDS)
            batch = []
    Gig.objects.bulk_update(batch, FIELDS)


FIELDS = ["site_latitude", "site_longitude", "site_address", "latitude", "longitude", "address",
          "h3_r5", "h3_r7", "h3_r9"]


class Migration(migrations.Migration):

    dependencies = [
        ('jobs', '0009_money_and_time'),
    ]

    operations = [
        migrations.AddField(
            model_name='gig',
            name='site_address',
            field=models.CharField(default='', editable=False, max_length=200, verbose_name='site address'),
        ),
        migrations.AddField(
            model_name='gig',
            name='site_latitude',
            field=models.FloatField(editable=False, null=True, verbose_name='site latitude'),
        ),
        migrations.AddField(
            model_name='gig',
            name='site_longitude',
            field=models.FloatField(editable=False, null=True, verbose_name='site longitude'),
        ),
        migrations.AlterField(
            model_name='gig',
            name='address',
            field=models.CharField(blank=True, max_length=200, verbose_name='public address'),
        ),
        migrations.RunPython(split_sites, migrations.RunPython.noop),
    ]

"""Fee words get a kind: most ask workers to pay, but a negation ("不收", "免", "no", "free of") right before one
says the opposite ("不收押金"), and an honest post saying so is not refused. The first negations are seeded here;
staff keep the list in the admin."""

from django.db import migrations, models

NEGATIONS = [
    ("不收", "not charged"),
    ("不收取", "not charged"),
    ("免收", "waived"),
    ("免", "free of"),
    ("无需", "not needed"),
    ("无须", "not needed"),
    ("不需", "not needed"),
    ("不需要", "not needed"),
    ("不用", "not needed"),
    ("不要", "not asked"),
    ("无", "none"),
    ("没有", "none"),
    ("no", ""),
    ("free of", ""),
    ("without", ""),
    ("without any", ""),
    ("no need for", ""),
]


def seed(apps, schema_editor):
    FeeWord = apps.get_model("wages", "FeeWord")
    for word, note in NEGATIONS:
        FeeWord.objects.get_or_create(word=word, defaults={"note": note, "kind": "negation"})


def unseed(apps, schema_editor):
    apps.get_model("wages", "FeeWord").objects.filter(kind="negation").delete()


class Migration(migrations.Migration):
    dependencies = [("wages", "0002_seed_fee_words")]
    operations = [
        migrations.AddField(
            model_name="feeword", name="kind",
            field=models.CharField(choices=[("fee", "asks workers to pay"), ("negation", "says no fee is asked")],
                                   default="fee", help_text="A negation word right before a fee word (in the same "
                                   "clause) cancels it.", max_length=10, verbose_name="kind")),
        migrations.RunPython(seed, unseed),
    ]

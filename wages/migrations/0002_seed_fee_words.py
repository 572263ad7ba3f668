"""The first fee words: what posts that charge workers say (deposits, fees, "training costs"). Staff keep the
list in the admin from here on."""

from django.db import migrations

WORDS = [
    ("押金", "deposit"),
    ("保证金", "security deposit"),
    ("培训费", "training fee"),
    ("中介费", "agency fee"),
    ("介绍费", "introduction fee"),
    ("报名费", "sign-up fee"),
    ("手续费", "handling fee"),
    ("入职费", "joining fee"),
    ("体检费", "medical check fee charged to the worker"),
    ("服装费", "uniform fee"),
    ("工装费", "work clothes fee"),
    ("资料费", "materials fee"),
    ("办卡费", "card fee"),
    ("会员费", "membership fee"),
    ("建档费", "registration file fee"),
    ("押身份证", "holding the worker's ID card"),
    ("deposit", ""),
    ("training fee", ""),
    ("registration fee", ""),
    ("agency fee", ""),
]


def seed(apps, schema_editor):
    FeeWord = apps.get_model("wages", "FeeWord")
    for word, note in WORDS:
        FeeWord.objects.get_or_create(word=word, defaults={"note": note})


def unseed(apps, schema_editor):
    apps.get_model("wages", "FeeWord").objects.filter(word__in=[word for word, _note in WORDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("wages", "0001_wage_guide_market_rates_fee_words")]
    operations = [migrations.RunPython(seed, unseed)]

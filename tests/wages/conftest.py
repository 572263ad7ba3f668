import importlib

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def fee_words(db):
    """The fee words and negations the data migrations seed. A transactional test elsewhere in the suite flushes
    every table, seeded rows included, so each test here puts them back as the migrations wrote them."""
    for migration in ("0002_seed_fee_words", "0003_fee_word_kind_negations"):
        importlib.import_module(f"wages.migrations.{migration}").seed(apps, None)

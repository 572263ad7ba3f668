import importlib

import pytest

from wages.models import FeeWord


@pytest.fixture(autouse=True)
def fee_words(db):
    """The fee words the data migration seeds. A transactional test elsewhere in the suite flushes every table,
    seeded rows included, so each test here puts them back as the migration wrote them."""
    seeded = importlib.import_module("wages.migrations.0002_seed_fee_words").WORDS
    for word, note in seeded:
        FeeWord.objects.get_or_create(word=word, defaults={"note": note})

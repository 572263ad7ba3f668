"""The catalogs are complete: every message has its Chinese, none is a fuzzy guess, and what Django reads (the
compiled .mo) is what the .po says. New strings come in with `make messages`; this test then names what is left."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils.functional import Promise

LOCALE = Path(settings.LOCALE_PATHS[0])
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\w*\}")


@pytest.fixture(scope="module")
def chinese():
    return polib.pofile(str(LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def test_every_chinese_message_is_translated_and_none_is_fuzzy(chinese):
    assert [entry.msgid for entry in chinese.untranslated_entries()] == []
    assert [entry.msgid for entry in chinese.fuzzy_entries()] == []
    assert [entry.msgid for entry in chinese.obsolete_entries()] == []


def test_translations_keep_their_placeholders(chinese):
    """A Chinese message without the %(name)s of its English one would lose the value, or fail to format."""
    def placeholders(text):
        return sorted(set(PLACEHOLDER.findall(text)))

    broken = [entry.msgid for entry in chinese.translated_entries()
              if any(placeholders(entry.msgid_plural or entry.msgid) != placeholders(text)
                     for text in (entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]))]
    assert broken == []


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_the_compiled_catalog_is_the_source_catalog(language):
    folder = LOCALE / language / "LC_MESSAGES"
    source = polib.pofile(str(folder / "django.po")).translated_entries()
    compiled = [entry for entry in polib.mofile(str(folder / "django.mo")) if entry.msgid]
    assert messages(compiled) == messages(source)


def messages(entries) -> dict:
    """By context and text: the same words may mean two things ("Day" as a date, and as a period of figures)."""
    return {(entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural for entry in entries}


def test_the_english_catalog_has_every_message_the_chinese_one_has(chinese):
    english = polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))
    assert {entry.msgid for entry in chinese} <= {entry.msgid for entry in english}


def test_every_model_and_field_of_ours_has_a_translatable_name():
    """Django makes "created at" of `created_at` when no name is given: English in the Chinese admin."""
    ours = [config for config in apps.get_app_configs() if Path(config.path).parent == settings.BASE_DIR]
    untranslated = []
    for model in (model for config in ours for model in config.get_models()):
        texts = {"": model._meta.verbose_name, "(plural)": model._meta.verbose_name_plural}
        texts |= {field.name: field.verbose_name for field in model._meta.get_fields()
                  if hasattr(field, "verbose_name") and not field.auto_created}
        untranslated += [f"{model._meta.label}.{name}" for name, text in texts.items() if not isinstance(text, Promise)]
    assert ours and untranslated == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (apt-get install gettext)")
def test_the_catalog_has_every_message_of_the_sources(chinese, tmp_path):
    """`make messages` on a copy of the tree finds nothing the catalog lacks (a new _() string was extracted)."""
    root = settings.BASE_DIR
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=root,
                            capture_output=True, text=True, check=True).stdout.split("\n")
    for name in listed:
        if name.endswith((".py", ".html", ".txt")) and not name.startswith(("tests/", "bench/")):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(root / name, tmp_path / name)
    (tmp_path / "zero_gig" / "locale").mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location"], cwd=tmp_path,
                   env={**os.environ, "DEBUG": "1"}, check=True, capture_output=True, timeout=300)
    extracted = polib.pofile(str(tmp_path / "zero_gig" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert {entry.msgid for entry in extracted} - {entry.msgid for entry in chinese} == set()



def test_a_text_of_the_wrong_length_is_refused_in_plain_chinese():
    """Django's own Chinese for its length limits says “该变量” (this variable) to the person typing: ours wins."""
    from django import forms
    from django.core.exceptions import ValidationError
    from django.utils import translation

    field = forms.CharField(min_length=2, max_length=3)
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as too_short:
            field.clean("长")
        with pytest.raises(ValidationError) as too_long:
            field.clean("太长太长")
        assert too_short.value.messages == ["请至少输入 2 个字（现在是 1 个）。"]
        assert too_long.value.messages == ["最多只能输入 3 个字（现在是 4 个）。"]

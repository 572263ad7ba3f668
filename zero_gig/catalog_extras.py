"""Strings of Django 5.2 that its zh_Hans catalog does not translate yet, or translates in words a person should
not read (the length validators' “该变量”, “this variable”, shown under every form field with a length limit).
Listed here (never imported) so that `make messages` keeps them in our catalog, which Django reads before its own
(LOCALE_PATHS). Each msgid must be Django's own, letter for letter."""

from django.utils.translation import gettext_noop, ngettext_lazy

gettext_noop("Model name")
gettext_noop("Add link")
gettext_noop("Change or view list link")
gettext_noop("After you’ve created a user, you’ll be able to edit more user options.")

ngettext_lazy("Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
              "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).", "limit_value")
ngettext_lazy("Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
              "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).", "limit_value")

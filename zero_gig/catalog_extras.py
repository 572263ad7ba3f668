"""Strings of Django 5.2's admin that its zh_Hans catalog does not translate yet. Listed here (never imported)
so that `make messages` keeps them in our catalog, which Django reads before its own (LOCALE_PATHS)."""

from django.utils.translation import gettext_noop

gettext_noop("Model name")
gettext_noop("Add link")
gettext_noop("Change or view list link")
gettext_noop("After you’ve created a user, you’ll be able to edit more user options.")

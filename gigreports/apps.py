from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GigReportsConfig(AppConfig):
    name = "gigreports"
    verbose_name = _("Reports of gigs")

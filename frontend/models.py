from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DisplayPreference(models.Model):
    """How a logged-in person wants the pages shown, so that it follows them to another phone."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                                related_name="display_preference")
    senior_mode = models.BooleanField(_("senior mode (长辈版)"), default=False)

    class Meta:
        verbose_name = _("display preference")
        verbose_name_plural = _("display preferences")

    def __str__(self):
        return f"{self.user_id}: senior={self.senior_mode}"

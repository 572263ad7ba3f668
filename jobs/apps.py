from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = _("Gigs")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .models import Category
        from .selectors import TAXONOMY

        # The taxonomy each process keeps (jobs.selectors.trade_tree): a trade saved or deleted here is seen at once.
        post_save.connect(TAXONOMY.forget, sender=Category, dispatch_uid="taxonomy-saved")
        post_delete.connect(TAXONOMY.forget, sender=Category, dispatch_uid="taxonomy-deleted")

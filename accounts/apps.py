from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_out

        from . import checks  # noqa: F401 (registers the SMS backend check)
        from .services import revoke_session_token

        user_logged_out.connect(revoke_session_token, dispatch_uid="accounts.revoke_session_token")

"""`manage.py check` (and so runserver, migrate and check --deploy) refuses a production without an SMS gateway."""

from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from . import sms


@register()
def sms_backend_configured(app_configs, **kwargs):
    try:
        sms.backend_path()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="accounts.E001")]
    return []

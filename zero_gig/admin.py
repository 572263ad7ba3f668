"""The Django admin belongs to the city: city administrators (and superusers) only.

Center staff work in the centers' console; letting them into the admin would let them see and change every
center's data behind the services' rules.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from jobs.exceptions import Conflict


class CityAdminSite(admin.AdminSite):
    site_header = _("zero-gig administration")
    site_title = _("zero-gig")
    index_title = _("Gig market administration")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and (user.is_superuser or user.role == Role.CITY_ADMIN))


def run_service_action(model_admin, request, queryset, service, **kwargs) -> None:
    """An admin action is a service call per selected row, as the logged-in administrator; refusals are
    reported row by row and the others still go through."""
    done = 0
    for obj in queryset:
        try:
            service(obj, actor=request.user, **kwargs)
            done += 1
        except (Conflict, PermissionDenied, ValidationError) as error:
            text = getattr(error, "message", None) or "; ".join(getattr(error, "messages", [str(error)]))
            model_admin.message_user(request, f"{obj}: {text}", messages.WARNING)
    if done:
        model_admin.message_user(request, _("%(n)s done.") % {"n": done}, messages.SUCCESS)

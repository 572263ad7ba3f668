"""The Django admin belongs to the city: city administrators (and superusers) only.

Center staff work in the centers' console; letting them into the admin would let them see and change every
center's data behind the services' rules.
"""

from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import services as account_services
from accounts.exceptions import AccountLocked
from accounts.models import Role
from api.throttles import LoginsPerAddress
from jobs.exceptions import Conflict


class ThrottledAdminLogin(AdminAuthenticationForm):
    """The admin's login goes through the same checks as the API's and the web's: the per-address limit and
    accounts.services.check_password_login (the per-phone lockout, hashing without holding a connection).
    Django's own form calls authenticate() directly, so thirty wrong passwords there were never refused."""

    def clean(self):
        phone, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not phone or not password:
            return self.cleaned_data
        limit = LoginsPerAddress()
        if not limit.allow_request(self.request, None):
            raise ValidationError(limit.message % {"minutes": -(-int(limit.wait() or 60) // 60)},
                                  code="address_rate_limited")
        try:
            self.user_cache = account_services.check_password_login(phone=phone, password=password)
        except AccountLocked as locked:
            raise ValidationError(locked.message, code="account_locked") from None
        except ValidationError:
            raise self.get_invalid_login_error() from None
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services (the audit log, agreements, report cases, wage complaints): the city
    reads them here, and every change goes through the pages and the API, where the rules and the audit are."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CityAdminSite(admin.AdminSite):
    site_header = _("zero-gig administration")
    site_title = _("zero-gig")
    index_title = _("Gig market administration")
    login_form = ThrottledAdminLogin

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

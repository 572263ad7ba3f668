"""Who may call what: one permission class per role. Object-level ownership lives in the selectors."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.models import Role


class _HasRole(BasePermission):
    role: str = ""
    profile: str = ""  # the account must have this profile too (a worker's or an employer's)

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.role == self.role):
            return False
        return not self.profile or hasattr(user, self.profile)


class IsWorker(_HasRole):
    role = Role.WORKER
    profile = "worker_profile"
    message = _("Only workers with a worker profile can do this.")


class IsEmployer(_HasRole):
    role = Role.EMPLOYER
    profile = "employer"
    message = _("Only employers with an employer profile can do this.")


class IsCenterStaff(_HasRole):
    role = Role.CENTER_STAFF
    message = _("Only service-center staff can do this.")


class IsCityAdmin(_HasRole):
    role = Role.CITY_ADMIN
    message = _("Only city administrators can do this.")

"""Who may call what: one permission class per role. Object-level ownership lives in the selectors."""

from rest_framework.permissions import BasePermission

from accounts.models import Role


class _HasRole(BasePermission):
    role: str = ""

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.role == self.role)


class IsWorker(_HasRole):
    role = Role.WORKER
    message = "Only workers can do this."


class IsEmployer(_HasRole):
    role = Role.EMPLOYER
    message = "Only employers can do this."


class IsCenterStaff(_HasRole):
    role = Role.CENTER_STAFF
    message = "Only service-center staff can do this."


class IsCityAdmin(_HasRole):
    role = Role.CITY_ADMIN
    message = "Only city administrators can do this."

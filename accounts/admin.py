from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .forms import PhoneFormField
from .models import ApiToken, AuthThrottle, SmsCode, User
from .phones import mask_phone
from .services import revoke_api_token


class UserCreationForm(BaseUserCreationForm):
    phone = PhoneFormField(label=_("mobile number"))

    class Meta:
        model = User
        fields = ("phone", "name", "role")


class UserEditForm(UserChangeForm):
    phone = PhoneFormField(label=_("mobile number"))

    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("-date_joined",)
    list_display = ("masked_phone", "name", "role", "is_active", "is_staff", "date_joined")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("phone", "name")
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (_("Profile"), {"fields": ("name", "role")}),
        # Roles decide who may do what (api.permissions, the services); Django's groups and per-model
        # permissions are not used, so they are not offered here.
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("phone", "name", "role", "password1", "password2")}),)

    @admin.display(description=_("mobile number"), ordering="phone")
    def masked_phone(self, obj):
        return obj.masked_phone


admin.site.unregister(Group)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Security records are written by the services only; staff read them (and may lift a lock)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "name", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__phone", "user__name", "name")
    list_select_related = ("user",)
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            revoke_api_token(token)


@admin.register(AuthThrottle)
class AuthThrottleAdmin(ReadOnlyAdmin):
    list_display = ("masked", "failed_logins", "locked_until", "updated_at")
    search_fields = ("phone",)

    def has_delete_permission(self, request, obj=None):
        return True  # deleting the row lifts a lockout

    @admin.display(description=_("mobile number"), ordering="phone")
    def masked(self, obj):
        return mask_phone(obj.phone)


@admin.register(SmsCode)
class SmsCodeAdmin(ReadOnlyAdmin):
    list_display = ("masked", "purpose", "sent", "created_at", "expires_at", "used_at", "attempts")
    list_filter = ("purpose", "sent")
    search_fields = ("phone",)

    @admin.display(description=_("mobile number"), ordering="phone")
    def masked(self, obj):
        return mask_phone(obj.phone)

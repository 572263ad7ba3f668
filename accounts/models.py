"""Users sign in with a mainland mobile number (password or SMS code); every user has one role.

Also here: one-time SMS codes, per-phone sign-in throttling and expiring API tokens.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .phones import mask_phone, normalize_phone, validate_phone


class Role(models.TextChoices):
    WORKER = "worker", _("Worker")
    EMPLOYER = "employer", _("Employer")
    CENTER_STAFF = "center_staff", _("Service-center staff")
    CITY_ADMIN = "city_admin", _("City administrator")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, phone, password, **extra):
        if phone is not None:  # None: a worker registered at a center's counter who has no phone (see User.phone)
            try:
                phone = normalize_phone(phone)
            except ValidationError as error:
                raise ValidationError({"phone": error.messages}) from None
        user = self.model(phone=phone, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, phone, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(phone, password, **extra)

    def create_superuser(self, phone, password=None, **extra):
        extra.setdefault("role", Role.CITY_ADMIN)
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    # Empty (NULL, never "") only for a worker registered at a center's counter without a phone: such an account
    # has no usable password, cannot log in, and is reached through the center (its staff see its inbox).
    phone = models.CharField(
        _("mobile number"), max_length=11, unique=True, null=True, blank=True, validators=[validate_phone],
        help_text=_("Mainland China mobile number, stored as 11 digits; empty for a walk-in worker without a phone."),
    )
    name = models.CharField(_("name"), max_length=50, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.WORKER, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"), default=False, help_text=_("Can log into the Django admin."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return f"{self.name or _('user')} ({self.masked_phone})"

    def has_perm(self, perm, obj=None):
        """A city administrator holds every permission of the city's admin, as a superuser does, without being
        one: what may not be done there at all (statuses, records only the services write) each admin class
        refuses itself."""
        if self.is_active and self.is_staff and self.role == Role.CITY_ADMIN:
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label):
        if self.is_active and self.is_staff and self.role == Role.CITY_ADMIN:
            return True
        return super().has_module_perms(app_label)

    def save(self, *args, **kwargs):
        """A new password, by whatever path (reset by code, the admin, `changepassword`), revokes every API
        token of the account: a stolen token must not outlive the password change meant to shut its thief out.
        (Sessions end by themselves: Django checks each against the password hash.) A hash upgraded on login
        keeps the same password and sets no new one (`_password` is cleared before that save)."""
        password_changed = self._password is not None and self.pk is not None
        super().save(*args, **kwargs)
        if password_changed:
            ApiToken.objects.filter(user=self, revoked_at__isnull=True).update(revoked_at=timezone.now())

    def clean_fields(self, exclude=None):
        """Normalise the phone before the field validators, which accept only the stored (ASCII) form."""
        if self.phone and (exclude is None or "phone" not in exclude):
            try:
                self.phone = normalize_phone(self.phone)
            except ValidationError as error:
                raise ValidationError({"phone": error.messages}) from None
        super().clean_fields(exclude=exclude)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class SmsCodePurpose(models.TextChoices):
    SIGNUP = "signup", _("Sign up")
    LOGIN = "login", _("Log in")
    RESET_PASSWORD = "reset_password", _("Reset password")


class SmsCode(models.Model):
    """A one-time code texted to a phone. Only a keyed hash of the code is stored.

    Only the newest code of a phone and purpose counts; it works until it expires, is used
    or has had too many wrong tries. A row is kept even when nothing was texted (a login code
    asked for a number without an account), so that the limits answer the same either way.
    """

    phone = models.CharField(_("mobile number"), max_length=11)
    purpose = models.CharField(_("purpose"), max_length=16, choices=SmsCodePurpose.choices)
    code_hash = models.CharField(_("code hash"), max_length=64, editable=False)
    sent = models.BooleanField(_("sent"), default=True, help_text=_("False when no text was sent for this request."))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("wrong attempts"), default=0)

    class Meta:
        verbose_name = _("SMS code")
        verbose_name_plural = _("SMS codes")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=["phone", "created_at"], name="smscode_phone_created")]

    def __str__(self):
        return f"{mask_phone(self.phone)} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class AuthThrottle(models.Model):
    """Sign-in security state of one phone number, whether or not it has an account.

    Counts failed logins and holds the lockout. Its row is also the lock that makes
    the SMS code limits hold when requests for the same phone arrive at once.
    """

    phone = models.CharField(_("mobile number"), max_length=11, unique=True)
    failed_logins = models.PositiveSmallIntegerField(_("failed logins"), default=0)
    failures_since = models.DateTimeField(_("first failure in window"), null=True, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")

    def __str__(self):
        return mask_phone(self.phone)

    def is_locked(self, now) -> bool:
        return self.locked_until is not None and self.locked_until > now


class AddressCount(models.Model):
    """One address's requests of one kind in one clock hour, counted here only while the cache (Redis) is out.

    The per-address limits (api.throttles) count in the cache; when it cannot be reached they count here
    instead of letting everyone through. The key is the throttle's cache key, hour included; a row is
    deleted once its hour no longer weighs in (accounts.services.prune_sign_in_records)."""

    key = models.CharField(_("key"), max_length=200, primary_key=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("address request count")
        verbose_name_plural = _("address request counts")

    def __str__(self):
        return f"{self.key}: {self.count}"


class ApiToken(models.Model):
    """A bearer token for the mobile app and API clients. Only the SHA-256 of the key is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens",
    )
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    name = models.CharField(_("device"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ("-created_at",)

    def __str__(self):
        return f"{self.user} {self.name}".strip()

    def is_active(self, now) -> bool:
        return self.revoked_at is None and self.expires_at > now

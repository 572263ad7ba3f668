"""Serializers of the account endpoints: sign-up, login, SMS codes, and one's own profile.

Every string has a max_length and every rule answers with a field error; the rules that
need the database live in accounts.services.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.identifiers import MAX_TYPED_LENGTH
from accounts.models import Role, SmsCodePurpose
from accounts.phones import normalize_phone
from jobs.credit_codes import normalize_credit_code
from jobs.models import Category, Employer, VerificationStatus
from workers.models import ClaimStatus, IdentityClaim, RealNameStatus, WorkerProfile, WorkerTrade
from zero_gig.geo import validate_point

PASSWORD_MAX_LENGTH = 128
DEVICE_MAX_LENGTH = 100
MAX_TRADES = 30


class NormalisedField(serializers.CharField):
    """An identifier as people type it (full-width digits, spaces, dashes …), returned in its one ASCII form."""

    normalise = staticmethod(lambda value: value)

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_TYPED_LENGTH)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if len(value) > self.max_length:  # before the identifier's rules, so the error says what is wrong
            self.fail("max_length", max_length=self.max_length)
        if value == "" and self.allow_blank:
            return value
        try:
            return self.normalise(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class PhoneField(NormalisedField):
    """A mainland mobile number (+86, spaces, dashes, full-width digits), returned as its 11 ASCII digits."""

    normalise = staticmethod(normalize_phone)


class CreditCodeField(NormalisedField):
    """A unified social credit code, returned as its 18 upper-case ASCII characters."""

    normalise = staticmethod(normalize_credit_code)


@extend_schema_field({"type": "string", "pattern": "^(worker|employer)$",
                      "description": "`worker` or `employer`: staff accounts cannot sign up."})
class SignupRoleField(serializers.ChoiceField):
    """A subset of the roles; documented as a pattern so it does not clash with the full role enum."""


def status_field(choices) -> serializers.CharField:
    """A read-only status, documented as a string (several statuses share the same values)."""
    return serializers.CharField(read_only=True, help_text="One of: " + ", ".join(choices.values) + ".")


def code_field(**kwargs):
    return serializers.CharField(
        max_length=6, min_length=6, validators=[RegexValidator(r"^[0-9]{6}$", _("Enter the 6-digit code."))],
        error_messages={"min_length": _("Enter the 6-digit code."), "max_length": _("Enter the 6-digit code.")},
        help_text=_("The 6-digit code from the text message."), **kwargs,
    )


def password_field(**kwargs):
    return serializers.CharField(write_only=True, max_length=PASSWORD_MAX_LENGTH, trim_whitespace=False,
                                 style={"input_type": "password"}, **kwargs)


def session_field():
    return serializers.BooleanField(default=True, write_only=True, help_text=_(
        "Also start a web session (a cookie). Apps that send the token should pass false: while a session "
        "cookie is sent, every POST, PATCH or DELETE must also carry the CSRF token."))


def device_field():
    return serializers.CharField(max_length=DEVICE_MAX_LENGTH, required=False, allow_blank=True, write_only=True,
                                 help_text=_("A name for the device the token is for, e.g. 'Redmi phone'."))


def id_number_field(**kwargs):
    return serializers.CharField(
        write_only=True, max_length=MAX_TYPED_LENGTH, help_text=_(
            "Resident ID number for real-name verification; only a keyed hash, a mask of the first two and the "
            "last character, and the birth year are kept. A number another account holds is sent for an "
            "in-person check at a service center."), **kwargs,
    )


# --- Requests -----------------------------------------------------------------------------------
class SmsCodeRequestSerializer(serializers.Serializer):
    phone = PhoneField()
    purpose = serializers.ChoiceField(choices=SmsCodePurpose.choices)


class SignupSerializer(serializers.Serializer):
    phone = PhoneField()
    code = code_field()
    password = password_field(required=False, allow_blank=True,
                              help_text=_("Optional: without one, log in by text-message code."))
    role = SignupRoleField(
        choices=[(Role.WORKER, Role.WORKER.label), (Role.EMPLOYER, Role.EMPLOYER.label)],
        error_messages={"invalid_choice": _("Only workers and employers can sign up; staff accounts are created "
                                            "by a city administrator.")},
    )
    name = serializers.CharField(max_length=100, help_text=_(
        "A worker's name as shown to employers (at most 50 characters), or the employer's name."))
    latitude = serializers.FloatField(required=False, help_text=_("Workers: home latitude (WGS-84)."))
    longitude = serializers.FloatField(required=False, help_text=_("Workers: home longitude (WGS-84)."))
    kind = serializers.ChoiceField(choices=Employer.Kind.choices, required=False)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True, help_text=_(
        "Employers: the contact person; required for organisations."))
    credit_code = CreditCodeField(required=False, allow_blank=True, allow_null=True,
                                  help_text=_("Organisations: the unified social credit code."))
    device = device_field()
    session = session_field()

    def validate(self, attrs):
        errors = {}
        if attrs["role"] == Role.WORKER:
            if len(attrs["name"]) > WorkerProfile._meta.get_field("display_name").max_length:
                errors["name"] = [_("A worker's name has at most 50 characters.")]
            for field in ("latitude", "longitude"):
                if attrs.get(field) is None:
                    errors[field] = [_("Workers give their home location.")]
            if "latitude" not in errors and "longitude" not in errors:
                try:
                    validate_point(attrs["latitude"], attrs["longitude"])
                except DjangoValidationError as error:
                    errors.update(error.message_dict)
        else:
            kind = attrs.setdefault("kind", Employer.Kind.INDIVIDUAL)
            if kind == Employer.Kind.ORGANISATION:
                if not attrs.get("credit_code"):
                    errors["credit_code"] = [_("An organisation must give its unified social credit code.")]
                if not attrs.get("contact_name"):
                    errors["contact_name"] = [_("An organisation must name a contact person.")]
            elif not attrs.get("contact_name") and len(attrs["name"]) > 50:
                errors["contact_name"] = [_("Give a contact person of at most 50 characters.")]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class LoginSerializer(serializers.Serializer):
    phone = PhoneField()
    password = password_field(required=False)
    code = code_field(required=False)
    device = device_field()
    session = session_field()

    def validate(self, attrs):
        if ("password" in attrs) == ("code" in attrs):
            raise serializers.ValidationError(
                {"password": [_("Give either a password or a code.")], "code": [_("Give either a password or a code.")]}
            )
        return attrs


class PasswordResetSerializer(serializers.Serializer):
    phone = PhoneField()
    code = code_field()
    new_password = password_field()


# --- Responses ----------------------------------------------------------------------------------
class AuthUserSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    masked_phone = serializers.CharField(read_only=True, help_text=_("e.g. 138****5678"))


class AuthResultSerializer(serializers.Serializer):
    token = serializers.CharField(source="key", read_only=True, help_text=_(
        "Send it as `Authorization: Bearer <token>`. Shown only once."))
    expires_at = serializers.DateTimeField(source="token.expires_at", read_only=True)
    user = AuthUserSerializer(read_only=True)


class SmsCodeSentSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)
    expires_in = serializers.IntegerField(read_only=True, help_text=_("Seconds a code stays valid."))
    resend_after = serializers.IntegerField(read_only=True, help_text=_("Seconds before another code can be asked."))


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, read_only=True)
    phone = serializers.CharField(read_only=True)


# --- Profiles -----------------------------------------------------------------------------------
class WorkerTradeSerializer(serializers.ModelSerializer):
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.filter(parent__isnull=False),
        error_messages={"does_not_exist": _("There is no trade {pk_value}; choose a trade, not a group.")},
    )
    name = serializers.CharField(source="category.name", read_only=True)

    class Meta:
        model = WorkerTrade
        fields = ("category", "name", "years_experience")

    def validate(self, attrs):
        # A PATCH makes nested fields optional too; a trade still needs its category.
        if "category" not in attrs:
            raise serializers.ValidationError({"category": [self.fields["category"].error_messages["required"]]})
        return attrs


class WorkerProfileSerializer(serializers.ModelSerializer):
    """A worker's own profile. The ID number can be written but is never read back, only its mask."""

    trades = WorkerTradeSerializer(source="worker_trades", many=True, required=False, max_length=MAX_TRADES,
                                   help_text=_("Replaces the whole list when given."))
    id_number = id_number_field(required=False)
    real_name_status = status_field(RealNameStatus)

    class Meta:
        model = WorkerProfile
        fields = ("display_name", "availability", "latitude", "longitude", "trades", "has_smartphone",
                  "id_number", "id_number_masked", "real_name_status")
        read_only_fields = ("id_number_masked", "real_name_status")

    def validate(self, attrs):
        trades = attrs.get("worker_trades")
        if trades is not None:
            ids = [trade["category"].pk for trade in trades]
            if len(ids) != len(set(ids)):
                raise serializers.ValidationError({"trades": [_("Each trade can be listed once.")]})
        return attrs


class EmployerSerializer(serializers.ModelSerializer):
    contact_phone = PhoneField(required=False)
    credit_code = CreditCodeField(required=False, allow_blank=True, allow_null=True)
    verification_status = status_field(VerificationStatus)

    class Meta:
        model = Employer
        fields = ("id", "name", "kind", "contact_name", "contact_phone", "credit_code", "verification_status")
        read_only_fields = ("id", "verification_status")


# --- Identity: ID numbers, in-person checks and claims ---------------------------------------------------
class IdNumberSerializer(serializers.Serializer):
    id_number = id_number_field()


class ClaimCenterSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    address = serializers.CharField(read_only=True)
    opening_hours = serializers.CharField(read_only=True)


class ClaimedAccountSerializer(serializers.Serializer):
    """Who is on either side of a claim, as the staff at the desk need it to call them in."""

    id = serializers.IntegerField(read_only=True)
    display_name = serializers.CharField(read_only=True)
    masked_phone = serializers.CharField(source="user.masked_phone", read_only=True)
    real_name_status = status_field(RealNameStatus)


class IdentityClaimSerializer(serializers.ModelSerializer):
    center = ClaimCenterSerializer(read_only=True)
    status = status_field(ClaimStatus)

    class Meta:
        model = IdentityClaim
        fields = ("id", "id_number_masked", "birth_year", "center", "status", "created_at", "resolved_at", "note")
        read_only_fields = fields


class StaffIdentityClaimSerializer(IdentityClaimSerializer):
    claimant = ClaimedAccountSerializer(read_only=True)
    holder = ClaimedAccountSerializer(read_only=True, allow_null=True)

    class Meta(IdentityClaimSerializer.Meta):
        fields = (*IdentityClaimSerializer.Meta.fields, "claimant", "holder")
        read_only_fields = fields


class IdentityClaimSentSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)
    claim = IdentityClaimSerializer(read_only=True)


class ResolveClaimSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=[("approve", _("The claimant showed the ID card: move the number")),
                                                ("reject", _("Reject the claim"))])
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

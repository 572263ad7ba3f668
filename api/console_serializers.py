"""Shapes of the staff console's API (a center's counter): walk-ins, the hall, the board and dispatch slips.

Staff see a worker's masked phone and masked ID number, never the full ones; a dispatch slip carries the
employer's contact and the exact site, because the worker it names is hired there."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from jobs.models import Category, PayUnit
from workers.models import Availability, Sex
from workers.selectors import card_payload
from zero_gig.ids import MAX_ID

from .serializers import CenterBriefSerializer, GigSerializer, TradeBriefSerializer


class StaffWorkerTradeSerializer(serializers.Serializer):
    trade = TradeBriefSerializer(source="category")
    years_experience = serializers.IntegerField()


class IntakeSerializer(serializers.Serializer):
    sex = serializers.CharField()
    stated_birth_year = serializers.IntegerField(allow_null=True)
    skills = serializers.CharField()
    experience = serializers.CharField()
    expected_pay = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    expected_pay_unit = serializers.CharField()
    work_areas = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()


class StaffWorkerSerializer(serializers.Serializer):
    """A worker as staff at a counter see them."""

    id = serializers.IntegerField()
    number = serializers.CharField(help_text=_("The worker number printed on the card."))
    card_qr = serializers.SerializerMethodField(help_text=_("What the card's QR holds (a scanner types it)."))
    display_name = serializers.CharField()
    phone_masked = serializers.CharField(source="user.masked_phone")
    has_phone = serializers.SerializerMethodField()
    has_smartphone = serializers.BooleanField()
    trades = StaffWorkerTradeSerializer(source="worker_trades", many=True)
    availability = serializers.CharField()
    real_name_status = serializers.CharField()
    id_number_masked = serializers.CharField()
    birth_year = serializers.IntegerField(allow_null=True)
    registered_at_center = CenterBriefSerializer(allow_null=True)
    intake = serializers.SerializerMethodField()

    def get_card_qr(self, worker) -> str:
        return card_payload(worker)

    def get_has_phone(self, worker) -> bool:
        return bool(worker.user.phone)

    @extend_schema_field(IntakeSerializer(allow_null=True))
    def get_intake(self, worker):
        intake = getattr(worker, "intake", None)
        return IntakeSerializer(intake).data if intake is not None else None


class TradeCodeField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Category.objects.filter(parent__isnull=False), **kwargs)


class IntakeWriteSerializer(serializers.Serializer):
    """The registration form of DB2301/T 218—2024 Annex B. Only `display_name` and one trade are required."""

    display_name = serializers.CharField(max_length=50)
    trades = serializers.ListField(child=TradeCodeField(), max_length=20, help_text=_("Trade codes."))
    years_experience = serializers.IntegerField(min_value=0, max_value=60, default=0)
    phone = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    id_number = serializers.CharField(max_length=64, required=False, allow_blank=True, allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    stated_birth_year = serializers.IntegerField(min_value=1900, max_value=2100, required=False, allow_null=True)
    skills = serializers.CharField(max_length=300, required=False, allow_blank=True)
    experience = serializers.CharField(max_length=500, required=False, allow_blank=True)
    expected_pay = serializers.DecimalField(max_digits=8, decimal_places=2, min_value=0, required=False,
                                            allow_null=True)
    expected_pay_unit = serializers.ChoiceField(choices=PayUnit.choices, required=False, allow_blank=True)
    availability = serializers.ChoiceField(choices=Availability.choices, required=False)
    work_areas = serializers.ListField(child=serializers.RegexField(r"^[0-9]{6}$"), max_length=20, required=False)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def service_fields(self) -> dict:
        data = dict(self.validated_data)
        years = data.pop("years_experience", 0)
        if "trades" in data:
            data["trades"] = {category: years for category in data.pop("trades")}
        return data


class WalkInSerializer(IntakeWriteSerializer):
    consent = serializers.BooleanField(help_text=_("The worker heard the registration text and agrees."))


class WorkerUpdateSerializer(IntakeWriteSerializer):
    center = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("The center acting for the worker."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)

    def validate(self, attrs):
        """Partial: only the fields sent change; but the acting center is always named (a PATCH of `{}` was
        a KeyError, a 500)."""
        if "center" not in attrs:
            raise serializers.ValidationError({"center": [_("Name the center acting for the worker.")]})
        return super().validate(attrs)


class WalkInResultSerializer(serializers.Serializer):
    created = serializers.BooleanField(help_text=_("False: a worker with this phone or ID number was found."))
    matched_by = serializers.CharField(help_text=_("phone or id_number when an existing worker was found."))
    identity_claim = serializers.IntegerField(allow_null=True)
    worker = StaffWorkerSerializer()


class CenterQuerySerializer(serializers.Serializer):
    center = serializers.IntegerField(min_value=1, max_value=MAX_ID)


class LookupQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=64, help_text=_("A scanned card, a worker number, a phone or a name."))


class HallVisitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    center = CenterBriefSerializer()
    worker = StaffWorkerSerializer()
    day = serializers.DateField()
    checked_in_at = serializers.DateTimeField()
    checked_out_at = serializers.DateTimeField(allow_null=True)


class HallCheckInSerializer(serializers.Serializer):
    worker = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    scan = serializers.CharField(max_length=64, required=False, help_text=_("What the scanner read from a card."))

    def validate(self, attrs):
        if "worker" not in attrs and not attrs.get("scan"):
            raise serializers.ValidationError({"worker": _("Give the worker's id, or the card's scan.")})
        return attrs


class SuggestionSerializer(serializers.Serializer):
    worker = StaffWorkerSerializer()
    distance_km = serializers.FloatField()
    verified = serializers.BooleanField()


class BoardGigSerializer(serializers.Serializer):
    gig = GigSerializer()
    distance_km = serializers.FloatField(help_text=_("From the center."))
    suggestions = SuggestionSerializer(many=True, help_text=_("Workers waiting in the hall, best first."))


class BoardSerializer(serializers.Serializer):
    gigs = BoardGigSerializer(many=True)
    waiting = HallVisitSerializer(many=True, help_text=_("The workers who have waited longest, at most 200."))
    waiting_count = serializers.IntegerField(help_text=_("How many workers wait in the hall, listed or not."))


class DispatchSerializer(serializers.Serializer):
    gig = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    worker = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    consent = serializers.BooleanField(help_text=_("The worker agrees to take this gig."))


class EmployerContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()


class DispatchSlipSerializer(serializers.Serializer):
    """A dispatch slip (派工单): the worker is hired, so the exact site and the employer's contact are on it."""

    assignment = serializers.IntegerField(source="pk")
    status = serializers.CharField()
    worker = StaffWorkerSerializer()
    gig = GigSerializer()
    site_address = serializers.SerializerMethodField()
    employer = EmployerContactSerializer(source="gig.employer")
    center = CenterBriefSerializer(source="dispatch_consent.center")
    dispatched_at = serializers.DateTimeField(source="dispatch_consent.recorded_at")
    dispatched_by = serializers.CharField(source="dispatch_consent.recorded_by.name")
    consent_text_version = serializers.CharField(source="dispatch_consent.text_version")

    def get_site_address(self, assignment) -> str:
        return assignment.gig.site_address or assignment.gig.address


class SuspiciousCheckInSerializer(serializers.Serializer):
    """A location check-in that did not look like a reading at the site (refused, or let through and flagged).
    No coordinates: how far from the site, how exact the phone said it was, and the jump that gave it away."""

    id = serializers.IntegerField()
    assignment = serializers.IntegerField(source="assignment_id")
    worker = serializers.IntegerField(source="assignment.worker_id")
    worker_name = serializers.CharField(source="assignment.worker.display_name")
    worker_number = serializers.CharField(source="assignment.worker.number")
    gig = serializers.IntegerField(source="assignment.gig_id")
    gig_code = serializers.CharField(source="assignment.gig.code")
    reason = serializers.CharField(help_text=_("copied_point, impossible_jump (both refused) or fast_jump."))
    reason_label = serializers.CharField(source="get_reason_display")
    refused = serializers.BooleanField(help_text=_("Whether the check-in was refused (else the worker is in)."))
    attempts = serializers.IntegerField()
    distance_m = serializers.IntegerField(allow_null=True)
    accuracy_m = serializers.IntegerField(allow_null=True)
    jump_km = serializers.FloatField(allow_null=True)
    jump_minutes = serializers.IntegerField(allow_null=True)
    speed_kmh = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    last_at = serializers.DateTimeField()
    reviewed_at = serializers.DateTimeField(allow_null=True)

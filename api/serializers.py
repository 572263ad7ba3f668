"""Shapes of the API. Lists never carry phone or ID numbers; contact details appear only where a job is agreed."""

import functools
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Role
from centers.models import ServiceCenter
from figures.periods import validate_day
from jobs.models import (
    MAX_PIECES,
    Assignment,
    Category,
    Gig,
    HiringMode,
    PayRecord,
    PayUnit,
    Rating,
    VerificationStatus,
    average_rating,
)
from jobs.selectors import (
    SORTS,
    SiteAccess,
    contact_is_shared,
    employer_standing,
    nearby_radius_limits,
    public_place,
    trade_ids_by_code,
    worker_contact,
    worker_reliabilities,
    worker_reliability,
)
from wages.selectors import FairPay, FairPayBook, Position, below_guide_warning
from workers.models import RealNameStatus
from zero_gig.geo import CHINA_LAT_RANGE, CHINA_LNG_RANGE

from .representation import FastRepresentation


class DateTimeField(serializers.DateTimeField):
    """A date-time that answers 400, not 500, when a date near year 1 or 9999 cannot be moved into our time zone."""

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


class DayField(serializers.DateField):
    """A day one the market keeps (figures.periods.validate_day): its bounds, computed in the city's time zone a
    day either side, overflowed on the calendar's first and last days (a 500)."""

    default_validators = [validate_day]


class ServiceCenterSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = ServiceCenter
        fields = ("id", "name", "level", "parent", "region_code", "address", "latitude", "longitude",
                  "opening_hours", "services", "amenities", "contact_phone", "is_demo")


class TradeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("id", "code", "name", "name_en", "pay_units", "piece_label")


class TradeGroupSerializer(serializers.ModelSerializer):
    trades = TradeSerializer(source="children", many=True, read_only=True)

    class Meta:
        model = Category
        fields = ("id", "code", "name", "name_en", "trades")


# --- Gigs -----------------------------------------------------------------------------------

class TradeBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Category
        fields = ("id", "code", "name", "name_en")


class CenterBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceCenter
        fields = ("id", "name", "level", "is_demo")


class EmployerBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    verified = serializers.BooleanField()
    rating = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()


class GuideFiguresSerializer(serializers.Serializer):
    low = serializers.DecimalField(max_digits=10, decimal_places=2)
    median = serializers.DecimalField(max_digits=10, decimal_places=2)
    high = serializers.DecimalField(max_digits=10, decimal_places=2)
    region_code = serializers.CharField(help_text=_("Empty: the line holds for the whole city."))
    effective_from = serializers.DateField()
    source = serializers.CharField()
    is_demo = serializers.BooleanField()


class MarketFiguresSerializer(serializers.Serializer):
    gigs = serializers.IntegerField()
    p25 = serializers.DecimalField(max_digits=12, decimal_places=3)
    median = serializers.DecimalField(max_digits=12, decimal_places=3)
    p75 = serializers.DecimalField(max_digits=12, decimal_places=3)
    region_code = serializers.CharField(help_text=_("Empty: gigs of the whole city."))
    window_days = serializers.IntegerField()


POSITIONS = Position.choices


class FairPaySerializer(FastRepresentation, serializers.Serializer):
    """Where a gig's pay stands against the wage guide and the market (wages.selectors: the one rule)."""

    label = serializers.ChoiceField(choices=POSITIONS, help_text=_(
        "The guide's position where the guide covers the trade, else the market's."))
    words = serializers.CharField(help_text=_("The label in words, in the asker's language."))
    basis = serializers.CharField(help_text=_("What the pay was measured against, in words."))
    guide_position = serializers.ChoiceField(choices=POSITIONS)
    market_position = serializers.ChoiceField(choices=POSITIONS)
    guide = GuideFiguresSerializer(allow_null=True)
    market = MarketFiguresSerializer(allow_null=True)
    hourly_rate = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True, help_text=_(
        "What the pay comes to an hour: a day's over 8 hours, a job's over its expected hours, a piece's times "
        "the expected pieces of an 8-hour day."))
    hourly_minimum = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    below_minimum = serializers.BooleanField()


# One instance for every label: a new serializer per gig would deep-copy its declared fields each time.
FAIR_PAY = FairPaySerializer()


@functools.lru_cache(maxsize=4096)
def fair_pay_json(fair: FairPay, language: str | None) -> dict:
    """A label's JSON, kept: the same label (the same figures, position and pay per hour) in the same language is
    the same JSON, and a page of cards repeats a few labels (one trade, pay in round numbers). Building it was
    half of a card's cost. A change to the wage tables gives labels with other figures, hence other keys.
    Shared between answers: read it, never change it."""
    return FAIR_PAY.to_representation({**fair.__dict__, "words": fair.words, "basis": fair.basis,
                                       "below_minimum": fair.below_minimum})


class GigSerializer(FastRepresentation, serializers.ModelSerializer):
    """A gig as workers browse it: no contact details."""

    trade = TradeBriefSerializer(source="category", read_only=True)
    center = CenterBriefSerializer(read_only=True)
    employer = serializers.SerializerMethodField()
    slots_left = serializers.IntegerField(read_only=True)
    distance_km = serializers.SerializerMethodField()
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()
    exact_site = serializers.SerializerMethodField(
        help_text=_("False for a household's gig seen by someone not hired there: the place is the centre of the "
                    "area around the site (a few hundred metres) and the address is hidden."))
    fair_pay = serializers.SerializerMethodField()

    class Meta:
        model = Gig
        fields = ("id", "code", "title", "trade", "pay_amount", "pay_unit", "headcount", "slots_left",
                  "hiring_mode", "address", "latitude", "longitude", "exact_site", "starts_at", "ends_at", "status",
                  "center", "employer", "distance_km", "fair_pay")

    @extend_schema_field(FairPaySerializer)
    def get_fair_pay(self, gig):
        book = self.context.get("fair_pay_book")
        if book is None:
            book = self.context["fair_pay_book"] = FairPayBook.load()
        return fair_pay_json(book.fair_pay(gig), get_language())

    def _exact(self, gig) -> bool:
        access = self.context.get("site_access")
        if access is None:
            request = self.context.get("request")
            access = self.context["site_access"] = SiteAccess(request.user if request else None)
        return access.exact(gig)

    @extend_schema_field(serializers.BooleanField())
    def get_exact_site(self, gig):
        return self._exact(gig)

    @extend_schema_field(serializers.FloatField())
    def get_latitude(self, gig):
        return gig.site_latitude if self._exact(gig) and getattr(gig, "site_latitude", None) else gig.latitude

    @extend_schema_field(serializers.FloatField())
    def get_longitude(self, gig):
        return gig.site_longitude if self._exact(gig) and getattr(gig, "site_longitude", None) else gig.longitude

    @extend_schema_field(serializers.CharField())
    def get_address(self, gig):
        if self._exact(gig):
            return getattr(gig, "site_address", "") or gig.address
        return gig.address or public_place(gig)

    @extend_schema_field(EmployerBriefSerializer)
    def get_employer(self, gig):
        employer = gig.employer
        return {"id": employer.id, "name": employer.name,
                "verified": employer.verification_status == VerificationStatus.VERIFIED,
                "rating": average_rating(employer.rating_total, employer.rating_count),
                "ratings": employer.rating_count}

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, gig):
        distance = self.context.get("distances", {}).get(gig.pk)
        return round(distance, 3) if distance is not None else None


class EmployerStandingSerializer(serializers.Serializer):
    rating = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()
    gigs_completed = serializers.IntegerField()
    cancellations = serializers.IntegerField()
    late_cancellations = serializers.IntegerField()
    open_wage_disputes = serializers.IntegerField()
    unpaid_assignments = serializers.IntegerField()
    unresolved_wage_complaints = serializers.IntegerField(
        help_text="Wage-arrears complaints not yet resolved: the employer may not post new gigs meanwhile.")
    unpaid_wages = serializers.DecimalField(max_digits=12, decimal_places=2,
                                            help_text="Yuan claimed by those, and left unpaid by resolved ones.")


class GigDetailSerializer(GigSerializer):
    employer_standing = serializers.SerializerMethodField()

    class Meta(GigSerializer.Meta):
        fields = (*GigSerializer.Meta.fields, "description", "expected_hours", "expected_pieces_per_day",
                  "max_pieces", "planned_ends_at", "ended_early_at", "end_early_reason", "employer_standing",
                  "review_note", "created_at")

    @extend_schema_field(EmployerStandingSerializer)
    def get_employer_standing(self, gig):
        return EmployerStandingSerializer(employer_standing(gig.employer)).data


class PayWarningSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()


class GigPostedSerializer(GigDetailSerializer):
    """A gig as its employer just posted or edited it, with what they should know (pay below the wage guide)."""

    warnings = serializers.SerializerMethodField()

    class Meta(GigDetailSerializer.Meta):
        fields = (*GigDetailSerializer.Meta.fields, "warnings")

    @extend_schema_field(PayWarningSerializer(many=True))
    def get_warnings(self, gig):
        warning = below_guide_warning(gig)
        return [{"code": "below_wage_guide", "detail": warning}] if warning else []


class GigWriteSerializer(serializers.Serializer):
    """What an employer sends to post or edit a gig; the rules themselves live in jobs.services."""

    trade = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.filter(parent__isnull=False),
                                         source="category", help_text=_("Trade code, e.g. labourer."))
    title = serializers.CharField(max_length=80)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    headcount = serializers.IntegerField(min_value=1, max_value=500)
    pay_amount = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    pay_unit = serializers.ChoiceField(choices=PayUnit.choices)
    hiring_mode = serializers.ChoiceField(choices=HiringMode.choices, required=False)
    address = serializers.CharField(max_length=200)
    latitude = serializers.FloatField(min_value=CHINA_LAT_RANGE[0], max_value=CHINA_LAT_RANGE[1])
    longitude = serializers.FloatField(min_value=CHINA_LNG_RANGE[0], max_value=CHINA_LNG_RANGE[1])
    starts_at = DateTimeField()
    ends_at = DateTimeField()
    center = serializers.PrimaryKeyRelatedField(queryset=ServiceCenter.objects.filter(is_active=True), required=False,
                                                help_text=_("Defaults to the nearest service center."))
    expected_hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=Decimal("0.25"), required=False, allow_null=True,
        help_text=_("Required for per-job pay: the hours the job takes (its pay per hour must meet the minimum "
                    "wage)."))
    expected_pieces_per_day = serializers.IntegerField(
        min_value=1, max_value=MAX_PIECES, required=False, allow_null=True,
        help_text=_("Required for per-piece pay: what a worker makes in an 8-hour day at an ordinary pace."))
    max_pieces = serializers.IntegerField(
        min_value=1, max_value=MAX_PIECES, required=False, allow_null=True,
        help_text=_("Required for per-piece pay: the most pieces one worker can be paid for on this gig."))
    draft = serializers.BooleanField(required=False, default=False, write_only=True,
                                     help_text=_("Keep as a draft instead of publishing."))


class HerePointSerializer(serializers.Serializer):
    """Where the asker is, optional: both coordinates or neither."""

    latitude = serializers.FloatField(min_value=CHINA_LAT_RANGE[0], max_value=CHINA_LAT_RANGE[1], required=False)
    longitude = serializers.FloatField(min_value=CHINA_LNG_RANGE[0], max_value=CHINA_LNG_RANGE[1], required=False)

    def validate(self, attrs):
        if len(attrs) == 1:
            missing = "longitude" if "latitude" in attrs else "latitude"
            raise serializers.ValidationError({missing: _("Give both latitude and longitude, or neither.")})
        return attrs


class NearbyQuerySerializer(serializers.Serializer):
    latitude = serializers.FloatField(min_value=CHINA_LAT_RANGE[0], max_value=CHINA_LAT_RANGE[1])
    longitude = serializers.FloatField(min_value=CHINA_LNG_RANGE[0], max_value=CHINA_LNG_RANGE[1])
    radius_km = serializers.FloatField(required=False, min_value=0.1)
    trades = serializers.CharField(required=False, max_length=500, help_text=_("Comma-separated trade codes."))
    pay_unit = serializers.ChoiceField(choices=PayUnit.choices, required=False, help_text=_(
        "Only gigs paid in this unit. Required with min_pay and with sort=pay."))
    min_pay = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0"), required=False)
    starts_after = DateTimeField(required=False)
    starts_before = DateTimeField(required=False)
    sort = serializers.ChoiceField(choices=SORTS, required=False, default="distance", help_text=_(
        "distance: nearest first; pay: best paid first, within one pay_unit (pay per hour, day, piece and job "
        "do not compare); start: soonest first. Ties go nearest first."))
    limit = serializers.IntegerField(min_value=1, max_value=50, required=False, default=20)
    cursor = serializers.CharField(required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The largest radius is a setting: the schema shows it as it is (validate_radius_km enforces it).
        self.fields["radius_km"].max_value = nearby_radius_limits()[1]

    def validate_radius_km(self, value):
        _default, max_radius = nearby_radius_limits()
        if value > max_radius:
            raise serializers.ValidationError(_("The radius is at most %(km)s km.") % {"km": max_radius})
        return value

    def validate_trades(self, value):
        codes = [code.strip() for code in value.split(",") if code.strip()]
        found = trade_ids_by_code(codes)
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise serializers.ValidationError(_("Unknown trade: %(codes)s.") % {"codes": ", ".join(unknown)})
        return [found[code] for code in codes]

    def validate(self, attrs):
        if "min_pay" in attrs and "pay_unit" not in attrs:
            raise serializers.ValidationError({"pay_unit": _("Say which pay unit min_pay is in.")})
        after, before = attrs.get("starts_after"), attrs.get("starts_before")
        if after and before and before <= after:
            raise serializers.ValidationError({"starts_before": _("starts_before must be after starts_after.")})
        return attrs


class NearbyPageSerializer(serializers.Serializer):
    results = GigSerializer(many=True)
    next_cursor = serializers.CharField(allow_null=True)


class ReviewDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class EndEarlySerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text=_("Why the gig ends early; the workers are shown it."))


class CheckInCodeSerializer(serializers.Serializer):
    code = serializers.CharField()
    valid_until = serializers.DateTimeField()
    qr_payload = serializers.CharField()


# --- Assignments ----------------------------------------------------------------------------

class WorkerReliabilitySerializer(serializers.Serializer):
    completed = serializers.IntegerField()
    no_shows = serializers.IntegerField()
    late_cancellations = serializers.IntegerField()
    active_strikes = serializers.IntegerField()
    attendance_rate = serializers.FloatField(allow_null=True)
    rating = serializers.FloatField(allow_null=True)
    ratings = serializers.IntegerField()
    suspended_until = serializers.DateTimeField(allow_null=True)


class WorkerBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    real_name_verified = serializers.BooleanField()
    reliability = WorkerReliabilitySerializer()


class AssignmentListSerializer(serializers.ListSerializer):
    """A list of assignments reads every worker's record at once, not row by row."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        self.context["reliabilities"] = worker_reliabilities([item.worker for item in items])
        return super().to_representation(items)


class AssignmentSerializer(serializers.ModelSerializer):
    gig = GigSerializer(read_only=True)
    worker = serializers.SerializerMethodField()
    worker_phone = serializers.SerializerMethodField(help_text=_(
        "Only for the employer, once the worker is hired; for a walk-in without a phone, their service center's "
        "number."))
    employer_contact = serializers.SerializerMethodField(help_text=_("Only for the hired worker."))
    compensation_owed = serializers.SerializerMethodField()
    max_pay_quantity = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, allow_null=True,
        help_text=_("The most the employer may record, in the gig's pay unit (null until it is known)."))

    class Meta:
        model = Assignment
        fields = ("id", "gig", "worker", "status", "offered_at", "accepted_at", "checked_in_at", "checked_out_at",
                  "completed_at", "cancelled_at", "cancelled_by", "cancel_reason", "check_in_method",
                  "minutes_worked", "pay_quantity", "max_pay_quantity", "amount_due", "pay_status",
                  "pay_confirmed_at", "compensation_owed", "worker_phone", "employer_contact")
        list_serializer_class = AssignmentListSerializer

    def _viewer(self):
        request = self.context.get("request")
        return request.user if request else None

    @extend_schema_field(WorkerBriefSerializer)
    def get_worker(self, assignment):
        worker = assignment.worker
        known = self.context.get("reliabilities") or {}
        record = known.get(worker.pk) or worker_reliability(worker)
        return {"id": worker.pk, "display_name": worker.display_name,
                "real_name_verified": worker.real_name_status == RealNameStatus.VERIFIED,
                "reliability": WorkerReliabilitySerializer(record).data}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_worker_phone(self, assignment):
        viewer = self._viewer()
        if viewer and viewer.role == Role.EMPLOYER and contact_is_shared(assignment):
            return worker_contact(assignment).phone or None
        return None

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_employer_contact(self, assignment):
        viewer = self._viewer()
        if viewer and viewer.role == Role.WORKER and contact_is_shared(assignment):
            employer = assignment.gig.employer
            return {"name": employer.contact_name, "phone": employer.contact_phone}
        return None

    @extend_schema_field(serializers.DecimalField(max_digits=10, decimal_places=2, allow_null=True))
    def get_compensation_owed(self, assignment):
        compensation = getattr(assignment, "compensation", None)
        return str(compensation.amount) if compensation else None


class SlipCheckInSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=20, help_text="The code printed on the worker's dispatch slip (派工单).")


class CheckInSerializer(serializers.Serializer):
    latitude = serializers.FloatField(required=False, min_value=-90, max_value=90)
    longitude = serializers.FloatField(required=False, min_value=-180, max_value=180)
    accuracy = serializers.FloatField(required=False, min_value=0, max_value=100_000,
                                      help_text=_("How exact the location is, in metres (the browser's "
                                                  "coords.accuracy): required with a location; vaguer than the "
                                                  "rules allow is refused."))
    code = serializers.RegexField(r"^[0-9]{6}$", required=False, max_length=6,
                                  error_messages={"invalid": _("The code is 6 digits.")})

    def validate(self, attrs):
        if "code" not in attrs and ("latitude" not in attrs or "longitude" not in attrs):
            raise serializers.ValidationError(
                {"latitude": _("Send latitude and longitude, or the 6-digit code shown at the site.")})
        return attrs


class PaySerializer(serializers.Serializer):
    quantity = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"),
                                        help_text=_("Hours, days, pieces or 1 job, in the gig's pay unit."))
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                   help_text=_("Required to correct pay already recorded; the worker is shown it."))


class ConfirmPaidSerializer(serializers.Serializer):
    amount_due = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False,
        help_text=_("The amount the worker was shown: if the employer has corrected it since, nothing is "
                    "confirmed (409 pay_changed)."))


class PayRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = PayRecord
        fields = ("id", "quantity", "amount", "recorded_at", "reason")


class DisputeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)
    amount_claimed = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"),
                                              required=False)


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ("id", "direction", "score", "comment", "created_at")
        read_only_fields = ("id", "direction", "created_at")
        extra_kwargs = {"score": {"min_value": 1, "max_value": 5}}


class WorkerTradeCardSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    years_experience = serializers.IntegerField()
    verified_at = serializers.DateTimeField(allow_null=True,
                                            help_text="When a completed training course verified this skill.")
    verified_by_course = serializers.IntegerField(allow_null=True)


class WorkerPublicSerializer(serializers.Serializer):
    """A worker as an employer or staff sees them before hiring: no phone, no ID number."""

    id = serializers.IntegerField()
    display_name = serializers.CharField()
    real_name_verified = serializers.BooleanField()
    trades = WorkerTradeCardSerializer(many=True)
    reliability = WorkerReliabilitySerializer()

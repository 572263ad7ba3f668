"""Reports of fake or unfair gigs over the API (gigreports): a worker reports a gig, with photos if they have
them (base64 in the JSON body: the API takes JSON only); the staff of the gig's center read their queue and
release the gig or take it down."""

import base64
import binascii

from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from gigreports import services
from gigreports.models import Case, Reason, Report
from gigreports.selectors import case_for_staff, cases_for, reports_of
from jobs.selectors import gigs_visible_to

from .exceptions import errors
from .idempotency import idempotent
from .pagination import ListPage


class Base64PhotoField(serializers.CharField):
    """A photo as base64 text; what it is (a JPEG, PNG or WebP picture, and how big) the service checks."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            raw = base64.b64decode("".join(text.split()), validate=True)
        except (binascii.Error, ValueError):
            raise serializers.ValidationError(_("This is not base64 text.")) from None
        return ContentFile(raw, name="photo")


class ReportWriteSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Reason.choices)
    text = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                 help_text="What happened; needed (4 characters or more) when the reason is other.")
    photos = serializers.ListField(
        child=Base64PhotoField(trim_whitespace=False), required=False, max_length=10,
        help_text="Photos, each the base64 of a JPEG, PNG or WebP picture (at most 3, 5 MB each).")


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    content_type = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="The photo itself: for the reporter and the center's staff.")

    def get_url(self, photo) -> str:
        return reverse("report_photo", args=[photo.pk])


class ReportSerializer(serializers.ModelSerializer):
    gig_code = serializers.CharField(source="gig.code", read_only=True)
    case_status = serializers.ChoiceField(source="case.status", choices=Case.Status.choices, read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Report
        fields = ("id", "gig", "gig_code", "reason", "text", "created_at", "case_status", "photos")


class StaffReportSerializer(ReportSerializer):
    worker_name = serializers.CharField(source="worker.display_name", read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = (*ReportSerializer.Meta.fields, "worker", "worker_name")


class CaseGigSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    center = serializers.IntegerField(source="center_id")
    employer = serializers.IntegerField(source="employer_id")
    employer_name = serializers.CharField(source="employer.name")
    starts_at = serializers.DateTimeField()


class CaseSerializer(serializers.ModelSerializer):
    gig = CaseGigSerializer(read_only=True)
    reports = StaffReportSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = ("id", "gig", "cause", "status", "opened_at", "held_at", "decided_at", "decided_by",
                  "employer_action", "note", "reports")


class CaseQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Case.Status.choices, required=False, default=Case.Status.OPEN)


class ReleaseSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class TakeDownSerializer(serializers.Serializer):
    employer_action = serializers.ChoiceField(choices=Case.EmployerAction.choices)
    note = serializers.CharField(max_length=500, help_text="Why the post is taken down; the employer is shown it.")


class ReportGig(APIView):
    """A worker reports a gig they can see, once; reports from several workers hold it at once."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReportWriteSerializer, responses={201: ReportSerializer, **errors(400, 401, 403, 404, 409)})
    @idempotent
    def post(self, request, pk: int):
        gig = get_object_or_404(gigs_visible_to(request.user), pk=pk)
        body = ReportWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = services.report_gig(gig, actor=request.user, reason=body.validated_data["reason"],
                                     text=body.validated_data.get("text", ""),
                                     photos=body.validated_data.get("photos", []))
        return Response(ReportSerializer(report).data, status=201)


class ReportList(generics.ListAPIView):
    """The worker's own reports, newest first, with what became of each."""

    permission_classes = [IsAuthenticated]
    serializer_class = ReportSerializer
    pagination_class = ListPage

    def get_queryset(self):
        return reports_of(self.request.user)

    @extend_schema(responses={200: ReportSerializer(many=True), **errors(401, 403)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CasePage(ListPage):
    ordering = ("opened_at", "id")  # oldest first


class CaseList(generics.ListAPIView):
    """Reported gigs at the staff member's centers (every center for the city): open ones by default."""

    permission_classes = [IsAuthenticated]
    serializer_class = CaseSerializer
    pagination_class = CasePage

    def get_queryset(self):
        query = CaseQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return cases_for(self.request.user).filter(status=query.validated_data["status"])

    @extend_schema(parameters=[CaseQuerySerializer], responses={200: CaseSerializer(many=True),
                                                                **errors(400, 401, 403)})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class CaseDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: CaseSerializer, **errors(401, 403, 404)})
    def get(self, request, pk: int):
        return Response(CaseSerializer(case_for_staff(pk, viewer=request.user)).data)


class ReleaseCase(APIView):
    """Nothing wrong found: a held gig is open (or filled) again; its reporters are told."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ReleaseSerializer, responses={200: CaseSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        case = case_for_staff(pk, viewer=request.user)
        body = ReleaseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.release(case, actor=request.user, note=body.validated_data.get("note", ""))
        return Response(CaseSerializer(case_for_staff(pk, viewer=request.user)).data)


class TakeDownCase(APIView):
    """The post is fake or unfair: taken down, its employer warned or suspended, its other open posts held."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=TakeDownSerializer, responses={200: CaseSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        case = case_for_staff(pk, viewer=request.user)
        body = TakeDownSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.take_down(case, actor=request.user, **body.validated_data)
        return Response(CaseSerializer(case_for_staff(pk, viewer=request.user)).data)

"""The figures a center reports, over HTTP: what /staff/figures/ shows, as JSON. Staff read their own centers
and the city totals; city administrators every center; anyone else 403 (figures.selectors decides)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from figures import selectors
from figures.periods import Period

from .exceptions import errors


class FigureRowSerializer(serializers.Serializer):
    period = serializers.CharField(source="label", help_text="2026-03-02, 2026-W10, 2026-03 or 2026-Q1.")
    first_day = serializers.DateField(source="start")
    last_day = serializers.DateField()
    job_seekers = serializers.IntegerField(source="seekers")
    openings = serializers.IntegerField()
    placements = serializers.IntegerField()
    fill_rate = serializers.FloatField(allow_null=True, help_text="Slots taken of the openings, 0–1.")
    median_time_to_fill_hours = serializers.SerializerMethodField()
    walk_ins = serializers.IntegerField()
    training_completions = serializers.IntegerField(source="completions")
    fair_hires = serializers.IntegerField()
    gigs_filled = serializers.IntegerField()
    slots_taken = serializers.IntegerField()

    def get_median_time_to_fill_hours(self, row) -> float | None:
        return None if row.median_fill_seconds is None else round(row.median_fill_seconds / 3600, 2)


class FigureReportSerializer(serializers.Serializer):
    center = serializers.IntegerField(allow_null=True, help_text="The center, or null for the whole city.")
    period = serializers.ChoiceField(choices=Period.choices)
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    refreshed_at = serializers.DateTimeField(allow_null=True)
    days_waiting = serializers.IntegerField(help_text="Changed days not refreshed yet (within 5 minutes).")
    results = FigureRowSerializer(many=True)


@extend_schema(
    parameters=[
        OpenApiParameter("center", OpenApiTypes.STR, description="A center id, or `city` (the default)."),
        OpenApiParameter("period", OpenApiTypes.STR, enum=Period.values, description="Default `month`."),
        OpenApiParameter("from", OpenApiTypes.DATE, description="First day (default: about a year ago)."),
        OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default: today)."),
    ],
    responses={200: FigureReportSerializer, **errors(400, 401, 403)})
class Figures(APIView):
    """Job seekers, openings, placements, fill rate, median time to fill, walk-ins served, training completions
    and job-fair hires of a center or the city, per day, ISO week, month or quarter (definitions in
    figures.services). At most 400 periods an answer; the CSV export on /staff/figures/ streams any range."""

    permission_classes = [IsAuthenticated]

    def get(self, request):
        scope = request.query_params.get("center") or selectors.CITY
        center = selectors.scope_center(request.user, scope)
        kind, first, last = selectors.parse_range(request.query_params.get("period"),
                                                  request.query_params.get("from"), request.query_params.get("to"))
        rows = list(selectors.rows(request.user, scope=scope, kind=kind, first=first, last=last))
        fresh = selectors.freshness()
        # FigureReportSerializer documents the answer; the rows are written out directly, since a year of days
        # through a serializer field by field costs several times the rest of the request.
        report = FigureReportSerializer({
            "center": center.pk if center else None, "period": kind, "first_day": first, "last_day": last,
            "refreshed_at": fresh.refreshed_at, "days_waiting": fresh.days_waiting, "results": []}).data
        report["results"] = [_row(row) for row in rows]
        return Response(report)


def _row(row) -> dict:
    """A row as FigureRowSerializer describes it."""
    return {"period": row.label, "first_day": row.start.isoformat(), "last_day": row.last_day.isoformat(),
            "job_seekers": row.seekers, "openings": row.openings, "placements": row.placements,
            "fill_rate": row.fill_rate,
            "median_time_to_fill_hours": (None if row.median_fill_seconds is None
                                          else round(row.median_fill_seconds / 3600, 2)),
            "walk_ins": row.walk_ins, "training_completions": row.completions, "fair_hires": row.fair_hires,
            "gigs_filled": row.gigs_filled, "slots_taken": row.slots_taken}

"""Gig work agreements over the API: read one (its two parties and the mediating staff), accept it (each party
from their own device), and record a worker's acceptance at a center's counter (staff). The device an acceptance
came from is kept but never returned."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from agreements import selectors, services
from agreements.models import Acceptance, Agreement, Party
from agreements.text import render_text

from .exceptions import errors


class AcceptanceSerializer(serializers.ModelSerializer):
    center_name = serializers.CharField(source="center.name", default=None, allow_null=True,
                                        help_text="At a counter: the center whose staff recorded it.")

    class Meta:
        model = Acceptance
        fields = ("party", "channel", "accepted_at", "center", "center_name")


class TranslationSerializer(serializers.Serializer):
    language = serializers.CharField()
    text = serializers.CharField(help_text="A translation for reading; the binding text is `text`.")


class AgreementSerializer(serializers.ModelSerializer):
    gig = serializers.IntegerField(source="assignment.gig_id", read_only=True)
    translation = serializers.SerializerMethodField()
    intact = serializers.SerializerMethodField(
        help_text="True if the content still gives the SHA-256 kept with it (nothing has changed it).")
    your_party = serializers.SerializerMethodField(help_text="worker, employer, or null for staff.")
    acceptances = AcceptanceSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = ("id", "number", "assignment", "gig", "template_version", "language", "text", "translation",
                  "terms", "content_hash", "intact", "created_at", "acceptances", "your_party")
        extra_kwargs = {"text": {"help_text": "The binding text, in Chinese."}}

    @extend_schema_field(TranslationSerializer)
    def get_translation(self, agreement) -> dict:
        return {"language": "en", "text": render_text(number=agreement.number, terms=agreement.terms,
                                                      created_at=agreement.created_at, language="en")}

    def get_intact(self, agreement) -> bool:
        return services.verify(agreement)

    @extend_schema_field(serializers.ChoiceField(choices=Party.choices, allow_null=True))
    def get_your_party(self, agreement):
        return selectors.party_of(self.context["request"].user, agreement)


class AcceptSerializer(serializers.Serializer):
    content_hash = serializers.CharField(
        required=False, max_length=64,
        help_text="The SHA-256 of the agreement as it was shown; a different one is refused (400).")


def _device(request) -> dict:
    return {"user_agent": request.META.get("HTTP_USER_AGENT", ""), "ip_address": request.META.get("REMOTE_ADDR")}


def _shown(request, agreement) -> Response:
    fresh = selectors.agreement_for(agreement.pk, viewer=request.user)  # with the acceptances as they are now
    return Response(AgreementSerializer(fresh, context={"request": request}).data)


class AgreementDetail(APIView):
    """One agreement: the binding Chinese text, an English translation, the terms as fields, its SHA-256, whether
    it is intact, and who accepted it when (for its worker, its employer, and the staff who mediate)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: AgreementSerializer, **errors(401, 403, 404)})
    def get(self, request, pk: int):
        return _shown(request, selectors.agreement_for(pk, viewer=request.user))


class AssignmentAgreement(APIView):
    """The agreement of one assignment (404 if the worker was never hired on it)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: AgreementSerializer, **errors(401, 403, 404)})
    def get(self, request, pk: int):
        return _shown(request, selectors.agreement_of_assignment(pk, viewer=request.user))


class AcceptAgreement(APIView):
    """The worker or the employer accepts the agreement (again: no change)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AcceptSerializer, responses={200: AgreementSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        agreement = selectors.agreement_for(pk, viewer=request.user)
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.accept(agreement, actor=request.user, content_hash=body.validated_data.get("content_hash"),
                        **_device(request))
        return _shown(request, agreement)


class CounterAcceptAgreement(APIView):
    """Staff record that the worker in front of them accepted the agreement (audited)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=AcceptSerializer, responses={200: AgreementSerializer, **errors(400, 401, 403, 404, 409)})
    def post(self, request, pk: int):
        agreement = selectors.agreement_for(pk, viewer=request.user)
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.accept_at_counter(agreement, actor=request.user,
                                   content_hash=body.validated_data.get("content_hash"), **_device(request))
        return _shown(request, agreement)

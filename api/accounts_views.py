"""Account endpoints: SMS codes, sign-up, login/logout, password reset, and one's own profile.

Thin views: the rules are in accounts.services and accounts.selectors.
"""

import math

from django.conf import settings
from django.contrib.auth import login, logout
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import selectors, services
from accounts.exceptions import AccountLocked, SmsRateLimited
from accounts.models import ApiToken
from jobs import services as job_services
from personaldata import selectors as personal_data_selectors
from personaldata import services as personal_data
from workers import selectors as worker_selectors
from workers import services as worker_services
from workers.models import WorkerProfile
from zero_gig.timestamps import iso

from .accounts_serializers import (
    AuthResultSerializer,
    DetailSerializer,
    EmployerSerializer,
    IdentityClaimSentSerializer,
    IdentityClaimSerializer,
    IdNumberSerializer,
    LoginSerializer,
    MeSerializer,
    PasswordResetSerializer,
    ResolveClaimSerializer,
    SignupSerializer,
    SmsCodeRequestSerializer,
    SmsCodeSentSerializer,
    StaffIdentityClaimSerializer,
    WorkerProfileSerializer,
)
from .console_serializers import StaffWorkerSerializer
from .exceptions import error, errors
from .pagination import ListPage
from .parsers import SafeJSONParser
from .permissions import IsEmployer, IsWorker
from .throttles import LoginsPerAddress, PerAddressLimit, SmsCodesPerAddress

TAG = "accounts"


# --- Errors -------------------------------------------------------------------------------------
class TooMany(exceptions.APIException):
    """429: too many codes for a phone (sms_rate_limited) or too many requests from one address
    (address_rate_limited)."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS

    def __init__(self, message, retry_after: int, code: str):
        super().__init__()
        self.wait = retry_after  # DRF's handler turns it into Retry-After
        self.detail = {"detail": str(message), "code": code, "retry_after": retry_after}


class Locked(exceptions.APIException):
    status_code = status.HTTP_403_FORBIDDEN
    default_code = "account_locked"

    def __init__(self, error: AccountLocked):
        super().__init__()
        self.wait = error.retry_after
        self.detail = {"detail": str(error.message), "code": self.default_code, "retry_after": error.retry_after,
                       "locked_until": iso(error.locked_until)}


class AccountsView(APIView):
    """Turns the account services' exceptions into answers."""

    def throttled(self, request, wait):
        limit = next(throttle for throttle in self.get_throttles() if isinstance(throttle, PerAddressLimit))
        retry_after = max(1, math.ceil(wait or 0))
        raise TooMany(limit.message % {"minutes": math.ceil(retry_after / 60)}, retry_after, "address_rate_limited")

    def handle_exception(self, exc):
        if isinstance(exc, SmsRateLimited):
            exc = TooMany(exc.message, exc.retry_after, "sms_rate_limited")
        elif isinstance(exc, AccountLocked):
            exc = Locked(exc)
        return super().handle_exception(exc)


class AnonymousAccountsView(AccountsView):
    """Open endpoints that take credentials in the body; a session cookie is neither needed nor checked."""

    authentication_classes = []
    permission_classes = [AllowAny]
    # JSON only: a cross-site HTML form cannot send it, so another site cannot log a browser into its account.
    parser_classes = [SafeJSONParser]


# --- Schema helpers -------------------------------------------------------------------------------
FIELD_ERRORS = errors(400)[400]
UNAUTHENTICATED = errors(401)[401]
FORBIDDEN = error(_("Not allowed for this role."))
RATE_LIMITED = error(_("Too many codes for this phone (one a minute, ten a day) or from this network address "
                       "(SMS_CODES_PER_ADDRESS_PER_HOUR). See Retry-After."))
FROM_ADDRESS = error(_("Too many attempts from this network address (LOGINS_PER_ADDRESS_PER_HOUR). "
                       "See Retry-After."))
LOCKED = error(_("Too many failed logins: the account is locked until `locked_until`, whatever the password."))

DELETION_REFUSED = error(_("`active_assignment`, `active_gig`, `pay_owed`, `open_complaint`, `open_report`: finish "
                           "or close it first; `account_deleted`: already deleted."))

CLAIM_SENT = OpenApiResponse(IdentityClaimSentSerializer, description="The ID number is held by another account: "
                                                                      "an identity claim was sent for an in-person "
                                                                      "check at the worker's service center.")
CONFLICT = error("`too_many_id_attempts`: too many ID numbers submitted today; `no_center`: no center to check "
                 "the card; `id_number_race`: taken a moment ago, submit again.")


def _auth_result(result) -> dict:
    return AuthResultSerializer(result).data


def _start_session(request, result, wanted: bool) -> None:
    """Log the user into a Django session too, for the web pages, unless the client said not to; logging out of
    that session revokes the token issued with it."""
    if not wanted:
        return
    user = result.user
    backend = getattr(user, "backend", None) or settings.AUTHENTICATION_BACKENDS[0]
    login(request._request, user, backend=backend)
    services.bind_token_to_session(request._request.session, result.token)


# --- Anonymous endpoints ------------------------------------------------------------------------
class SmsCodeView(AnonymousAccountsView):
    throttle_classes = [SmsCodesPerAddress]

    @extend_schema(
        tags=[TAG], operation_id="auth_sms_code", request=SmsCodeRequestSerializer,
        summary="Text a one-time code to a phone",
        description="Answers 202, as fast, whether or not the phone has an account: a login or password-reset code "
                    "is only sent to registered phones, a sign-up code only to new ones. Texts are sent after the "
                    "answer; the gateway's failures are retried and logged, never reported here.",
        responses={202: SmsCodeSentSerializer, 400: FIELD_ERRORS, 429: RATE_LIMITED},
    )
    def post(self, request):
        serializer = SmsCodeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sent = services.request_sms_code(**serializer.validated_data)
        ttl = services.setting("SMS_CODE_TTL_SECONDS")
        return Response(
            {"detail": _("If this number can use it, a code is on its way."), "expires_in": ttl,
             "resend_after": sent.resend_after},
            status=status.HTTP_202_ACCEPTED,
        )


class SignupView(AnonymousAccountsView):
    @extend_schema(
        tags=[TAG], operation_id="auth_signup", request=SignupSerializer,
        summary="Sign up as a worker or an employer with a sign-up code",
        description="Workers give their home latitude/longitude; organisations give a credit code and a contact "
                    "person. Answers with an API token and, unless `session` is false, also starts a web session.",
        responses={201: AuthResultSerializer, 400: FIELD_ERRORS},
    )
    def post(self, request):
        serializer = SignupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        session = fields.pop("session")
        result = services.sign_up(**fields)
        _start_session(request, result, session)
        return Response(_auth_result(result), status=status.HTTP_201_CREATED)


class LoginView(AnonymousAccountsView):
    throttle_classes = [LoginsPerAddress]

    @extend_schema(
        tags=[TAG], operation_id="auth_login", request=LoginSerializer,
        summary="Log in with a password or a login code",
        description="Answers with a new API token and, unless `session` is false, also starts a web session. "
                    "An unknown phone gets the same error as a wrong password; too many failures lock the phone "
                    "for a while (403), and too many attempts from one network address answer 429.",
        responses={200: AuthResultSerializer, 400: FIELD_ERRORS, 403: LOCKED, 429: FROM_ADDRESS},
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        session = fields.pop("session")
        result = services.log_in(**fields)
        _start_session(request, result, session)
        return Response(_auth_result(result))


class PasswordResetView(AnonymousAccountsView):
    @extend_schema(
        tags=[TAG], operation_id="auth_password_reset", request=PasswordResetSerializer,
        summary="Set a new password with a password-reset code",
        description="Revokes every API token of the account and lifts a login lockout.",
        responses={200: DetailSerializer, 400: FIELD_ERRORS},
    )
    def post(self, request):
        serializer = PasswordResetSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.reset_password(**serializer.validated_data)
        return Response({"detail": _("Your password has been changed. Log in with the new one.")})


# --- Signed-in endpoints ------------------------------------------------------------------------
class LogoutView(AccountsView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG], operation_id="auth_logout", request=None, summary="Log out",
        description="Revokes the API token of the request, or ends the web session.",
        responses={204: None, 401: UNAUTHENTICATED, 403: error(_("CSRF check failed."))},
    )
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            services.revoke_api_token(request.auth)
        else:
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(AccountsView):
    permission_classes = [IsAuthenticated]

    @extend_schema(tags=[TAG], operation_id="me", summary="Who am I",
                   responses={200: MeSerializer, 401: UNAUTHENTICATED})
    def get(self, request):
        return Response(MeSerializer(request.user).data)

    @extend_schema(
        tags=[TAG], operation_id="me_delete", request=None, summary="Delete my account",
        description="A worker or employer deletes their own account: name, phone, ID number, home and live "
                    "location go, tokens and sessions end; past gigs, pay, ratings, agreements and complaints stay "
                    "for the other party, without the name (see personaldata.services). Refused with 409 and the "
                    "reason while a gig, unpaid pay, a complaint or a report is under way; staff get 403.",
        responses={204: None, 401: UNAUTHENTICATED, 403: FORBIDDEN, 409: DELETION_REFUSED},
    )
    def delete(self, request):
        personal_data.delete_account(request.user, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MyDataView(AccountsView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG], operation_id="me_data", summary="Download all my data",
        description="Every row of every table that is the user's (personaldata.selectors.TABLES), by table "
                    "label, each row with its columns; secrets (password, code and token hashes, the ID number's "
                    "hash) are left out.",
        responses={200: OpenApiResponse(description="`{format, exported_at, user_id, tables: {label: [row]}}`"),
                   401: UNAUTHENTICATED},
    )
    def get(self, request):
        response = Response(personal_data_selectors.export_for(request.user, viewer=request.user))
        response["Cache-Control"] = "no-store"
        return response


class WorkerProfileView(AccountsView):
    permission_classes = [IsWorker]  # which also requires the profile: a worker account without one gets 403

    def _profile(self):
        return selectors.worker_profile_for(self.request.user)

    @extend_schema(tags=[TAG], operation_id="me_worker_profile", summary="My worker profile",
                   responses={200: WorkerProfileSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN})
    def get(self, request):
        return Response(WorkerProfileSerializer(self._profile()).data)

    @extend_schema(
        tags=[TAG], operation_id="me_worker_profile_update", summary="Edit my worker profile",
        description="`trades` replaces the whole list. A new `id_number` is kept only as a hash, a short mask "
                    "and the birth year, and puts the real-name status back to pending; a number another account "
                    "holds is sent for an in-person check instead (202).",
        request=WorkerProfileSerializer,
        responses={200: WorkerProfileSerializer, 202: CLAIM_SENT, 400: FIELD_ERRORS, 401: UNAUTHENTICATED,
                   403: FORBIDDEN, 409: CONFLICT},
    )
    def patch(self, request):
        profile = self._profile()
        serializer = WorkerProfileSerializer(profile, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        trades = fields.pop("worker_trades", None)
        if trades is not None:
            trades = [(trade["category"], trade.get("years_experience", 0)) for trade in trades]
        result = worker_services.update_worker_profile(profile, actor=request.user, trades=trades, **fields)
        if result.claim is not None:
            return _claim_sent(result.claim)
        return Response(WorkerProfileSerializer(self._profile()).data)


def _claim_sent(claim) -> Response:
    center = claim.center
    return Response(
        {"detail": _("This ID number is already registered to another account. It has been sent for an in-person "
                     "check at %(center)s (%(address)s): bring your ID card there. If it is yours, the number "
                     "moves to this account.") % {"center": center.name, "address": center.address},
         "claim": IdentityClaimSerializer(claim).data},
        status=status.HTTP_202_ACCEPTED,
    )


class IdNumberView(AccountsView):
    permission_classes = [IsWorker]

    @extend_schema(
        tags=[TAG], operation_id="me_id_number", request=IdNumberSerializer,
        summary="Give my resident ID number",
        description="A new number is recorded (real-name status pending until staff see the card). A number "
                    "another account holds opens an identity claim at the worker's service center (202). An "
                    "account may submit a few numbers a day (409 `too_many_id_attempts`).",
        responses={200: WorkerProfileSerializer, 202: CLAIM_SENT, 400: FIELD_ERRORS, 401: UNAUTHENTICATED,
                   403: FORBIDDEN, 409: CONFLICT},
    )
    def post(self, request):
        serializer = IdNumberSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = worker_services.submit_id_number(selectors.worker_profile_for(request.user), actor=request.user,
                                                  raw=serializer.validated_data["id_number"])
        if result.claim is not None:
            return _claim_sent(result.claim)
        return Response(WorkerProfileSerializer(selectors.worker_profile_for(request.user)).data)


class ClaimPages(ListPage):
    ordering = ("created_at", "id")  # oldest waiting first


class IdentityClaimList(AccountsView, generics.ListAPIView):
    """Identity claims waiting for an in-person check at the staff member's centers (all, for the city)."""

    permission_classes = [IsAuthenticated]
    serializer_class = StaffIdentityClaimSerializer
    pagination_class = ClaimPages

    @extend_schema(tags=[TAG], operation_id="identity_claims",
                   responses={200: StaffIdentityClaimSerializer(many=True), 401: UNAUTHENTICATED, 403: FORBIDDEN})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return worker_selectors.pending_identity_claims(self.request.user)


class IdentityClaimResolve(AccountsView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG], operation_id="identity_claim_resolve", request=ResolveClaimSerializer,
        summary="Settle an identity claim after seeing the ID card",
        description="`approve`: the claimant is the card's owner; the number moves to them (real-name verified) "
                    "and the account that held it loses it and its verification. `reject`: nothing moves. "
                    "Staff of the claim's center or a city administrator only.",
        responses={200: StaffIdentityClaimSerializer, 400: FIELD_ERRORS, 401: UNAUTHENTICATED, 403: FORBIDDEN,
                   404: errors(404)[404],
                   409: error("`claim_settled`: already settled.")},
    )
    def post(self, request, pk: int):
        serializer = ResolveClaimSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        claim = worker_selectors.identity_claim(pk)
        if claim is None:
            raise exceptions.NotFound()
        worker_services.resolve_identity_claim(claim, actor=request.user, **serializer.validated_data)
        return Response(StaffIdentityClaimSerializer(worker_selectors.identity_claim(pk)).data)


class VerifyWorkerIdentity(AccountsView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=[TAG], operation_id="worker_verify_identity", request=None,
        summary="Mark a worker real-name verified after seeing their ID card",
        description="Staff of any service center or a city administrator; the worker must have given an ID number.",
        responses={200: StaffWorkerSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN,
                   404: errors(404)[404],
                   409: error("`no_id_number`: no ID number given yet.")},
    )
    def post(self, request, pk: int):
        """Answered with the worker as staff see them: not the worker's own profile, which says where they live."""
        worker = get_object_or_404(WorkerProfile, pk=pk)
        worker_services.verify_worker_identity(worker, actor=request.user)
        return Response(StaffWorkerSerializer(worker_selectors.worker_for_staff(worker.pk, viewer=request.user)).data)


class EmployerProfileView(AccountsView):
    permission_classes = [IsEmployer]  # which also requires the profile: an employer account without one gets 403

    @extend_schema(tags=[TAG], operation_id="me_employer", summary="My employer profile",
                   responses={200: EmployerSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN})
    def get(self, request):
        return Response(EmployerSerializer(selectors.employer_for(request.user)).data)

    @extend_schema(
        tags=[TAG], operation_id="me_employer_update", summary="Edit my employer profile",
        description="Changing the name, kind or credit code of a verified employer sends it back for review.",
        request=EmployerSerializer,
        responses={200: EmployerSerializer, 400: FIELD_ERRORS, 401: UNAUTHENTICATED, 403: FORBIDDEN},
    )
    def patch(self, request):
        employer = selectors.employer_for(request.user)
        serializer = EmployerSerializer(employer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        employer = job_services.update_employer(employer, actor=request.user, **serializer.validated_data)
        return Response(EmployerSerializer(employer).data)

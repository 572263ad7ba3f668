"""Routes of the account endpoints, included under /api/."""

from django.urls import path

from . import accounts_views as views

urlpatterns = [
    path("auth/sms-code/", views.SmsCodeView.as_view(), name="auth-sms-code"),
    path("auth/signup/", views.SignupView.as_view(), name="auth-signup"),
    path("auth/login/", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/password-reset/", views.PasswordResetView.as_view(), name="auth-password-reset"),
    path("me/", views.MeView.as_view(), name="me"),
    path("me/data/", views.MyDataView.as_view(), name="me-data"),
    path("me/worker-profile/", views.WorkerProfileView.as_view(), name="me-worker-profile"),
    path("me/employer/", views.EmployerProfileView.as_view(), name="me-employer"),
    path("me/worker-profile/id-number/", views.IdNumberView.as_view(), name="me-id-number"),
    path("identity-claims/", views.IdentityClaimList.as_view(), name="identity-claim-list"),
    path("identity-claims/<int:pk>/resolve/", views.IdentityClaimResolve.as_view(), name="identity-claim-resolve"),
    path("workers/<int:pk>/verify-identity/", views.VerifyWorkerIdentity.as_view(), name="worker-verify-identity"),
]

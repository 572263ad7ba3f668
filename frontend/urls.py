from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup_page, name="signup"),
    path("login/", views.login_page, name="login"),
    path("logout/", views.logout_page, name="logout"),
    path("gigs/", views.feed, name="feed"),
    path("gigs/<int:pk>/", views.gig_page, name="gig"),
    path("gigs/<int:pk>/take/", views.take_gig, name="take_gig"),
    path("display/senior/", views.senior_mode, name="senior_mode"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
]

# --- The worker's own gigs and inbox (myjobs) ---------------------------------------------------------
from . import views_myjobs  # noqa: E402

urlpatterns += [
    path("me/gigs/", views_myjobs.my_gigs, name="my_gigs"),
    path("me/gigs/<int:pk>/", views_myjobs.assignment_page, name="my_assignment"),
    path("me/gigs/<int:pk>/check-in/location/", views_myjobs.check_in_by_location, name="my_check_in_location"),
    path("me/gigs/<int:pk>/check-in/code/", views_myjobs.check_in_by_code, name="my_check_in_code"),
    path("me/gigs/<int:pk>/check-out/", views_myjobs.check_out, name="my_check_out"),
    path("me/gigs/<int:pk>/pay/confirm/", views_myjobs.confirm_pay, name="my_confirm_pay"),
    path("me/gigs/<int:pk>/pay/dispute/", views_myjobs.dispute_pay, name="my_dispute_pay"),
    path("me/gigs/<int:pk>/rate/", views_myjobs.rate_employer, name="my_rate"),
    path("me/gigs/<int:pk>/cancel/", views_myjobs.cancel, name="my_cancel"),
    path("inbox/", views_myjobs.inbox, name="inbox"),
    path("inbox/read/", views_myjobs.mark_read, name="inbox_read"),
]

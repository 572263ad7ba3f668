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

# --- Center staff: the review queue (issue 10, staff) ---
from . import views_staff  # noqa: E402

urlpatterns += [
    path("staff/reviews/", views_staff.review_queue, name="staff_reviews"),
    path("staff/reviews/<int:pk>/", views_staff.review, name="staff_review"),
    path("staff/employers/<int:pk>/verify/", views_staff.verify, name="staff_verify"),
    path("staff/claims/<int:pk>/", views_staff.resolve_claim, name="staff_claim"),
]

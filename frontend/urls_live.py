"""Live parts of pages, fetched again when the person's socket brings an event (views_live, static/frontend/live.js).
Included under /live/ by frontend.urls."""

from django.urls import path

from . import views_live

urlpatterns = [
    path("offers/<int:seq>/", views_live.offer, name="live_offer"),
    path("gigs/<int:pk>/", views_live.employer_gig, name="live_employer_gig"),
    path("gigs/<int:pk>/progress/", views_live.gig_progress, name="live_gig_progress"),
]

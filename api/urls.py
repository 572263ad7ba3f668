from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from . import audit_views, center_views, inbox_views, program_views, views

router = SimpleRouter()
router.register("gigs", views.GigViewSet, basename="gig")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("fairs", program_views.FairViewSet, basename="fair")
router.register("courses", program_views.CourseViewSet, basename="course")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("centers/", views.CenterList.as_view(), name="center-list"),
    path("centers/geojson/", center_views.CenterGeoJSON.as_view(), name="center-geojson"),
    path("trades/", views.TradeList.as_view(), name="trade-list"),
    path("gigs/nearby/", views.NearbyGigs.as_view(), name="gig-nearby"),
    path("reviews/", views.ReviewQueue.as_view(), name="review-queue"),
    path("workers/<int:pk>/", views.WorkerDetail.as_view(), name="worker-detail"),
    path("workers/<int:pk>/favourite/", views.Favourite.as_view(), name="worker-favourite"),
    path("audit/", audit_views.AuditLog.as_view(), name="audit-log"),
    path("notifications/", inbox_views.Inbox.as_view(), name="notification-list"),
    path("notifications/read/", inbox_views.MarkRead.as_view(), name="notification-read"),
    path("", include("api.accounts_urls")),
    path("", include(router.urls)),
]

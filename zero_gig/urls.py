from django.contrib import admin
from django.urls import include, path

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("frontend.urls")),
]

handler400 = "zero_gig.error_views.bad_request"
handler403 = "zero_gig.error_views.permission_denied"
handler404 = "zero_gig.error_views.page_not_found"
handler500 = "zero_gig.error_views.server_error"

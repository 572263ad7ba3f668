from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from . import error_views
from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("frontend.urls")),
]

if settings.DEBUG:
    # With DEBUG on, Django answers a missing page with its technical page (the list of URLs), not ours: this shows
    # ours, as a visitor would get it in production (the browser tests check it fits a phone).
    urlpatterns += [path("__errors__/404/", error_views.preview_not_found)]

handler400 = "zero_gig.error_views.bad_request"
handler403 = "zero_gig.error_views.permission_denied"
handler404 = "zero_gig.error_views.page_not_found"
handler500 = "zero_gig.error_views.server_error"

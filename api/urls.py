from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import (
    agreement_views,
    audit_views,
    center_views,
    complaint_views,
    console_views,
    figure_views,
    inbox_views,
    policy_views,
    program_views,
    report_views,
    views,
    wage_views,
)
from .docs_views import DocsView, SchemaView

router = SimpleRouter()
router.register("gigs", views.GigViewSet, basename="gig")
router.register("assignments", views.AssignmentViewSet, basename="assignment")
router.register("fairs", program_views.FairViewSet, basename="fair")
router.register("courses", program_views.CourseViewSet, basename="course")
router.register("complaints", complaint_views.ComplaintViewSet, basename="complaint")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="schema"), name="api-docs"),
    path("centers/", views.CenterList.as_view(), name="center-list"),
    path("centers/geojson/", center_views.CenterGeoJSON.as_view(), name="center-geojson"),
    path("trades/", views.TradeList.as_view(), name="trade-list"),
    path("gigs/nearby/", views.NearbyGigs.as_view(), name="gig-nearby"),
    path("reviews/", views.ReviewQueue.as_view(), name="review-queue"),
    path("workers/<int:pk>/", views.WorkerDetail.as_view(), name="worker-detail"),
    path("workers/<int:pk>/favourite/", views.Favourite.as_view(), name="worker-favourite"),
    path("wages/", wage_views.Wages.as_view(), name="wage-guide"),
    path("wages/minimum/", wage_views.MinimumWages.as_view(), name="wage-minimum"),
    path("audit/", audit_views.AuditLog.as_view(), name="audit-log"),
    path("policy/", include([
        path("articles/", policy_views.ArticleList.as_view(), name="policy-article-list"),
        path("articles/<int:pk>/", policy_views.ArticleDetail.as_view(), name="policy-article-detail"),
        path("questions/", policy_views.QuestionList.as_view(), name="policy-question-list"),
        path("questions/<int:pk>/answer/", policy_views.AnswerQuestion.as_view(), name="policy-question-answer"),
    ])),
    # Gig work agreements (用工协议): drawn up at hiring, accepted by both sides
    path("agreements/<int:pk>/", agreement_views.AgreementDetail.as_view(), name="agreement-detail"),
    path("agreements/<int:pk>/accept/", agreement_views.AcceptAgreement.as_view(), name="agreement-accept"),
    path("agreements/<int:pk>/counter-accept/", agreement_views.CounterAcceptAgreement.as_view(),
         name="agreement-counter-accept"),
    path("assignments/<int:pk>/agreement/", agreement_views.AssignmentAgreement.as_view(),
         name="assignment-agreement"),
    path("notifications/", inbox_views.Inbox.as_view(), name="notification-list"),
    path("notifications/read/", inbox_views.MarkRead.as_view(), name="notification-read"),
    # The staff console of a center (console_views)
    path("staff/centers/", console_views.ConsoleCenters.as_view(), name="staff-center-list"),
    path("staff/centers/<int:pk>/walk-ins/", console_views.WalkIns.as_view(), name="staff-walk-in"),
    path("staff/centers/<int:pk>/workers/", console_views.WorkerLookup.as_view(), name="staff-worker-lookup"),
    path("staff/centers/<int:pk>/hall/", console_views.Hall.as_view(), name="staff-hall"),
    path("staff/centers/<int:pk>/board/", console_views.Board.as_view(), name="staff-board"),
    path("staff/centers/<int:pk>/dispatches/", console_views.Dispatches.as_view(), name="staff-dispatch-list"),
    path("staff/hall-visits/<int:pk>/check-out/", console_views.HallCheckOut.as_view(), name="staff-hall-check-out"),
    path("staff/workers/<int:pk>/", console_views.StaffWorker.as_view(), name="staff-worker"),
    path("staff/workers/<int:pk>/notifications/", console_views.StaffWorkerNews.as_view(),
         name="staff-worker-notifications"),
    path("staff/dispatches/<int:pk>/", console_views.DispatchDetail.as_view(), name="staff-dispatch-detail"),
    path("staff/centers/<int:pk>/suspicious-check-ins/", console_views.SuspiciousCheckIns.as_view(),
         name="staff-suspicious-check-in-list"),
    path("staff/suspicious-check-ins/<int:pk>/review/", console_views.SuspiciousCheckInReview.as_view(),
         name="staff-suspicious-check-in-review"),
    path("staff/figures/", figure_views.Figures.as_view(), name="staff-figures"),
    # Reports of fake or unfair gigs and their review by the gig's center (report_views)
    path("gigs/<int:pk>/report/", report_views.ReportGig.as_view(), name="gig-report"),
    path("reports/", report_views.ReportList.as_view(), name="report-list"),
    path("report-cases/", report_views.CaseList.as_view(), name="report-case-list"),
    path("report-cases/<int:pk>/", report_views.CaseDetail.as_view(), name="report-case-detail"),
    path("report-cases/<int:pk>/release/", report_views.ReleaseCase.as_view(), name="report-case-release"),
    path("report-cases/<int:pk>/take-down/", report_views.TakeDownCase.as_view(), name="report-case-take-down"),
    path("", include("api.accounts_urls")),
    path("", include(router.urls)),
]

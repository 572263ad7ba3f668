from django.urls import include, path

from personaldata import views as personaldata_views

from . import (
    views,
    views_agreements,
    views_audit,
    views_centers,
    views_complaints,
    views_console,
    views_employer,
    views_figures,
    views_myjobs,
    views_pay,
    views_policy,
    views_profile,
    views_reports,
    views_staff,
    views_wages,
)

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup_page, name="signup"),
    path("login/", views.login_page, name="login"),
    path("logout/", views.logout_page, name="logout"),
    path("centers/", views_centers.center_map, name="centers"),
    path("centers/<int:pk>/screen/", views_centers.hall_screen, name="hall_screen"),
    path("wages/", views_wages.wages_page, name="wages"),
    path("gigs/", views.feed, name="feed"),
    path("gigs/<int:pk>/", views.gig_page, name="gig"),
    path("gigs/<int:pk>/take/", views.take_gig, name="take_gig"),
    path("display/senior/", views.senior_mode, name="senior_mode"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
]

# Job fairs and skills training: public pages, the worker's own, the staff pages (frontend/urls_programs.py)
urlpatterns += [path("", include("frontend.urls_programs"))]

# Each area under one include, so that DEBUG's not-found page lists one short line for it.
urlpatterns += [
    # The dispatch slip's QR: the employer or staff check a phoneless worker in at the site (views_employer)
    path("slips/<int:assignment_id>/<str:code>/", views_employer.slip_check_in, name="slip_check_in"),
    # Employer: post a gig, my gigs, one gig with its people, the site code (views_employer)
    path("employer/gigs/", include([
        path("", views_employer.my_gigs, name="employer_gigs"),
        path("new/", views_employer.post_gig, name="employer_post_gig"),
        path("<int:pk>/", views_employer.employer_gig, name="employer_gig"),
        path("<int:pk>/publish/", views_employer.publish, name="employer_publish_gig"),
        path("<int:pk>/cancel/", views_employer.cancel, name="employer_cancel_gig"),
        path("<int:pk>/code/", views_employer.site_code, name="employer_site_code"),
        path("<int:pk>/code/slip/", views_employer.slip_code_check_in, name="employer_slip_check_in"),
        path("<int:pk>/people/<int:assignment_id>/hire/", views_employer.hire, name="employer_hire"),
        path("<int:pk>/people/<int:assignment_id>/decline/", views_employer.decline, name="employer_decline"),
    ])),
    # The worker's own gigs: each assignment with the action its state allows (views_myjobs)
    path("me/profile/", views_profile.profile_page, name="my_profile"),
    path("me/data/", personaldata_views.my_data, name="my_data"),
    path("me/gigs/", include([
        path("", views_myjobs.my_gigs, name="my_gigs"),
        path("<int:pk>/", views_myjobs.assignment_page, name="my_assignment"),
        path("<int:pk>/check-in/location/", views_myjobs.check_in_by_location, name="my_check_in_location"),
        path("<int:pk>/check-in/code/", views_myjobs.check_in_by_code, name="my_check_in_code"),
        path("<int:pk>/check-out/", views_myjobs.check_out, name="my_check_out"),
        path("<int:pk>/pay/confirm/", views_myjobs.confirm_pay, name="my_confirm_pay"),
        path("<int:pk>/pay/dispute/", views_myjobs.dispute_pay, name="my_dispute_pay"),
        path("<int:pk>/rate/", views_myjobs.rate_employer, name="my_rate"),
        path("<int:pk>/cancel/", views_myjobs.cancel, name="my_cancel"),
    ])),
    path("inbox/", views_myjobs.inbox, name="inbox"),
    path("inbox/read/", views_myjobs.mark_read, name="inbox_read"),
    # Center staff: the review queue, employers to verify, identity claims (views_staff)
    path("staff/", include([
        path("reviews/", views_staff.review_queue, name="staff_reviews"),
        path("reviews/<int:pk>/", views_staff.review, name="staff_review"),
        path("employers/<int:pk>/verify/", views_staff.verify, name="staff_verify"),
        path("claims/<int:pk>/", views_staff.resolve_claim, name="staff_claim"),
        path("audit/", views_audit.audit_page, name="staff_audit"),
        path("questions/", views_policy.staff_questions, name="staff_questions"),
        path("questions/<int:pk>/answer/", views_policy.answer, name="staff_answer"),
    ])),
]

# A gig's written agreement: read and print, accept, accept at the counter (views_agreements)
urlpatterns += [
    path("agreements/<int:pk>/", include([
        path("", views_agreements.agreement_page, name="agreement"),
        path("accept/", views_agreements.accept, name="agreement_accept"),
        path("counter-accept/", views_agreements.accept_at_counter, name="agreement_counter_accept"),
    ])),
]

# Reports of fake or unfair gigs: the worker's form and reports, the staff queue, a photo (views_reports)
urlpatterns += [
    path("gigs/<int:pk>/report/", views_reports.report_gig, name="report_gig"),
    path("me/reports/", views_reports.my_reports, name="my_reports"),
    path("reports/photos/<int:pk>/", views_reports.report_photo, name="report_photo"),
    path("staff/reports/", include([
        path("", views_reports.staff_queue, name="staff_reports"),
        path("<int:pk>/release/", views_reports.release, name="staff_report_release"),
        path("<int:pk>/take-down/", views_reports.take_down, name="staff_report_take_down"),
    ])),
]

# Live parts of pages, fetched again when the person's socket brings an event (frontend/urls_live.py)
urlpatterns += [path("live/", include("frontend.urls_live"))]

# On the day and after: the site QR's link, pay and ratings per worker, favourites (views_myjobs, views_pay)
urlpatterns += [
    path("me/check-in/", include([
        path("<str:gig_code>/", views_myjobs.check_in_link, name="my_check_in_link"),
    ])),
    path("employer/gigs/<int:pk>/pay/", include([
        path("", views_pay.gig_pay, name="employer_pay"),
        path("<int:assignment_id>/record/", views_pay.record_pay, name="employer_record_pay"),
        path("<int:assignment_id>/rate/", views_pay.rate_worker, name="employer_rate_worker"),
        path("<int:assignment_id>/favourite/", views_pay.favourite, name="employer_favourite"),
    ])),
    path("employer/favourites/", include([
        path("", views_pay.favourites, name="employer_favourites"),
        path("<int:worker_id>/remove/", views_pay.unfavourite, name="employer_unfavourite"),
    ])),
]

# Policy answers: public articles and FAQ, asking the center (views_policy)
urlpatterns += [
    path("policy/", include([
        path("", views_policy.policy_home, name="policy_home"),
        path("<int:pk>/", views_policy.article_page, name="policy_article"),
        path("ask/", views_policy.ask, name="policy_ask"),
        path("questions/", views_policy.my_questions, name="policy_questions"),
    ])),
]

# The staff console of a center (views_console): home and center switcher, walk-ins, the worker card, today's hall,
# the matching board and dispatch slips. The review queue above stays where it is; the console links it.
urlpatterns += [
    path("staff/", views_console.console_home, name="console"),
    path("staff/figures/", views_figures.figures_page, name="staff_figures"),
    path("staff/figures/export.csv", views_figures.figures_csv, name="staff_figures_csv"),
    path("staff/centers/<int:center_id>/", include([
        path("walk-in/", views_console.walk_in, name="console_walk_in"),
        path("workers/<int:worker_id>/", views_console.worker_page, name="console_worker"),
        path("workers/<int:worker_id>/edit/", views_console.update_worker, name="console_worker_update"),
        path("workers/<int:worker_id>/verify/", views_console.verify_identity, name="console_worker_verify"),
        path("workers/<int:worker_id>/question/", views_console.counter_question, name="console_worker_question"),
        path("workers/<int:worker_id>/card/", views_console.worker_card, name="console_card"),
        path("hall/", views_console.hall, name="console_hall"),
        path("hall/check-in/", views_console.hall_check_in, name="console_hall_check_in"),
        path("hall/<int:visit_id>/check-out/", views_console.hall_check_out, name="console_hall_check_out"),
        path("board/", views_console.board, name="console_board"),
        path("board/assign/", views_console.board_assign, name="console_assign"),
        path("dispatches/<int:assignment_id>/slip/", views_console.slip, name="console_slip"),
        path("check-ins/suspicious/", views_console.suspicious, name="console_suspicious"),
        path("check-ins/suspicious/<int:flag_id>/reviewed/", views_console.suspicious_reviewed,
             name="console_suspicious_reviewed"),
    ])),
]

# Wage-arrears complaints (views_complaints): filing from the assignment, one complaint with its steps, the staff
# queue, the permission-checked evidence photos, and each side's money owed.
urlpatterns += [
    path("me/gigs/<int:pk>/complaint/", views_complaints.file_complaint, name="my_file_complaint"),
    path("me/money/", views_complaints.my_money, name="my_money"),
    path("me/money/show-up/<int:pk>/confirm/", views_complaints.confirm_show_up_pay, name="my_confirm_show_up"),
    path("complaints/", include([
        path("<int:pk>/", views_complaints.complaint_page, name="complaint"),
        path("<int:pk>/respond/", views_complaints.respond, name="complaint_respond"),
        path("<int:pk>/<slug:step>/", views_complaints.staff_step, name="complaint_step"),
        path("evidence/<int:pk>/", views_complaints.evidence_photo, name="complaint_evidence"),
    ])),
    path("staff/complaints/", views_complaints.staff_queue, name="staff_complaints"),
]

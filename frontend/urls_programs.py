"""Job fairs (现场招聘会) and skills training (技能培训): the public pages, the worker's own and the staff pages
(views_programs). Included at the root by frontend.urls."""

from django.urls import include, path

from . import views_programs

urlpatterns = [
    path("fairs/", include([
        path("", views_programs.fair_list, name="fairs"),
        path("<int:pk>/", views_programs.fair_page, name="fair"),
        path("<int:pk>/register/", views_programs.fair_register, name="fair_register"),
        path("<int:pk>/join/", views_programs.fair_join, name="fair_join"),
        path("<int:pk>/cancel/", views_programs.fair_cancel, name="fair_cancel"),
    ])),
    path("training/", include([
        path("", views_programs.course_list, name="courses"),
        path("<int:pk>/", views_programs.course_page, name="course"),
        path("<int:pk>/enrol/", views_programs.course_enrol, name="course_enrol"),
        path("<int:pk>/cancel/", views_programs.course_cancel, name="course_cancel"),
    ])),
    path("me/training/", views_programs.my_training, name="my_training"),
    path("staff/programs/", include([
        path("", views_programs.staff_programs, name="staff_programs"),
        path("fairs/new/", views_programs.fair_form, name="staff_fair_new"),
        path("fairs/<int:pk>/", views_programs.staff_fair, name="staff_fair"),
        path("fairs/<int:pk>/edit/", views_programs.fair_form, name="staff_fair_edit"),
        path("fairs/<int:pk>/<str:what>/", views_programs.staff_fair_action, name="staff_fair_action"),
        path("courses/new/", views_programs.course_form, name="staff_course_new"),
        path("courses/<int:pk>/", views_programs.staff_course, name="staff_course"),
        path("courses/<int:pk>/edit/", views_programs.course_form, name="staff_course_edit"),
        path("courses/<int:pk>/enrol/", views_programs.staff_course_enrol, name="staff_course_enrol"),
        path("courses/<int:pk>/people/<int:enrolment_id>/<str:what>/", views_programs.staff_enrolment_action,
             name="staff_enrolment_action"),
    ])),
]

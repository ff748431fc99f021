"""The pages of the `classes` app, under /classes/."""

from django.urls import path

from .views import assignments, classrooms, grading, groups, joining, report, roster, sharing

app_name = "classes"

one = "<int:pk>/"

urlpatterns = [
    path("", classrooms.my_classes, name="mine"),
    path("new/", classrooms.class_new, name="new"),
    path("join/", joining.join, name="join"),
    path("join/<str:code>/", joining.join_link, name="join_link"),
    path(one, classrooms.class_detail, name="detail"),
    path(f"{one}settings/", classrooms.class_settings, name="settings"),
    path(f"{one}archive/", classrooms.class_archive, name="archive"),
    path(f"{one}unarchive/", classrooms.class_unarchive, name="unarchive"),
    path(f"{one}leave/", classrooms.class_leave, name="leave"),
    # Joining, for teachers: a new code, joining on or off, the link as a QR code.
    path(f"{one}code/", joining.code_regenerate, name="code"),
    path(f"{one}joining/", joining.joining_set, name="joining"),
    path(f"{one}qr.svg", joining.qr_code, {"fmt": "svg"}, name="qr_svg"),
    path(f"{one}qr.png", joining.qr_code, {"fmt": "png"}, name="qr_png"),
    # The roster.
    path(f"{one}roster/", roster.roster, name="roster"),
    path(f"{one}roster/add/", roster.roster_add, name="roster_add"),
    path(f"{one}roster/<int:user_id>/remove/", roster.member_remove, name="member_remove"),
    path(f"{one}roster/<int:user_id>/role/", roster.member_role, name="member_role"),
    # Maps shared with the class.
    path(f"{one}maps/share/", sharing.share, name="share"),
    path(f"{one}maps/<int:share_id>/mode/", sharing.share_mode, name="share_mode"),
    path(f"{one}maps/<int:share_id>/remove/", sharing.unshare, name="unshare"),
    # Groups, and copies of a template map for the class, each group or each student.
    path(f"{one}groups/", groups.groups, name="groups"),
    path(f"{one}groups/new/", groups.group_new, name="group_new"),
    path(f"{one}groups/random/", groups.groups_random, name="groups_random"),
    path(f"{one}groups/move/", groups.group_move, name="group_move"),
    path(f"{one}groups/<int:group_id>/delete/", groups.group_delete, name="group_delete"),
    path(f"{one}copies/", groups.copies_give, name="copies_give"),
    # Assignments.
    path(f"{one}assignments/new/", assignments.assignment_new, name="assignment_new"),
    path(
        f"{one}assignments/<int:assignment_id>/",
        assignments.assignment_detail,
        name="assignment",
    ),
    path(
        f"{one}assignments/<int:assignment_id>/edit/",
        assignments.assignment_edit,
        name="assignment_edit",
    ),
    path(
        f"{one}assignments/<int:assignment_id>/delete/",
        assignments.assignment_delete,
        name="assignment_delete",
    ),
    # Grading, for teachers.
    path(
        f"{one}assignments/<int:assignment_id>/grades/release/",
        grading.grades_release,
        name="grades_release",
    ),
    path(
        f"{one}assignments/<int:assignment_id>/grades/<int:user_id>/",
        grading.grading_student,
        name="grading_student",
    ),
    path(
        f"{one}assignments/<int:assignment_id>/grades/<int:user_id>/grade/",
        grading.grade_save,
        name="grade_save",
    ),
    path(
        f"{one}assignments/<int:assignment_id>/grades/<int:user_id>/feedback/",
        grading.feedback_new,
        name="feedback_new",
    ),
    # The report, for teachers.
    path(f"{one}report/", report.report, name="report"),
    path(f"{one}report.csv", report.report_csv, name="report_csv"),
    path(f"{one}report/<int:user_id>/<str:kind>/", report.report_items, name="report_items"),
]

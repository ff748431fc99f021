"""The pages of the `classes` app, under /classes/."""

from django.urls import path

from .views import classrooms, joining, roster, sharing

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
]

from django.urls import path

import config.converters  # noqa: F401  (<id:…> and <code:…>)

from .views import auth, manage, people

app_name = "agencies"

urlpatterns = [
    path("bodies/", manage.body_list, name="body_list"),
    path("bodies/new/", manage.body_create_view, name="body_create"),
    path("bodies/<code:code>/", manage.body_detail, name="body_detail"),
    path("bodies/<code:code>/rename/", manage.body_rename_view, name="body_rename"),
    path("bodies/<code:code>/close/", manage.body_close_view, name="body_close"),
    path("people/", people.person_list, name="person_list"),
    path("people/new/", people.person_create_view, name="person_create"),
    path("people/import/", people.people_import, name="people_import"),
    path("people/import/template.xlsx", people.people_import_template, name="people_import_template"),
    path("people/import/confirm/", people.people_import_confirm, name="people_import_confirm"),
    path("people/<id:pk>/", people.person_detail, name="person_detail"),
    path("people/<id:pk>/edit/", people.person_update_view, name="person_update"),
    path("people/<id:pk>/password/", people.person_password_view, name="person_password"),
    path("people/<id:pk>/roles/", people.role_assign_view, name="role_assign"),
    path("roles/<id:pk>/end/", people.role_end_view, name="role_end"),
    path("people/<id:pk>/unlock/", manage.user_unlock, name="user_unlock"),
    path("security-log/", manage.security_log, name="security_log"),
    path("security-log/unlock-address/", auth.address_unlock_view, name="address_unlock"),
    path("change-log/", manage.change_log, name="change_log"),
]

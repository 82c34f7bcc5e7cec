from django.urls import path

from .views import manage

app_name = "agencies"

urlpatterns = [
    path("bodies/", manage.body_list, name="body_list"),
    path("bodies/<str:code>/", manage.body_detail, name="body_detail"),
    path("security-log/", manage.security_log, name="security_log"),
    path("people/<int:pk>/unlock/", manage.user_unlock, name="user_unlock"),
]

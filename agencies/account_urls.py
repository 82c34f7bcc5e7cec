from django.urls import path

from .views import auth

app_name = "accounts"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("password/change/", auth.password_change_view, name="password_change"),
]

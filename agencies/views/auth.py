from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse_lazy

from ..forms import ChangePasswordForm, LoginForm
from ..services import user_password_changed


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, "您已安全退出。")
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("workspace")

    def form_valid(self, form):
        response = super().form_valid(form)
        user_password_changed(user=form.user, request=self.request)
        messages.success(self.request, "密码已修改。")
        return response


def lockout(request, credentials=None, *args, **kwargs):
    """django-axes calls this for a locked account: a clear page in Chinese, status 429."""
    return render(request, "accounts/locked.html", {"minutes": 15}, status=429)


login_view = LoginView.as_view()
logout_view = LogoutView.as_view()
password_change_view = PasswordChangeView.as_view()

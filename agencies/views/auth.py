import ipaddress

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from ..forms import ChangePasswordForm, LoginForm
from ..services import address_unlock, user_password_changed
from ..throttle import address_is_locked


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


def lockout(request, *args, **kwargs):
    """django-axes calls this for a locked account or address: a clear page in Chinese, status 429."""
    address = getattr(request, "axes_ip_address", None)
    return render(request, "accounts/locked.html", {
        "minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "address_locked": address_is_locked(address), "address": address,
        "account_limit": settings.AXES_FAILURE_LIMIT, "address_limit": settings.NIANBAO_ADDRESS_FAILURE_LIMIT,
    }, status=429)


@login_required
@require_POST
def address_unlock_view(request):
    """A district administrator lifts the lock of a client address (from a 账号锁定 row of the 安全日志)."""
    if not request.user.has_perm("agencies.manage_district"):
        raise PermissionDenied("只有区管理员可以解除登录锁定。")
    try:
        ip_address = str(ipaddress.ip_address(request.POST.get("ip_address", "").strip()))
    except ValueError:
        messages.error(request, "IP 地址无效，未解除任何锁定。")
    else:
        address_unlock(ip_address=ip_address, by=request.user, request=request)
        messages.success(request, f"已解除 IP 地址 {ip_address} 的登录锁定。")
    return redirect("agencies:security_log")


login_view = LoginView.as_view()
logout_view = LogoutView.as_view()
password_change_view = PasswordChangeView.as_view()

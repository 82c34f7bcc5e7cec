"""区管理员's pages about bodies and people (read side; editing comes with district administration)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ..models import Body, RoleAssignment, SecurityEvent, User
from ..selectors import user_roles
from ..services import account_unlock


def _admin_district_ids(request):
    if not request.user.has_perm("agencies.manage_district"):
        raise PermissionDenied("只有区管理员可以访问此页面。")
    return user_roles(request.user).districts


@login_required
def body_list(request):
    districts = _admin_district_ids(request)
    bodies = (
        Body.objects.filter(district_id__in=districts)
        .select_related("district")
        .prefetch_related(
            "names",
            Prefetch(
                "role_assignments",
                queryset=RoleAssignment.objects.current().select_related("user").order_by("role"),
                to_attr="current_roles",
            ),
        )
    )
    return render(request, "agencies/body_list.html", {"bodies": bodies})


@login_required
def body_detail(request, code):
    districts = _admin_district_ids(request)
    body = get_object_or_404(Body.objects.prefetch_related("names"), code=code, district_id__in=districts)
    assignments = body.role_assignments.select_related("user").order_by("role", "-start_date")
    return render(request, "agencies/body_detail.html", {"body": body, "assignments": assignments})


@login_required
def security_log(request):
    _admin_district_ids(request)
    events = SecurityEvent.objects.select_related("user", "actor")
    kind = request.GET.get("kind", "")
    if kind in SecurityEvent.Kind.values:
        events = events.filter(kind=kind)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "agencies/security_log.html", {"page": page, "kinds": SecurityEvent.Kind.choices, "kind": kind}
    )


@login_required
@require_POST
def user_unlock(request, pk):
    districts = _admin_district_ids(request)
    user = get_object_or_404(
        User.objects.filter(role_assignments__body__district_id__in=districts).distinct(), pk=pk
    )
    account_unlock(user=user, by=request.user, request=request)
    messages.success(request, f"已解除 {user.display_name} 的登录锁定。")
    return redirect(request.POST.get("next") or "agencies:security_log")

"""区管理员's pages about bodies: the list, adding one, renaming it (keeping its history), closing
it, and the change log. People are in views/people.py.

Thin: scoping in _admin_district_ids and the selectors, writes in admin_services; an AdminError
becomes a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ..admin_selectors import admin_actions, districts_of
from ..admin_services import body_close, body_create, body_rename
from ..errors import AdminError
from ..forms import BodyCloseForm, BodyCreateForm, BodyRenameForm
from ..models import AdminAction, Body, District, RoleAssignment, SecurityEvent, User
from ..selectors import user_roles
from ..services import account_unlock


def _admin_district_ids(request):
    if not request.user.has_perm("agencies.manage_district"):
        raise PermissionDenied("只有区管理员可以访问此页面。")
    return user_roles(request.user).districts


def _body(request, code):
    districts = _admin_district_ids(request)
    return get_object_or_404(Body.objects.prefetch_related("names").select_related("district"), code=code,
                             district_id__in=districts)


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
def body_create_view(request):
    districts = District.objects.filter(pk__in=_admin_district_ids(request)).order_by("pk")
    form = BodyCreateForm(request.POST or None, districts=districts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            body = body_create(district=data.get("district") or districts[0], code=data["code"], name=data["name"],
                               short_name=data["short_name"], kind=data["kind"], active_from=data["active_from"],
                               by=request.user)
        except AdminError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已新增单位：{body.name}。")
            return redirect("agencies:body_detail", code=body.code)
    return render(request, "agencies/body_form.html", {"form": form})


def _body_detail_context(request, body, **forms):
    assignments = body.role_assignments.select_related("user").order_by("role", "-start_date")
    return {
        "body": body, "assignments": assignments,
        "rename_form": forms.get("rename_form") or BodyRenameForm(),
        "close_form": forms.get("close_form") or BodyCloseForm(),
        "actions": admin_actions([body.district_id], body=body)[:20],
    }


@login_required
def body_detail(request, code):
    body = _body(request, code)
    return render(request, "agencies/body_detail.html", _body_detail_context(request, body))


@login_required
@require_POST
def body_rename_view(request, code):
    body = _body(request, code)
    form = BodyRenameForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            body_rename(body=body, new_name=data["new_name"], effective=data["effective"],
                        short_name=data["short_name"] or None, by=request.user)
        except AdminError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已更名为“{data['new_name']}”，此前年度的报告仍使用原名称。")
            return redirect("agencies:body_detail", code=body.code)
    return render(request, "agencies/body_detail.html", _body_detail_context(request, body, rename_form=form),
                  status=400)


@login_required
@require_POST
def body_close_view(request, code):
    body = _body(request, code)
    form = BodyCloseForm(request.POST)
    if form.is_valid():
        try:
            body_close(body=body, on=form.cleaned_data["active_to"], by=request.user)
        except AdminError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{body.name}已撤销。")
            return redirect("agencies:body_detail", code=body.code)
    return render(request, "agencies/body_detail.html", _body_detail_context(request, body, close_form=form),
                  status=400)


@login_required
def change_log(request):
    districts = _admin_district_ids(request)
    kind = request.GET.get("kind", "")
    actions = admin_actions(districts, kind=kind if kind in AdminAction.Kind.values else "")
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    return render(request, "agencies/change_log.html", {
        "page": page, "kinds": AdminAction.Kind.choices, "kind": kind,
        "districts": districts_of(districts),
    })


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
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("agencies:security_log")

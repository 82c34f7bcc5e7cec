"""区管理员's pages about bodies: the list, adding one, renaming it (keeping its history), closing
it, the change log and the security log. People are in views/people.py.

Thin: scoping in _admin_district_ids and the selectors, writes in admin_services; an AdminError
becomes a message. Every form is sent to its own action view (a page only shows: GET), and every
outcome is said with a message.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.http import GET_OR_POST

from ..admin_selectors import admin_actions, districts_of, manageable_people, security_events
from ..admin_services import body_close, body_create, body_rename
from ..errors import AdminError
from ..forms import BodyCloseForm, BodyCreateForm, BodyRenameForm
from ..models import AdminAction, Body, District, RoleAssignment, SecurityEvent
from ..selectors import user_roles
from ..services import account_unlock

NOT_SAVED = "未保存：请按提示修改后重新提交。"


def _admin_district_ids(request):
    if not request.user.has_perm("agencies.manage_district"):
        raise PermissionDenied("只有区管理员可以访问此页面。")
    return user_roles(request.user).districts


def _body(request, code):
    districts = _admin_district_ids(request)
    return get_object_or_404(Body.objects.prefetch_related("names").select_related("district"), code=code,
                             district_id__in=districts)


@login_required
@require_safe
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
@require_http_methods(GET_OR_POST)
def body_create_view(request):
    districts = District.objects.filter(pk__in=_admin_district_ids(request)).order_by("pk")
    form = BodyCreateForm(request.POST or None, districts=districts, action=reverse("agencies:body_create"))
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
            # Reports created for it in years already open (see reports/district/receivers.py).
            for action in admin_actions([body.district_id], body=body, kind=AdminAction.Kind.REPORT_CREATED):
                messages.info(request, f"{action.summary}。")
            return redirect("agencies:body_detail", code=body.code)
    if request.method == "POST":
        messages.error(request, NOT_SAVED)
    return render(request, "agencies/body_form.html", {"form": form}, status=400 if form.errors else 200)


def _body_detail_context(request, body, **forms):
    districts = _admin_district_ids(request)
    assignments = list(body.role_assignments.select_related("user").order_by("role", "-start_date"))
    managed = set(manageable_people(districts).filter(pk__in=[a.user_id for a in assignments])
                  .values_list("pk", flat=True))
    return {
        "body": body, "assignments": assignments, "managed": managed,
        "rename_form": forms.get("rename_form") or BodyRenameForm(
            action=reverse("agencies:body_rename", args=[body.code])),
        "close_form": forms.get("close_form") or BodyCloseForm(
            action=reverse("agencies:body_close", args=[body.code])),
        "actions": admin_actions([body.district_id], body=body)[:20],
    }


@login_required
@require_safe
def body_detail(request, code):
    body = _body(request, code)
    return render(request, "agencies/body_detail.html", _body_detail_context(request, body))


def _refused(request, template, context):
    """The page again with the form's errors beside its fields, and a message at the top."""
    messages.error(request, NOT_SAVED)
    return render(request, template, context, status=400)


@login_required
@require_POST
def body_rename_view(request, code):
    body = _body(request, code)
    form = BodyRenameForm(request.POST, action=reverse("agencies:body_rename", args=[body.code]))
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
    return _refused(request, "agencies/body_detail.html", _body_detail_context(request, body, rename_form=form))


@login_required
@require_POST
def body_close_view(request, code):
    body = _body(request, code)
    form = BodyCloseForm(request.POST, action=reverse("agencies:body_close", args=[body.code]))
    if form.is_valid():
        try:
            body_close(body=body, on=form.cleaned_data["active_to"], by=request.user)
        except AdminError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{body.name}已撤销（{date_format(form.cleaned_data['active_to'], 'Y年n月j日')}），"
                                      "其人员的角色同日结束。")
            return redirect("agencies:body_detail", code=body.code)
    return _refused(request, "agencies/body_detail.html", _body_detail_context(request, body, close_form=form))


@login_required
@require_safe
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
@require_safe
def security_log(request):
    """The sign-ins of the people this district manages, and of nobody else."""
    districts = _admin_district_ids(request)
    kind = request.GET.get("kind", "")
    events = security_events(districts, kind=kind if kind in SecurityEvent.Kind.values else "")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "agencies/security_log.html", {"page": page, "kinds": SecurityEvent.Kind.choices, "kind": kind}
    )


@login_required
@require_POST
def user_unlock(request, pk):
    districts = _admin_district_ids(request)
    user = get_object_or_404(manageable_people(districts), pk=pk)
    account_unlock(user=user, by=request.user, request=request)
    messages.success(request, f"已解除 {user.display_name} 的登录锁定。")
    target = request.POST.get("next", "")
    # Back to the page of the button (a path on this site); redirect() would take anything else for
    # a view's name and fail.
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("agencies:security_log")

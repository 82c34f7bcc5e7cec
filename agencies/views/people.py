"""区管理员's pages about people: the list, adding a person (initial password shown once), their
details and roles with start and end dates, password reset, and the bulk import from XLSX with a
preview that stores nothing until confirmed.

Who may be managed here is one rule (admin_selectors.manageable_people): a person with a role today
belongs to the districts of that role, an administrator to their own district only. Anyone else's
pages do not exist for this administrator (404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.forms import search_text
from config.http import GET_OR_POST

from ..admin_selectors import (
    admin_actions,
    assignments_in,
    bodies_of,
    districts_of,
    manageable_people,
    people_list,
    person_district,
)
from ..admin_services import person_create, person_password_reset, person_update, role_assign, role_end
from ..errors import AdminError
from ..forms import (
    PasswordResetForm,
    PeopleImportForm,
    PersonCreateForm,
    PersonUpdateForm,
    RoleAssignForm,
    RoleEndForm,
)
from ..people_import import people_import_commit, people_import_preview, template_workbook
from .manage import NOT_SAVED, _admin_district_ids, _refused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_SESSION_KEY = "people_import_rows"
QUERY_MAX = 100


def _district(district_ids):
    return districts_of(district_ids)[0]


def _person(request, pk):
    districts = _admin_district_ids(request)
    return districts, get_object_or_404(manageable_people(districts), pk=pk)


def _active_bodies(districts):
    return bodies_of(districts).filter(active_to__isnull=True)


@login_required
@require_safe
def person_list(request):
    districts = _admin_district_ids(request)
    query = search_text(request.GET.get("q", ""), limit=QUERY_MAX)
    page = Paginator(people_list(districts, query=query), 50).get_page(request.GET.get("page"))
    return render(request, "agencies/person_list.html", {"page": page, "q": query})


def _password_shown(request, person, password, *, new: bool):
    """The initial password, shown this once; never stored in clear, never put in a URL."""
    response = render(request, "agencies/password_shown.html", {"person": person, "password": password, "new": new})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(GET_OR_POST)
def person_create_view(request):
    districts = _admin_district_ids(request)
    form = PersonCreateForm(request.POST or None, bodies=_active_bodies(districts),
                            action=reverse("agencies:person_create"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        district = data["body"].district if data.get("body") else _district(districts)
        try:
            person, password = person_create(
                district=district, username=data["username"], full_name=data["full_name"], email=data["email"],
                phone=data["phone"], password=data["password"], by=request.user)
            if data.get("role"):
                role_assign(user=person, role=data["role"], body=data["body"], district=district,
                            start_date=data.get("start_date") or person.date_joined.date(), by=request.user)
        except AdminError as error:
            form.add_error(None, error.message)
        else:
            return _password_shown(request, person, password, new=True)
    if request.method == "POST":
        messages.error(request, NOT_SAVED)
    return render(request, "agencies/person_form.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(request, districts, person, **forms):
    def action(name):
        return reverse(f"agencies:{name}", args=[person.pk])

    return {
        "person": person,
        "is_self": person.pk == request.user.pk,
        "assignments": assignments_in(districts).filter(user=person).order_by("-start_date"),
        "update_form": forms.get("update_form") or PersonUpdateForm(action=action("person_update"), initial={
            "full_name": person.full_name, "email": person.email, "phone": person.phone,
            "is_active": person.is_active}),
        "assign_form": forms.get("assign_form") or RoleAssignForm(bodies=_active_bodies(districts),
                                                                  action=action("role_assign")),
        "password_form": forms.get("password_form") or PasswordResetForm(action=action("person_password")),
        "end_form": RoleEndForm(),
        "actions": admin_actions(districts, person=person)[:20],
    }


@login_required
@require_safe
def person_detail(request, pk):
    districts, person = _person(request, pk)
    return render(request, "agencies/person_detail.html", _detail_context(request, districts, person))


@login_required
@require_POST
def person_update_view(request, pk):
    districts, person = _person(request, pk)
    form = PersonUpdateForm(request.POST, action=reverse("agencies:person_update", args=[person.pk]))
    if form.is_valid():
        try:
            changed = person_update(district=person_district(person, districts), user=person, by=request.user,
                                    **form.cleaned_data)
        except AdminError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已保存{person.display_name}的基本信息。" if changed
                             else "基本信息没有变化。")
            return redirect("agencies:person_detail", pk=person.pk)
    person.refresh_from_db()
    return _refused(request, "agencies/person_detail.html",
                    _detail_context(request, districts, person, update_form=form))


@login_required
@require_POST
def person_password_view(request, pk):
    districts, person = _person(request, pk)
    form = PasswordResetForm(request.POST, action=reverse("agencies:person_password", args=[person.pk]))
    if form.is_valid():
        try:
            password = person_password_reset(district=person_district(person, districts), user=person,
                                             by=request.user, password=form.cleaned_data["password"])
        except AdminError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"已重置{person.display_name}的密码，本人下次登录时须修改。")
            return _password_shown(request, person, password, new=False)
    return _refused(request, "agencies/person_detail.html",
                    _detail_context(request, districts, person, password_form=form))


@login_required
@require_POST
def role_assign_view(request, pk):
    districts, person = _person(request, pk)
    form = RoleAssignForm(request.POST, bodies=_active_bodies(districts),
                          action=reverse("agencies:role_assign", args=[person.pk]))
    if form.is_valid():
        data = form.cleaned_data
        district = data["body"].district if data.get("body") else _district(districts)
        try:
            assignment = role_assign(user=person, role=data["role"], body=data.get("body"), district=district,
                                     start_date=data["start_date"], end_date=data.get("end_date"), by=request.user)
        except AdminError as error:
            form.add_error(None, error.message)
        else:
            where = assignment.body.name if assignment.body_id else assignment.district.name
            messages.success(request, f"已分配角色：{person.display_name}任{where}{assignment.get_role_display()}。")
            return redirect("agencies:person_detail", pk=person.pk)
    return _refused(request, "agencies/person_detail.html",
                    _detail_context(request, districts, person, assign_form=form))


@login_required
@require_POST
def role_end_view(request, pk):
    districts = _admin_district_ids(request)
    assignment = get_object_or_404(assignments_in(districts).filter(user__in=manageable_people(districts)), pk=pk)
    form = RoleEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的截止日期。")
    else:
        district = assignment.body.district if assignment.body_id else assignment.district
        try:
            role_end(assignment=assignment, end_date=form.cleaned_data["end_date"], by=request.user,
                     district=district)
        except AdminError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"已结束 {assignment.user.display_name} 的{assignment.get_role_display()}角色。")
    return redirect("agencies:person_detail", pk=assignment.user_id)


# ---------------------------------------------------------------------------------------------
# Bulk import


@login_required
@require_safe
def people_import_template(request):
    _admin_district_ids(request)
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="people-template.xlsx"'
    return response


@login_required
@require_http_methods(GET_OR_POST)
def people_import(request):
    """Upload → preview with every row's errors. Nothing is stored; the checked rows wait in the
    session for the confirmation."""
    districts = _admin_district_ids(request)
    form = PeopleImportForm(request.POST or None, request.FILES or None, action=reverse("agencies:people_import"))
    preview = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(2 * 1024 * 1024 + 1)
        preview = people_import_preview(district=_district(districts), content=content)
        if preview.ok:
            request.session[IMPORT_SESSION_KEY] = preview.as_session()
        else:
            request.session.pop(IMPORT_SESSION_KEY, None)
    return render(request, "agencies/people_import.html", {"form": form, "preview": preview})


@login_required
@require_POST
def people_import_confirm(request):
    districts = _admin_district_ids(request)
    rows = request.session.pop(IMPORT_SESSION_KEY, None)
    if not rows:
        messages.error(request, "没有待导入的内容，请重新上传文件。")
        return redirect("agencies:people_import")
    try:
        created = people_import_commit(district=_district(districts), rows=rows, by=request.user)
    except AdminError as error:
        messages.error(request, error.message)
        return redirect("agencies:people_import")
    response = render(request, "agencies/people_imported.html", {"created": created})
    response["Cache-Control"] = "no-store"
    return response

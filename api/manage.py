"""The 区管理员's 「接口令牌」 page: the district's tokens, creating one (its secret shown once, on the
answer to the POST, never stored or redirected with), revoking one. Another district's token does not
exist for this person (404); anyone but a 区管理员 is refused (403)."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from agencies.errors import AdminError
from agencies.models import District
from agencies.selectors import user_roles

from .forms import ApiTokenCreateForm, ApiTokenRevokeForm
from .models import ApiToken
from .services import api_token_create, api_token_revoke


def _districts(request):
    if not request.user.has_perm("agencies.manage_district"):
        raise PermissionDenied("只有区管理员可以访问此页面。")
    return user_roles(request.user).districts


def _tokens(districts):
    return (ApiToken.objects.filter(districts__in=districts).distinct()
            .select_related("created_by", "revoked_by")
            .annotate(call_count=Count("calls"), last_used=Max("calls__created_at")))


def _page(request, form, status=200):
    tokens = list(_tokens(_districts(request)))
    now = timezone.now()
    for token in tokens:
        token.state_label = token.state(now)
        if token.state_label == "有效":
            token.revoke_form = ApiTokenRevokeForm(action=reverse("api_tokens:revoke", args=[token.pk]))
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "docs_url": reverse("api:docs")},
                  status=status)


def _create_form(data=None):
    return ApiTokenCreateForm(data, action=reverse("api_tokens:create"))


@login_required
@require_safe
def token_list(request):
    return _page(request, _create_form())


@login_required
@require_POST
def token_create(request):
    districts = _districts(request)
    form = _create_form(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        district = District.objects.filter(pk__in=districts).order_by("pk").first()
        # Valid through the whole of the day chosen (local time).
        expires_at = timezone.make_aware(datetime.combine(data["expires_on"], time.max))
        try:
            issued = api_token_create(district=district, name=data["name"], scopes=data["scopes"],
                                      expires_at=expires_at, by=request.user)
        except AdminError as error:
            form.add_error(None, error.message)
        else:
            return render(request, "api/token_created.html", {"token": issued.token, "secret": issued.secret,
                                                              "docs_url": reverse("api:docs")})
    messages.error(request, "未创建：请按提示修改后重新提交。")
    return _page(request, form, status=400)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(_tokens(_districts(request)), pk=pk)
    try:
        api_token_revoke(token=token, by=request.user)
    except AdminError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已吊销令牌“{token.name}”，使用它的调用从现在起一律被拒绝。")
    return redirect("api_tokens:list")

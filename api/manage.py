"""The 「接口令牌」 page of a 区管理员 (their district's tokens) and of a 市管理员 (their city's tokens,
for all or some of its districts): the tokens that read a district within the person's reach,
creating one (its secret shown once, on the answer to the POST, never stored or redirected with),
revoking one of their own level (api.access). A token reading nothing within reach does not exist
for this person (404); anyone but a 区管理员 or 市管理员 is refused (403)."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from agencies.errors import AdminError

from .access import TokenReach, token_reach
from .forms import ApiTokenCreateForm, ApiTokenRevokeForm
from .services import api_token_create, api_token_revoke


def _reach(request) -> TokenReach:
    if not request.user.has_perm("api.manage_tokens"):
        raise PermissionDenied("只有区管理员或市管理员可以访问此页面。")
    return token_reach(request.user)


def _page(request, reach: TokenReach, form, status=200):
    tokens = list(reach.visible())
    now = timezone.now()
    for token in tokens:
        token.state_label = token.state(now)
        token.district_names = [d.name for d in sorted(token.districts.all(), key=lambda d: d.code)]
        token.managed = reach.manages(token)
        if token.state_label == "有效" and token.managed:
            token.revoke_form = ApiTokenRevokeForm(action=reverse("api_tokens:revoke", args=[token.pk]),
                                                   form_id=f"api-token-revoke-{token.pk}")
    return render(request, "api/tokens.html", {
        "form": form, "tokens": tokens, "docs_url": reverse("api:docs"),
        "as_district": bool(reach.districts), "as_city": bool(reach.cities),
    }, status=status)


def _create_form(reach: TokenReach, data=None):
    return ApiTokenCreateForm(data, action=reverse("api_tokens:create"), districts=list(reach.issuable()),
                              choose=bool(reach.cities))


@login_required
@require_safe
def token_list(request):
    reach = _reach(request)
    return _page(request, reach, _create_form(reach))


@login_required
@require_POST
def token_create(request):
    reach = _reach(request)
    form = _create_form(reach, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        # Valid through the whole of the day chosen (local time).
        expires_at = timezone.make_aware(datetime.combine(data["expires_on"], time.max))
        try:
            issued = api_token_create(districts=form.chosen_districts(), name=data["name"], scopes=data["scopes"],
                                      expires_at=expires_at, by=request.user)
        except AdminError as error:
            form.add_error(None, error.message)
        else:
            return render(request, "api/token_created.html", {"token": issued.token, "secret": issued.secret,
                                                              "docs_url": reverse("api:docs")})
    messages.error(request, "未创建：请按提示修改后重新提交。")
    return _page(request, reach, form, status=400)


@login_required
@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(_reach(request).visible(), pk=pk)
    try:
        api_token_revoke(token=token, by=request.user)
    except AdminError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"已吊销令牌“{token.name}”，使用它的调用从现在起一律被拒绝。")
    return redirect("api_tokens:list")

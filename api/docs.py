"""The API's documentation page: Swagger UI from drf-spectacular-sidecar's files (served here, no CDN),
with how to get and use a token, in Chinese. Public: it holds no data, only the description."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe


@require_safe
def docs(request):
    return render(request, "api/docs.html", {"rate": settings.NIANBAO_API_RATE})

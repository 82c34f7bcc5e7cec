"""The application's URLs plus a minimal Django page listing 200 rows: the latency baseline."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.urls import path

from agencies.models import Body
from config.urls import urlpatterns as app_urlpatterns

_TEMPLATE = engines["django"].from_string(
    "<!DOCTYPE html><html lang='zh-Hans'><body><table>{% for b in rows %}"
    "<tr><td>{{ b.code }}</td><td>{{ b.name }}</td><td>{{ b.get_kind_display }}</td></tr>{% endfor %}"
    "</table></body></html>"
)


@login_required
def rows_200(request):
    return HttpResponse(_TEMPLATE.render({"rows": Body.objects.order_by("code")[:200]}, request))


urlpatterns = [path("bench/rows/", rows_200), *app_urlpatterns]

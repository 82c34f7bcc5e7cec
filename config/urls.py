from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from agencies.views.workspace import workspace

admin.site.site_header = "年报系统 · 支持人员后台"
admin.site.site_title = "年报系统后台"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="workspace", permanent=False), name="home"),
    path("accounts/", include("agencies.account_urls")),
    path("workspace/", workspace, name="workspace"),
    path("manage/", include("agencies.urls")),
    path("reports/", include("reports.entry.urls")),
    path("district/", include("reports.district.urls")),
    path("summary/", include("reports.summary.urls")),
    path("review/", include("reports.review.urls")),
    path("publishing/", include("reports.publishing.urls")),
    path("portal/", include("portal.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

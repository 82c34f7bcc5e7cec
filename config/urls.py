from django.conf import settings
from django.contrib import admin
from django.urls import include, path

import config.converters  # noqa: F401  (registers <id:…>, <year:…>, <code:…>)
from agencies.views.workspace import workspace
from portal import views as portal_views

# Registered before the includes below import their URL modules.

admin.site.site_header = "年报系统 · 支持人员后台"
admin.site.site_title = "年报系统后台"

handler500 = "config.middleware.server_error"

urlpatterns = [
    # The public portal is the site root; signed-in staff are sent on to their workspace.
    path("", portal_views.site_root, name="home"),
    path("sitemap.xml", portal_views.sitemap, name="sitemap"),
    path("accounts/", include("agencies.account_urls")),
    path("workspace/", workspace, name="workspace"),
    path("manage/", include("agencies.urls")),
    path("manage/api-tokens/", include("api.manage_urls")),
    path("reports/", include("reports.entry.urls")),
    path("district/", include("reports.district.urls")),
    path("summary/", include("reports.summary.urls")),
    path("district-report/", include("reports.district_report.urls")),
    path("city/", include("reports.city.urls")),
    path("review/", include("reports.review.urls")),
    path("publishing/", include("reports.publishing.urls")),
    path("importing/", include("reports.importing.urls")),
    path("portal/", include("portal.urls")),
    path("api/v1/", include("api.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

from django.urls import path
from django.views.decorators.http import require_safe

from . import views
from .feeds import PublicationsFeed

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("archive/", views.archive, name="archive"),
    path("reports/<int:pk>/", views.report, name="report"),
    path("reports/<int:pk>/v<int:version>.pdf", views.pdf, name="pdf"),
    path("reports/<int:pk>/data.json", views.report_json, name="report_json"),
    path("reports/<int:pk>/data.csv", views.report_csv, name="report_csv"),
    path("years/<int:year>/data.csv", views.year_csv, name="year_csv"),
    path("feed.atom", require_safe(PublicationsFeed()), name="feed"),
]

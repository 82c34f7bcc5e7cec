from django.urls import path

from . import verify, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("archive/", views.archive, name="archive"),
    path("reports/<id:pk>/", views.report, name="report"),
    path("reports/<id:pk>/v<id:version>.pdf", views.pdf, name="pdf"),
    path("reports/<id:pk>/v<id:version>.docx", views.docx, name="docx"),
    path("reports/<id:pk>/graphic.<str:ext>", views.graphic, name="graphic"),
    path("reports/<id:pk>/v<id:version>/graphic.<str:ext>", views.graphic_version, name="graphic_version"),
    path("reports/<id:pk>/data.json", views.report_json, name="report_json"),
    path("reports/<id:pk>/data.csv", views.report_csv, name="report_csv"),
    path("years/<year:year>/data.csv", views.year_csv, name="year_csv"),
    path("feed.atom", views.feed, name="feed"),
    path("verify/", verify.verify, name="verify"),
]

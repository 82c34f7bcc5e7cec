from django.urls import path

from . import excel_views, section_views, views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<id:pk>/", views.report_overview, name="overview"),
    path("<id:pk>/sections/<str:key>/", section_views.section_edit, name="section"),
    path("session/", section_views.session_state, name="session_state"),
    path("signed-in/", section_views.signed_in, name="signed_in"),
    path("<id:pk>/explanations/", views.explanations, name="explanations"),
    path("<id:pk>/preview/", views.preview, name="preview"),
    path("<id:pk>/excel/", excel_views.download, name="excel_download"),
    path("<id:pk>/excel/upload/", excel_views.upload, name="excel_upload"),
    path("<id:pk>/excel/preview/", excel_views.preview, name="excel_preview"),
    path("<id:pk>/excel/confirm/", excel_views.confirm, name="excel_confirm"),
]

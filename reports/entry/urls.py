from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:pk>/", views.report_overview, name="overview"),
    path("<int:pk>/sections/<str:key>/", views.section_edit, name="section"),
    path("<int:pk>/explanations/", views.explanations, name="explanations"),
    path("<int:pk>/preview/", views.preview, name="preview"),
]

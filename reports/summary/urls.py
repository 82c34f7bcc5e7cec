from django.urls import path

from . import views

app_name = "summary"

urlpatterns = [
    path("", views.latest, name="latest"),
    path("years/<int:pk>/", views.summary_page, name="summary"),
    path("years/<int:pk>/cells/<str:cell_id>/", views.drilldown, name="drilldown"),
    path("years/<int:pk>/summary.xlsx", views.summary_xlsx, name="xlsx"),
    path("years/<int:pk>/summary.pdf", views.summary_pdf, name="pdf"),
    path("years/<int:pk>/flags/", views.flags, name="flags"),
]

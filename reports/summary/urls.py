from django.urls import path

from . import views

app_name = "summary"

urlpatterns = [
    path("", views.latest, name="latest"),
    path("years/<id:pk>/", views.summary_page, name="summary"),
    path("years/<id:pk>/cells/<str:cell_id>/", views.drilldown, name="drilldown"),
    path("years/<id:pk>/summary.xlsx", views.summary_xlsx, name="xlsx"),
    path("years/<id:pk>/summary.pdf", views.summary_pdf, name="pdf"),
    path("years/<id:pk>/flags/", views.flags, name="flags"),
]

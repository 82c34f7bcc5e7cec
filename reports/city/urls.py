from django.urls import path

from . import views

app_name = "city"

urlpatterns = [
    path("", views.home, name="home"),
    path("<code:code>/<year:year>/", views.summary, name="summary"),
    path("<code:code>/<year:year>/summary.xlsx", views.summary_xlsx, name="xlsx"),
    path("<code:code>/<year:year>/summary.pdf", views.summary_pdf, name="pdf"),
    path("<code:code>/<year:year>/cells/<str:cell_id>/", views.drilldown, name="drilldown"),
]

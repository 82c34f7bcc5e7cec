from django.urls import path

import config.converters  # noqa: F401  (<id:…>)

from . import views

app_name = "district_report"

urlpatterns = [
    path("years/<id:pk>/start/", views.start, name="start"),
    path("<id:pk>/", views.detail, name="detail"),
]

from django.urls import path

import config.converters  # noqa: F401  (<id:…>, <year:…>, <code:…>)

from . import docs, views

app_name = "api"

urlpatterns = [
    path("districts/", views.DistrictList.as_view(), name="districts"),
    path("bodies/", views.BodyList.as_view(), name="bodies"),
    path("years/", views.YearList.as_view(), name="years"),
    path("reports/", views.ReportList.as_view(), name="reports"),
    path("reports/<id:pk>/", views.ReportDetail.as_view(), name="report"),
    path("reports/<id:pk>/values/", views.ReportValues.as_view(), name="report_values"),
    path("reports/<id:pk>/timeline/", views.ReportTimeline.as_view(), name="report_timeline"),
    path("summaries/<code:district>/<year:year>/", views.Summary.as_view(), name="summary"),
    path("city-summaries/<code:city>/<year:year>/", views.CitySummary.as_view(), name="city_summary"),
    path("schema/", views.Schema.as_view(), name="schema"),
    path("docs/", docs.docs, name="docs"),
]

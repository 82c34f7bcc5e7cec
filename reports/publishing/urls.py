from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("<id:pk>/status/", views.status, name="status"),
    path("<id:pk>/retry/", views.retry, name="retry"),
    path("<id:pk>/reopen/", views.reopen, name="reopen"),
]

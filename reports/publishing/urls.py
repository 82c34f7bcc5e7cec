from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/retry/", views.retry, name="retry"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
]

from django.urls import path

from . import views

app_name = "importing"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<str:batch_id>/", views.batch, name="batch"),
    path("<str:batch_id>/discard/", views.discard, name="discard"),
    path("<str:batch_id>/<int:number>/", views.entry, name="entry"),
    path("<str:batch_id>/<int:number>/page-<int:page>.png", views.page_image, name="page_image"),
]

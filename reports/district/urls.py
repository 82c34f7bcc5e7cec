from django.urls import path

from . import views

app_name = "district"

urlpatterns = [
    path("", views.progress, name="progress"),
    path("years/", views.year_list, name="years"),
    path("years/open/", views.year_open, name="year_open"),
    path("years/<int:pk>/schedule/", views.year_schedule, name="year_schedule"),
    path("years/<int:pk>/board/", views.board, name="board"),
    path("years/<int:pk>/board.xlsx", views.board_export, name="board_export"),
    path("years/<int:pk>/remind/", views.remind, name="remind"),
]

from django.urls import path

import config.converters  # noqa: F401  (<id:…>)

from . import views

app_name = "district"

urlpatterns = [
    path("", views.progress, name="progress"),
    path("years/", views.year_list, name="years"),
    path("years/open/", views.year_open, name="year_open"),
    path("years/<id:pk>/schedule/", views.year_schedule, name="year_schedule"),
    path("years/<id:pk>/new-bodies/", views.year_new_bodies, name="year_new_bodies"),
    path("years/<id:pk>/board/", views.board, name="board"),
    path("years/<id:pk>/board.xlsx", views.board_export, name="board_export"),
    path("years/<id:pk>/remind/", views.remind, name="remind"),
]

from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:pk>/", views.notification_open, name="notification_open"),
    path("<int:pk>/", views.report_review, name="report"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.send_back, name="return"),
    path("<int:pk>/assign/", views.assign_reviewer, name="assign_reviewer"),
    path("<int:pk>/status/", views.report_status, name="status"),
    path("<int:pk>/timeline.csv", views.timeline_export, {"fmt": "csv"}, name="timeline_csv"),
    path("<int:pk>/timeline.xlsx", views.timeline_export, {"fmt": "xlsx"}, name="timeline_xlsx"),
]

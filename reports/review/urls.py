from django.urls import path

from . import views

app_name = "review"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<id:pk>/", views.notification_open, name="notification_open"),
    path("<id:pk>/", views.report_review, name="report"),
    path("<id:pk>/submit/", views.submit, name="submit"),
    path("<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<id:pk>/approve/", views.approve, name="approve"),
    path("<id:pk>/return/", views.send_back, name="return"),
    path("<id:pk>/assign/", views.assign_reviewer, name="assign_reviewer"),
    path("<id:pk>/status/", views.report_status, name="status"),
    path("<id:pk>/timeline.csv", views.timeline_export, {"fmt": "csv"}, name="timeline_csv"),
    path("<id:pk>/audit-form/v<id:version>.pdf", views.audit_form_pdf, name="audit_form"),
    path("<id:pk>/timeline.xlsx", views.timeline_export, {"fmt": "xlsx"}, name="timeline_xlsx"),
]

from django.urls import path

import config.converters  # noqa: F401  (<id:…>)

from . import manage

app_name = "api_tokens"

urlpatterns = [
    path("", manage.token_list, name="list"),
    path("new/", manage.token_create, name="create"),
    path("<id:pk>/revoke/", manage.token_revoke, name="revoke"),
]

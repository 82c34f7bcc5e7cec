from celery import shared_task
from django.db import connection


@shared_task(name="system.ping")
def ping(token: str) -> dict:
    """Proves the whole chain: broker → worker → database → result backend."""
    from .models import User

    return {"token": token, "database": connection.vendor, "users": User.objects.count()}

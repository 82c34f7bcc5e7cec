"""Writes about people: the security log and account actions, each recorded where it happens."""

import structlog
from axes.utils import reset as axes_reset
from django.db import transaction

from config.client_ip import client_ip

from .models import SecurityEvent, User

log = structlog.get_logger(__name__)


def _client(request):
    if request is None:
        return None, ""
    return client_ip(request), request.META.get("HTTP_USER_AGENT", "")[:300]


def security_event_record(*, kind: str, request=None, user: User | None = None, username: str = "",
                          actor: User | None = None) -> SecurityEvent:
    ip, agent = _client(request)
    username = username or (user.get_username() if user else "")
    event = SecurityEvent.objects.create(
        kind=kind, user=user, username=username[:150], ip_address=ip, user_agent=agent, actor=actor
    )
    log.info("security_event", kind=kind, username=username, ip=ip, actor=actor.pk if actor else None)
    return event


@transaction.atomic
def account_unlock(*, user: User, by: User, request=None) -> None:
    """Lift a lockout before its 15 minutes are up, and say who did it."""
    axes_reset(username=user.get_username())
    security_event_record(kind=SecurityEvent.Kind.UNLOCKED, request=request, user=user, actor=by)


@transaction.atomic
def user_set_initial_password(*, user: User, password: str, by: User | None = None) -> None:
    """An administrator sets a password: the person must replace it at first login."""
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])


@transaction.atomic
def user_password_changed(*, user: User, request=None) -> None:
    if user.must_change_password:
        user.must_change_password = False
        user.save(update_fields=["must_change_password"])
    security_event_record(kind=SecurityEvent.Kind.PASSWORD_CHANGED, request=request, user=user, actor=user)

"""Writes about people: the security log and account actions, each recorded where it happens."""

import structlog
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

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
    """Lift a lockout of the account (from every address) before its 15 minutes are up, and say who did it."""
    axes_reset(username=user.get_username())
    security_event_record(kind=SecurityEvent.Kind.UNLOCKED, request=request, user=user, actor=by)


@transaction.atomic
def address_unlock(*, ip_address: str, by: User, request=None) -> None:
    """Lift the lock of a client address (too many failed sign-ins from it), and say who did it. The
    record's address is the one unlocked, not the administrator's."""
    axes_reset(ip=ip_address)
    agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    SecurityEvent.objects.create(kind=SecurityEvent.Kind.UNLOCKED, ip_address=ip_address, user_agent=agent,
                                 actor=by)
    log.info("security_event", kind=SecurityEvent.Kind.UNLOCKED, ip=ip_address, actor=by.pk)


def lock_already_recorded(*, username: str, ip_address: str | None) -> bool:
    """Whether this lock (user name at an address) is in the 安全日志 already, since it began and not
    lifted since: a run of refused tries is recorded once, not per try."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    last_lock = (SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKED, username=username[:150],
                                              ip_address=ip_address, created_at__gte=since)
                 .order_by("-created_at").first())
    if last_lock is None:
        return False
    lifted = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.UNLOCKED, created_at__gt=last_lock.created_at)
    return not lifted.filter(Q(ip_address=ip_address, user__isnull=True) | Q(username=username[:150])).exists()


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

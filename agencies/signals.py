from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import Signal, receiver

from .models import SecurityEvent
from .services import lock_already_recorded, security_event_record


def _refused_during_lock(request) -> bool:
    """axes refused the try before any password was checked (the account or address is locked)."""
    locked = bool(getattr(request, "axes_locked_out", False))
    return locked and getattr(request, "axes_failures_since_start", 0) is None

# Sent by admin_services.body_create inside its transaction, with `body` and `by` (the administrator):
# the reports app gives a body added while a year is being collected its report on that year.
body_created = Signal()


@receiver(user_logged_in)
def _login_success(sender, request, user, **kwargs):
    security_event_record(kind=SecurityEvent.Kind.LOGIN_SUCCESS, request=request, user=user)


@receiver(user_login_failed)
def _login_failure(sender, credentials, request=None, **kwargs):
    if request is not None and _refused_during_lock(request):
        return  # not a wrong password: the lock refused it, and the lock is recorded (once) below
    username = (credentials or {}).get("username", "")
    user = get_user_model().objects.filter(username=username).first()
    security_event_record(kind=SecurityEvent.Kind.LOGIN_FAILURE, request=request, user=user, username=username)


@receiver(user_logged_out)
def _logout(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(kind=SecurityEvent.Kind.LOGOUT, request=request, user=user)


@receiver(user_locked_out)
def _locked(sender, request, username, ip_address, **kwargs):
    """axes says so when a lock begins and again at every refused try; the 安全日志 records it once."""
    if lock_already_recorded(username=username or "", ip_address=ip_address):
        return
    user = get_user_model().objects.filter(username=username).first()
    security_event_record(kind=SecurityEvent.Kind.LOCKED, request=request, user=user, username=username or "")

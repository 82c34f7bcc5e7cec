"""Sign-in throttling (django-axes), by account *and* by client address.

Locking the account alone (axes' "username") let anyone lock anyone out, the only district
administrator included, with five wrong passwords, while unknown user names could be tried without
limit. Here two counters run side by side, each with its own limit, over the last AXES_COOLOFF_TIME:

- user name + address (AXES_FAILURE_LIMIT, 5): the owner who mistypes on their own computer is
  stopped as before (等保), but the same account still signs in from any other address;
- address alone (NIANBAO_ADDRESS_FAILURE_LIMIT): a spray over many user names, known or not,
  from one address is stopped. It is higher, because a whole office may reach us through one NAT
  address: see config/settings/base.py for the numbers.

An administrator lifts either lock (agencies.services.account_unlock / address_unlock).
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

ACCOUNT = ("username", "ip_address")
ADDRESS = ("ip_address",)


def group_limit(group) -> int:
    key = (group,) if isinstance(group, str) else tuple(group)
    return settings.NIANBAO_ADDRESS_FAILURE_LIMIT if key == ADDRESS else settings.AXES_FAILURE_LIMIT


def recent_failures(*, ip_address: str | None, username: str | None = None) -> int:
    """Failures counted against an address (and a user name) within the cool-off time."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since)
    if username is not None:
        attempts = attempts.filter(username=username)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


def address_is_locked(ip_address: str | None) -> bool:
    return recent_failures(ip_address=ip_address) >= settings.NIANBAO_ADDRESS_FAILURE_LIMIT


class ThrottleHandler(AxesDatabaseHandler):
    """axes' database handler with one limit per lockout group (axes itself has one for all)."""

    def get_failures(self, request, credentials=None) -> int:
        """The failures of the group nearest its own limit, scaled to AXES_FAILURE_LIMIT (axes compares
        with that): floor(n * limit / group limit) reaches `limit` exactly when n reaches the group's."""
        limit = get_failure_limit(request, credentials)
        worst = 0
        groups = get_lockout_parameters(request, credentials)
        for group, attempts in zip(groups, self.get_user_attempts(request, credentials), strict=True):
            failures = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            worst = max(worst, failures * limit // group_limit(group))
        return worst

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A successful sign-in clears that account's failures from that address only: signing in to
        one's own account must not wipe the count of a spray against others from the same address."""
        username = get_client_username(request, credentials)
        count, _ = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address).delete()
        return count

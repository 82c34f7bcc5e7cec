"""The client's address, as far as it can be trusted: one helper for axes, the security log and the timeline.

X-Forwarded-For is written by whoever sends the request, so its leftmost entry is whatever the client
chose (a forged `1.2.3.4`). Only the entries appended by our own proxies can be believed: with
NIANBAO_TRUSTED_PROXY_COUNT = n, the n-th entry from the right is the address the outermost trusted
proxy saw. With 0 (the default: no proxy in front) the header is ignored and REMOTE_ADDR is the client.
deploy/nginx.conf overwrites the header with `$remote_addr`, so behind it the count is 1.
"""

import ipaddress

from django.conf import settings


def _valid(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = _valid(request.META.get("REMOTE_ADDR"))
    proxies = getattr(settings, "NIANBAO_TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    if not hops:
        return remote
    # Fewer entries than proxies: every entry was written by a trusted proxy; the leftmost is the client.
    return _valid(hops[-proxies] if len(hops) >= proxies else hops[0]) or remote

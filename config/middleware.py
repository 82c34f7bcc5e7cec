"""Project middleware and the error pages they share: security headers, the idle timeout, no caching of
signed-in pages, a form posted after the session ended or with a stale token, a form's address opened as a
page, redirects answered to htmx, and the refusal of a request that found the database busy."""

import time
from urllib.parse import parse_qs, urlencode, urlsplit

import structlog
from django.conf import settings
from django.contrib import messages
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

from config.http import view_methods

log = structlog.get_logger(__name__)

POLL_HEADER = "X-Nianbao-Poll"
TOUCHED_KEY = "_idle_touched"  # when the session's expiry was last moved on (seconds since the epoch)


class SecurityHeadersMiddleware:
    """Headers Django's SecurityMiddleware does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("X-Permitted-Cross-Domain-Policies", "none")
        return response


def is_poll(request) -> bool:
    """A request the page makes by itself (the render status every 2 s, status fragments): it is not
    the person's activity, so it must not keep an idle session alive."""
    return request.headers.get(POLL_HEADER) == "1"


def session_ended_text() -> str:
    """How the end of an idle session is said, wherever a person meets it."""
    return f"登录已过期（超过{settings.SESSION_COOKIE_AGE // 60}分钟没有操作）"


class IdleSessionMiddleware(SessionMiddleware):
    """The idle timeout: a session ends SESSION_COOKIE_AGE after the person's last request. Django's
    SESSION_SAVE_EVERY_REQUEST would also count the page's own polls, so a page left open on an
    approved report would never time out; here every request but a poll moves the expiry on.

    Moving it on is a write (the session row), so it is written at most once every
    SESSION_IDLE_TOUCH_SECONDS unless the request changed the session anyway: at the peak every page
    and autosave wrote it. The session then ends between SESSION_COOKIE_AGE minus that and
    SESSION_COOKIE_AGE after the last request."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and not is_poll(request) and not session.is_empty():
            now = int(time.time())
            if session.modified or now - session.get(TOUCHED_KEY, 0) >= settings.SESSION_IDLE_TOUCH_SECONDS:
                session[TOUCHED_KEY] = now
        return super().process_response(request, response)


class NoStoreForSignedInMiddleware:
    """Pages and exports seen signed in are never kept by a browser or a proxy cache (a shared office
    computer, the back button after signing out). The portal's public pages keep their own caching."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "public" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "no-store"
        return response


BUSY_MESSAGE = "系统正忙，您的操作没有执行，也没有丢失任何已保存的内容。请稍等片刻后再试。"
# PostgreSQL: lock_not_available, serialization_failure, deadlock_detected.
_BUSY_SQLSTATES = {"55P03", "40001", "40P01"}


def is_database_busy(exc: BaseException) -> bool:
    """A lock that was not granted in time (SQLite's "database is locked", PostgreSQL's lock and
    serialization conflicts): the request can simply be tried again."""
    if not isinstance(exc, OperationalError):
        return False
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    text = str(exc).lower()
    return "database is locked" in text or "database table is locked" in text


def busy_response(request) -> HttpResponse:
    """503 with Retry-After, in the form the request asked for (JSON for autosave, else a page)."""
    accept = request.headers.get("Accept", "") if request is not None else ""
    wants_json = "application/json" in accept or (
        request is not None and request.headers.get("X-Requested-With") == "fetch")
    if wants_json:
        response: HttpResponse = JsonResponse({"ok": False, "busy": True, "message": BUSY_MESSAGE}, status=503)
    else:
        # Rendered without the request: the navigation would query the busy database again.
        response = HttpResponse(render_to_string("503.html", {"message": BUSY_MESSAGE}), status=503)
    response["Retry-After"] = "5"
    response["Cache-Control"] = "no-store"
    return response


REDIRECTS = (301, 302, 303, 307, 308)


def _login_path() -> str:
    return resolve_url(settings.LOGIN_URL)


def form_page(request) -> str | None:
    """The page a posted form is on (htmx's HX-Current-URL, else the Referer), if it is a page of this
    host that can be opened again: not another site, not an address that only takes POST."""
    source = request.headers.get("HX-Current-URL" if request.headers.get("HX-Request") == "true" else "Referer", "")
    if not source or not url_has_allowed_host_and_scheme(
            source, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return None
    page = urlsplit(source)
    if page.path == _login_path() or not opens_on_get(page.path):
        return None
    return page.path + ("?" + page.query if page.query else "")


def opens_on_get(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return False
    methods = view_methods(match.func)
    return methods is None or "GET" in methods


class SignInAgainMiddleware:
    """A form posted after the session ended: login_required sends it to the login page with next = the
    address the form posts to, which only takes POST, so after signing in the browser opened a blank
    405. Here the login comes back to the page the form is on instead (form_page; else the login's
    default, the workspace) and says that the action was not done; a form marked data-keep-typed is put back
    as it was sent (static/js/keep-typed.js). Inside MessageMiddleware, so that the message is stored."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "POST" or response.status_code not in REDIRECTS or request.user.is_authenticated:
            return response
        target = urlsplit(response["Location"])
        if target.path != _login_path() or parse_qs(target.query).get("next") != [request.get_full_path()]:
            return response  # not login_required's redirect of this very request
        page = form_page(request)
        response["Location"] = target.path + (f"?{urlencode({'next': page})}" if page else "")
        messages.warning(request, f"{session_ended_text()}，刚才的操作没有执行。请重新登录后再操作一次。",
                         extra_tags="session-ended")  # the page's script keeps what was typed: keep-typed.js
        return response


class MethodNotAllowedPageMiddleware:
    """An address that only takes a form's POST, opened as a page (typed, bookmarked, or the address of
    a form's answer): a page that says so and leads on, instead of Django's empty 405."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or request.method != "GET" or response.content:
            return response
        parent = request.path.rstrip("/").rsplit("/", 1)[0] + "/"
        page = render(request, "405.html", {"parent": parent if parent != "/" and opens_on_get(parent) else None},
                      status=405)
        page["Allow"] = response["Allow"]
        return page


class HtmxRedirectMiddleware:
    """Redirects answered to htmx, which would follow them itself and put the page it lands on inside
    the element that asked.

    - A form posted by htmx goes there as a whole page (HX-Redirect): the review page saying why an
      approval was refused, or the login page when the session has ended (which comes back to the page
      the form is on: SignInAgainMiddleware).
    - A piece the page asks for by itself (the status poll) after the session ended gets nothing to
      swap (204): the page and whatever was typed in it stay; the next action meets the login.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.headers.get("HX-Request") != "true" or response.status_code not in REDIRECTS:
            return response
        if request.method == "POST":
            response["HX-Redirect"] = response["Location"]
        elif urlsplit(response["Location"]).path != _login_path():
            return response
        # The same response, so that the cookies set on it (the messages, the session) go with it.
        response.status_code = 204
        del response["Location"]
        response.content = b""
        return response


class DatabaseBusyMiddleware:
    """Turns a lock timeout in a view into a friendly refusal instead of a 500. The view's transaction
    (ATOMIC_REQUESTS) has been rolled back, so nothing was half done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_busy(exception):
            log.warning("database_busy", path=request.path, error=str(exception)[:200])
            return busy_response(request)
        return None


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent with a stale token (the page stood open while the person signed
    out and in again in another window). The page says so and leads back to the page the form is on,
    where what was typed is put back (static/js/keep-typed.js)."""
    log.info("csrf_failure", path=request.path, reason=reason)
    return render(request, "403_csrf.html", {"back": form_page(request)}, status=403)


def server_error(request, *args, **kwargs):
    """handler500: a lock timeout outside the view (the session saved after it) is refused like one
    inside it; anything else is the ordinary Chinese 500 page."""
    import sys

    from django.views.defaults import server_error as default_server_error

    exc = sys.exc_info()[1]
    if exc is not None and is_database_busy(exc):
        return busy_response(request)
    return default_server_error(request, *args, **kwargs)

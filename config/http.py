"""Every view says which HTTP methods it handles; any other method is answered 405.

A function view that renders a page on GET and quietly renders it again on POST turns a form whose
action points at it into a button that does nothing (five admin forms once did exactly that). So a
view of this project declares its methods with Django's own decorators — `require_safe` for pages,
`require_POST` for actions, `require_http_methods(GET_OR_POST)` for a page with its own form — or is
a class-based view (whose `dispatch` already answers 405). `undeclared_views()` lists the views
that do not; the system check `nianbao.W001` names them at every `manage.py` command, and
tests/test_crawl_forms.py fails on them (a warning, not an error: a missing decorator must not stop
`migrate` on a server, but it never passes CI).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator

from django.core import checks
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.decorators.http import require_http_methods

GET_OR_POST = ["GET", "HEAD", "POST"]

# The modules whose views this project writes (Django's admin and the auth views are not ours).
PROJECT_PACKAGES = ("agencies", "reports", "portal", "config", "api")

_PROBE = require_http_methods(["GET"])(lambda request: None)


def view_methods(view) -> frozenset[str] | None:
    """The methods a view handles, or None when it does not declare them."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return frozenset(m.upper() for m in view_class.http_method_names
                         if m != "options" and hasattr(view_class, m))
    func = view
    while func is not None:
        if getattr(func, "__code__", None) is _PROBE.__code__:
            return frozenset(inspect.getclosurevars(func).nonlocals["request_method_list"])
        func = getattr(func, "__wrapped__", None)
    return None


def _target(view):
    return getattr(view, "view_class", None) or inspect.unwrap(view)


def _module(view) -> str:
    return getattr(_target(view), "__module__", None) or ""


def project_views(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[tuple[str, object]]:
    """(route, view) for every URL of the project's own apps."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from project_views(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            module = _module(entry.callback)
            if module.split(".")[0] in PROJECT_PACKAGES:
                yield prefix + str(entry.pattern), entry.callback


def undeclared_views() -> list[str]:
    names = []
    for route, view in project_views():
        if view_methods(view) is None:
            target = _target(view)
            names.append(f"/{route} ({_module(view)}.{getattr(target, '__name__', type(target).__name__)})")
    return names


@checks.register(checks.Tags.urls)
def check_views_declare_methods(app_configs=None, **kwargs):
    return [
        checks.Warning(
            f"The view of {name} does not declare the HTTP methods it handles.",
            hint="Decorate it with require_safe, require_POST or require_http_methods(GET_OR_POST) "
                 "(config/http.py), so that any other method is answered 405.",
            id="nianbao.W001",
        )
        for name in undeclared_views()
    ]

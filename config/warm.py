"""A web process's start: every view imported, the URL lookups by name built and every page template
compiled, then what is loaded kept out of garbage collection.

The cyclic collector's full collections walk every container object of the process; in a web process
most of them are Django's and the project's modules, which live as long as the process. The board of
a year allocates enough to set off a full collection now and then, which walked ~230,000 such
objects (150–250 ms of CPU each, measured while the peak benchmark's load ran). `gc.freeze()` after
loading moves them to a generation that is never collected, as pdf workers do (reports/publishing/
warmup.py) and as Instagram does for its Django web processes; objects made later are collected as
before.

The templates: Django compiles a template on its first use in a process and keeps it (the cached
loader). With the views imported, the first review page a process served took 113 ms of CPU, and
63–76 with every template compiled and the cache's Redis client imported beforehand (20–24 once
warm); at the January peak each web process's first pages came in the first second, among everyone
else's. Nothing here is needed for correctness: the first request would do all of it anyway.
"""

import gc
from pathlib import Path


def freeze_loaded_code() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports the URLconf and with it every view module)
    populate_url_lookups()
    compile_templates()
    _import_cache_client()
    gc.collect()
    gc.freeze()


def populate_url_lookups() -> None:
    """What Django builds on a process's first reverse(), per language: the lookups by view name of
    the URLconf and its namespaces, with every pattern's regular expression compiled. A page's
    navigation names ten URLs: in a warmed process they took 13–21 ms of CPU the first time, 4–6 ms
    with this done."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            get_resolver().reverse_dict  # noqa: B018  (built on first use, its namespaces' with it)


def compile_templates() -> None:
    """Every template of the project's own directories (not the installed apps': Django's admin has
    hundreds no page of ours uses), through the engine, so the cached loader keeps it."""
    from django.conf import settings
    from django.template import TemplateSyntaxError, engines

    for engine in engines.all():
        for directory in (Path(d) for d in getattr(engine, "dirs", ())):
            for path in sorted(directory.rglob("*.html")) + sorted(directory.rglob("*.txt")):
                try:
                    engine.get_template(path.relative_to(directory).as_posix())
                except TemplateSyntaxError:  # in production the page says so when asked, not the start
                    if settings.DEBUG:
                        raise


def _import_cache_client() -> None:
    """The cache backend's client library imported (its first use took 58 ms of a first review page), not
    connected: a process forked after this opens its own connections."""
    from django.core.cache import cache

    getattr(cache, "_cache", None)  # noqa: B009  (RedisCache builds its client, importing redis, on first use)

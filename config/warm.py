"""A web process's start: every view imported, then what is loaded kept out of garbage collection.

The cyclic collector's full collections walk every container object of the process; in a web process
most of them are Django's and the project's modules, which live as long as the process. The board of
a year allocates enough to set off a full collection now and then, which walked ~230,000 such
objects (150–250 ms of CPU each, measured while the peak benchmark's load ran). `gc.freeze()` after
loading moves them to a generation that is never collected, as pdf workers do (reports/publishing/
warmup.py) and as Instagram does for its Django web processes; objects made later are collected as
before. Nothing here is needed for correctness: the first request would import the views anyway.
"""

import gc


def freeze_loaded_code() -> None:
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports the URLconf and with it every view module)
    gc.collect()
    gc.freeze()

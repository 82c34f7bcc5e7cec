"""A worker's start: what every render needs is loaded once, before the worker takes its first task.

Without it the first render of every worker process paid for it (measured on this 2-core machine: about
2 s of CPU on a quiet machine, 8 s and more while the peak's web load runs): importing WeasyPrint,
pyHanko and python-docx, loading the signing key, Fontconfig's configuration and the report's faces.
A process that renders report after report pays for that once, whichever task comes first.

- `worker_init` (the worker's main process, before a prefork pool forks its children, which inherit
  it): the imports, the signer (signing.py keeps it per process), then `gc.freeze()`, so that the
  collection after every render (pdf.release_memory) no longer walks the ~200,000 objects of the
  loaded modules, and the children do not copy the pages those objects live on.
- `worker_process_init`, in the process that renders when it is that same process (the solo pool of
  the demo, the tests and the benchmarks): one small render with the report's stylesheet, which
  loads the fonts into the kept FontConfiguration (pdf.font_config). A prefork child skips it: its
  start must answer the parent within seconds, and Pango's font loading is not safe to fork.

Nothing here is needed for correctness: a failure is logged and the first render does the work.
"""

import gc
import os
import time

import structlog
from celery.signals import worker_init, worker_process_init

log = structlog.get_logger(__name__)

# One paragraph of each face the report's stylesheet uses (title, headings, body, table), in Chinese
# and Latin, through the same fetcher and options as a report.
WARM_HTML = """<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>预热</title>
<link rel="stylesheet" href="/static/pdf/report.css"></head><body>
<h1 class="report-title">政府信息公开工作年度报告</h1><h2>一、总体情况</h2><h3>（一）主动公开</h3>
<p class="report-text">本年度，依据《中华人民共和国政府信息公开条例》第五十条编制。Annual report 2025.</p>
<table><caption>收到和处理政府信息公开申请情况</caption><thead><tr><th>本列数据的勾稽关系</th><th>合计</th></tr>
</thead><tbody><tr><th>一、本年新收政府信息公开申请数量</th><td>1,234</td></tr></tbody></table>
</body></html>"""

_MAIN_PID: int | None = None


def load_modules() -> None:
    """Import what a render and a Word copy use, and load the signer."""
    import docx  # noqa: F401
    import pyhanko.pdf_utils.incremental_writer  # noqa: F401
    import pyhanko.sign.signers  # noqa: F401
    import weasyprint  # noqa: F401

    from . import pdf, signing

    pdf._lean_font_data()
    config = signing.signing_config()
    if config is not None and config.complete:
        signing._signer(config)


def warm_render() -> None:
    """A small render, which loads Fontconfig and the report's faces into this thread's font_config."""
    from . import pdf

    pdf.render_html_to_pdf(WARM_HTML)


def freeze() -> None:
    """Collect what loading left, then keep every object that exists now out of later collections."""
    gc.collect()
    gc.freeze()


@worker_init.connect(dispatch_uid="publishing.warm_worker")
def warm_worker(**kwargs) -> None:
    global _MAIN_PID
    _MAIN_PID = os.getpid()
    started = time.process_time()
    try:
        load_modules()
    except Exception:
        log.exception("worker_warmup_failed", step="modules")
    freeze()
    log.info("worker_warmed", step="modules", cpu_ms=round((time.process_time() - started) * 1000))


@worker_process_init.connect(dispatch_uid="publishing.warm_render")
def warm_renderer(**kwargs) -> None:
    if os.getpid() != _MAIN_PID:
        return  # a prefork child (see the module's docstring)
    started = time.process_time()
    try:
        warm_render()
    except Exception:
        log.exception("worker_warmup_failed", step="render")
    freeze()
    log.info("worker_warmed", step="render", cpu_ms=round((time.process_time() - started) * 1000))

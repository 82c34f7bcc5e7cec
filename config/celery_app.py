import os

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("nianbao")
app.config_from_object("django.conf:settings", namespace="CELERY")


@setup_logging.connect
def config_loggers(*args, **kwargs):
    """Workers log through Django's LOGGING (structlog), not Celery's own handlers."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@worker_init.connect(dispatch_uid="nianbao.yield_cpu")
def yield_cpu_to_web(**kwargs):
    """The worker's main process, before a prefork pool forks its children (which inherit it), lowers
    its priority to settings.NIANBAO_WORKER_NICENESS: at the January peak a burst of approvals queues
    dozens of renders, and at the same priority the two render processes took half of a 2-core
    machine's CPU from the people's requests. Lowered only: a process may not raise its own."""
    from django.conf import settings

    wanted = settings.NIANBAO_WORKER_NICENESS
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if wanted > current:
        os.nice(wanted - current)


@task_prerun.connect
@task_postrun.connect
def close_old_database_connections(**kwargs):
    """What Django does at the start and end of a request, around every task: a connection past
    CONN_MAX_AGE, or one an error left unusable, is closed; a healthy one is kept for the next task
    (settings CELERY_DB_REUSE_MAX). An eager task runs inside its caller's work and is left alone."""
    task = kwargs.get("task")
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()


app.autodiscover_tasks()
app.autodiscover_tasks(["reports.health"])  # a package of the reports app, not an app of its own

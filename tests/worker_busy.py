"""Loaded by the tests' Celery worker (`--include`, tests/conftest.py): while it runs a task, the file
named by NIANBAO_TEST_WORKER_BUSY exists. A transactional test's teardown empties the database, which
deadlocks with a task still writing to it (a render a final approval queued near the end of the test):
the teardown waits for the file to go first."""

import os
from pathlib import Path

from celery.signals import task_postrun, task_prerun

BUSY = Path(os.environ["NIANBAO_TEST_WORKER_BUSY"])


@task_prerun.connect
def _busy(**kwargs):
    BUSY.touch()


@task_postrun.connect
def _idle(**kwargs):
    BUSY.unlink(missing_ok=True)

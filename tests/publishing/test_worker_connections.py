"""A Celery worker keeps its database connection from one task to the next, as a web process keeps
it from one request to the next (CONN_MAX_AGE): Celery's Django fixup alone closed it before and
after every task, a new PostgreSQL backend for each (five a publication). One too old or broken is
still closed, as Django closes it around a request."""

import time
import uuid

import pytest
from celery.fixups.django import DjangoWorkerFixup
from celery.signals import task_postrun, task_prerun
from django.db import OperationalError, connection

from config.celery_app import app
from reports.review.tasks import send_notification_emails_task as task

pytestmark = pytest.mark.django_db(transaction=True)  # outside a test's transaction, as in a worker


@pytest.fixture
def worker(monkeypatch):
    """The worker's side of a task as Celery runs it: its Django fixup (as `celery worker` installs
    it, with the project's settings) and the project's own handlers, on the real signals."""
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)  # production's (the tests' is 0)
    connection.close()
    fixup = DjangoWorkerFixup(app)
    task_prerun.connect(fixup.on_task_prerun)
    task_postrun.connect(fixup.on_task_postrun)

    def run_task():
        task_id = str(uuid.uuid4())
        task_prerun.send(sender=task, task_id=task_id, task=task, args=([],), kwargs={})
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        task_postrun.send(sender=task, task_id=task_id, task=task, args=([],), kwargs={}, retval=0, state="SUCCESS")
        return pid

    yield run_task
    task_prerun.disconnect(fixup.on_task_prerun)
    task_postrun.disconnect(fixup.on_task_postrun)
    connection.close()


def test_one_database_backend_serves_task_after_task(worker):
    pids = {worker() for _ in range(5)}
    assert len(pids) == 1


def test_a_connection_older_than_conn_max_age_is_closed_before_the_next_task(worker):
    first = worker()
    connection.close_at = time.monotonic() - 1  # opened more than CONN_MAX_AGE ago
    assert worker() != first


def test_a_connection_an_error_left_unusable_is_closed_before_the_next_task(worker):
    first = worker()
    # The server ends the backend (a restart, an administrator): the task's query fails.
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
    assert connection.errors_occurred
    assert worker() != first

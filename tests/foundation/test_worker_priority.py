"""A Celery worker lowers its CPU priority as it starts (config/celery_app.py), so that renders yield
the CPU to the web's requests on a shared machine; tested in a process of its own, through the
signal a worker sends, since a process can lower its priority but never raise it back."""

import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import os, django
django.setup()
from celery.signals import worker_init
import config.celery_app
before = os.getpriority(os.PRIO_PROCESS, 0)
worker_init.send(sender=None)
print(before, os.getpriority(os.PRIO_PROCESS, 0))
"""


def _start_worker(niceness: int, *, started_at: int = 0) -> tuple[int, int]:
    """The process's niceness before and after a worker's start, with the setting at `niceness`, in a
    process started `started_at` steps lower than this one."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "NIANBAO_WORKER_NICENESS": str(niceness)}
    out = subprocess.run(["nice", "-n", str(started_at), sys.executable, "-c", PROBE], env=env, cwd=settings.BASE_DIR,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    before, after = out.split()[-2:]
    return int(before), int(after)


# Relative to this process's own niceness, which a child inherits (CI may run the tests niced).
OWN = os.getpriority(os.PRIO_PROCESS, 0)


def test_a_worker_lowers_its_priority_to_the_setting_as_it_starts():
    before, after = _start_worker(OWN + 7)
    assert (before, after) == (OWN, OWN + 7)


def test_a_worker_already_lower_stays_so_and_zero_leaves_the_priority_alone():
    assert _start_worker(OWN + 7, started_at=12) == (OWN + 12, OWN + 12)
    assert _start_worker(0) == (OWN, OWN)

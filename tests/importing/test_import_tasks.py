"""The reading of an upload: one task per file (so that every worker takes part), each idempotent,
each bounded in time; staged uploads swept by beat."""

import io
import time
import zipfile
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings

from reports.importing import batch, tasks

TEXT = "北京市东城区东花市街道办事处2020年政府信息公开工作年度报告\n一、总体情况\n".encode()


@pytest.fixture
def staged(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as zf:
        for n in range(3):
            zf.writestr(f"report-{n}.txt", TEXT)
    return batch.batch_create(name="column.zip", data=data.getvalue(), user_id=1, district_id=1)


def test_a_batch_queues_one_task_per_file_not_yet_read(staged):
    batch.entry_read(staged, 1)
    with mock.patch.object(tasks.parse_entry, "delay") as delay:
        assert tasks.parse_batch.run(staged) == 2
    assert sorted(call.args for call in delay.call_args_list) == [(staged, 0), (staged, 2)]


def test_each_file_is_read_once_and_the_batch_is_done_when_all_are(staged):
    assert batch.batch_state(staged)["status"] == "queued"
    assert [tasks.parse_entry.run(staged, n) for n in (0, 1)] == ["read", "read"]
    assert tasks.parse_entry.run(staged, 0) == "skipped"  # a redelivered task reads nothing again
    state = batch.batch_state(staged)
    assert state["done"] == 2 and state["status"] != "done"
    tasks.parse_entry.run(staged, 2)
    state = batch.batch_state(staged)
    assert state["done"] == 3 and state["status"] == "done"
    assert [e["name"] for e in state["entries"]] == ["report-0.txt", "report-1.txt", "report-2.txt"]
    assert all(e["state"] == "read" for e in state["entries"])


def test_a_file_that_takes_too_long_says_so_and_the_others_go_on(staged):
    with mock.patch.object(batch, "entry_parse", side_effect=SoftTimeLimitExceeded()):
        assert tasks.parse_entry.run(staged, 0) == "timeout"
    tasks.parse_entry.run(staged, 1)
    entries = batch.batch_state(staged)["entries"]
    assert entries[0]["state"] == "unreadable" and "读取超时" in entries[0]["message"]
    assert entries[1]["state"] == "read"
    assert tasks.parse_entry.soft_time_limit == tasks.ENTRY_SOFT_TIME_LIMIT


def test_a_discarded_batch_is_not_read(staged):
    batch.batch_discard(staged)
    assert tasks.parse_entry.run(staged, 0) == "skipped"


def test_old_uploads_are_swept_hourly_by_beat(staged, settings):
    assert django_settings.CELERY_BEAT_SCHEDULE["importing-sweep"]["task"] == tasks.sweep_batches.name
    assert tasks.sweep_batches.run() == 0
    with mock.patch.object(time, "time", return_value=time.time() + (batch.BATCH_HOURS + 1) * 3600):
        assert tasks.sweep_batches.run() == 1
    assert batch.batch_state(staged) is None

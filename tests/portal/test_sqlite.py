"""The portal on SQLite, the demo's database (the rest of the suite runs on PostgreSQL): a script
publishes a report in a fresh SQLite database (all migrations, the PostgreSQL-only index skipped)
and reports what the portal answers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HUGE = "9" * 20


@pytest.fixture(scope="module")
def on_sqlite(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("sqlite-portal")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "CELERY_BROKER_DIR": str(workdir / "broker"),
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_DEBUG": "false",
        "REDIS_URL": "",
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_RESULT_BACKEND": "",
    }
    done = subprocess.run([sys.executable, "-m", "tests.portal.sqlite_portal"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_an_id_out_of_range_is_a_404_on_sqlite_too(on_sqlite):
    statuses = on_sqlite["statuses"]
    assert statuses.pop(f"/portal/reports/{on_sqlite['report']}/") == 200
    assert statuses.pop(f"/portal/?year={HUGE}") == 200  # a year that is not there: the current one
    assert statuses == dict.fromkeys(statuses, 404)


def test_search_finds_chinese_text_and_not_the_json_keys_on_sqlite(on_sqlite):
    """SQLite stores the snapshot's JSON with \\u escapes; the search reads the plain search text."""
    name, searches = on_sqlite["body_name"], on_sqlite["searches"]
    assert searches["标准化建设"] == [[name, "标准化建设"]]
    assert searches["监督保障"] == [[name, "监督保障"]]  # a part heading of section 一
    assert searches["values"] == searches["s3"] == searches["texts"] == []

"""The test set-up itself: under pytest-xdist every process shares the servers but not their data."""

import os

from tests.services import share_with_worker


def test_each_xdist_process_has_its_own_redis_database_and_media_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6390/0")
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(tmp_path / "media"))
    share_with_worker("gw0")
    first = os.environ["REDIS_URL"], os.environ["DJANGO_MEDIA_ROOT"]
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6390/0")
    monkeypatch.setenv("DJANGO_MEDIA_ROOT", str(tmp_path / "media"))
    share_with_worker("gw1")
    second = os.environ["REDIS_URL"], os.environ["DJANGO_MEDIA_ROOT"]
    assert first == ("redis://127.0.0.1:6390/1", str(tmp_path / "media" / "gw0"))
    assert second == ("redis://127.0.0.1:6390/2", str(tmp_path / "media" / "gw1"))
    assert (tmp_path / "media" / "gw0").is_dir() and (tmp_path / "media" / "gw1").is_dir()


def test_this_process_uses_what_the_set_up_gave_it(settings, db):
    """Run under xdist (`make test`), the settings Django read are this process's own (the tests'
    media folder is a temporary one each; the Celery worker's is the environment's)."""
    from django.db import connection

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    location = settings.CACHES["default"]["LOCATION"]
    if worker:
        assert location.endswith(f"/{int(worker.removeprefix('gw')) + 1}")
        assert os.environ["DJANGO_MEDIA_ROOT"].endswith(worker)
        assert connection.settings_dict["NAME"] == f"test_nianbao_{worker}"
    else:
        assert location.endswith("/0")

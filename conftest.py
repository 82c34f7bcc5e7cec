import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's guard against ORM calls
# from async contexts would trip on it, although every call here is synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Files written by a test never land in the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"

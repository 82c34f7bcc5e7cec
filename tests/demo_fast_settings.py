"""`make demo`'s settings with only the people seeded: for the test of scripts/demo.sh itself, which is
about ports, processes and output, not about the demo's content (tested in tests/*/test_*demo*.py)."""

from config.settings.local import *  # noqa: F403

DEMO_SEEDERS = ["agencies.demo.seed"]
# Some 80 demo people: PBKDF2's cost for each would be most of the test's time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

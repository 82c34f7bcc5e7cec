#!/usr/bin/env bash
# Runs the demo: the web server and a real Celery worker; Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
# The demo shows the Chinese error pages, not Django's debug pages.
export DJANGO_DEBUG=${DJANGO_DEBUG:-false}
py=.venv/bin/python
mkdir -p var/broker/out var/broker/processed
$py manage.py migrate --noinput -v0
$py manage.py seed_demo
pids=()
cleanup() { trap - INT TERM EXIT; kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; echo "已停止。"; exit 0; }
trap cleanup INT TERM EXIT
$py -m celery -A config.celery_app worker --pool=solo --loglevel=INFO &
pids+=($!)
if [ -n "${REDIS_URL:-}" ]; then
  $py -m celery -A config.celery_app beat --loglevel=INFO --schedule var/celerybeat-schedule &
  pids+=($!)
fi
echo "年报系统演示：http://127.0.0.1:8000/  （Ctrl-C 停止）"
$py manage.py runserver 127.0.0.1:8000 --noreload &
pids+=($!)
wait -n "${pids[@]}"

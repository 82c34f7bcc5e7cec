#!/usr/bin/env bash
# Runs the demo: the web server, a real Celery worker and celery beat (deadline reminders, the render
# sweep that re-queues a PDF whose worker died); Ctrl-C stops them all.
#   scripts/demo.sh [PORT]        or  PORT=8001 scripts/demo.sh  /  make demo PORT=8001
# SQLite (db.sqlite3) and the filesystem broker (var/broker) unless DATABASE_URL / REDIS_URL say otherwise.
# The logs of the server, the worker and beat go to var/log/; the terminal shows, once the server
# answers, its address and the demo logins as one table.
set -euo pipefail
cd "$(dirname "$0")/.."

port=${1:-${PORT:-8000}}
if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  echo "端口无效：“$port”。请给出 1–65535 之间的数字，例如：make demo PORT=8001" >&2
  exit 2
fi
py=${NIANBAO_PYTHON:-.venv/bin/python}
if ! "$py" -c 'import socket, sys; socket.create_server(("127.0.0.1", int(sys.argv[1])))' "$port" 2>/dev/null; then
  echo "端口 $port 已被占用。请换一个端口，例如：make demo PORT=$((port == 8001 ? 8002 : 8001))" >&2
  exit 2
fi

export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.local}
# The demo shows the Chinese error pages, not Django's debug pages.
export DJANGO_DEBUG=${DJANGO_DEBUG:-false}
var=${NIANBAO_DEMO_VAR:-var}
mkdir -p "$var/log"
logins="$var/demo-logins.txt"

echo "正在准备演示数据（首次运行需要几分钟：要生成上一年度各单位报告的 PDF）……"
if ! { "$py" manage.py migrate --noinput -v0 && "$py" manage.py seed_demo >"$logins"; } 2>"$var/log/seed.log"; then
  tail -n 30 "$var/log/seed.log" >&2
  echo "演示数据未能建立，详见 $var/log/seed.log" >&2
  exit 1
fi

pids=()
cleanup() {
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null || true
  # The worker finishes the task it holds (a warm shutdown); one that is still busy after 20 s is
  # stopped hard: its render goes back to the queue (acks_late) and the sweep publishes it later.
  for _ in $(seq 1 40); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null; done
  wait 2>/dev/null || true
  echo "已停止。"
  exit 0
}
trap cleanup INT TERM EXIT
"$py" -m celery -A config.celery_app worker --pool=solo --loglevel=INFO >"$var/log/worker.log" 2>&1 &
pids+=($!)
"$py" -m celery -A config.celery_app beat --loglevel=INFO --schedule "$var/celerybeat-schedule" \
  >"$var/log/beat.log" 2>&1 &
pids+=($!)
"$py" manage.py runserver "127.0.0.1:$port" --noreload >"$var/log/web.log" 2>&1 &
pids+=($!)

url="http://127.0.0.1:$port/"
for _ in $(seq 1 120); do
  if "$py" -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$url" 2>/dev/null; then
    break
  fi
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "演示未能启动，详见 $var/log/。" >&2; exit 1; }
  done
  sleep 0.5
done

rule=$(printf '=%.0s' $(seq 1 72))
{
  echo
  echo "$rule"
  echo "年报系统演示已启动：$url"
  echo
  cat "$logins"
  echo
  echo "日志：$var/log/（web.log 网站、worker.log 生成 PDF 与邮件、beat.log 定时任务）"
  echo "按 Ctrl-C 停止。"
  echo "$rule"
  echo
}
wait -n "${pids[@]}"

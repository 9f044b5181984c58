#!/usr/bin/env bash
# The production layout on one machine (docs/deploy.md): nginx (HTTPS, self-signed) → two gunicorn instances →
# PostgreSQL; Redis for the shared cache; two task workers; uploaded files on one shared directory.
#
#   deploy/prod-local.sh run     start everything, load the demo, wait; Ctrl-C stops it all (`make prod-local`)
#   deploy/prod-local.sh start   start everything and return (the drill uses this)
#   deploy/prod-local.sh stop    stop everything this script started
#   deploy/prod-local.sh manage ARGS…   manage.py with the layout's environment
#
# Settings from the environment (defaults in brackets): PROD_LOCAL_DIR [var/prod-local], PROD_LOCAL_PORT [8443]
# (HTTPS; HTTP on PORT-1 redirects), PROD_LOCAL_BASE [8100] (gunicorn on BASE+1, BASE+2; PostgreSQL on BASE+32,
# Redis on BASE+79), PROD_LOCAL_DEMO [1] (load the demo data), PROD_LOCAL_WEB [2] and PROD_LOCAL_WORKERS [2].
# PostgreSQL, Redis and nginx come from Debian packages; they are installed when absent (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
DIR=$(realpath -m "${PROD_LOCAL_DIR:-var/prod-local}")
PORT=${PROD_LOCAL_PORT:-8443}
BASE=${PROD_LOCAL_BASE:-8100}
WEB=${PROD_LOCAL_WEB:-2}
WORKERS=${PROD_LOCAL_WORKERS:-2}
PG_PORT=$((BASE + 32))
REDIS_PORT=$((BASE + 79))

need() {  # need BINARY PACKAGE
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    echo "需要 $1（Debian 软件包 $2）：请以 root 安装 / $1 is missing: apt-get install $2" >&2
    exit 1
  fi
}

pgbin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$bin" ]; then
    need initdb postgresql
    bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  echo "$bin"
}

runas_pg() {  # PostgreSQL refuses to run as root: run its tools as the postgres user then
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home "$DIR/pg" postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

environment() {
  mkdir -p "$DIR/media" "$DIR/static" "$DIR/log" "$DIR/run"
  [ -s "$DIR/secret" ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" >"$DIR/secret"
  [ -s "$DIR/field.key" ] || "$PY" -c "from chainleader.core.crypto import new_key; print(new_key())" >"$DIR/field.key"
  chmod 600 "$DIR/secret" "$DIR/field.key"
  export DJANGO_SETTINGS_MODULE=chainleader.settings.prod_local
  export DJANGO_SECRET_KEY_FILE="$DIR/secret"
  export CHAINLEADER_FIELD_KEY_FILE="$DIR/field.key"
  export DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost"
  export DJANGO_CSRF_TRUSTED_ORIGINS="https://127.0.0.1:$PORT,https://localhost:$PORT"
  export DATABASE_URL="postgres://chainleader@127.0.0.1:$PG_PORT/chainleader"
  export CHAINLEADER_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
  export CHAINLEADER_MEDIA_ROOT="$DIR/media"
  export CHAINLEADER_STATIC_ROOT="$DIR/static"
}

start_postgres() {
  local bin
  bin=$(pgbin)
  if [ ! -d "$DIR/pg/data" ]; then
    mkdir -p "$DIR/pg"
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --home "$DIR/pg" postgres
      chown postgres "$DIR/pg"
      runuser -u postgres -- test -w "$DIR/pg" || {
        echo "PostgreSQL（postgres 用户）无法进入 $DIR/pg：请把 PROD_LOCAL_DIR 设在其他用户可进入的目录 /" \
          "the postgres user cannot enter $DIR/pg: put PROD_LOCAL_DIR under folders others may enter" >&2
        exit 1
      }
    fi
    runas_pg "$bin/initdb" -D "$DIR/pg/data" -U chainleader --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    FRESH_DB=1
  fi
  if runas_pg "$bin/pg_ctl" -D "$DIR/pg/data" status >/dev/null 2>&1; then return 0; fi  # still up
  runas_pg "$bin/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/log" -w \
    -o "-p $PG_PORT -k $DIR/pg -c listen_addresses=127.0.0.1 -c max_connections=100" start >/dev/null
  if [ -n "${FRESH_DB:-}" ]; then
    runas_pg "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U chainleader chainleader
  fi
}

start_redis() {
  need redis-server redis-server
  if [ -s "$DIR/run/redis.pid" ] && kill -0 "$(cat "$DIR/run/redis.pid")" 2>/dev/null; then return 0; fi
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save "" --appendonly no \
    --dir "$DIR/run" --pidfile "$DIR/run/redis.pid" --logfile "$DIR/log/redis.log"
}

prepare() {
  "$PY" manage.py migrate --noinput -v0
  "$PY" manage.py collectstatic --noinput -v0
  chmod -R o+rX "$DIR/static"
  if [ "${PROD_LOCAL_DEMO:-1}" = 1 ]; then
    "$PY" manage.py load_demo
    if [ -d "$ROOT/../shared/data" ]; then "$PY" manage.py load_demo_graph; fi
    "$PY" manage.py mark_lagging --daily
  fi
}

start_web() {
  local i upstreams=""
  for i in $(seq 1 "$WEB"); do
    "$ROOT/.venv/bin/gunicorn" chainleader.wsgi:application --bind "127.0.0.1:$((BASE + i))" --workers 2 \
      --worker-class gthread --threads 4 --timeout 60 --daemon --pid "$DIR/run/web$i.pid" --error-logfile "$DIR/log/web$i.log" \
      --env DJANGO_SETTINGS_MODULE="$DJANGO_SETTINGS_MODULE"
    upstreams+="        server 127.0.0.1:$((BASE + i));"$'\n'
  done
  need nginx nginx-light
  mkdir -p "$DIR/nginx/tmp"
  if [ ! -s "$DIR/nginx/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$DIR/nginx/key.pem" -out "$DIR/nginx/cert.pem" 2>/dev/null
  fi
  UPSTREAMS="$upstreams" "$PY" - "$DIR" "$PORT" <<'EOF'
import os, sys
d, port = sys.argv[1], int(sys.argv[2])
text = open("deploy/nginx.conf.in", encoding="utf-8").read()
for key, value in {
    "PREFIX": f"{d}/nginx", "STATIC_ROOT": f"{d}/static", "HTTPS_PORT": str(port),
    "HTTP_PORT": str(port - 1), "UPSTREAMS": os.environ["UPSTREAMS"].rstrip("\n"),
    "UPSTREAM_HEADER": "            add_header X-Upstream $upstream_addr always;",
}.items():
    text = text.replace(f"@{key}@", value)
open(f"{d}/nginx/nginx.conf", "w", encoding="utf-8").write(text)
EOF
  nginx -e "$DIR/nginx/error.log" -c "$DIR/nginx/nginx.conf"
}

start_workers() {
  local i
  for i in $(seq 1 "$WORKERS"); do
    # Background work yields the CPU to people waiting for a page (large exports, imports, evaluation runs).
    nohup nice -n 10 "$PY" manage.py task_worker --worker-id "worker-$i" >"$DIR/log/worker$i.log" 2>&1 &
    echo $! >"$DIR/run/worker$i.pid"
  done
}

stop() {
  local f bin
  if [ -s "$DIR/nginx/nginx.pid" ]; then kill "$(cat "$DIR/nginx/nginx.pid")" 2>/dev/null || true; fi
  for f in "$DIR"/run/web*.pid "$DIR"/run/worker*.pid "$DIR"/run/redis.pid; do
    [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null || true
    rm -f "$f"
  done
  if [ -d "$DIR/pg/data" ]; then
    bin=$(pgbin)
    runas_pg "$bin/pg_ctl" -D "$DIR/pg/data" -m fast stop >/dev/null 2>&1 || true
  fi
}

start() {
  environment
  trap 'echo "启动失败，已全部停止 / start failed: everything stopped (logs in $DIR/log, $DIR/pg/log)" >&2; stop' ERR
  start_postgres
  start_redis
  prepare
  start_web
  start_workers
  echo "生产布局已启动 / production layout up: https://127.0.0.1:$PORT/ (自签名证书 self-signed;" \
    "$WEB 个 Web 进程, $WORKERS 个任务进程, PostgreSQL :$PG_PORT, Redis :$REDIS_PORT; 日志 $DIR/log)"
}

case "${1:-run}" in
  start) start ;;
  stop) stop ;;
  manage) shift; environment; exec "$PY" manage.py "$@" ;;
  run)
    trap stop EXIT INT TERM
    start
    echo "Ctrl-C 结束 / Ctrl-C stops everything"
    while true; do sleep 3600; done
    ;;
  *) echo "usage: $0 run|start|stop|manage ARGS…" >&2; exit 2 ;;
esac

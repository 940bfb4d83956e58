#!/usr/bin/env bash
# Scale-out rehearsal: PostgreSQL primary + streaming replica, two Odoo nodes behind nginx, load, disruptions.
#
#   bash tests/scaleout/run.sh [--duration 90] [--keep]
#
# Everything listens on 127.0.0.1 and lives in one temporary directory, removed at the end (--keep keeps it and
# prints where it is; the processes are stopped anyway). The machine's own PostgreSQL and nginx are not touched.
#
# 1. Creates a PostgreSQL primary (initdb, port PG_PRIMARY_PORT, wal_level=replica, pg_stat_statements) and a
#    streaming replica of it (pg_basebackup -R, port PG_REPLICA_PORT, hot_standby), as the `postgres` OS user
#    when run as root (PostgreSQL refuses to run as root), trust authentication on 127.0.0.1.
# 2. Installs the three addons with their demo data into a throwaway database on the primary
#    (tests/load/run_load.py --setup-only) and adds the load test's organization and logins.
# 3. Starts two Odoo nodes (--workers 2, --proxy-mode, --db_replica_host/--db_replica_port, one shared
#    --data-dir, scheduled actions on node A only) and nginx in front of them (/websocket to the gevent ports).
# 4. Drives the load through nginx (tests/load/run_load.py --scaleout) for --duration seconds while it kills an
#    HTTP worker of node B (SIGKILL; Odoo starts another) and later the whole node A (SIGKILL of its process
#    group), then starts node A again.
# 5. Checks: the ledger equals what the clients were told (nothing lost or doubled), the online ballots, no
#    error outside the disruptions, every read path of the three addons answered on the replica (the nodes'
#    request logs: ro / rw / ro->rw per request; pg_stat_statements of both clusters), evidence uploaded through
#    one node readable through the other. Prints the summary table. Exit status 1 when a check fails.
#
# Requirements: PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup; the postgresql package), the
# pg_stat_statements extension (postgresql-contrib, part of Debian's postgresql package) and nginx
# (`apt-get install -y nginx`). Ports: nginx NGINX_PORT (8700), node A 8710/8711 (HTTP/gevent), node B
# 8720/8721, PostgreSQL 5440 and 5441; override with the environment variables below.
set -euo pipefail

DURATION=90
KEEP=0
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION="$2"; shift 2 ;;
        --keep) KEEP=1; shift ;;
        -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PG_PRIMARY_PORT="${PG_PRIMARY_PORT:-5440}"
PG_REPLICA_PORT="${PG_REPLICA_PORT:-5441}"
NGINX_PORT="${NGINX_PORT:-8700}"
NODE_A_PORT="${NODE_A_PORT:-8710}"
NODE_B_PORT="${NODE_B_PORT:-8720}"
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
DB="party_scaleout_$$"

say() { echo "[scaleout] $*"; }
die() { echo "[scaleout] ERROR: $*" >&2; exit 2; }

# ------------------------------------------------------------------------------------------- requirements
command -v nginx >/dev/null 2>&1 || die "nginx is missing: install it with 'apt-get install -y nginx' (see setup/install.sh)"
[ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pg_basebackup" ] || die "PostgreSQL server binaries not found (set PGBIN)"
ls "$("$PGBIN/pg_config" --sharedir)"/extension/pg_stat_statements.control >/dev/null 2>&1 \
    || die "the pg_stat_statements extension is missing (postgresql-contrib)"
python3 -c "import odoo" 2>/dev/null || die "Odoo 18 is not importable (python3 -c 'import odoo')"
for port in "$PG_PRIMARY_PORT" "$PG_REPLICA_PORT" "$NGINX_PORT" "$NODE_A_PORT" $((NODE_A_PORT + 1)) \
            "$NODE_B_PORT" $((NODE_B_PORT + 1)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is already in use"; fi
done

if [ "$(id -u)" = 0 ]; then
    PGOSUSER="${PGOSUSER:-postgres}"
    as_pg() { runuser -u "$PGOSUSER" -- "$@"; }
    NGINX_USER_LINE="user www-data;"
    id www-data >/dev/null 2>&1 || NGINX_USER_LINE="user nobody nogroup;"
else
    PGOSUSER="$(id -un)"
    as_pg() { "$@"; }
    NGINX_USER_LINE=""
fi

WORK="$(mktemp -d /tmp/party_scaleout.XXXXXX)"
chmod 755 "$WORK"
PGDIR="$WORK/pg"
DATA="$WORK/data"
EVENTS="$WORK/events"
mkdir -p "$PGDIR" "$DATA" "$WORK/nginx/tmp"
chown "$PGOSUSER" "$PGDIR"
: > "$EVENTS"

# ------------------------------------------------------------------------------------------- cleanup
LOAD_PID=""
cleanup() {
    local status=$?
    trap - EXIT INT TERM
    say "stopping everything ..."
    [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null || true
    [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
    for node in a b; do
        if [ -f "$WORK/node-$node.pid" ]; then
            local pid; pid="$(cat "$WORK/node-$node.pid")"
            kill -TERM -- "-$pid" 2>/dev/null || true
        fi
    done
    sleep 3
    for node in a b; do
        [ -f "$WORK/node-$node.pid" ] && kill -KILL -- "-$(cat "$WORK/node-$node.pid")" 2>/dev/null || true
    done
    for cluster in replica primary; do
        [ -d "$PGDIR/$cluster" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDIR/$cluster" -m immediate -t 60 stop >/dev/null 2>&1 || true
    done
    if [ "$KEEP" = 1 ]; then
        say "kept $WORK (logs: node-a.log, node-b.log, nginx/, pg/*.log)"
    else
        rm -rf "$WORK"
    fi
    exit "$status"
}
trap cleanup EXIT INT TERM

# ------------------------------------------------------------------------------------------- PostgreSQL
say "primary on 127.0.0.1:$PG_PRIMARY_PORT, replica on 127.0.0.1:$PG_REPLICA_PORT (run as $PGOSUSER), in $WORK"
as_pg "$PGBIN/initdb" -D "$PGDIR/primary" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
cat >> "$PGDIR/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $PG_PRIMARY_PORT
unix_socket_directories = '$PGDIR'
max_connections = 200
wal_level = replica
max_wal_senders = 5
hot_standby = on
hot_standby_feedback = on
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
jit = off
log_min_messages = warning
EOF
cat > "$PGDIR/primary/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
EOF
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/primary" -l "$PGDIR/primary.log" -w -t 60 start >/dev/null
psql_pg() { local port="$1"; shift; psql -X -q -h 127.0.0.1 -p "$port" -U postgres "$@"; }
# Odoo's role may create databases and nothing more (and read the statistics of pg_stat_statements)
psql_pg "$PG_PRIMARY_PORT" -d postgres -c "CREATE ROLE odoo LOGIN CREATEDB" \
    -c "GRANT pg_read_all_stats TO odoo" >/dev/null

as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PG_PRIMARY_PORT" -U postgres -D "$PGDIR/replica" -R -X stream \
    -c fast --no-sync
echo "port = $PG_REPLICA_PORT" | as_pg tee -a "$PGDIR/replica/postgresql.auto.conf" >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGDIR/replica" -l "$PGDIR/replica.log" -w -t 60 start >/dev/null
[ "$(psql_pg "$PG_REPLICA_PORT" -d postgres -Atc 'SELECT pg_is_in_recovery()')" = t ] || die "the replica is not a standby"
[ "$(psql_pg "$PG_PRIMARY_PORT" -d postgres -Atc 'SELECT count(*) FROM pg_stat_replication')" = 1 ] \
    || die "the replica does not stream from the primary"
say "replica streaming from the primary"

export PGHOST=127.0.0.1 PGPORT="$PG_PRIMARY_PORT" PGUSER=odoo
ADDONS="$ROOT,$(python3 -c "from odoo.tools import config; config.parse_config([]); print(config['addons_path'])" | tail -1)"

# ------------------------------------------------------------------------------------------- database
say "installing the three addons with demo data into $DB (a few minutes) ..."
timeout 1800 python3 "$ROOT/tests/load/run_load.py" --scaleout --db "$DB" --data-dir "$DATA" \
    --setup-only "$WORK/setup.json" --report-url "http://127.0.0.1:$NGINX_PORT" | sed 's/^/  /'
# Odoo creates its databases from template0: the extension (a superuser's) is added to the new database
psql_pg "$PG_PRIMARY_PORT" -d "$DB" -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" >/dev/null

# ------------------------------------------------------------------------------------------- Odoo nodes
# Odoo's prefork server starts its gevent process (/websocket) as `python <argv[0]> gevent ...`: argv[0] must be a
# script (like odoo-bin), not the odoo/__main__.py of `python3 -m odoo`, which cannot run as a script
cat > "$WORK/odoo-bin" <<'EOF2'
#!/usr/bin/env python3
__import__("os").environ["TZ"] = "UTC"
import odoo.cli

if __name__ == "__main__":
    odoo.cli.main()
EOF2
start_node() {  # name, HTTP port, cron threads
    local name="$1" port="$2" cron="$3"
    setsid python3 "$WORK/odoo-bin" -d "$DB" --db-filter="^$DB\$" --addons-path="$ADDONS" --data-dir="$DATA" \
        --db_host=127.0.0.1 --db_port="$PG_PRIMARY_PORT" --db_user=odoo \
        --db_replica_host=127.0.0.1 --db_replica_port="$PG_REPLICA_PORT" \
        --http-interface=127.0.0.1 --http-port="$port" --gevent-port=$((port + 1)) --proxy-mode \
        --workers=2 --max-cron-threads="$cron" --limit-time-real=300 --limit-time-cpu=120 \
        --logfile="$WORK/node-$name.log" --log-level=warn --log-handler=werkzeug:INFO \
        --log-handler=odoo.service.model:INFO </dev/null >/dev/null 2>&1 &
    echo $! > "$WORK/node-$name.pid"
}
wait_node() {  # HTTP port
    local deadline=$((SECONDS + 180))
    until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "http://127.0.0.1:$1/web/login")" = 200 ]; do
        [ $SECONDS -lt $deadline ] || die "Odoo on port $1 did not answer within 3 minutes"
        sleep 1
    done
}
start_node a "$NODE_A_PORT" 1
start_node b "$NODE_B_PORT" 0
wait_node "$NODE_A_PORT"
wait_node "$NODE_B_PORT"
say "node A on :$NODE_A_PORT (scheduled actions), node B on :$NODE_B_PORT (--max-cron-threads 0)"

# ------------------------------------------------------------------------------------------- nginx
cat > "$WORK/nginx/nginx.conf" <<EOF
$NGINX_USER_LINE
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log $WORK/nginx/access.log;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    # max_fails=0: a node is never marked down (with both marked down after a burst, nginx answers 502 at once to
    # everybody); a refused connection (node down) is passed to the other node by proxy_next_upstream instead
    upstream odoo {
        server 127.0.0.1:$NODE_A_PORT max_fails=0;
        server 127.0.0.1:$NODE_B_PORT max_fails=0;
    }
    upstream odoochat {
        server 127.0.0.1:$((NODE_A_PORT + 1)) max_fails=0;
        server 127.0.0.1:$((NODE_B_PORT + 1)) max_fails=0;
    }
    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        client_max_body_size 64m;
        proxy_read_timeout 720s;
        # a node's listen queue (Odoo: 8 connections per worker) full: the kernel drops the SYN and retries it
        proxy_connect_timeout 30s;
        proxy_send_timeout 720s;
        proxy_set_header Host \$http_host;
        proxy_set_header X-Forwarded-Host \$http_host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        proxy_set_header X-Real-IP \$remote_addr;
        # a refused connection (node down) goes to the other node; a request already sent is never sent twice
        proxy_next_upstream error timeout;
        location /websocket {
            proxy_pass http://odoochat;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
        }
        location / {
            proxy_pass http://odoo;
            proxy_redirect off;
        }
    }
}
EOF
if [ -n "$NGINX_USER_LINE" ]; then chown -R "$(echo "$NGINX_USER_LINE" | awk '{print $2}' | tr -d ';')" "$WORK/nginx/tmp"; fi
nginx -t -q -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" || die "nginx refused its configuration"
nginx -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf"
wait_node "$NGINX_PORT"
websocket() {  # the handshake through nginx: 101 once a node's gevent process listens
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
        -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' \
        -H "Origin: http://127.0.0.1:$NGINX_PORT" \
        "http://127.0.0.1:$NGINX_PORT/websocket" || true
}
deadline=$((SECONDS + 90))
code="$(websocket)"
while [ "$code" != 101 ] && [ $SECONDS -lt $deadline ]; do sleep 2; code="$(websocket)"; done
WEBSOCKET="$code"
if [ "$code" = 101 ]; then
    say "nginx on :$NGINX_PORT in front of both nodes; /websocket upgraded (101) through a node's gevent port"
else
    say "nginx on :$NGINX_PORT in front of both nodes; /websocket answered $code, not 101: the gevent process of the" \
        "nodes does not run (its traceback: python3 $WORK/odoo-bin gevent -d $DB ...)"
fi

# ------------------------------------------------------------------------------------------- load + disruptions
psql_pg "$PG_PRIMARY_PORT" -d "$DB" -Atc "SELECT pg_stat_statements_reset()" >/dev/null
psql_pg "$PG_REPLICA_PORT" -d "$DB" -Atc "SELECT pg_stat_statements_reset()" >/dev/null
python3 "$ROOT/tests/load/run_load.py" --scaleout --db "$DB" --setup "$WORK/setup.json" \
    --base-url "http://127.0.0.1:$NGINX_PORT" --duration "$DURATION" --workers 2 \
    --odoo-log "$WORK/node-a.log" --odoo-log "$WORK/node-b.log" \
    --node-url "http://127.0.0.1:$NODE_A_PORT" --node-url "http://127.0.0.1:$NODE_B_PORT" \
    --events "$EVENTS" --primary-port "$PG_PRIMARY_PORT" --replica-port "$PG_REPLICA_PORT" \
    > "$WORK/load.out" 2>&1 &
LOAD_PID=$!

deadline=$((SECONDS + 600))
until [ -f "$EVENTS.started" ]; do
    kill -0 "$LOAD_PID" 2>/dev/null || { cat "$WORK/load.out"; die "the load stopped before its timed phase"; }
    [ $SECONDS -lt $deadline ] || die "the users did not log in within 10 minutes"
    sleep 1
done
say "load running for $DURATION s through nginx"
t0=$SECONDS
sleep_until() { local at="$1"; while [ $((SECONDS - t0)) -lt "$at" ]; do sleep 1; done; }
http_workers() {  # HTTP workers of a node: the children of its main process, not the gevent one
    local main="$1"
    for pid in $(pgrep -P "$main"); do
        tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qx gevent || echo "$pid"
    done
}

sleep_until $((DURATION * 3 / 10))
victim="$(http_workers "$(cat "$WORK/node-b.pid")" | head -1 || true)"
[ -n "$victim" ] || die "no HTTP worker found under node B's main process"
start="$(date +%s.%N)"
kill -KILL "$victim" || true
say "killed HTTP worker $victim of node B"
deadline=$((SECONDS + 60))
while [ "$(http_workers "$(cat "$WORK/node-b.pid")" | grep -vc "^$victim\$")" -lt 2 ] && [ $SECONDS -lt $deadline ]; do
    sleep 1
done
echo "$start $(date +%s.%N) killed an HTTP worker of node B (SIGKILL)" >> "$EVENTS"
say "node B runs 2 HTTP workers again"

sleep_until $((DURATION * 5 / 10))
start="$(date +%s.%N)"
kill -KILL -- "-$(cat "$WORK/node-a.pid")"
say "killed node A (SIGKILL of its process group: workers, cron, gevent)"
sleep_until $((DURATION * 7 / 10))
start_node a "$NODE_A_PORT" 1
wait_node "$NODE_A_PORT"
echo "$start $(date +%s.%N) node A killed, restarted" >> "$EVENTS"
say "node A answers again"

deadline=$((SECONDS + DURATION + 900))
while kill -0 "$LOAD_PID" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || die "the load did not finish"
    sleep 2
done
status=0
wait "$LOAD_PID" || status=$?
LOAD_PID=""
cat "$WORK/load.out"
if [ "$WEBSOCKET" = 101 ]; then
    say "/websocket through nginx: upgraded (101) by a gevent process"
else
    say "CHECK FAILED: /websocket through nginx answered $WEBSOCKET, not 101"
    status=1
fi
grep -h "retrying with a read/write cursor" "$WORK"/node-*.log | head -5 | sed 's/^/[scaleout]   /' || true
say "PostgreSQL replica log, errors:"
grep -h "ERROR" "$PGDIR/replica.log" | head -5 | sed 's/^/[scaleout]   /' || true
exit "$status"

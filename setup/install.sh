#!/usr/bin/env bash
# Installs everything needed to run the party branch suite and starts Odoo.
#
#   bash setup/install.sh              # install / update, then run Odoo on http://localhost:8069
#   bash setup/install.sh --no-start   # install / update only (same as PARTY_NO_START=1)
#
# Safe to re-run: it never drops a database. An existing demo database is updated instead.
#
# Steps:
#   1. .venv (python3 -m venv --system-site-packages) + pip install -r requirements.txt
#   2. Odoo 18.0: the one python3 already imports, else ODOO_SRC=/path/to/odoo, else the
#      official source archive downloaded into .odoo-src/
#   3. PostgreSQL running and usable by the current user (installed with apt if needed)
#   4. Debian packages wkhtmltopdf, fonts-noto-cjk, chromium (when apt + root/sudo)
#   5. demo database with the three party_* addons, Chinese UI, Asia/Shanghai timezone
#   6. Odoo in the foreground
#
# Not installed here: nginx, needed only by the scale-out rehearsal tests/scaleout/run.sh (a reverse proxy in
# front of two Odoo nodes); install it with `apt-get install -y nginx` before running that script (it says so
# when nginx is missing). The rehearsal also needs the PostgreSQL server binaries (initdb, pg_basebackup) and
# the pg_stat_statements extension, both part of Debian's postgresql package that step 3 installs.
#
# Output: one line per step with its duration (and a spinner on a terminal). What apt, pip and
# Odoo print goes to setup/logs/<step>.log; when a step fails, the last 40 lines of its log are
# shown. The running Odoo server logs to setup/logs/odoo.log.
#
# Environment:
#   ODOO_SRC=/path/to/odoo   use this Odoo 18.0 source checkout instead of downloading it
#   PARTY_DB=party_demo      name of the demo database
#   PARTY_PORT=8069          HTTP port
#   PARTY_NO_START=1         do not start Odoo at the end
#   PYTHON=python3           Python used to create .venv
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

DB="${PARTY_DB:-party_demo}"
PORT="${PARTY_PORT:-8069}"
case "${PARTY_NO_START:-0}" in
    1|true|yes) NO_START=1 ;;
    *) NO_START=0 ;;
esac
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
VPY="$VENV/bin/python"
ODOO_SERIES="18.0"
ODOO_URLS=(
    "https://github.com/odoo/odoo/archive/refs/heads/18.0.tar.gz"
    "https://nightly.odoo.com/18.0/nightly/src/odoo_18.0.latest.tar.gz"
)
ODOO_DOWNLOAD_DIR="$ROOT/.odoo-src/odoo-$ODOO_SERIES"
PARTY_MODULES=(party_member_points party_evaluation party_mobilization)
DEMO_LOGINS=(secretary leader member upper hr portal)
CURRENT_USER="$(id -un)"

usage() {
    sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
}

for arg in "$@"; do
    case "$arg" in
        --no-start) NO_START=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "Unknown option: $arg (see: bash setup/install.sh --help)" >&2; exit 2 ;;
    esac
done

# ------------------------------------------------------------------ quiet output
# One line per step: "[n/5] title ...  12s  summary". What the tools print goes to the step's log
# in setup/logs/ (not versioned); on failure, die() shows its last 40 lines.
LOG_DIR="$ROOT/setup/logs"
mkdir -p "$LOG_DIR"
STEP_NO=0
STEP_TOTAL=5
STEP_TITLE=""
STEP_LOG="$LOG_DIR/install.log"
STEP_START=$SECONDS
STEP_SUMMARY=""
STEP_WARNINGS=()
TTY=0
[[ -t 1 ]] && TTY=1

# step LOGNAME TITLE : ends the previous step and starts one whose tools log to setup/logs/LOGNAME.log
step() {
    step_done
    STEP_NO=$((STEP_NO + 1))
    STEP_TITLE="$2"
    STEP_LOG="$LOG_DIR/$1.log"
    STEP_START=$SECONDS
    STEP_SUMMARY=""
    STEP_WARNINGS=()
    printf '%s  %s\n' "$(date '+%F %T')" "$STEP_TITLE" >"$STEP_LOG"
    printf '[%d/%d] %-46s ' "$STEP_NO" "$STEP_TOTAL" "$STEP_TITLE ..."
}
step_done() {
    [[ -n "$STEP_TITLE" ]] || return 0
    printf '%4ss  %s\n' "$((SECONDS - STEP_START))" "$STEP_SUMMARY"
    STEP_TITLE=""
    local warning
    for warning in "${STEP_WARNINGS[@]}"; do
        printf 'WARNING: %s\n' "$warning" >&2
    done
    STEP_WARNINGS=()
}
# note TEXT : logged; the last note of a step is shown on its line
note() {
    printf '%s\n' "$*" >>"$STEP_LOG"
    STEP_SUMMARY="$*"
}
warn() {
    printf 'WARNING: %s\n' "$*" >>"$STEP_LOG"
    if [[ -n "$STEP_TITLE" ]]; then STEP_WARNINGS+=("$*"); else printf 'WARNING: %s\n' "$*" >&2; fi
}
die() {
    if [[ -n "$STEP_TITLE" ]]; then
        printf 'FAILED after %ss\n' "$((SECONDS - STEP_START))"
        STEP_TITLE=""
        printf -- '----- last 40 lines of %s -----\n' "${STEP_LOG#"$ROOT"/}" >&2
        tail -n 40 "$STEP_LOG" >&2
        printf -- '-----\n' >&2
    fi
    printf '\nERROR: %s\n' "$*" >&2
    exit 1
}
# run CMD... : runs a command with its output appended to the step's log (spinner on a terminal)
run() {
    local pid status=0 frames='|/-\' i=0
    printf '$ %s\n' "$*" >>"$STEP_LOG"
    if [[ "$TTY" == 1 ]]; then
        "$@" >>"$STEP_LOG" 2>&1 <&0 &
        pid=$!
        while kill -0 "$pid" 2>/dev/null; do
            printf '%s\b' "${frames:$((i++ % 4)):1}"
            sleep 0.2
        done
        wait "$pid" || status=$?
        printf ' \b'
    else
        "$@" >>"$STEP_LOG" 2>&1 || status=$?
    fi
    return "$status"
}

[[ "$DB" =~ ^[A-Za-z0-9_][A-Za-z0-9_-]*$ ]] \
    || die "PARTY_DB='$DB' is not a valid database name (use letters, digits, _ and -)."
[[ "$PORT" =~ ^[0-9]+$ ]] || die "PARTY_PORT='$PORT' is not a port number."
# How to run this script again with the same settings (shown in messages)
RERUN="bash setup/install.sh"
[[ "$PORT" == 8069 ]] || RERUN="PARTY_PORT=$PORT $RERUN"
[[ "$DB" == party_demo ]] || RERUN="PARTY_DB=$DB $RERUN"

port_free() {
    command -v "$PYTHON" >/dev/null 2>&1 || return 0  # checked again once Python is found
    "$PYTHON" -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", int(sys.argv[1])))' "$PORT" 2>/dev/null
}
if [[ "$NO_START" != 1 ]] && ! port_free; then
    die "Port $PORT is already in use (another Odoo running?). Stop it, or re-run with PARTY_PORT=8070 (or --no-start)."
fi

# ------------------------------------------------------------------ root / apt helpers
if [[ "$(id -u)" -eq 0 ]]; then
    SUDO=()
    CAN_ROOT=1
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    SUDO=(sudo)
    CAN_ROOT=1
else
    SUDO=()
    CAN_ROOT=0
fi
APT_UPDATED=0

# apt_install PKG... : installs Debian packages; returns non-zero when impossible.
apt_install() {
    [[ "$CAN_ROOT" == 1 ]] && command -v apt-get >/dev/null 2>&1 || return 1
    if [[ "$APT_UPDATED" == 0 ]]; then
        run "${SUDO[@]}" apt-get -o DPkg::Lock::Timeout=600 update -q || return 1
        APT_UPDATED=1
    fi
    run "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@"
}

# sql_list a b c -> 'a','b','c' (values are plain identifiers checked above)
sql_list() {
    local out="" item
    for item in "$@"; do
        out+="${out:+,}'$item'"
    done
    printf '%s' "$out"
}

deb_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# ------------------------------------------------------------------ 1. Python + .venv
step python "Python environment (.venv)"
command -v "$PYTHON" >/dev/null 2>&1 \
    || die "'$PYTHON' not found. Install Python 3.10-3.12 (Odoo 18.0 requirement; 3.11 recommended) and re-run."
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
    || die "$("$PYTHON" -V 2>&1) is too old: Odoo 18.0 needs Python >= 3.10 (3.11 recommended). Re-run with PYTHON=/path/to/python3.11."

if [[ -x "$VPY" ]] && ! "$VPY" -c 'import sys' >/dev/null 2>&1; then
    note ".venv is broken (its Python does not start): re-creating it"
    run "$PYTHON" -m venv --clear --system-site-packages "$VENV" \
        || die "Could not re-create .venv with $PYTHON."
elif [[ ! -x "$VPY" ]]; then
    note "creating .venv with $("$PYTHON" -V 2>&1) (--system-site-packages)"
    run "$PYTHON" -m venv --system-site-packages "$VENV" \
        || die "Could not create .venv with '$PYTHON -m venv' (Debian/Ubuntu: apt-get install python3-venv)."
else
    note ".venv exists ($("$VPY" -V 2>&1))"
fi
run "$VPY" -m pip install -q --disable-pip-version-check -r requirements.txt \
    || die "pip install -r requirements.txt failed (it needs access to pypi.org, or the packages already installed)."
note "$("$VPY" -V 2>&1) in .venv, requirements.txt installed"

# ------------------------------------------------------------------ 2. Odoo 18.0
# A real Odoo package (a bare directory named odoo/ would import as a namespace package)
odoo_importable() {
    "$VPY" -c 'import sys, odoo; sys.exit(not getattr(odoo, "__file__", None))' >/dev/null 2>&1
}

odoo_major() {
    "$VPY" -c 'import odoo.release as r; print(r.version_info[0])' 2>/dev/null
}

download_odoo() {
    local partial="$ODOO_DOWNLOAD_DIR.partial" archive="$ROOT/.odoo-src/odoo-$ODOO_SERIES.tar.gz" url curl_opts
    mkdir -p "$ROOT/.odoo-src"
    for url in "${ODOO_URLS[@]}"; do
        note "downloading $url"
        rm -f "$archive"
        if command -v curl >/dev/null 2>&1; then
            curl_opts=(-fL -sS --retry 2 --connect-timeout 20)
            run curl "${curl_opts[@]}" -o "$archive" "$url" || continue
        elif command -v wget >/dev/null 2>&1; then
            run wget -q --timeout=20 -O "$archive" "$url" || continue
        else
            run "$PYTHON" -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' \
                "$url" "$archive" || continue
        fi
        note "unpacking into ${ODOO_DOWNLOAD_DIR#"$ROOT"/}"
        rm -rf "$partial"
        mkdir -p "$partial"
        if run tar -xzf "$archive" -C "$partial" --strip-components=1 && [[ -f "$partial/odoo/release.py" ]]; then
            rm -rf "$ODOO_DOWNLOAD_DIR"
            mv "$partial" "$ODOO_DOWNLOAD_DIR"
            rm -f "$archive"
            return 0
        fi
        warn "$url did not contain an Odoo source tree"
        rm -rf "$partial"
    done
    rm -f "$archive"
    return 1
}

install_odoo() {
    local src site req major
    if [[ -n "${ODOO_SRC:-}" ]]; then
        [[ -f "$ODOO_SRC/odoo/release.py" && -f "$ODOO_SRC/requirements.txt" ]] \
            || die "ODOO_SRC=$ODOO_SRC is not an Odoo source checkout (expected odoo/release.py and requirements.txt in it)."
        src="$(cd "$ODOO_SRC" && pwd)"
        note "using the Odoo source in ODOO_SRC=$src"
    elif [[ -f "$ODOO_DOWNLOAD_DIR/odoo/release.py" ]]; then
        src="$ODOO_DOWNLOAD_DIR"
        note "using the previously downloaded Odoo source in ${src#"$ROOT"/}"
    elif download_odoo; then
        src="$ODOO_DOWNLOAD_DIR"
    else
        die "Cannot download Odoo $ODOO_SERIES from github.com/odoo/odoo (nor nightly.odoo.com): no network access.
       Download ${ODOO_URLS[0]} elsewhere, unpack it, and re-run with
           ODOO_SRC=/path/to/odoo-$ODOO_SERIES $RERUN
       (ODOO_SRC is the directory that contains odoo-bin, odoo/ and addons/)."
    fi

    major="$("$VPY" - "$src/odoo/release.py" <<'EOF'
import sys
ns = {}
exec(open(sys.argv[1], encoding="utf-8").read(), ns)
print(ns["version_info"][0])
EOF
)" || true
    [[ "$major" == "${ODOO_SERIES%%.*}" ]] || die "The Odoo source in $src is version $major, not $ODOO_SERIES."

    # Odoo's requirements with the Python 3.11 fixes: binary psycopg2 wheel, no python-ldap
    # (needs system LDAP headers, not used here), a cbor2 release that builds on 3.11.
    req="$(mktemp "${TMPDIR:-/tmp}/odoo-requirements.XXXXXX.txt")"
    sed -E '/^[[:space:]]*(psycopg2|python-ldap|cbor2)[[:space:]]*([=<>~!;#]|$)/d' "$src/requirements.txt" >"$req"
    printf '%s\n' "psycopg2-binary" "cbor2==5.6.2" >>"$req"
    note "pip install Odoo's requirements"
    if ! run "$VPY" -m pip install -q --disable-pip-version-check -r "$req"; then
        rm -f "$req"
        die "Installing Odoo's Python requirements failed (see pip's messages above; it needs pypi.org)."
    fi
    rm -f "$req"

    # Make `import odoo` work: a .pth file pointing at the source root (the parent of odoo/),
    # so that Odoo's default addons path (<root>/odoo/addons,<root>/addons) is found too.
    site="$("$VPY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    printf '%s\n' "$src" >"$site/odoo-$ODOO_SERIES-source.pth"
    note "wrote $site/odoo-$ODOO_SERIES-source.pth -> $src"
}

step odoo-source "Odoo $ODOO_SERIES"
if odoo_importable; then
    if [[ -n "${ODOO_SRC:-}" ]]; then
        note "Odoo is already importable: ignoring ODOO_SRC=$ODOO_SRC"
    fi
else
    install_odoo
    odoo_importable || die "Odoo was installed but '$VPY -c \"import odoo\"' still fails."
fi
ODOO_MAJOR="$(odoo_major || true)"
[[ "$ODOO_MAJOR" == "${ODOO_SERIES%%.*}" ]] \
    || die "The Odoo importable by .venv is version $ODOO_MAJOR, but this project needs Odoo $ODOO_SERIES. Use a Python without that Odoo (PYTHON=...) and delete .venv, or ODOO_SRC=/path/to/odoo-$ODOO_SERIES."
note "$("$VPY" -c 'import os, odoo.release as r; print("Odoo", r.version, "from", os.path.dirname(os.path.dirname(r.__file__)))')"

# ------------------------------------------------------------------ 3. PostgreSQL
pg_ok() { psql -X -d postgres -Atqc 'select 1' >/dev/null 2>&1; }

as_postgres() {
    if [[ "$(id -u)" -eq 0 ]]; then
        if command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
        fi
    else
        sudo -n -u postgres "$@"
    fi
}

start_postgres() {
    local ver cluster status
    if command -v pg_lsclusters >/dev/null 2>&1; then
        if [[ -z "$(pg_lsclusters -h 2>/dev/null)" ]]; then
            ver="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n 1)"
            [[ -n "$ver" ]] && run "${SUDO[@]}" pg_createcluster "$ver" main --start
        fi
        while read -r ver cluster _ status _; do
            [[ "$status" == online ]] || run "${SUDO[@]}" pg_ctlcluster "$ver" "$cluster" start || true
        done < <(pg_lsclusters -h 2>/dev/null)
    elif command -v service >/dev/null 2>&1; then
        run "${SUDO[@]}" service postgresql start || true
    elif command -v systemctl >/dev/null 2>&1; then
        run "${SUDO[@]}" systemctl start postgresql || true
    fi
    for _ in $(seq 1 30); do
        if command -v pg_isready >/dev/null 2>&1; then
            pg_isready -q && return 0
        else
            pg_ok && return 0
        fi
        sleep 1
    done
    return 1
}

step postgresql "PostgreSQL"
PG_HELP="Install PostgreSQL (>= 12), start it, and create a superuser role for '$CURRENT_USER':
           sudo -u postgres createuser -s $CURRENT_USER
       then re-run $RERUN."
[[ "$CURRENT_USER" != "postgres" ]] || die "Do not run this as the 'postgres' user: Odoo refuses to connect as 'postgres'."
if pg_ok; then
    note "connected as '$CURRENT_USER' ($(psql -X -d postgres -Atqc 'show server_version'))"
else
    if ! command -v pg_isready >/dev/null 2>&1 && [[ -z "$(find /usr/lib/postgresql -name postgres -type f 2>/dev/null | head -n 1)" ]]; then
        note "PostgreSQL is not installed: installing it with apt"
        apt_install postgresql || die "PostgreSQL is not installed and cannot be installed automatically (needs apt and root or sudo).
       $PG_HELP"
    fi
    if ! { command -v pg_isready >/dev/null 2>&1 && pg_isready -q; }; then
        [[ "$CAN_ROOT" == 1 ]] || die "PostgreSQL is not running and starting it needs root or sudo.
       $PG_HELP"
        note "starting PostgreSQL"
        start_postgres || die "PostgreSQL could not be started.
       $PG_HELP"
    fi
    if ! pg_ok; then
        note "creating the PostgreSQL superuser role '$CURRENT_USER'"
        { [[ "$CAN_ROOT" == 1 ]] && run as_postgres createuser -s "$CURRENT_USER"; } \
            || die "Cannot connect to PostgreSQL as '$CURRENT_USER' and cannot create that role.
       $PG_HELP"
    fi
    pg_ok || die "Still cannot connect to PostgreSQL as '$CURRENT_USER' (database 'postgres').
       $PG_HELP"
    note "connected as '$CURRENT_USER'"
fi
[[ "$(psql -X -d postgres -Atqc 'select rolcreatedb or rolsuper from pg_roles where rolname = current_user')" == t ]] \
    || die "The PostgreSQL role '$CURRENT_USER' may not create databases: ALTER ROLE \"$CURRENT_USER\" CREATEDB; (as postgres)."

# ------------------------------------------------------------------ 4. Debian packages
step packages "System packages (PDF fonts, browser tests)"
missing_debs=()
command -v wkhtmltopdf >/dev/null 2>&1 || missing_debs+=(wkhtmltopdf)
if ! deb_installed fonts-noto-cjk && ! { command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh 2>/dev/null | grep -q .; }; then
    missing_debs+=(fonts-noto-cjk)
fi
browser_found=0
for browser in chromium chromium-browser google-chrome google-chrome-stable; do
    command -v "$browser" >/dev/null 2>&1 && browser_found=1
done
[[ "$browser_found" == 1 ]] || missing_debs+=(chromium)
if [[ ${#missing_debs[@]} -eq 0 ]]; then
    note "wkhtmltopdf, Chinese fonts and chromium are present"
elif apt_install "${missing_debs[@]}"; then
    note "installed ${missing_debs[*]}"
else
    warn "Could not install ${missing_debs[*]} (needs apt and root or sudo). Without wkhtmltopdf and
         fonts-noto-cjk, PDF reports fail or show no Chinese characters; without chromium, Odoo's
         browser (tour) tests are skipped. Install them with your package manager."
fi

# ------------------------------------------------------------------ 5. database
step database "Database '$DB' (addons, demo data)"
DEFAULT_ADDONS="$("$VPY" -c 'from odoo.tools import config; config.parse_config([]); print(config["addons_path"])' | tail -n 1 || true)"
[[ -n "$DEFAULT_ADDONS" ]] || die "Could not compute Odoo's default addons path with $VPY (see the error above)."
IFS=',' read -r -a default_dirs <<<"$DEFAULT_ADDONS"
for dir in "${default_dirs[@]}"; do
    [[ -d "$dir" ]] || die "Odoo's default addons directory $dir does not exist."
done
[[ -f "${default_dirs[0]}/base/__manifest__.py" || -f "${default_dirs[-1]}/web/__manifest__.py" ]] \
    || die "Odoo's default addons path ($DEFAULT_ADDONS) has neither base nor web: incomplete Odoo installation."

modules=()
for module in "${PARTY_MODULES[@]}"; do
    if [[ -f "$ROOT/$module/__manifest__.py" ]]; then
        modules+=("$module")
    else
        warn "addon $module not found in $ROOT: skipped"
    fi
done
[[ ${#modules[@]} -gt 0 ]] || die "None of the addons ${PARTY_MODULES[*]} exists in $ROOT."
ADDONS_PATH="$ROOT,$DEFAULT_ADDONS"
MODULE_LIST="$(IFS=,; echo "${modules[*]}")"
SQL_MODULES="$(sql_list "${modules[@]}")"
ODOO_ARGS=(-d "$DB" --addons-path="$ADDONS_PATH")
note "addons path: $ADDONS_PATH"

fresh_db=0
if [[ "$(psql -X -d postgres -Atqc "select 1 from pg_database where datname = '$DB'")" == 1 ]]; then
    is_odoo="$(psql -X -d "$DB" -Atqc "select to_regclass('public.ir_module_module') is not null")"
    n_tables="$(psql -X -d "$DB" -Atqc "select count(*) from information_schema.tables where table_schema = 'public'")"
    if [[ "$is_odoo" != t && "$n_tables" != 0 ]]; then
        die "Database '$DB' exists but is not an Odoo database. Choose another name with PARTY_DB=..."
    fi
    to_install=()
    to_update=()
    for module in "${modules[@]}"; do
        state=""
        [[ "$is_odoo" == t ]] && state="$(psql -X -d "$DB" -Atqc "select state from ir_module_module where name = '$module'")"
        if [[ "$state" == installed || "$state" == "to upgrade" ]]; then
            to_update+=("$module")
        else
            to_install+=("$module")
        fi
    done
    [[ "$is_odoo" == t ]] || fresh_db=1
    args=()
    [[ ${#to_install[@]} -gt 0 ]] && args+=(-i "$(IFS=,; echo "${to_install[*]}")")
    [[ ${#to_update[@]} -gt 0 ]] && args+=(-u "$(IFS=,; echo "${to_update[*]}")")
    note "database exists: ${to_update[*]:+updating ${to_update[*]}}${to_install[*]:+ installing ${to_install[*]}} (nothing is dropped)"
else
    fresh_db=1
    args=(-i "$MODULE_LIST")
    note "creating it with demo data and installing $MODULE_LIST (a few minutes)"
fi
run "$VPY" -m odoo "${ODOO_ARGS[@]}" "${args[@]}" --load-language=zh_CN --stop-after-init --no-http --max-cron-threads=0 </dev/null \
    || die "Installing/updating the addons in database '$DB' failed: see the Odoo log above.
       The database was kept; fix the problem and re-run $RERUN (it updates, never drops)."
not_installed="$(psql -X -d "$DB" -Atqc "select string_agg(name || ' (' || state || ')', ', ') from ir_module_module where name in ($SQL_MODULES) and state <> 'installed'")"
[[ -z "$not_installed" ]] || die "Not installed in '$DB': $not_installed. See the Odoo log above."
note "installed: $MODULE_LIST"

# Chinese UI and China time for the administrator (and the demo users) - only on a new
# database, or while they still have Odoo's defaults, so that later choices are kept.
note "setting language zh_CN and timezone Asia/Shanghai"
if ! PARTY_FRESH_DB="$fresh_db" PARTY_LOGINS="admin ${DEMO_LOGINS[*]}" \
    run "$VPY" -m odoo shell "${ODOO_ARGS[@]}" --no-http --max-cron-threads=0 --log-level=warn <<'EOF'
import os

fresh = os.environ["PARTY_FRESH_DB"] == "1"
env["res.lang"]._activate_lang("zh_CN")
logins = os.environ["PARTY_LOGINS"].split()
users = env["res.users"].with_context(active_test=False).search([("login", "in", logins)])
for user in users:
    vals = {}
    if user.lang != "zh_CN" and (fresh or user.lang in (False, "en_US")):
        vals["lang"] = "zh_CN"
    if user.tz != "Asia/Shanghai" and (fresh or not user.tz):
        vals["tz"] = "Asia/Shanghai"
    if vals:
        user.write(vals)
# scheduled actions run as the system user (base.user_root): the texts they store (automatic points, activities
# of the six-month check, year-end messages) are written in its language, and mails to contacts in theirs
if fresh:
    for partner in env.ref("base.user_root").partner_id | env["res.company"].search([]).partner_id:
        if partner.lang != "zh_CN":
            partner.lang = "zh_CN"
env.cr.commit()
for user in users.sorted("id"):
    print(f"    {user.login}: lang={user.lang} tz={user.tz}")
EOF
then
    die "Setting the language/timezone of the users in '$DB' failed (see above)."
fi
note "$MODULE_LIST installed, Chinese UI"
step_done

# ------------------------------------------------------------------ 6. start Odoo
mapfile -t demo_users < <(psql -X -d "$DB" -Atqc "select login from res_users where active and login in ($(sql_list "${DEMO_LOGINS[@]}")) order by id")
START_CMD="$VPY -m odoo ${ODOO_ARGS[*]} --http-port=$PORT --db-filter=^${DB}\$ --logfile=$LOG_DIR/odoo.log"
cat <<EOF

==============================================================================
 Party branch suite is ready.

   URL:          http://localhost:$PORT
   Database:     $DB
   Login:        admin / admin        (UI in Simplified Chinese)
EOF
if [[ ${#demo_users[@]} -gt 0 ]]; then
    echo "   Demo logins:  ${demo_users[*]}   (password = login)"
else
    echo "   Demo logins:  none found yet (expected: ${DEMO_LOGINS[*]}; password = login)"
fi
echo "=============================================================================="

if [[ "$NO_START" == 1 ]]; then
    echo "Not starting Odoo (--no-start / PARTY_NO_START=1). Start it later with: $RERUN"
    exit 0
fi
port_free || die "Port $PORT is already in use (another Odoo running?). Stop it, or re-run with PARTY_PORT=8070."
echo "Starting Odoo on http://localhost:$PORT (stop it with Ctrl+C) ..."
echo "    log: ${LOG_DIR#"$ROOT"/}/odoo.log"
echo "    $START_CMD"
exec "$VPY" -m odoo "${ODOO_ARGS[@]}" --http-port="$PORT" --db-filter="^${DB}\$" --logfile="$LOG_DIR/odoo.log"

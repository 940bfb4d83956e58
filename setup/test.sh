#!/usr/bin/env bash
# The project's one test command.
#
#   bash setup/test.sh
#
# 1. Installs every party_* addon of the repository (with demo data) into a throwaway
#    database and runs their Odoo tests (party_*/tests) with --test-enable.
# 2. Runs the suite-level pytest checks in tests/.
# 3. Prints, as the very last line, "N passed, N failed" and exits non-zero when anything
#    failed or when no test ran at all.
#
# On screen: only the failures and that last line. The whole run is logged in setup/logs/test.log,
# Odoo's log in setup/logs/test-odoo.log, pytest's output in setup/logs/test-pytest.log.
#
# The throwaway database (and its filestore) is always dropped, also on failure or Ctrl-C.
#
# Optional environment:
#   PARTY_TEST_TAGS     Odoo --test-tags value (default: /party_x,/party_y,... for every addon)
#   PARTY_TEST_PORT     HTTP port used by Odoo during the tests (default: a free port from 8169)
#   KEEP_DB=1           keep the test database (and log) for debugging; its name is printed
#   PYTHON              Python interpreter to use (default: .venv/bin/python, else python3)
#   PARTY_TEST_NOW      an ISO instant in UTC (e.g. 2026-12-31T16:30:00Z): the tests run on that clock
#                       (Odoo tests and the data they build through setup/odoo_on_clock.py, suite tests through
#                       tests/conftest.py); unset = the real clock
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2

say() {
    printf '[test] %s\n' "$*"
    # failures also on screen (fd 3); the rest only in setup/logs/test.log
    case "$*" in
        *FAILURE*|*ERROR*|*WARNING*|"failed tests:"|interrupted|KEEP_DB*|"odoo exited"*) printf '[test] %s\n' "$*" >&3 ;;
    esac
}
# both: copies its input to the log and to the screen (not tee /dev/fd/3: that would truncate a redirected screen)
both() {
    local line
    while IFS= read -r line; do
        printf '%s\n' "$line"
        printf '%s\n' "$line" >&3
    done
}
LOG_DIR="$ROOT/setup/logs"
mkdir -p "$LOG_DIR"
exec 3>&1 >"$LOG_DIR/test.log" 2>&1

# ------------------------------------------------------------------ Python with Odoo
if [[ -n "${PYTHON:-}" ]]; then
    PY="$PYTHON"
elif [[ -x "$ROOT/.venv/bin/python" ]] && "$ROOT/.venv/bin/python" -c 'import odoo' >/dev/null 2>&1; then
    PY="$ROOT/.venv/bin/python"
else
    PY="python3"
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/party_test.XXXXXX")"
LOG="$LOG_DIR/test-odoo.log"
DB="party_test_$$_$(date +%s)"
DB_CREATED=0
CLEANED=0
ODOO_PID=""
TEE_PID=""

cleanup() {
    [[ "$CLEANED" == 1 ]] && return 0
    CLEANED=1
    if [[ -n "$ODOO_PID" ]] && kill -0 "$ODOO_PID" 2>/dev/null; then
        say "stopping Odoo (pid $ODOO_PID)"
        kill -TERM "$ODOO_PID" 2>/dev/null
        for _ in $(seq 1 50); do
            kill -0 "$ODOO_PID" 2>/dev/null || break
            sleep 0.2
        done
        kill -KILL "$ODOO_PID" 2>/dev/null
        wait "$ODOO_PID" 2>/dev/null
    fi
    if [[ -n "$TEE_PID" ]]; then
        kill "$TEE_PID" 2>/dev/null
        wait "$TEE_PID" 2>/dev/null
    fi
    if [[ "${KEEP_DB:-0}" == 1 ]]; then
        say "KEEP_DB=1: kept database $DB and data dir $WORK (log: $LOG)"
        return 0
    fi
    if [[ "$DB_CREATED" == 1 ]]; then
        dropdb --if-exists --force "$DB" >/dev/null 2>&1 || dropdb --if-exists "$DB" >/dev/null 2>&1 \
            || say "WARNING: could not drop database $DB (drop it with: dropdb $DB)"
    fi
    rm -rf "$WORK"
}
# shellcheck disable=SC2317  # invoked by trap
on_signal() {
    say "interrupted"
    cleanup
    exit 130
}
trap cleanup EXIT
trap on_signal INT TERM HUP

ODOO_PASSED=0
ODOO_FAILED=0
PYTEST_PASSED=0
PYTEST_FAILED=0

if ! "$PY" -c 'import odoo' >/dev/null 2>&1; then
    say "ERROR: '$PY' cannot import odoo. Run 'bash setup/install.sh --no-start' first."
    ODOO_FAILED=1
else
    # -------------------------------------------------------------- addons and modules
    # Every top-level party_* directory with a manifest (some may not exist yet)
    MODULES=()
    for manifest in "$ROOT"/party_*/__manifest__.py; do
        [[ -f "$manifest" ]] && MODULES+=("$(basename "$(dirname "$manifest")")")
    done
    # The default addons path of the installed Odoo (base addons, hr, mail, portal, web, ...)
    DEFAULT_ADDONS="$("$PY" -c 'from odoo.tools import config; config.parse_config([]); print(config["addons_path"])' 2>/dev/null | tail -n 1)"

    if [[ ${#MODULES[@]} -eq 0 ]]; then
        say "ERROR: no party_* addon (directory with __manifest__.py) found in $ROOT"
        ODOO_FAILED=1
    elif [[ -z "$DEFAULT_ADDONS" ]]; then
        say "ERROR: could not compute Odoo's default addons path with $PY"
        ODOO_FAILED=1
    else
        MODULE_LIST="$(IFS=,; echo "${MODULES[*]}")"
        DEFAULT_TAGS="$(printf '/%s,' "${MODULES[@]}")"
        TAGS="${PARTY_TEST_TAGS:-${DEFAULT_TAGS%,}}"
        PORT="${PARTY_TEST_PORT:-$("$PY" - <<'EOF'
import socket
for port in range(8169, 8300):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            continue
        print(port)
        break
EOF
)}"
        say "python:      $PY"
        say "modules:     $MODULE_LIST"
        say "test tags:   $TAGS"
        say "database:    $DB (throwaway)"
        say "clock:       ${PARTY_TEST_NOW:-real time} (PARTY_TEST_NOW)"
        say "log:         $LOG"

        # Demo data is loaded because --without-demo is NOT passed (note: Odoo 18 reads
        # --without-demo=False as the string 'False', which *disables* demo data).
        # Odoo runs in the background (so that a TERM/INT reaching this script stops it and
        # the database is still dropped); its output is streamed and saved through tee.
        mkfifo "$WORK/odoo.fifo"
        tee "$LOG" <"$WORK/odoo.fifo" >/dev/null &
        TEE_PID=$!
        DB_CREATED=1
        # setup/odoo_on_clock.py is `python3 -m odoo` on the test clock PARTY_TEST_NOW when it is set
        "$PY" "$ROOT/setup/odoo_on_clock.py" \
            -d "$DB" \
            --addons-path="$ROOT,$DEFAULT_ADDONS" \
            --data-dir="$WORK/data" \
            -i "$MODULE_LIST" \
            --test-enable \
            --test-tags="$TAGS" \
            --stop-after-init \
            --log-level=test \
            --http-port="$PORT" \
            --max-cron-threads=0 \
            --workers=0 \
            </dev/null >"$WORK/odoo.fifo" 2>&1 &
        ODOO_PID=$!
        wait "$ODOO_PID"
        ODOO_RC=$?
        ODOO_PID=""
        wait "$TEE_PID"
        TEE_PID=""

        # ---------------------------------------------------------- parse the Odoo log
        # Result line (odoo/service/server.py, str(OdooTestResult) in odoo/tests/result.py):
        #   ... odoo.tests.result: 2 failed, 1 error(s) of 57 tests when loading database 'x'
        # Log line format: "2026-11-22 03:50:01,123 1234 ERROR dbname logger: message"
        RESULT_LINE="$(grep -E 'odoo\.tests\.result: [0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$LOG" | tail -n 1)"
        LOG_LINE_RE='^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:,]+ [0-9]+ '
        mapfile -t ERROR_LINES < <(grep -E "${LOG_LINE_RE}(ERROR|CRITICAL) " "$LOG")
        # Error lines that only report a failed test (already counted by the result line)
        mapfile -t OTHER_ERRORS < <(printf '%s\n' "${ERROR_LINES[@]}" | grep -v -E \
            -e ': (FAIL|ERROR): ' \
            -e 'odoo\.tests\.result: [0-9]+ failed' \
            -e 'odoo\.modules\.loading: Module [a-z0-9_]+: [0-9]+ failures, [0-9]+ errors of [0-9]+ tests' \
            | grep -v '^$')
        mapfile -t FAIL_LINES < <(grep -E ": (FAIL|ERROR): " "$LOG")

        tests_run=0
        if [[ -n "$RESULT_LINE" ]]; then
            read -r n_failed n_errors tests_run < <(sed -E \
                's/.*odoo\.tests\.result: ([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests.*/\1 \2 \3/' \
                <<<"$RESULT_LINE")
            ODOO_FAILED=$((n_failed + n_errors))
            ODOO_PASSED=$((tests_run - ODOO_FAILED))
            ((ODOO_PASSED < 0)) && ODOO_PASSED=0
        fi

        echo
        say "---------------------------------------------------------------- Odoo summary"
        install_ok=1
        if [[ "$ODOO_RC" -ne 0 ]]; then
            say "odoo exited with status $ODOO_RC"
        fi
        if [[ -z "$RESULT_LINE" ]]; then
            say "FAILURE: no test result line in the log (install or start-up failed?)"
            install_ok=0
        fi
        # Each module must really be installed
        if states="$(psql -X -d "$DB" -Atc "SELECT name || ' ' || state || ' ' || CASE WHEN demo THEN 'demo' ELSE 'nodemo' END FROM ir_module_module WHERE name IN ('$(printf '%s' "$MODULE_LIST" | sed "s/,/','/g")') ORDER BY name" 2>/dev/null)"; then
            for module in "${MODULES[@]}"; do
                line="$(grep -E "^$module " <<<"$states")"
                state="$(cut -d' ' -f2 <<<"$line")"
                demo="$(cut -d' ' -f3 <<<"$line")"
                if [[ "$state" != "installed" ]]; then
                    say "FAILURE: module $module is not installed (state: ${state:-unknown})"
                    install_ok=0
                elif [[ "$demo" != "demo" ]]; then
                    say "FAILURE: module $module was installed without demo data (tests need it)"
                    install_ok=0
                fi
            done
        else
            say "FAILURE: cannot read the module list of database $DB (install failed)"
            install_ok=0
        fi
        if [[ "$install_ok" == 0 ]]; then
            ODOO_FAILED=$((ODOO_FAILED + 1))
        elif [[ "$ODOO_RC" -ne 0 && "$ODOO_FAILED" -eq 0 ]]; then
            ODOO_FAILED=1
        fi
        if [[ "$tests_run" -eq 0 && -n "$RESULT_LINE" ]]; then
            say "FAILURE: Odoo ran 0 tests for tags $TAGS"
            ODOO_FAILED=$((ODOO_FAILED + 1))
        fi
        if [[ ${#FAIL_LINES[@]} -gt 0 ]]; then
            say "failed tests:"
            printf '    %s\n' "${FAIL_LINES[@]}" | both
        fi
        if [[ ${#OTHER_ERRORS[@]} -gt 0 ]]; then
            say "FAILURE: ${#OTHER_ERRORS[@]} ERROR/CRITICAL log line(s) (counted as 1 failure):"
            printf '    %.400s\n' "${OTHER_ERRORS[@]:0:20}" | both
            ODOO_FAILED=$((ODOO_FAILED + 1))
        fi
        if [[ -n "$RESULT_LINE" ]]; then
            say "Odoo tests: ${RESULT_LINE#*odoo.tests.result: }"
        fi
        say "Odoo: $ODOO_PASSED passed, $ODOO_FAILED failed"
    fi
fi

# ------------------------------------------------------------------ suite tests (pytest)
echo
say "---------------------------------------------------------------- suite tests (tests/)"
if ! "$PY" -c 'import pytest' >/dev/null 2>&1; then
    say "FAILURE: pytest is not installed for $PY (pip install -r requirements.txt)"
    PYTEST_FAILED=1
else
    JUNIT="$WORK/pytest.xml"
    "$PY" -m pytest tests -q -p no:cacheprovider --junitxml="$JUNIT" </dev/null >"$LOG_DIR/test-pytest.log" 2>&1
    PYTEST_RC=$?
    grep -E '^(FAILED|ERROR) ' "$LOG_DIR/test-pytest.log" | sed 's/^/[test] pytest: /' | both
    if [[ -f "$JUNIT" ]]; then
        read -r PYTEST_PASSED PYTEST_FAILED < <("$PY" - "$JUNIT" <<'EOF'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
total = sum(int(s.get("tests", 0)) for s in suites)
failed = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skipped = sum(int(s.get("skipped", 0)) for s in suites)
print(max(total - failed - skipped, 0), failed)
EOF
)
    fi
    # 0 = all passed, 1 = some failed, 5 = no tests collected; anything else is a crash
    if [[ "$PYTEST_RC" -ne 0 && "$PYTEST_RC" -ne 5 && "$PYTEST_FAILED" -eq 0 ]]; then
        say "FAILURE: pytest exited with status $PYTEST_RC"
        PYTEST_FAILED=1
    fi
    say "pytest: $PYTEST_PASSED passed, $PYTEST_FAILED failed"
fi

cleanup
PASSED=$((ODOO_PASSED + PYTEST_PASSED))
FAILED=$((ODOO_FAILED + PYTEST_FAILED))
STATUS=0
if [[ "$FAILED" -gt 0 ]]; then
    STATUS=1
elif [[ "$PASSED" -eq 0 ]]; then
    say "FAILURE: no test ran"
    STATUS=1
fi
[[ "$FAILED" -gt 0 ]] && say "details: setup/logs/test.log, test-odoo.log, test-pytest.log" >&3
echo "$PASSED passed, $FAILED failed" | both
exit "$STATUS"

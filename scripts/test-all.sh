#!/usr/bin/env bash
# The one test command (README, CI): install, lint, typecheck, unit tests, local stack, integration tests, compose check.
#
# Every phase runs even when an earlier one failed (except that integration tests need the
# stack), so one run shows everything that is wrong. The last line is the aggregate
# "N passed, N failed, N skipped" over unit + integration tests, where each failed non-test
# phase (npm ci, lint, typecheck, stack up, compose) also counts as one failure. Exit 0 only
# when nothing failed.
#
# Environment:
#   CI=true                    always run `npm ci` (otherwise skipped when node_modules is current)
#   SPAMTRAP_STACK_EXTERNAL=1  do not start/stop a stack: use KAFKA_BROKERS / ES_NODE / REDIS_URL as set
#                              (or their defaults) for a stack that is already running
#   SPAMTRAP_STACK_KEEP=1      leave the components this run started running afterwards
#   SPAMTRAP_TIMEOUT_{SHORT,UNIT,INTEGRATION}_S  per-phase bounds (300 / 900 / 2400 s by default:
#                              at most 6 x 5 + 15 + 40 = 85 minutes in all)
#   SPAMTRAP_* stack settings  ports, home, heaps (see `npx spamtrap stack settings`); the integration
#                              tests get KAFKA_BROKERS / ES_NODE / REDIS_URL for exactly those ports
# shellcheck disable=SC2317  # stop_started / on_exit run from traps
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

WORK=$(mktemp -d "${TMPDIR:-/tmp}/spamtrap-test-all.XXXXXX")
STARTED="$WORK/stack-started"
: >"$STARTED"
PASSED=0
FAILED=0
SKIPPED=0
SUMMARY=()
T_ALL=$(date +%s%N)

SPAMTRAP=(npx --no-install spamtrap)

# Per-phase bounds (seconds) so a hung test cannot hold CI: the sum stays under 90 minutes.
LIMIT_SHORT=${SPAMTRAP_TIMEOUT_SHORT_S:-300}       # each of npm ci, lint, typecheck, stack up, stack stop, compose
LIMIT_UNIT=${SPAMTRAP_TIMEOUT_UNIT_S:-900}
LIMIT_INTEGRATION=${SPAMTRAP_TIMEOUT_INTEGRATION_S:-2400}

# Stops exactly the components this run's `stack up` started (names recorded by --record).
stop_started() {
  if [ -s "$STARTED" ] && [ "${SPAMTRAP_STACK_KEEP:-}" != 1 ]; then
    # shellcheck disable=SC2046  # one component name per line
    "${SPAMTRAP[@]}" stack stop $(sort -u "$STARTED")
    : >"$STARTED"
  fi
}
on_exit() {
  if [ -n "$PHASE_PID" ]; then
    kill -TERM -- "-$PHASE_PID" 2>/dev/null || kill -TERM "$PHASE_PID" 2>/dev/null
    wait "$PHASE_PID" 2>/dev/null
  fi
  stop_started >&2
  rm -rf "$WORK"
}
trap on_exit EXIT
trap 'echo "test-all: interrupted" >&2; exit 130' INT TERM

secs() { awk -v ns="$1" 'BEGIN { printf "%.1fs", ns / 1e9 }'; }

# phase NAME LIMIT CMD...: runs CMD (killed with its whole process group after LIMIT seconds),
# its output shown live and kept in $WORK/NAME.log; records status and duration. The command
# runs in the background so that an INT/TERM reaches our trap at once (bash defers traps while
# a foreground command runs) and the trap can end the phase's process group.
PHASE_PID=
phase() {
  local name=$1 limit=$2
  shift 2
  echo
  echo "=== $name: $*"
  local t0 rc log="$WORK/$name.log"
  t0=$(date +%s%N)
  : >"$log"
  # timeout puts itself and CMD in a new process group (its pid is the group id).
  timeout -k 30 "$limit" "$@" >"$log" 2>&1 </dev/null &
  PHASE_PID=$!
  tail -n +1 -f --pid="$PHASE_PID" "$log" &
  local tail_pid=$!
  wait "$PHASE_PID"
  rc=$?
  PHASE_PID=
  wait "$tail_pid"
  [ "$rc" -eq 124 ] && echo "=== $name: timed out after ${limit}s" | tee -a "$log"
  local took
  took=$(secs $(($(date +%s%N) - t0)))
  if [ "$rc" -eq 0 ]; then SUMMARY+=("$(printf '%-12s ok      %8s' "$name" "$took")"); else SUMMARY+=("$(printf '%-12s FAILED  %8s  (exit %s)' "$name" "$took" "$rc")"); fi
  echo "=== $name: exit $rc in $took"
  return "$rc"
}

skip() {
  SUMMARY+=("$(printf '%-12s skipped           %s' "$1" "$2")")
  echo
  echo "=== $1: skipped ($2)"
}

# Adds the "N passed, N failed, N skipped" line of a test phase to the totals; a missing line is one failure.
count_tests() {
  local line
  line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$WORK/$1.log" | tail -n 1)
  if [ -z "$line" ]; then
    FAILED=$((FAILED + 1))
    return
  fi
  read -r p f s <<<"$(sed -E 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/' <<<"$line")"
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
  SKIPPED=$((SKIPPED + ${s:-0}))
}

# Runs a non-test phase; its failure counts as one.
check() { phase "$@" || FAILED=$((FAILED + 1)); }

finish() {
  echo
  echo "=== summary"
  printf '%s\n' "${SUMMARY[@]}"
  echo "total        $(secs $(($(date +%s%N) - T_ALL)))"
  echo
  echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
  [ "$FAILED" -eq 0 ]
  exit $?
}

# 1. dependencies: system packages (apt, when missing), then node_modules
if ! phase system-deps "$LIMIT_SHORT" scripts/install-system-deps.sh; then
  FAILED=$((FAILED + 1))
  finish
fi
if [ "${CI:-}" = true ] || [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  if ! phase npm-ci "$LIMIT_SHORT" npm ci --no-audit --no-fund; then
    FAILED=$((FAILED + 1))
    finish
  fi
else
  skip npm-ci 'node_modules is newer than package-lock.json; CI=true forces it'
fi

# 2. static checks and unit tests
check lint "$LIMIT_SHORT" npm run lint
check typecheck "$LIMIT_SHORT" npm run typecheck
phase unit "$LIMIT_UNIT" npm run test:unit
count_tests unit

# 3. the stack and integration tests
stack_ok=1
if [ "${SPAMTRAP_STACK_EXTERNAL:-}" = 1 ]; then
  skip stack-up 'SPAMTRAP_STACK_EXTERNAL=1: using the running stack'
else
  if phase stack-up "$LIMIT_SHORT" "${SPAMTRAP[@]}" stack up --record "$STARTED"; then
    eval "$("${SPAMTRAP[@]}" stack env)"
  else
    FAILED=$((FAILED + 1))
    stack_ok=0
  fi
fi
export KAFKA_BROKERS="${KAFKA_BROKERS:-127.0.0.1:9092}" ES_NODE="${ES_NODE:-http://127.0.0.1:9200}" REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6380}"
if [ "$stack_ok" = 1 ]; then
  echo "integration tests use KAFKA_BROKERS=$KAFKA_BROKERS ES_NODE=$ES_NODE REDIS_URL=$REDIS_URL"
  phase integration "$LIMIT_INTEGRATION" npm run test:integration
  count_tests integration
else
  skip integration 'the stack did not come up'
fi
if [ -s "$STARTED" ] && [ "${SPAMTRAP_STACK_KEEP:-}" != 1 ]; then
  # shellcheck disable=SC2046
  check stack-down "$LIMIT_SHORT" "${SPAMTRAP[@]}" stack stop $(sort -u "$STARTED") && : >"$STARTED"
elif [ -s "$STARTED" ]; then
  skip stack-down "SPAMTRAP_STACK_KEEP=1: left running: $(sort -u "$STARTED" | tr '\n' ' ')"
fi

# 4. compose file (no Docker engine needed: docker-compose 1.29 validates offline)
if command -v docker-compose >/dev/null 2>&1; then
  check compose "$LIMIT_SHORT" env DOCKER_HOST=unix:///nonexistent docker-compose -f docker-compose.yml config -q
elif [ "${CI:-}" = true ]; then
  echo "docker-compose not found: apt-get install -y docker-compose (.ci/run does)" | tee "$WORK/compose.log"
  SUMMARY+=("compose      FAILED            docker-compose missing")
  FAILED=$((FAILED + 1))
else
  skip compose 'docker-compose not installed (apt-get install -y docker-compose)'
fi

finish

#!/usr/bin/env bash
# Ties a Fluent Bit sidecar's life to the Spark container of an EMR on EKS pod.
#
# Usage: watch-main-container.sh <pid-of-fluent-bit>
#
# EMR's Spark container touches a marker file every 2 s while it runs and deletes it when it ends. Where depends on
# the pod: drivers (and executors of jobs with a monitoring configuration) use
# /var/log/fluentd/main-container-terminated; executors without one use SIDECAR_SIGNAL_FILE,
# /tmp/main-container-terminated, which a sidecar sees through EMR's temp-data-dir volume. WATCH_MARKER_FILES lists
# every place to look (':'-separated); the first marker that appears is the one followed. This script:
#   1. waits for a marker to appear; the Spark container starts only after the sidecar (its image is pulled after
#      the sidecar's, with pullPolicy Always), so the wait covers a cold pull (WATCH_INITIAL_WAIT_SECONDS, 600 s by
#      default); if none appears in time the Spark container never started, so it stops Fluent Bit (else the pod
#      would never finish) and exits 0 with a message;
#   2. while the marker's heartbeat continues, keeps Fluent Bit running;
#   3. when the marker disappears, or its heartbeat is older than WATCH_HEARTBEAT_TIMEOUT_SECONDS (the Spark
#      container died without cleaning up), sends Fluent Bit SIGTERM, which makes it flush, and SIGKILL only if it
#      is still running WATCH_FLUSH_GRACE_SECONDS later.
# It needs bash and coreutils (sleep, stat), both in the aws-for-fluent-bit image, and nothing else: the pid comes
# from the caller, not from `pidof`.
set -uo pipefail # not -e: a stat that fails because the marker just vanished is an expected event, handled below.

DEFAULT_MARKER_FILES=/var/log/fluentd/main-container-terminated:/var/run/emr-temp-data/main-container-terminated
IFS=: read -r -a MARKER_FILES <<<"${WATCH_MARKER_FILES:-$DEFAULT_MARKER_FILES}"
MARKER_FILE="" # the marker that appeared, once one has
INITIAL_WAIT_SECONDS="${WATCH_INITIAL_WAIT_SECONDS:-600}"
HEARTBEAT_TIMEOUT_SECONDS="${WATCH_HEARTBEAT_TIMEOUT_SECONDS:-15}"
POLL_INTERVAL_SECONDS="${WATCH_POLL_INTERVAL_SECONDS:-2}"
FLUSH_GRACE_SECONDS="${WATCH_FLUSH_GRACE_SECONDS:-20}"

log() {
    printf '%(%Y-%m-%dT%H:%M:%S%z)T watch-main-container: %s\n' -1 "$*" >&2
}

now() {
    printf '%(%s)T' -1
}

is_running() {
    kill -0 "$1" 2>/dev/null
}

# True once more than $2 seconds have passed since epoch second $1. The clock has whole seconds, so "more than"
# (not "at least") is what guarantees the full duration really elapsed.
elapsed_since() {
    (($(now) - $1 > $2))
}

# Prints the marker's modification time (epoch seconds); fails when the marker is gone.
heartbeat_of() {
    stat -c %Y -- "$1" 2>/dev/null
}

require_whole_seconds() {
    if [[ ! $2 =~ ^[1-9][0-9]*$ ]]; then
        log "$1 is '$2'; set it to a whole number of seconds, at least 1"
        exit 2
    fi
}

# SIGTERM, then up to the flush grace for Fluent Bit to drain its buffers, then SIGKILL.
terminate() {
    local pid=$1 reason=$2 signalled
    log "$reason; sending SIGTERM to process $pid and allowing ${FLUSH_GRACE_SECONDS}s to flush"
    if ! kill -TERM "$pid" 2>/dev/null; then
        log "process $pid had already exited"
        return 0
    fi
    signalled=$(now)
    while is_running "$pid"; do
        if elapsed_since "$signalled" "$FLUSH_GRACE_SECONDS"; then
            log "process $pid still running after ${FLUSH_GRACE_SECONDS}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null
            return 0
        fi
        sleep 0.2
    done
    log "process $pid exited"
}

# Sets MARKER_FILE to the first marker that exists; fails while none does.
find_marker() {
    local candidate
    for candidate in "${MARKER_FILES[@]}"; do
        if [[ -e $candidate ]]; then
            MARKER_FILE=$candidate
            return 0
        fi
    done
    return 1
}

wait_for_marker() {
    local pid=$1 started
    started=$(now)
    log "waiting up to ${INITIAL_WAIT_SECONDS}s for the Spark container's marker: ${MARKER_FILES[*]}"
    until find_marker; do
        if ! is_running "$pid"; then
            log "process $pid exited before the Spark container started; nothing to watch"
            exit 0
        fi
        if elapsed_since "$started" "$INITIAL_WAIT_SECONDS"; then
            terminate "$pid" "no marker appeared within ${INITIAL_WAIT_SECONDS}s: the Spark container never started"
            exit 0
        fi
        sleep "$POLL_INTERVAL_SECONDS"
    done
    log "$MARKER_FILE appeared; following the Spark container's heartbeat"
}

follow_heartbeat() {
    local pid=$1 beat
    while is_running "$pid"; do
        if ! beat=$(heartbeat_of "$MARKER_FILE"); then
            terminate "$pid" "$MARKER_FILE was removed: the Spark container ended"
            return 0
        fi
        if elapsed_since "$beat" "$HEARTBEAT_TIMEOUT_SECONDS"; then
            terminate "$pid" \
                "no heartbeat on $MARKER_FILE for more than ${HEARTBEAT_TIMEOUT_SECONDS}s: the Spark container is gone"
            return 0
        fi
        sleep "$POLL_INTERVAL_SECONDS"
    done
    log "process $pid exited on its own"
}

main() {
    if [[ $# -ne 1 || ! $1 =~ ^[1-9][0-9]*$ ]]; then
        log "usage: watch-main-container.sh <pid-of-fluent-bit>"
        exit 2
    fi
    if ((${#MARKER_FILES[@]} == 0)); then
        log "WATCH_MARKER_FILES is empty; list the marker files to watch, separated by ':'"
        exit 2
    fi
    require_whole_seconds WATCH_INITIAL_WAIT_SECONDS "$INITIAL_WAIT_SECONDS"
    require_whole_seconds WATCH_HEARTBEAT_TIMEOUT_SECONDS "$HEARTBEAT_TIMEOUT_SECONDS"
    require_whole_seconds WATCH_FLUSH_GRACE_SECONDS "$FLUSH_GRACE_SECONDS"
    if [[ ! $POLL_INTERVAL_SECONDS =~ ^[0-9]+(\.[0-9]+)?$ || $POLL_INTERVAL_SECONDS =~ ^0+(\.0+)?$ ]]; then
        log "WATCH_POLL_INTERVAL_SECONDS is '$POLL_INTERVAL_SECONDS'; set it to a positive number of seconds"
        exit 2
    fi
    wait_for_marker "$1"
    follow_heartbeat "$1"
}

main "$@"

#!/usr/bin/env bash
# Entry point of the Fluent Bit sidecar: runs Fluent Bit and, beside it, the watcher that stops it once the Spark
# container has ended (watch-main-container.sh).
#
# The container always exits 0. EMR pods run with restartPolicy Never, where any container ending non-zero makes
# the pod Failed although Spark succeeded; losing logs must never fail a job. Fluent Bit's own status (a crash, a
# bad configuration, 137 when it was killed after its flush grace) is logged instead, for the log collector.
#
# Replaces wrapper.sh + `subprocess.sh & wrapper.sh` of aws-samples/aws-emr-eks-log-forwarding: Fluent Bit is
# this script's child, so the watcher gets its pid directly (no `pidof`), and a SIGTERM from the kubelet (pod
# deletion) is passed on to Fluent Bit so it flushes instead of being killed with the shell.
set -uo pipefail # not -e: Fluent Bit's failure is reported, never passed on.

FLUENT_BIT_BIN="${FLUENT_BIT_BIN:-/fluent-bit/bin/fluent-bit}"
FLUENT_BIT_CONFIG="${FLUENT_BIT_CONFIG:-/fluent-bit/etc/fluent-bit.conf}"
SCRIPT_DIR="${BASH_SOURCE[0]%/*}"

log() {
    printf '%(%Y-%m-%dT%H:%M:%S%z)T fluent-bit-sidecar: %s\n' -1 "$*" >&2
}

# What an exit status of Fluent Bit means for the logs.
describe_status() {
    case $1 in
        0) echo "it stopped cleanly" ;;
        143) echo "it was stopped with SIGTERM after flushing what it could" ;;
        137) echo "it was killed (SIGKILL) before it finished flushing: logs still buffered were lost" ;;
        *) echo "it failed; its own messages above say why, and this pod's logs may be incomplete" ;;
    esac
}

if [[ -r /AWS_FOR_FLUENT_BIT_VERSION ]]; then
    log "AWS for Fluent Bit $(</AWS_FOR_FLUENT_BIT_VERSION)"
fi

"$FLUENT_BIT_BIN" -c "$FLUENT_BIT_CONFIG" &
fluent_bit=$!
trap 'kill -TERM "$fluent_bit" 2>/dev/null || true' TERM INT

bash "$SCRIPT_DIR/watch-main-container.sh" "$fluent_bit" &
watcher=$!

status=0
wait "$fluent_bit" || status=$?
# A trapped signal interrupts `wait` (status > 128) while Fluent Bit is still flushing: wait until it has exited.
while kill -0 "$fluent_bit" 2>/dev/null; do
    status=0
    wait "$fluent_bit" || status=$?
done
kill -TERM "$watcher" 2>/dev/null || true
wait "$watcher" 2>/dev/null || true
log "Fluent Bit exited with status $status: $(describe_status "$status"); the sidecar exits 0 so the job's result is Spark's alone"
exit 0

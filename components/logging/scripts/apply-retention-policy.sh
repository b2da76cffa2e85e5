#!/bin/sh
# Applies the log retention ISM policy to the log domain, from inside the cluster (the domain is VPC-only).
#
# Every request goes through OPENSEARCH_URL, the SigV4 proxy beside this container, which signs it with the pod's
# IRSA role. The script is safe to run any number of times:
#   1. GET the policy: absent (404) -> create it; present -> update it with the _seq_no and _primary_term just read
#      (ISM refuses an update without them, and refuses a stale pair: a concurrent change fails this run, never
#      silently loses);
#   2. per index pattern, attach the policy to the indices that have none yet (ISM's `add` leaves managed indices
#      alone; its ism_template attaches only indices created after the policy), then move the indices it already
#      manages to the new version (`change_policy`: an index stays on the policy version it was attached with).
# Any HTTP status other than the expected ones fails the run (non-zero exit), which fails the Job and `pulumi up`.
#
# Environment: OPENSEARCH_URL (http://127.0.0.1:<port>), ISM_POLICY_ID, ISM_POLICY (the policy document, JSON),
# ISM_INDEX_PATTERNS (space-separated), and optionally AUTH_WAIT_SECONDS (how long 401/403 count as not-yet-propagated
# IAM changes, 120 by default). Needs only a POSIX sh, sed and curl (the curl image).
set -eu

: "${OPENSEARCH_URL:?}" "${ISM_POLICY_ID:?}" "${ISM_POLICY:?}" "${ISM_INDEX_PATTERNS:?}"
AUTH_WAIT_SECONDS="${AUTH_WAIT_SECONDS:-120}"
BODY="$(mktemp)"
trap 'rm -f "$BODY"' EXIT

log() {
    echo "apply-retention-policy: $*" >&2
}

fail() {
    log "$*"
    exit 1
}

# request METHOD PATH [JSON]: prints the HTTP status; the response body is left in $BODY. Connection failures (the
# proxy still starting) and 5xx are retried by curl.
request() {
    if [ $# -ge 3 ]; then
        set -- "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"
    fi
    method="$1"
    path="$2"
    shift 2
    curl --silent --show-error --output "$BODY" --write-out '%{http_code}' \
        --retry 10 --retry-connrefused --retry-delay 3 --max-time 60 \
        -X "$method" "$OPENSEARCH_URL$path" "$@"
}

# A JSON number field of the response: OpenSearch answers on one line.
number_field() {
    sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\([0-9][0-9]*\).*/\1/p" "$BODY" | head -n 1
}

policy_path="/_plugins/_ism/policies/$ISM_POLICY_ID"

# A role, or its place in the domain's access policy, can take a little while to be honoured after it changed.
waited=0
while :; do
    status="$(request GET "$policy_path")"
    case "$status" in
    401 | 403)
        [ "$waited" -lt "$AUTH_WAIT_SECONDS" ] || fail "GET $policy_path: HTTP $status after ${waited}s: $(cat "$BODY")"
        log "GET $policy_path: HTTP $status; the role's access may not have propagated yet, retrying"
        sleep 5
        waited=$((waited + 5))
        ;;
    *) break ;;
    esac
done

case "$status" in
404)
    log "policy $ISM_POLICY_ID does not exist; creating it"
    query=""
    ;;
200)
    seq_no="$(number_field _seq_no)"
    primary_term="$(number_field _primary_term)"
    [ -n "$seq_no" ] && [ -n "$primary_term" ] || fail "GET $policy_path: no _seq_no/_primary_term in $(cat "$BODY")"
    log "policy $ISM_POLICY_ID exists (seq_no $seq_no, primary_term $primary_term); updating it"
    query="?if_seq_no=$seq_no&if_primary_term=$primary_term"
    ;;
*) fail "GET $policy_path: HTTP $status: $(cat "$BODY")" ;;
esac

status="$(request PUT "$policy_path$query" "$ISM_POLICY")"
case "$status" in
200 | 201) log "policy $ISM_POLICY_ID written (HTTP $status)" ;;
*) fail "PUT $policy_path$query: HTTP $status: $(cat "$BODY")" ;;
esac

for pattern in $ISM_INDEX_PATTERNS; do
    for api in add change_policy; do
        status="$(request POST "/_plugins/_ism/$api/$pattern" "{\"policy_id\":\"$ISM_POLICY_ID\"}")"
        # 200 with per-index failures is normal: `add` fails on indices already managed, `change_policy` on
        # indices not managed yet. Only the request itself failing is an error.
        [ "$status" = 200 ] || fail "POST /_plugins/_ism/$api/$pattern: HTTP $status: $(cat "$BODY")"
        log "$api $pattern: $(number_field updated_indices) index(es) updated"
    done
done
log "done"
